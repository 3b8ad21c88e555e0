"""The documents of 综合考核: the ranking table (Excel), a unit's 目标责任书 (Word) and the 通报 of
the results (Word), in the house style of `core.office`. The 通报's text is generated in the
seeds' manner (「XX镇以 912.35 分位列山区乡镇第一……」) from the current results; numbers are the
engine's, never recomputed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ganbu.assessment.models import Cycle, CycleStatus, Participant, TargetStatus
from ganbu.assessment.services import current, leaves
from ganbu.core.numbers import written
from ganbu.core.office import body_paragraph, docx_bytes, heading, new_document, word_table
from ganbu.core.spreadsheet import table_xlsx

CHINESE_ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 第一 … 10 → 第十, 11 → 第11 (the 通报 names the first places in words)."""
    return f"第{CHINESE_ORDINALS[n - 1]}" if 1 <= n <= 10 else f"第{n}"


def _runs(cycle: Cycle) -> list[Any]:
    return [run for track in cycle.tracks.select_related("scheme") if (run := current(track)) is not None]


def results_xlsx(cycle: Cycle) -> bytes:
    """The ranking of every category with each leaf's points (header: code and name), the bonus,
    the total, the grade and the veto; numbers stored as numbers."""
    rows: list[list[Any]] = []
    codes: list[str] = []
    names: dict[str, str] = {}
    for run in _runs(cycle):
        for leaf in leaves(run.track):
            if leaf.code not in names:
                names[leaf.code] = leaf.name
                codes.append(leaf.code)
        for unit in run.output["units"]:
            points = [
                Decimal(unit["indicators"][c]["points"]) if c in unit["indicators"] else None for c in codes
            ]
            rows.append(
                [
                    run.track.category,
                    unit["rank"],
                    unit["name"],
                    *points,
                    Decimal(unit["bonus"]),
                    Decimal(unit["total"]),
                    unit["grade"] or "",
                    "；".join(unit["veto_reasons"]) if unit["vetoed"] else "",
                ]
            )
    return table_xlsx(
        sheet="考核结果",
        title=f"{cycle.name}结果（{CycleStatus(cycle.status).label}）",
        headers=[
            "类别",
            "名次",
            "单位",
            *[f"{c} {names[c]}" for c in codes],
            "加分",
            "总分",
            "等次",
            "一票否决",
        ],
        rows=rows,
    )


def targets_docx(participant: Participant) -> bytes:
    """The 目标责任书 of a unit: each target as declared and as set by the county, with the
    indicator's 牵头单位; signed or not, the state is printed."""
    cycle = participant.cycle
    by_code = {leaf.code: leaf for leaf in leaves(participant.track)}
    document = new_document(title=f"{participant.unit.name}{cycle.year}年度目标责任书")
    heading(document, f"{participant.unit.name}{cycle.year}年度目标责任书")
    body_paragraph(
        document,
        f"根据{cycle.name}安排，经单位申报、县委考核办审核，{participant.unit.name}"
        f"{cycle.year}年度目标任务如下：",
    )
    rows = []
    for i, t in enumerate(participant.targets.all(), start=1):
        leaf = by_code.get(t.leaf)
        rows.append(
            [
                i,
                f"{t.leaf} {leaf.name if leaf else ''}",
                written(t.declared),
                written(t.target),
                t.adjust_reason or "",
                leaf.lead if leaf and leaf.lead else "县委考核办",
            ]
        )
    word_table(
        document,
        ["序号", "目标任务", "申报目标值", "审定目标值", "调整理由", "牵头考核单位"],
        rows,
        widths_cm=(1.2, 4.6, 2.2, 2.2, 3.6, 2.6),
    )
    if participant.target_status == TargetStatus.SIGNED and participant.signed_at:
        state = f"本责任书已于 {participant.signed_at:%Y年%m月%d日} 签订，年终按核定完成值考核。"
    else:
        state = f"本责任书{participant.get_target_status_display()}，尚未签订。"
    body_paragraph(document, state)
    body_paragraph(document, "县委考核办（盖章）：　　　　　　　　　责任单位（盖章）：", indent=False)
    return docx_bytes(document)


def bulletin_docx(cycle: Cycle) -> bytes:
    """The 通报: per category the first places in sentences, then the whole ranking as a table."""
    document = new_document(title=f"关于{cycle.name}结果的通报")
    heading(document, f"关于{cycle.name}结果的通报")
    runs = _runs(cycle)
    total_units = sum(len(r.output["units"]) for r in runs)
    body_paragraph(
        document,
        f"按照{cycle.name}方案，县委考核办对 {total_units} 个单位分 {len(runs)} 个类别进行了考核，"
        f"坚持定量与定性相结合、分类考核、综合排队，现将结果通报如下。",
    )
    for run in runs:
        units = run.output["units"]
        heading(document, f"{run.track.category}（{len(units)} 个）", level=1)
        body_paragraph(document, category_sentence(run.track.category, units))
        word_table(
            document,
            ["名次", "单位", "总分", "其中加分", "等次"],
            [[u["rank"], u["name"], u["total"], u["bonus"], u["grade"] or "—"] for u in units],
            widths_cm=(1.5, 5, 2.5, 2.5, 2.5),
        )
    if cycle.status != CycleStatus.SEALED:
        body_paragraph(document, "（本稿依据尚未封存的计分结果生成，仅供审核。）")
    return docx_bytes(document)


def category_sentence(category: str, units: list[dict[str, Any]]) -> str:
    """「青山乡以 955.93 分位列山区乡镇第一，云岭乡、石门乡分列第二、第三。」 and the vetoed."""
    ranked = [u for u in units if not u["vetoed"]]
    parts: list[str] = []
    if ranked:
        first = ranked[0]
        parts.append(f"{first['name']}以 {first['total']} 分位列{category}{ordinal(first['rank'])}")
        rest = ranked[1:3]
        if rest:
            parts.append(
                f"{'、'.join(u['name'] for u in rest)}分列{'、'.join(ordinal(u['rank']) for u in rest)}"
            )
    sentence = "，".join(parts) + "。" if parts else ""
    vetoed = [u for u in units if u["vetoed"]]
    if vetoed:
        sentence += "".join(
            f"{u['name']}因{'、'.join(u['veto_reasons'])}被一票否决，排在本类别最后。" for u in vetoed
        )
    top = [u["name"] for u in units if u["grade"] and u["grade"] == units[0]["grade"]] if units else []
    if top and units[0]["grade"]:
        sentence += f"评定为「{units[0]['grade']}」等次的有：{'、'.join(top)}。"
    return sentence
