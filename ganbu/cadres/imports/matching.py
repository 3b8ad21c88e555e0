"""Which stored cadre a row without a known 身份证号 is: the one with the same 姓名 (spaces ignored),
出生年月 (year and month) and 单位 (the cadre's current unit), in the import's scope.

- A row without 身份证号 (a 干部名册) matches any such cadre; a row whose 身份证号 is not in the
  registry matches only such a cadre without one (it was imported from a roster: the number is
  filled in); a cadre with another 身份证号 is another person.
- One match: the row updates it, and the result says so (「按姓名、出生年月、单位匹配到已有干部：…」).
- Two or more: a row error naming them (the file must say which, with 身份证号).
- None in the row's unit, but the same 姓名 and 出生年月 elsewhere in scope: a new cadre, and the
  result names the others (a transfer is recorded in the registry, not guessed from a roster).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from ganbu.cadres.imports.columns import CADRE_LOAD_FIELDS
from ganbu.cadres.imports.rows import Existing, Row, name_key, name_variants
from ganbu.cadres.models import Cadre

if TYPE_CHECKING:
    from ganbu.cadres.imports.validation import RowChecker

Key = tuple[str, int, int]  # 姓名 without spaces, birth year, birth month


def _key(name: str, born: date) -> Key:
    return (name_key(name), born.year, born.month)


def describe(checker: RowChecker, cadre: dict[str, Any]) -> str:
    """张三（甲镇，1975年8月生，甲镇党委书记）: how a message names a stored cadre."""
    born: date = cadre["birth_date"]
    parts = [checker.unit_name(cadre["unit_id"]), f"{born.year}年{born.month}月生"]
    if cadre.get("current_title"):
        parts.append(cadre["current_title"])
    return f"{cadre['name']}（{'，'.join(parts)}）"


def match_by_name(checker: RowChecker, rows: list[Row]) -> dict[int, Existing]:
    """Attach the stored cadre matched by 姓名 + 出生年月 + 单位 to each row that can be matched
    (a parsed name, birth date and unit, no error in them); returns the matched cadres by pk."""
    wanted = [
        r
        for r in rows
        if r.unit is not None
        and r.values.get("birth_date")
        and (r.values.get("name") or "").strip()
        and not ({"姓名", "出生日期", "身份证号"} & r.errors.keys())
    ]
    if not wanted:
        return {}
    with_ids = all(r.id_number for r in wanted)
    if with_ids and not checker.scope_has_cadres_without_id():
        return {}  # (a template file, and no roster cadre to complete: the usual bulk import)
    names: set[str] = set()
    for row in wanted:
        names |= name_variants(row.values["name"])
    candidates: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    stored = Cadre.objects.filter(name__in=names, unit_id__in=checker.scope_unit_pks())
    if with_ids:  # (a template file: only roster cadres can match)
        stored = stored.filter(Q(id_number__isnull=True) | Q(id_number=""))
    for cadre in stored.order_by("id").values(*CADRE_LOAD_FIELDS):
        candidates[_key(cadre["name"], cadre["birth_date"])].append(cadre)
    matched: dict[int, Existing] = {}
    for row in wanted:
        assert row.unit is not None
        found = candidates.get(_key(row.values["name"], row.values["birth_date"]), [])
        if row.id_number:  # a known number was not found: only a cadre without one may be this row
            found = [c for c in found if not c["id_number"]]
        here = [c for c in found if c["unit_id"] == row.unit.pk]
        if len(here) > 1:
            listed = "、".join(describe(checker, c) for c in here)
            row.err(
                "姓名",
                f"按姓名、出生年月、单位找到 {len(here)} 名已有干部：{listed}，无法确定是哪一位"
                "（请增加身份证号列并填写）",
            )
        elif here:
            cadre = here[0]
            existing = matched.get(cadre["id"]) or Existing(cadre)
            matched[cadre["id"]] = existing
            row.existing = existing
            row.matched_by_name = True
            filled = "，补录其身份证号" if row.id_number else ""
            row.notes.append(f"按姓名、出生年月、单位匹配到已有干部：{describe(checker, cadre)}{filled}")
        elif found:
            listed = "、".join(describe(checker, c) for c in found)
            row.notes.append(
                f"单位不同，按新增干部处理；另有同名、同出生年月的干部：{listed}"
                "（如是同一人调动，请删除新增的记录，在原档案中增加任职）"
            )
    return matched
