"""公开选拔 and 竞争上岗 (seed 004: 「笔试、面试、考察」): the 笔试 and 面试 scores, their weights, the
ratio that goes on to the next stage, and the ranking with ties declared. Pure.

- Scores are decimals from 0 to 100, two places at most (as a 评分表 writes them).
- The combined score is 笔试 × w + 面试 × (100 − w) / 100, rounded half up to two places (the kernel's
  `q2`), w the 笔试 weight in percent (default 40).
- Ranking is competition ranking (1, 2, 2, 4): equal scores share a place, listed in the order of
  the 姓氏笔画 (`core.strokes`).
- The number who go on is `places × ratio` (e.g. 1 post × 3 into the 面试, × 2 into the 考察); when
  the last place going on is shared, everyone sharing it goes on, and the tie is declared
  (「第 3 名并列 2 人，均进入下一环节」) — never a silent cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ganbu.core.numbers import q2
from ganbu.core.strokes import name_sort_key

DEFAULT_WRITTEN_WEIGHT = 40  # 笔试 40 %, 面试 60 %
DEFAULT_INTERVIEW_RATIO = 3  # 1:3 into the 面试
DEFAULT_INSPECT_RATIO = 2  # 1:2 into the 考察 (差额考察)


@dataclass(frozen=True)
class Ranked:
    name: str
    score: Decimal
    rank: int
    goes_on: bool


def score(text: str, label: str) -> tuple[Decimal | None, str]:
    """A score typed on the form: (value, "") or (None, the Chinese reason)."""
    raw = (text or "").strip()
    if not raw:
        return None, f"请填写{label}"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"{label}应为数字，不是「{raw}」"
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        return None, f"{label}应在 0 到 100 之间，至多两位小数"
    return value, ""


def combined(written: Decimal, interview: Decimal, written_weight: int) -> Decimal:
    return q2((written * written_weight + interview * (100 - written_weight)) / 100)


def rank(scores: dict[str, Decimal], *, places: int, ratio: int) -> tuple[list[Ranked], str]:
    """The ranking, highest first, who goes on, and the sentence declaring a tie at the cut ("")."""
    order = sorted(scores.items(), key=lambda kv: (-kv[1], name_sort_key(kv[0])))
    cut = places * ratio
    out: list[Ranked] = []
    for name, value in order:
        place = next(j for j, (_, v) in enumerate(order) if v == value) + 1
        out.append(Ranked(name, value, place, place <= cut))
    last = [r for r in out if r.goes_on]
    tie = ""
    if last:
        at_cut = [r for r in out if r.rank == last[-1].rank]
        if len(at_cut) > 1 and len(last) > cut:
            tie = f"第 {at_cut[0].rank} 名并列 {len(at_cut)} 人（{'、'.join(r.name for r in at_cut)}），均进入下一环节"
    return out, tie
