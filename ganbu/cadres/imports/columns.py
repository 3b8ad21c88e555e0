"""The columns of the 干部信息 workbook (import template, export, re-import), the other names real
干部名册 give them (`ALIASES`), the roster-only columns (`ROSTER_COLUMNS`), and how a file's header
rows are found (`header.find_header`)."""

from __future__ import annotations

from dataclasses import dataclass

from ganbu.cadres.imports.header import HeaderBlock, find_header
from ganbu.cadres.services import CADRE_FIELDS, DERIVED_FIELDS
from ganbu.core.spreadsheet import ImportFileError, Reader, RowError, header_text

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
# The columns the template marks as required (必填). A file without some of them is still read:
# without 身份证号 a row is identified by 姓名 + 出生年月 + 单位 (a 干部名册), and a cadre field whose
# column is absent is left empty (listed on the 待补充 page) or, on re-import, untouched.
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
    # text | code | date | month (出生年月: month precision) | id | edu (学历 and 学位 in one cell) |
    # school (毕业院校及专业) | ignored (recognised, not stored: said so in the result)
    kind: str
    table: str = ""  # code table key for kind == "code"
    note: str = ""  # for the 填写说明 sheet (template columns) or the result (ignored columns)


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
assert tuple(c.header for c in COLUMNS) == HEADERS

# Columns of real 干部名册 that the template lacks.
ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("出生年月", "birth_date", "month"),
    Column("籍贯", "native_place", "text"),
    Column("出生地", "birthplace", "text"),
    Column("职称", "professional_title", "text"),
    Column("单位", "unit_name", "text"),
    Column("现任职务", "full_title", "text"),
    Column("全日制学历学位", "ft_edu", "edu"),
    Column("全日制毕业院校及专业", "ft_school", "school"),
    Column("在职学历", "ie_education", "code", "education"),
    Column("在职学位", "ie_degree", "code", "degree"),
    Column("在职学历学位", "ie_edu", "edu"),
    Column("在职毕业院校及专业", "ie_school", "school"),
    Column("任现职级时间", "rank_since", "date"),
    Column(
        "任现职务层次时间",
        "level_since",
        "ignored",
        note="本列未导入：档案中职务层次的起始时间由任职记录得出，请在干部档案的任职记录中补充",
    ),
    Column("备注", "remark", "ignored", note="本列未导入：干部档案中没有“备注”字段"),
)
ALL_COLUMNS = (*COLUMNS, *ROSTER_COLUMNS)

# Header texts → column (compared as `core.spreadsheet.header_text` does: no spaces, full-width
# forms made half-width). A two- or three-row header names a column by its rows joined: 全日制教育
# over 学历 is 全日制教育学历; 学历学位 over 全日制教育 over 学历 is found as 全日制教育学历 too.
ALIASES: dict[str, tuple[str, ...]] = {
    "姓名": ("姓名",),
    "出生日期": ("出生日期",),
    "出生年月": ("出生年月", "出生年月（岁）", "出生年月（年龄）", "出生时间"),
    "身份证号": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码"),
    "政治面貌": ("政治面貌", "党派"),
    "入党时间": ("入党时间", "入党年月"),
    "参加工作时间": ("参加工作时间", "参加工作年月"),
    "全日制学历": ("全日制学历", "全日制教育学历"),
    "全日制学位": ("全日制学位", "全日制教育学位"),
    "全日制学历学位": ("全日制学历学位", "全日制教育学历学位", "全日制教育"),
    "全日制毕业院校及专业": (
        "全日制毕业院校及专业",
        "全日制毕业院校系及专业",
        "全日制教育毕业院校及专业",
        "全日制教育毕业院校系及专业",
        "全日制教育毕业院校",
        "全日制毕业院校",
    ),
    "在职学历": ("在职学历", "在职教育学历"),
    "在职学位": ("在职学位", "在职教育学位"),
    "在职学历学位": ("在职学历学位", "在职教育学历学位", "在职教育"),
    "在职毕业院校及专业": (
        "在职毕业院校及专业",
        "在职毕业院校系及专业",
        "在职教育毕业院校及专业",
        "在职教育毕业院校系及专业",
        "在职教育毕业院校",
        "在职毕业院校",
    ),
    "最高学历": ("最高学历", "学历"),
    "最高学位": ("最高学位", "学位"),
    "单位": ("单位", "单位名称", "工作单位", "所在单位"),
    "职务": ("职务", "职务名称"),
    "现任职务": ("现任职务", "现任职务全称", "现职务", "工作单位及职务", "现工作单位及职务", "单位及职务"),
    "职务层次": ("职务层次", "现职务层次"),
    "任职时间": ("任职时间", "任现职时间", "任现职务时间"),
    "任现职务层次时间": ("任现职务层次时间", "任职务层次时间"),
    "职级": ("职级", "现职级"),
    "任现职级时间": ("任现职级时间", "任职级时间"),
    "职称": ("职称", "专业技术职务", "专业技术职称"),
}
COLUMN_BY_HEADER = {c.header: c for c in ALL_COLUMNS}
COLUMN_BY_TEXT: dict[str, Column] = {}
for _column in ALL_COLUMNS:
    for _text in ALIASES.get(_column.header, (_column.header,)):
        _key = header_text(_text)  # as the file's header is compared: （岁） is (岁)
        assert _key not in COLUMN_BY_TEXT, _text
        COLUMN_BY_TEXT[_key] = COLUMN_BY_HEADER[_column.header]
# the header an error names for a Cadre field (the file's own text replaces it: SheetLayout.label)
HEADER_BY_KEY = {c.key: c.header for c in reversed(ALL_COLUMNS)}
HEADER_ORDER = {c.header: i for i, c in enumerate(ALL_COLUMNS)}  # errors of a row in column order
# The roster column that carries a template column's value, for naming it in messages.
STANDS_IN_FOR: dict[str, tuple[str, ...]] = {
    "出生日期": ("出生年月",),
    "职务": ("现任职务",),
    "全日制学历": ("全日制学历学位",),
    "全日制学位": ("全日制学历学位",),
    "在职学历": ("在职学历学位",),
    "在职学位": ("在职学历学位",),
}
# A file needs these columns; and one of UNIT_COLUMNS, where the unit comes from.
REQUIRED_KEYS = ("name", "gender", "birth_date")
UNIT_COLUMNS = ("unit_code", "unit_name", "full_title")

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
    "native_place",
    "birthplace",
    "professional_title",
)
# Cadre fields that may be left empty when the file has no column for them (a roster): the cadre
# is then listed on the 待补充 page (selectors.cadres_to_complete) until someone fills them in.
# 性别 cannot be: the table's check constraint `cadre_gender_code` allows only 1 and 2.
MAY_BE_ABSENT = ("ethnicity", "political_status", "personnel_category")
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
    labels: dict[str, str]  # column header → the header as the file writes it (for messages)

    @property
    def keys(self) -> set[str]:
        return {c.key for c in self.columns.values()}

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns.values())

    def label(self, header: str) -> str:
        """The header as the file writes it (出生年月 for 出生日期, 现任职务 for 职务 …)."""
        if header in self.labels:
            return self.labels[header]
        for other in STANDS_IN_FOR.get(header, ()):
            if other in self.labels:
                return self.labels[other]
        return header

    def ignored(self) -> list[Column]:
        return [c for c in self.columns.values() if c.kind == "ignored"]


def find_layout(reader: Reader) -> SheetLayout:
    """The first visible sheet with a header of one to three rows naming at least three known
    columns (a title row above it is allowed; `header.find_header`). Refuses a column named twice,
    and a file without 姓名, 性别, 出生日期/出生年月 or any column giving the unit."""
    block: HeaderBlock = find_header(
        reader, COLUMN_BY_TEXT, skip_sheets=(HELP_SHEET, CODES_SHEET), example="姓名、性别、出生年月"
    )
    columns: dict[int, Column] = {}
    labels: dict[str, str] = {}
    by_key: dict[str, str] = {}
    errors: list[RowError] = []
    for index, (column, label) in sorted(block.columns.items()):
        if column.key in by_key:
            first = by_key[column.key]
            errors.append(
                RowError(block.header_row, label, f"表头中「{first}」与「{label}」是同一列，重复出现")
                if first != label
                else RowError(block.header_row, label, f"表头中「{label}」列重复出现")
            )
            continue
        columns[index] = column
        labels[column.header] = label
        by_key[column.key] = label
    missing = [HEADER_BY_KEY[k] for k in REQUIRED_KEYS if k not in by_key]
    if missing:
        errors.append(
            RowError(block.header_row, "表头", f"缺少必填列：{'、'.join(missing)}（请使用导入模板）")
        )
    if not any(k in by_key for k in UNIT_COLUMNS):
        identity = "没有身份证号列时按姓名、出生年月和单位识别干部，" if "id_number" not in by_key else ""
        errors.append(
            RowError(
                block.header_row,
                "表头",
                f"缺少必填列：单位代码（{identity}须有“单位代码”“单位”或以单位名称开头的“现任职务”列）",
            )
        )
    if errors:
        raise ImportFileError(errors)
    return SheetLayout(block.sheet, block.header_row, columns, labels)
