"""Excel import of the verified actual values of one 完成率 indicator (单项考核), by the leading
group that scores it, and its template (the category's units with their targets, prefilled).

All or nothing per file, like every import (the kernel's spreadsheet kit): every row is checked,
every problem collected as (行号, 列名, 原因); a file with any error writes nothing. Units are found
by name or unit code within the category; a unit listed twice is an error naming both rows; a
blank 核定完成值 leaves that unit's value as it was. The values are then written by
`services.enter_actuals`, with the same rules as the page (signed targets, numbers ≥ 0, the lead's
account or the office), and one import event records the file's SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.assessment import events
from ganbu.assessment.models import Target, Track
from ganbu.assessment.services import enter_actuals, leaf_of
from ganbu.audit.services import record_event
from ganbu.core.numbers import written
from ganbu.core.spreadsheet import (
    ImportFileError,
    ImportResultBase,
    RowError,
    Source,
    TemplateColumn,
    cell_text,
    check_size,
    data_rows,
    digest,
    find_layout,
    open_workbook,
    template_xlsx,
)
from ganbu.org.models import User

__all__ = ["ActualsImportResult", "import_actuals", "template"]

SHEET = "核定完成值"
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADERS = {
    "单位": "unit",
    "单位名称": "unit",
    "单位代码": "unit",
    "核定完成值": "actual",
    "完成值": "actual",
    "说明": "note",
}


@dataclass
class ActualsImportResult(ImportResultBase):
    unit_word = "个单位"

    def counts_text(self) -> str:
        return f"更新 {self.updated} 个单位（其中 {self.unchanged} 个无变化）"


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = cell_text(raw).replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def import_actuals(
    source: Source, *, track: Track, leaf_code: str, actor: User, filename: str = ""
) -> ActualsImportResult:
    """Read and write one indicator's actual values; never raises for bad content (the problems are
    in `result.errors`); raises ValidationError when the actor may not enter this indicator."""
    leaf = leaf_of(track, leaf_code)
    result = ActualsImportResult(filename=filename, sha256=digest(source), dry_run=False)
    participants = {p.unit.name: p for p in track.participants.select_related("unit")}
    participants |= {p.unit.code: p for p in participants.values()}
    try:
        check_size(source, MAX_FILE_BYTES)
        reader = open_workbook(source)
        try:
            layout = find_layout(
                reader, headers=HEADERS, required=["unit", "actual"], prefer_sheet=SHEET, min_matches=2
            )
            rows = list(data_rows(reader, layout))
        finally:
            reader.close()
    except ImportFileError as exc:
        result.fail(list(exc.errors))
        return result
    if len(rows) > MAX_ROWS:
        result.fail([RowError(None, "文件", f"数据超过 {MAX_ROWS} 行")])
        return result
    errors: list[RowError] = []
    values: dict[int, Any] = {}
    first: dict[int, int] = {}
    for line, cells in rows:
        name = cell_text(cells.get("unit"))
        participant = participants.get(name)
        if participant is None:
            errors.append(RowError(line, "单位", f"「{name}」不是「{track.category}」的参加考核单位"))
            continue
        if participant.pk in first:
            errors.append(RowError(line, "单位", f"「{name}」与第{first[participant.pk]}行重复"))
            continue
        first[participant.pk] = line
        raw = cells.get("actual")
        if raw is None or cell_text(raw) == "":
            continue
        number = _number(raw)
        if number is None or number < 0:
            errors.append(RowError(line, "核定完成值", f"应为不小于 0 的数字，不是「{cell_text(raw)}」"))
            continue
        values[participant.pk] = number
    result.total_rows = len(rows)
    if errors:
        result.fail(errors)
        return result
    before = dict(
        Target.objects.filter(participant__track=track, leaf=leaf_code).values_list(
            "participant_id", "actual"
        )
    )
    try:
        changed = enter_actuals(track=track, leaf_code=leaf_code, actor=actor, values=values)
    except ValidationError as exc:
        result.fail([RowError(None, "核定完成值", m) for m in exc.messages])
        return result
    result.updated = len(values)
    result.unchanged = len(values) - changed
    record_event(
        actor=actor,
        action=events.ACTUAL_IMPORT,
        object_label=f"{track.cycle.name} {track.category} {leaf.label}",
        payload={
            "file": filename,
            "sha256": result.sha256,
            "rows": len(rows),
            "changed": changed,
            "before": {str(k): str(v) for k, v in before.items() if k in values},
        },
    )
    return result


def template(track: Track, leaf_code: str) -> bytes:
    """The import template of one indicator: every unit of the category with its target."""
    leaf = leaf_of(track, leaf_code)
    targets = {t.participant_id: t for t in Target.objects.filter(participant__track=track, leaf=leaf_code)}
    rows = []
    for p in track.participants.select_related("unit").order_by("unit__path"):
        target = targets.get(p.pk)
        shown = "" if target is None else written(target.target)
        rows.append([p.unit.name, shown, "", ""])
    return template_xlsx(
        sheet=SHEET,
        title=f"{track.cycle.name} {track.category} {leaf.code} {leaf.name} 核定完成值",
        columns=[
            TemplateColumn("单位", width=20, required=True, text=True, note="参加考核的单位名称或单位代码"),
            TemplateColumn("目标值", width=14, note="目标责任书审定的目标值（仅供参考，导入时不读取）"),
            TemplateColumn(
                "核定完成值", width=14, required=True, note="经核定的全年完成值；留空则不改变已填的值"
            ),
            TemplateColumn("说明", width=30, note="核定依据等（可不填）"),
        ],
        rules=[
            "一个文件只导入一项指标的核定完成值。",
            "有任何一处错误则整个文件不导入，请按错误清单修改后重新导入。",
            "目标责任书签订后才能填报完成值。",
        ],
        example_rows=rows,
    )
