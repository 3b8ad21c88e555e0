"""Excel import of a village's household register (农户花名册 .xlsx) and its template.

All-or-nothing per file, like every import (the kernel's spreadsheet kit, `core/spreadsheet.py`):

1. every row is read and checked with the same rules as the household services
   (`services.households.clean_household`); rows naming the same 户主 + 村民小组 twice are errors
   naming both rows; every error is collected as (行号, 列名, 原因);
2. a file with any error writes nothing; otherwise, in one transaction, rows matching an existing
   household of the village (same 户主 + 村民小组) update it (a household marked 迁出/注销 is put back
   on the register, since the file lists it), the others are created, and one audit event
   ("villagework.household.import") records the counts.

Columns are found by their header text (order free, unknown columns ignored); 户主, 村民小组 and 人口
are required columns, the others may be left out (then new households get the default and existing
ones keep the stored value). Limits: MAX_FILE_BYTES and MAX_ROWS (a village has a few thousand
households at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ganbu.audit.services import record_event
from ganbu.core.pinyin import name_keys
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
    error_report_xlsx,
    file_error,
    find_layout,
    open_workbook,
)
from ganbu.core.spreadsheet import template_xlsx as spreadsheet_template
from ganbu.org.models import Unit, User
from ganbu.villagework import events
from ganbu.villagework.models import Household, HouseholdCategory
from ganbu.villagework.rules import group_order
from ganbu.villagework.services.households import (
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_LABELS,
    clean_household,
    lock_village,
    require_village_manager,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "HouseholdImportResult",
    "ImportFileError",
    "RowError",
    "error_report_xlsx",
    "import_households",
    "template_xlsx",
]

HEADERS: tuple[str, ...] = tuple(HOUSEHOLD_LABELS.values())  # 户主 村民小组 人口 联系电话 类别 住址 备注
FIELD_BY_HEADER = {label: name for name, label in HOUSEHOLD_LABELS.items()}
REQUIRED_HEADERS: tuple[str, ...] = ("户主", "村民小组", "人口")
SHEET = "农户花名册"
HELP_SHEET = "填写说明"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 1000


@dataclass
class HouseholdImportResult(ImportResultBase):
    village: Unit | None = None
    restored: int = 0  # of `updated`, households put back on the register

    unit_word = "户"

    def counts_text(self) -> str:
        restored = f"（其中恢复在册 {self.restored} 户）" if self.restored else ""
        return f"新增 {self.created} 户，更新 {self.updated} 户{restored}"


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


def _read_rows(source: Source) -> tuple[list[_Row], set[str]]:
    """The data rows (blank rows skipped) and the fields present as columns."""
    check_size(source, MAX_FILE_BYTES)
    reader = open_workbook(source)
    try:
        layout = find_layout(
            reader,
            headers=FIELD_BY_HEADER,
            required=[FIELD_BY_HEADER[h] for h in REQUIRED_HEADERS],
            skip_sheets=(HELP_SHEET,),
            prefer_sheet=SHEET,
            min_matches=1,
        )
        rows: list[_Row] = []
        for line, values in data_rows(reader, layout):
            rows.append(_Row(line, values))
            if len(rows) > MAX_ROWS:
                raise file_error(f"数据超过 {MAX_ROWS} 行，一个村的花名册请不要超过 {MAX_ROWS} 户")
    finally:
        reader.close()
    return rows, layout.keys


def _cell_value(name: str, value: Any) -> Any:
    """Cells as the services expect them: text, except 人口 which may be a number."""
    if name == "members" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell_text(value)


def _validate(rows: list[_Row], result: HouseholdImportResult) -> list[tuple[_Row, dict[str, Any]]]:
    valid: list[tuple[_Row, dict[str, Any]]] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        cleaned, errors = clean_household({k: _cell_value(k, v) for k, v in row.values.items()}, partial=True)
        for name in HOUSEHOLD_FIELDS:  # errors in column order
            if name in errors:
                _add_error(result, RowError(row.line, HOUSEHOLD_LABELS[name], errors[name]))
        head = cleaned.get("head_name", "")
        if head and "head_name" not in errors and "group_name" not in errors:
            key = (head, cleaned.get("group_name", ""))
            if key in first_line:
                group = f"、村民小组「{key[1]}」" if key[1] else ""
                _add_error(
                    result,
                    RowError(
                        row.line,
                        "户主",
                        f"第{row.line}行与第{first_line[key]}行重复（户主「{head}」{group}），同一户只能出现一次",
                    ),
                )
                continue
            first_line[key] = row.line
        if not errors:
            valid.append((row, cleaned))
    return valid


def _add_error(result: HouseholdImportResult, error: RowError) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_ERRORS:
        result.errors.append(error)


def _plan(
    village: Unit, valid: list[tuple[_Row, dict[str, Any]]], columns: set[str], result: HouseholdImportResult
) -> tuple[list[Household], list[Household], set[str]]:
    """(new households, changed households, changed fields) against the stored register."""
    existing = {(h.head_name, h.group_name): h for h in Household.objects.filter(village=village)}
    created: list[Household] = []
    changed: list[Household] = []
    fields: set[str] = set()
    for _row, cleaned in valid:
        match = existing.get((cleaned["head_name"], cleaned["group_name"]))
        if match is None:
            pinyin, initials, _ = name_keys(cleaned["head_name"])
            values = {"category": HouseholdCategory.GENERAL.value, **cleaned}
            created.append(
                Household(
                    village=village,
                    head_pinyin=pinyin[:200],
                    head_initials=initials[:50],
                    group_order=group_order(cleaned["group_name"]),
                    **values,
                )
            )
            continue
        result.updated += 1
        diff = [f for f in columns if f in cleaned and getattr(match, f) != cleaned[f]]
        if not match.is_active:
            match.is_active = True
            result.restored += 1
            diff.append("is_active")
        if not diff:
            result.unchanged += 1
            continue
        for name in diff:
            if name != "is_active":
                setattr(match, name, cleaned[name])
        fields.update(diff)
        changed.append(match)
    result.created = len(created)
    return created, changed, fields


def import_households(
    source: Source,
    *,
    village: Unit,
    actor: User | None,
    filename: str = "",
    dry_run: bool = False,
) -> HouseholdImportResult:
    """Import a household file into `village`. Never raises for bad content: file-level problems
    (unreadable, no header, too large) and row errors are returned in `result.errors`.
    Raises PermissionDenied / ValidationError when the actor may not change this village."""
    require_village_manager(actor, village)
    if not filename:
        filename = "" if isinstance(source, bytes) else Path(source).name
    result = HouseholdImportResult(village=village, filename=filename, sha256=digest(source), dry_run=dry_run)
    try:
        rows, columns = _read_rows(source)
    except ImportFileError as exc:
        for error in exc.errors:
            _add_error(result, error)
        return result
    result.total_rows = len(rows)
    if not rows:
        _add_error(result, RowError(None, "文件", "文件中没有农户数据（表头下面是空的）"))
        return result
    valid = _validate(rows, result)
    if not result.ok:
        return result
    if dry_run:
        _plan(village, valid, columns, result)
        return result
    try:
        with transaction.atomic():
            lock_village(village)  # one writer per village register at a time
            created, changed, fields = _plan(village, valid, columns, result)
            for household in created:
                household.full_clean(validate_unique=False, validate_constraints=False)
            Household.objects.bulk_create(created, batch_size=500)
            if changed:
                Household.objects.bulk_update(changed, [*sorted(fields), "updated_at"], batch_size=500)
            record_event(
                actor=actor,
                action=events.HOUSEHOLD_IMPORT,
                obj=village,
                unit_path=village.path,
                payload={
                    "filename": filename,
                    "sha256": result.sha256,
                    "rows": result.total_rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "restored": result.restored,
                },
            )
    except IntegrityError:  # someone added the same household meanwhile
        return _refused(result, ["导入时花名册被他人同时修改，未导入任何数据，请重新导入"])
    except ValidationError as exc:  # should not happen: rows were validated above
        return _refused(result, exc.messages)
    return result


def _refused(result: HouseholdImportResult, messages: list[str]) -> HouseholdImportResult:
    """A fresh result for the same file (nothing written, no counts) carrying file-level errors."""
    refused = HouseholdImportResult(
        village=result.village, filename=result.filename, sha256=result.sha256, dry_run=result.dry_run
    )
    for message in messages:
        _add_error(refused, RowError(None, "文件", message))
    return refused


NOTES = {
    "户主": "必填，不超过50字。",
    "村民小组": "本列必须有；可为空（未分组）。如 一组、二组。",
    "人口": "必填，1到99之间的整数。",
    "联系电话": "选填，7到20位数字，可用“-”分隔，如 0898-12345678。",
    "类别": "选填；为空按一般户。",
    "住址": "选填，不超过200字。",
    "备注": "选填，不超过200字。",
}
WIDTHS = {"户主": 12, "村民小组": 12, "人口": 8, "联系电话": 16, "类别": 10, "住址": 30, "备注": 30}


def template_xlsx() -> bytes:
    """The import template: sheet 农户花名册 (headers, text-formatted 联系电话, a dropdown for 类别)
    and sheet 填写说明."""
    return spreadsheet_template(
        sheet=SHEET,
        title="农户花名册导入说明",
        rules=(
            "1. 在「农户花名册」表第一行之下逐行填写，每行一户；列的顺序可以调整，多余的列不导入。",
            "2. 以「户主 + 村民小组」识别农户：本村已有的更新其信息（已注销的恢复在册），没有的新增；同一文件中不能重复。",
            "3. 整个文件要么全部导入，要么全部不导入：只要有一处错误，系统列出所有错误（行号、列名、原因），不写入任何数据。",
            f"4. 每个文件不超过 {MAX_ROWS} 户、{MAX_FILE_BYTES // (1024 * 1024)}MB。",
            "5. 表中没有的列（联系电话、类别、住址、备注）在更新时保持原值；有此列但单元格为空的，更新为空（类别为空按一般户）。",
        ),
        columns=[
            TemplateColumn(
                header,
                width=WIDTHS[header],
                required=header in ("户主", "人口"),
                text=header != "人口",
                note=NOTES[header],
                choices=[str(label) for label in HouseholdCategory.labels] if header == "类别" else (),
            )
            for header in HEADERS
        ],
        dropdown_rows=MAX_ROWS + 1,
    )
