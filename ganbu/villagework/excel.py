"""Excel import of a village's household register (农户花名册 .xlsx) and its template.

All-or-nothing per file, like the registry import (ganbu/cadres/excel.py, whose workbook reader,
error type and error report this module reuses):

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

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ganbu.audit.services import record_event
from ganbu.cadres.excel import (
    ImportFileError,
    RowError,
    Source,
    cell_text,
    error_report_xlsx,
    open_workbook,
)
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Unit, User
from ganbu.villagework.models import Household, HouseholdCategory
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
HEADER_SEARCH_ROWS = 10


@dataclass
class HouseholdImportResult:
    village: Unit
    filename: str
    sha256: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0  # rows matching an existing household (changed or not)
    unchanged: int = 0  # of `updated`, those with nothing to change
    restored: int = 0  # of `updated`, households put back on the register
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        if not self.ok:
            capped = f",仅列出前 {len(self.errors)} 处" if self.error_count > len(self.errors) else ""
            return f"文件中有 {self.error_count} 处错误{capped},未导入任何数据"
        restored = f"(其中恢复在册 {self.restored} 户)" if self.restored else ""
        counts = f"新增 {self.created} 户,更新 {self.updated} 户{restored}"
        if self.dry_run:
            return f"校验通过:{counts}(试运行,未写入)"
        return f"导入成功:{counts}"


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


def _header_key(value: Any) -> str:
    return cell_text(value).replace(" ", "").replace("\u3000", "").strip("*")


def _find_columns(rows: list[tuple[int, Sequence[Any]]]) -> tuple[int, dict[int, str]]:
    """(header row number, {cell index: field}) from the first rows of the sheet."""
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        keys = [_header_key(c) for c in cells]
        if "户主" not in keys:
            continue
        columns: dict[int, str] = {}
        seen: set[str] = set()
        errors: list[RowError] = []
        for index, key in enumerate(keys):
            if key not in FIELD_BY_HEADER:
                continue
            if key in seen:
                errors.append(RowError(line, key, f"表头中「{key}」列重复出现"))
                continue
            seen.add(key)
            columns[index] = FIELD_BY_HEADER[key]
        missing = [h for h in REQUIRED_HEADERS if h not in seen]
        if missing:
            errors.append(RowError(line, "表头", f"缺少必填列:{'、'.join(missing)}(请使用导入模板)"))
        if errors:
            raise ImportFileError(errors)
        return line, columns
    raise ImportFileError(
        [
            RowError(
                None, "表头", f"未找到表头:前{HEADER_SEARCH_ROWS}行中应有一行列名,包括 {'、'.join(HEADERS)}"
            )
        ]
    )


def _read_rows(source: Source) -> tuple[list[_Row], set[str]]:
    """The data rows (blank rows skipped) and the fields present as columns."""
    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            [
                RowError(
                    None,
                    "文件",
                    f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)}MB,请检查是否选错文件或拆分后导入",
                )
            ]
        )
    reader = open_workbook(source)
    try:
        sheets = [s for s in reader.sheet_names() if s != HELP_SHEET]
        if not sheets:
            raise ImportFileError([RowError(None, "文件", "工作簿中没有可读取的工作表")])
        sheet = SHEET if SHEET in sheets else sheets[0]
        head = list(islice(reader.rows(sheet), HEADER_SEARCH_ROWS))
        header_line, columns = _find_columns(head)
        rows: list[_Row] = []
        for line, cells in reader.rows(sheet):
            if line <= header_line:
                continue
            values = {name: cells[index] if index < len(cells) else None for index, name in columns.items()}
            if all(not cell_text(v) for v in values.values()):
                continue
            rows.append(_Row(line, values))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(
                    [RowError(None, "文件", f"数据超过 {MAX_ROWS} 行,一个村的花名册请不要超过 {MAX_ROWS} 户")]
                )
    finally:
        reader.close()
    return rows, set(columns.values())


def _cell_value(name: str, value: Any) -> Any:
    """Cells as the services expect them: text, except 人口 which may be a number."""
    if name == "members" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell_text(value)


def _digest(source: Source) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    with open(source, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


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
                        f"第{row.line}行与第{first_line[key]}行重复(户主「{head}」{group}),同一户只能出现一次",
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
                Household(village=village, head_pinyin=pinyin[:200], head_initials=initials[:50], **values)
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
    result = HouseholdImportResult(
        village=village, filename=filename, sha256=_digest(source), dry_run=dry_run
    )
    try:
        rows, columns = _read_rows(source)
    except ImportFileError as exc:
        for error in exc.errors:
            _add_error(result, error)
        return result
    result.total_rows = len(rows)
    if not rows:
        _add_error(result, RowError(None, "文件", "文件中没有农户数据(表头下面是空的)"))
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
                action="villagework.household.import",
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
        return _refused(result, ["导入时花名册被他人同时修改,未导入任何数据,请重新导入"])
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


def template_xlsx() -> bytes:
    """The import template: sheet 农户花名册 (headers, text-formatted 联系电话, a dropdown for 类别)
    and sheet 填写说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(list(HEADERS))
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    widths = {"户主": 12, "村民小组": 12, "人口": 8, "联系电话": 16, "类别": 10, "住址": 30, "备注": 30}
    for index, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if header in REQUIRED_HEADERS:
            cell.fill = required_fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = widths[header]
        if header != "人口":
            ws.column_dimensions[letter].number_format = "@"
    category_column = get_column_letter(HEADERS.index("类别") + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in HouseholdCategory.labels) + '"',
        allow_blank=True,
    )
    validation.add(f"{category_column}2:{category_column}{MAX_ROWS + 1}")
    ws.add_data_validation(validation)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 12
    help_ws.column_dimensions["B"].width = 8
    help_ws.column_dimensions["C"].width = 80
    help_ws.append(["农户花名册导入说明"])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in (
        "1. 在「农户花名册」表第一行之下逐行填写,每行一户;列的顺序可以调整,多余的列不导入。",
        "2. 以「户主 + 村民小组」识别农户:本村已有的更新其信息(已注销的恢复在册),没有的新增;同一文件中不能重复。",
        "3. 整个文件要么全部导入,要么全部不导入:只要有一处错误,系统列出所有错误(行号、列名、原因),不写入任何数据。",
        f"4. 每个文件不超过 {MAX_ROWS} 户、{MAX_FILE_BYTES // (1024 * 1024)}MB。",
        "5. 表中没有的列(联系电话、类别、住址、备注)在更新时保持原值;有此列但单元格为空的,更新为空(类别为空按一般户)。",
    ):
        help_ws.append([line])
    help_ws.append([])
    help_ws.append(["列名", "必填", "说明"])
    for cell in help_ws[help_ws.max_row]:
        cell.font = Font(bold=True)
    notes = {
        "户主": "必填,不超过50字。",
        "村民小组": "本列必须有;可为空(未分组)。如 一组、二组。",
        "人口": "必填,1到99之间的整数。",
        "联系电话": "选填,7到20位数字,可用“-”分隔,如 0898-12345678。",
        "类别": f"选填:{'、'.join(str(label) for label in HouseholdCategory.labels)};为空按一般户。",
        "住址": "选填,不超过200字。",
        "备注": "选填,不超过200字。",
    }
    for header in HEADERS:
        help_ws.append([header, "是" if header in ("户主", "人口") else "", notes[header]])
        help_ws.cell(row=help_ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
