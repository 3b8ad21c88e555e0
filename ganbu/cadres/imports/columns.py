"""The columns of the 干部信息 workbook (import template, export, re-import) and how a file's
header row is found."""

from __future__ import annotations

from dataclasses import dataclass

from ganbu.cadres.services import CADRE_FIELDS, DERIVED_FIELDS
from ganbu.core import spreadsheet
from ganbu.core.spreadsheet import Reader

HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "政治面貌",
    "入党时间",
    "参加工作时间",
    "全日制学历",
    "全日制学位",
    "最高学历",
    "最高学位",
    "单位代码",
    "职务",
    "职务层次",
    "任职时间",
    "职级",
    "人员类别",
)
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, "现任职务", "年龄")
# Without these a file cannot be validated at all; the others may be left out (on re-import an
# absent column leaves the stored value untouched).
REQUIRED_HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "政治面貌",
    "单位代码",
    "人员类别",
)


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # a Cadre field name, or an import-only key
    kind: str  # text | code | date | id
    table: str = ""  # code table key for kind == "code"
    note: str = ""  # for the 填写说明 sheet


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", "text", note="必填，不超过50字。"),
    Column("性别", "gender", "code", "gender", "必填，须与身份证号一致。"),
    Column("民族", "ethnicity", "code", "ethnicity", "必填，如 汉族 或 01。"),
    Column("出生日期", "birth_date", "date", note="必填，须与身份证号中的出生日期一致。"),
    Column(
        "身份证号",
        "id_number",
        "id",
        note="必填，18位（末位可为X）。导入以身份证号识别干部：已存在则更新，否则新增。"
        "请把本列设为“文本”格式，否则Excel会把超过15位的数字截断。",
    ),
    Column("政治面貌", "political_status", "code", "political_status", "必填。"),
    Column(
        "入党时间",
        "party_joined_on",
        "date",
        note="中共党员、预备党员必填，且应在年满18周岁之后；其他人员不填。",
    ),
    Column("参加工作时间", "work_started_on", "date", note="应晚于出生日期，不晚于今天。"),
    Column("全日制学历", "ft_education", "code", "education", "全日制教育的最高学历。"),
    Column("全日制学位", "ft_degree", "code", "degree", "全日制教育的最高学位。"),
    Column(
        "最高学历",
        "hi_education",
        "code",
        "education",
        "含在职教育的最高学历；高于全日制学历时记为在职教育，不应低于全日制学历。",
    ),
    Column("最高学位", "hi_degree", "code", "degree", "含在职教育的最高学位；不应低于全日制学位。"),
    Column("单位代码", "unit_code", "text", note="必填，须为本系统中您数据范围内的单位代码。"),
    Column(
        "职务",
        "title",
        "text",
        note="现任主要职务名称（不超过200字）。与档案中的现任职务不同时，原任职自动在新任职时间前一天结束。",
    ),
    Column("职务层次", "level", "code", "leadership_level", "填写职务时选填。"),
    Column("任职时间", "post_since", "date", note="填写职务时必填，不早于参加工作时间，不晚于今天。"),
    Column(
        "职级",
        "rank",
        "code",
        "civil_service_rank",
        "公务员职级。新增干部的任职级时间按任职时间（无则按参加工作时间）记录；"
        "已有干部职级变动时按导入当日记录，可在干部档案中修改。",
    ),
    Column("人员类别", "personnel_category", "code", "personnel_category", "必填。"),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
HEADER_BY_KEY = {c.key: c.header for c in COLUMNS}
HEADER_ORDER = {h: i for i, h in enumerate(HEADERS)}  # errors of a row are listed in column order
assert tuple(c.header for c in COLUMNS) == HEADERS

# Cadre fields an import row may carry (a subset of services.CADRE_FIELDS).
ROW_CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "political_status",
    "party_joined_on",
    "work_started_on",
    "personnel_category",
)
# Columns written when an existing cadre changes (attnames).
CADRE_WRITE_FIELDS = (
    *ROW_CADRE_FIELDS,
    "name_pinyin",
    "name_initials",
    "stroke_key",
    "unit_id",
    *DERIVED_FIELDS,
)
CADRE_LOAD_FIELDS = (
    "id",
    *CADRE_WRITE_FIELDS,
    *(f for f in CADRE_FIELDS if f not in ROW_CADRE_FIELDS),
)
LEADERSHIP_LEVELS = frozenset({"1A31", "1A32", "1A41", "1A42"})
TEMPLATE_SHEET = "干部信息"
HELP_SHEET = "填写说明"
CODES_SHEET = "代码表"


@dataclass(frozen=True)
class SheetLayout:
    sheet: str
    header_row: int
    columns: dict[int, Column]  # cell index → column


def find_layout(reader: Reader) -> SheetLayout:
    """The first visible sheet with a header row naming at least three template columns (a title
    row above it is allowed), by `core.spreadsheet.find_layout`."""
    layout = spreadsheet.find_layout(
        reader,
        headers={h: h for h in HEADERS},
        required=REQUIRED_HEADERS,
        skip_sheets=(HELP_SHEET, CODES_SHEET),
    )
    return SheetLayout(
        layout.sheet, layout.header_row, {i: COLUMN_BY_HEADER[k] for i, k in layout.columns.items()}
    )
