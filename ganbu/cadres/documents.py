"""The registry's exports, as bytes (views return them through `core.office.audited_attachment`,
commands write them to a file): the 干部名册 workbook (the import template's columns, so it
re-imports), the import template, and the 任免审批表 (.docx) and LRMX files of one cadre or a zip
of many (built by `cadres/appointment_form/` and `cadres/lrmx/`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ganbu.cadres.appointment_form import appointment_forms_zip, build_appointment_form
from ganbu.cadres.imports.columns import (
    CODES_SHEET,
    COLUMNS,
    EXPORT_HEADERS,
    HELP_SHEET,
    REQUIRED_HEADERS,
    TEMPLATE_SHEET,
)
from ganbu.cadres.lrmx import cadre_to_lrmx, cadres_to_lrmx_zip
from ganbu.cadres.models import Appointment, Cadre
from ganbu.cadres.rules import mask_id_number
from ganbu.cadres.services import CodeBook
from ganbu.core.dates import age_on
from ganbu.core.spreadsheet import DATE_FORMATS_HINT, TemplateColumn, template_xlsx, text_cells
from ganbu.org.codes import CODE_TABLES

# The 任免审批表 (.docx) of one cadre and a zip of many, the LRMX file of one cadre and a zip of
# many: built with the form (`appointment_form/`) and the exchange format (`lrmx/`), re-exported
# here so that views and commands take every export from one module.
__all__ = [
    "appointment_form_name",
    "appointment_forms_zip",
    "build_appointment_form",
    "cadre_to_lrmx",
    "cadres_to_lrmx_zip",
    "export_cadres",
    "forms_zip_name",
    "import_template",
    "lrmx_name",
    "registry_name",
    "write_cadres_xlsx",
]

COLUMN_WIDTHS = {"身份证号": 22, "职务": 28, "现任职务": 36, "单位代码": 16}
TEMPLATE_RULES = (
    "1. 在「干部信息」表第一行之下逐行填写，每行一名干部；列的顺序可以调整，多余的列不导入。",
    "2. 以身份证号识别干部：档案中已有该身份证号的更新其信息，没有的新增；同一文件中身份证号不能重复。",
    "3. 整个文件要么全部导入，要么全部不导入：只要有一处错误，系统列出所有错误（行号、列名、原因），不写入任何数据。",
    f"4. 日期{DATE_FORMATS_HINT}；只写到月份的按该月1日记录。",
    "5. 代码类的列可以填名称（如 汉族、中共党员）或代码（如 01）。",
    "6. 填写职务时必须填写任职时间；职务或单位与档案中的现任职务不同时，原任职在新任职时间前一天结束，并新增一条任职记录。",
    "7. 单位代码须在您的数据范围内；不填职务时，单位须与现任职务所在单位一致。",
    "8. 更新已有干部时：学历、学位、职务、职级留空表示保持原值；表中没有的列也保持原值；"
    "其他列按表中内容更新（入党时间、参加工作时间留空即清空）。",
    "9. 从本系统导出的干部名册可直接修改后重新导入（「现任职务」「年龄」两列不导入）。",
)


# --- file names -------------------------------------------------------------------------------


def registry_name(on: date) -> str:
    return f"干部名册_{on:%Y%m%d}.xlsx"


def forms_zip_name(on: date) -> str:
    return f"任免审批表_{on:%Y%m%d}.zip"


def appointment_form_name(cadre: Cadre) -> str:
    return f"{cadre.name}_任免审批表.docx"


def lrmx_name(cadre: Cadre) -> str:
    return f"{cadre.name}.lrmx"


# --- the import template ----------------------------------------------------------------------


def _code_items(codes: CodeBook, table: str) -> list[tuple[str, str]]:
    items = list(codes.tables.get(table, {}).items())
    if not items:
        items = [(item[0], item[1]) for item in CODE_TABLES[table][2]]
    return items


def import_template(units: Sequence[tuple[str, str]] = ()) -> bytes:
    """The import template (`core.spreadsheet.template_xlsx`): sheet 干部信息 (the headers,
    text-formatted 身份证号, 单位代码 and other text columns, dropdowns for the coded columns),
    sheet 填写说明 (the rules, every column with the allowed values) and a hidden sheet 代码表
    feeding the dropdowns (names; codes are accepted too). `units`: (单位代码, 单位名称) of the
    units the importer may import into, listed under 单位代码 with a dropdown of the codes."""
    codes = CodeBook()
    columns = []
    for column in COLUMNS:
        items = _code_items(codes, column.table) if column.kind == "code" else []
        choices = [name for _, name in items]
        if column.kind == "code":
            allowed = "；".join(f"{code} {name}" for code, name in items)
        elif column.header == "单位代码" and units:
            allowed = "；".join(f"{code} {name}" for code, name in units)
            choices = [code for code, _ in units]
        elif column.kind == "date":
            allowed = "日期，如 1980-05-03"
        else:
            allowed = ""
        columns.append(
            TemplateColumn(
                header=column.header,
                width=COLUMN_WIDTHS.get(column.header, 13 if column.kind == "date" else 12),
                required=column.header in REQUIRED_HEADERS,
                text=column.kind in ("id", "text"),
                note=column.note,
                choices=choices,
                allowed=allowed,
            )
        )
    return template_xlsx(
        sheet=TEMPLATE_SHEET,
        columns=columns,
        title="干部信息导入说明",
        rules=TEMPLATE_RULES,
        help_sheet=HELP_SHEET,
        codes_sheet=CODES_SHEET,
    )


# --- the registry workbook --------------------------------------------------------------------


def _main_title_subquery(today: date) -> Subquery:
    """The title of the main current appointment (the one giving current_level and since)."""
    return Subquery(
        Appointment.objects.filter(
            cadre_id=OuterRef("pk"),
            started_on=OuterRef("current_post_since"),
            level=OuterRef("current_level"),
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("-is_primary", "id")
        .values("title")[:1]
    )


def write_cadres_xlsx(
    queryset: models.QuerySet[Cadre], target: Any, *, reveal_id_numbers: bool = True
) -> int:
    """Stream `queryset` (already scoped by the caller) into `target` (a path or binary file) as
    an .xlsx with the template columns (so it re-imports) plus 现任职务 and 年龄, in the queryset's
    explicit order (the list's chosen sort), else in stroke order.
    Text goes through `core.spreadsheet.text_cells`, so a value starting with "=" stays text.
    `reveal_id_numbers=False` (a reader without `cadres.view_sensitive`) masks the 身份证号 column
    (the file then does not re-import). Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    codes = CodeBook()
    today = timezone.localdate()

    def name_of(table: str) -> Callable[[str], str]:
        names = codes.tables.get(table, {})
        return lambda code: names.get(code, code) if code else ""

    gender, ethnicity, political = name_of("gender"), name_of("ethnicity"), name_of("political_status")
    education, degree = name_of("education"), name_of("degree")
    level, rank, category = (
        name_of("leadership_level"),
        name_of("civil_service_rank"),
        name_of("personnel_category"),
    )

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(TEMPLATE_SHEET)
    for index, header in enumerate(EXPORT_HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(header, 12)
    ws.freeze_panes = "A2"
    header_cells = []
    for header in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)

    ordered = queryset if queryset.query.order_by else queryset.order_by("stroke_key", "id")
    rows = ordered.annotate(main_title=_main_title_subquery(today)).values_list(
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number",
        "political_status",
        "party_joined_on",
        "work_started_on",
        "fulltime_education",
        "fulltime_degree",
        "highest_education",
        "highest_degree",
        "unit__code",
        "main_title",
        "current_level",
        "current_post_since",
        "current_rank",
        "personnel_category",
        "current_title",
    )
    count = 0
    for (
        name,
        gender_code,
        ethnicity_code,
        born,
        id_number,
        political_code,
        party,
        work,
        ft_edu,
        ft_deg,
        hi_edu,
        hi_deg,
        unit_code,
        main_title,
        level_code,
        since,
        rank_code,
        category_code,
        current_title,
    ) in rows.iterator(chunk_size=2000):
        title = main_title or ""
        # dates as date values: openpyxl stores them as Excel dates formatted yyyy-mm-dd (a styled
        # WriteOnlyCell per date would double the time of the export)
        ws.append(
            text_cells(
                ws,
                [
                    name,
                    gender(gender_code),
                    ethnicity(ethnicity_code),
                    born,
                    (id_number or "") if reveal_id_numbers else mask_id_number(id_number),
                    political(political_code),
                    party,
                    work,
                    education(ft_edu),
                    degree(ft_deg),
                    education(hi_edu),
                    degree(hi_deg),
                    unit_code,
                    title,
                    level(level_code) if title else "",
                    since if title else None,
                    rank(rank_code),
                    category(category_code),
                    current_title,
                    age_on(born, today),
                ],
            )
        )
        count += 1
    wb.save(target)
    return count


def export_cadres(queryset: models.QuerySet[Cadre], *, reveal_id_numbers: bool = True) -> bytes:
    """The 干部名册 workbook as bytes (see write_cadres_xlsx)."""
    buffer = io.BytesIO()
    write_cadres_xlsx(queryset, buffer, reveal_id_numbers=reveal_id_numbers)
    return buffer.getvalue()
