"""Excel and Word documents of structure analysis.

The structure table keeps seed 001's layout: a header row of dimensions (性别, 职级, 年龄, 学历 …)
spanning their categories, a row of categories, then the rows 人数 and 占比（%）. Percentages are
written as they are shown on screen (one decimal, half up); the seed-style sentence uses whole
percentages. Fonts, page and cell styles are the house style of `core.office`; views return the
bytes through `core.office.audited_attachment`, and the `structure_report` command writes the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ganbu.analytics.selectors.comparison import Comparison
from ganbu.analytics.selectors.forecast import Forecast
from ganbu.analytics.selectors.staffing import GapTable
from ganbu.analytics.selectors.structure import Dimension, StructureTable
from ganbu.cadres.rules import RETIREMENT_GROUP_LABELS
from ganbu.core.office import (
    TABLE_FONT,
    body_paragraph,
    docx_bytes,
    heading,
    new_document,
    set_fonts,
    table_cell,
    xlsx_styles,
)
from ganbu.core.spreadsheet import text_cells, xlsx_bytes


def title_of(table: StructureTable) -> str:
    return f"{table.unit.name}{table.population_label}队伍结构统计表"


def date_label(table: StructureTable) -> str:
    return f"截至{table.as_of.year}年{table.as_of.month}月{table.as_of.day}日"


def shown_dimensions(table: StructureTable) -> list[Dimension]:
    return [d for d in table.dimensions if d.shown_categories]


def structure_json(table: StructureTable) -> bytes:
    return json.dumps(table.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------


STYLES = xlsx_styles()  # the house cell styles; shared, never mutated


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one value; text is stored as text, never as a formula (the policy of
    `core.spreadsheet.text_cells`, for a cell at a position)."""
    cell = ws.cell(row=row, column=column, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _cell(ws: Worksheet, row: int, column: int, value: Any, *, header: bool = False, fmt: str = "") -> None:
    cell = _put(ws, row, column, value)
    cell.border = STYLES["border"]
    cell.alignment = STYLES["center"]
    if header:
        cell.fill = STYLES["header_fill"]
        cell.font = STYLES["bold"]
    if fmt:
        cell.number_format = fmt


def _percent_value(tenths: int | None) -> float | None:
    return None if tenths is None else tenths / 10


def write_structure_sheet(ws: Worksheet, table: StructureTable, *, start_row: int = 1) -> int:
    """The seed-layout table on `ws` from `start_row`; returns the next free row."""
    dimensions = shown_dimensions(table)
    width = 1 + sum(len(d.shown_categories) for d in dimensions) + 2
    r = start_row
    _put(ws, r, 1, title_of(table)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.cell(row=r, column=1).alignment = STYLES["center"]
    r += 1
    _put(ws, r, 1, f"{date_label(table)}；学历口径：{table.education_label}")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    r += 1
    _cell(ws, r, 1, "类别", header=True)
    _cell(ws, r + 1, 1, "项目", header=True)
    column = 2
    for dimension in dimensions:
        categories = dimension.shown_categories
        _cell(ws, r, column, dimension.label, header=True)
        for offset in range(1, len(categories)):
            _cell(ws, r, column + offset, None, header=True)
        if len(categories) > 1:
            ws.merge_cells(
                start_row=r, start_column=column, end_row=r, end_column=column + len(categories) - 1
            )
        for offset, category in enumerate(categories):
            _cell(ws, r + 1, column + offset, category.label, header=True)
            _cell(ws, r + 2, column + offset, category.count)
            _cell(ws, r + 3, column + offset, _percent_value(category.percent_tenths), fmt="0.0")
        column += len(categories)
    _cell(ws, r, column, "合计", header=True)
    _cell(ws, r + 1, column, "人数", header=True)
    _cell(ws, r + 2, column, table.total)
    _cell(ws, r + 3, column, None)
    _cell(ws, r, column + 1, "平均年龄", header=True)
    _cell(ws, r + 1, column + 1, "岁", header=True)
    _cell(ws, r + 2, column + 1, _percent_value(table.average_age_tenths), fmt="0.0")
    _cell(ws, r + 3, column + 1, None)
    _cell(ws, r + 2, 1, "人数", header=True)
    _cell(ws, r + 3, 1, "占比（%）", header=True)
    ws.column_dimensions["A"].width = 10
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9
    r += 5
    _put(ws, r, 1, table.sentence).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 3, end_column=width)
    ws.row_dimensions[r].height = 30
    return r + 5


def structure_xlsx(table: StructureTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "队伍结构"
    write_structure_sheet(ws, table)
    pyramid = wb.create_sheet("年龄性别")
    for col, text in enumerate(("年龄段", "男", "女", "合计"), start=1):
        _cell(pyramid, 1, col, text, header=True)
    for i, row in enumerate(table.pyramid, start=2):
        for col, value in enumerate((row.band, row.men, row.women, row.men + row.women), start=1):
            _cell(pyramid, i, col, value)
    return xlsx_bytes(wb)


def comparison_xlsx(comparison: Comparison) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "两个时点对比"
    a, b = comparison.before, comparison.after
    _put(ws, 1, 1, f"{a.unit.name}{a.population_label}队伍结构对比").font = Font(bold=True, size=14)
    headers = (
        "维度",
        "类别",
        f"{a.as_of:%Y-%m-%d} 人数",
        "占比（%）",
        f"{b.as_of:%Y-%m-%d} 人数",
        "占比（%）",
        "人数增减",
        "占比增减（百分点）",
    )
    for col, text in enumerate(headers, start=1):
        _cell(ws, 3, col, text, header=True)
    r = 4
    for dimension in comparison.dimensions:
        for row in dimension.rows:
            values = (
                dimension.label,
                row.label,
                row.before.count,
                _percent_value(row.before.percent_tenths),
                row.after.count,
                _percent_value(row.after.percent_tenths),
                row.delta,
                _percent_value(row.delta_points_tenths),
            )
            for col, value in enumerate(values, start=1):
                _cell(ws, r, col, value, fmt="0.0" if col in (4, 6, 8) else "")
            r += 1
    for col, value in enumerate(
        ("合计", "人数", a.total, None, b.total, None, comparison.total_delta, None), start=1
    ):
        _cell(ws, r, col, value, header=col <= 2)
    r += 1
    for col, value in enumerate(
        ("平均年龄", "岁", a.average_age, None, b.average_age, None, comparison.average_age_delta, None),
        start=1,
    ):
        _cell(ws, r, col, value, header=col <= 2)
    for col, w in enumerate((10, 14, 14, 10, 14, 10, 10, 16), start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    for table in (a, b):
        sheet = wb.create_sheet(f"{table.as_of:%Y-%m-%d}")
        write_structure_sheet(sheet, table)
    return xlsx_bytes(wb)


FORECAST_HEADERS = (
    "序号",
    "姓名",
    "单位",
    "现任职务",
    "职务层次",
    "性别",
    "出生年月",
    "现年龄",
    "任职年龄界限",
    "到杠时间",
    "法定退休年龄",
    "法定退休时间（到龄年月）",
    "退休年龄口径",
    "政治面貌",
    "民族",
)


def forecast_xlsx(forecast: Forecast, codes: dict[str, dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "到龄预测"
    _put(ws, 1, 1, f"{forecast.unit.name}领导干部到龄预测").font = Font(bold=True, size=14)
    until = f"；到龄名单为 {forecast.until:%Y-%m-%d} 前到龄（含已到龄）" if forecast.until else ""
    _put(ws, 2, 1, f"起算日期 {forecast.as_of:%Y-%m-%d}；领导干部总数 {forecast.leaders_total} 人{until}")
    headers = (
        "年度",
        "当年到龄",
        "其中妇女",
        "其中党外",
        "其中少数民族",
        "累计到龄",
        "其中妇女",
        "其中党外",
        "其中少数民族",
        "累计占领导干部总数（%）",
    )
    for col, text in enumerate(headers, start=1):
        _cell(ws, 4, col, text, header=True)
    r = 5
    o = forecast.overdue
    for col, value in enumerate(("已到龄", o.total, o.women, o.non_party, o.minority), start=1):
        _cell(ws, r, col, value)
    r += 1
    for year in forecast.years:
        n, c = year.reaching, year.cumulative
        share = None if year.share_hundredths is None else year.share_hundredths / 100
        values = (
            year.year,
            n.total,
            n.women,
            n.non_party,
            n.minority,
            c.total,
            c.women,
            c.non_party,
            c.minority,
            share,
        )
        for col, value in enumerate(values, start=1):
            _cell(ws, r, col, value, fmt="0.00" if col == 10 else "")
        r += 1
    _put(ws, r + 1, 1, forecast.sentence())
    for col in range(1, 11):
        ws.column_dimensions[get_column_letter(col)].width = 12
    people = wb.create_sheet("到龄名单")
    for col, text in enumerate(FORECAST_HEADERS, start=1):
        _cell(people, 1, col, text, header=True)
    for i, p in enumerate(forecast.people, start=1):
        person: tuple[Any, ...] = (
            i,
            p.name,
            p.unit_name,
            p.title,
            codes.get("leadership_level", {}).get(p.level, p.level),
            codes.get("gender", {}).get(p.gender, p.gender),
            f"{p.birth_date:%Y.%m}",
            p.age,
            p.cap,
            f"{p.cap_date:%Y.%m.%d}",
            p.retirement.age_label,
            p.retirement.year_month,
            RETIREMENT_GROUP_LABELS[p.retirement_group],
            codes.get("political_status", {}).get(p.political_status, p.political_status),
            codes.get("ethnicity", {}).get(p.ethnicity, p.ethnicity),
        )
        for col, value in enumerate(person, start=1):
            _cell(people, i + 1, col, value)
    for col, w in enumerate((6, 10, 16, 24, 12, 6, 10, 8, 12, 12, 14, 18, 16, 12, 10), start=1):
        people.column_dimensions[get_column_letter(col)].width = w
    return xlsx_bytes(wb)


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def _word_table(document: Any, table: StructureTable) -> None:
    dimensions = shown_dimensions(table)
    columns = 1 + sum(len(d.shown_categories) for d in dimensions)
    grid = document.add_table(rows=4, cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    table_cell(grid.cell(0, 0), "类别", bold=True)
    table_cell(grid.cell(1, 0), "项目", bold=True)
    table_cell(grid.cell(2, 0), "人数", bold=True)
    table_cell(grid.cell(3, 0), "占比%", bold=True)
    column = 1
    for dimension in dimensions:
        categories = dimension.shown_categories
        head = grid.cell(0, column)
        if len(categories) > 1:
            head = head.merge(grid.cell(0, column + len(categories) - 1))
        table_cell(head, dimension.label, bold=True)
        for offset, category in enumerate(categories):
            table_cell(grid.cell(1, column + offset), category.label, bold=True)
            table_cell(grid.cell(2, column + offset), str(category.count))
            table_cell(grid.cell(3, column + offset), category.percent)
        column += len(categories)


def structure_docx(tables: Sequence[StructureTable], *, comparison: Comparison | None = None) -> bytes:
    """A report section on landscape A4: heading, the seed-style paragraph and the table, per table."""
    first = tables[0]
    document = new_document(landscape=True, title=title_of(first))
    heading(document, f"{first.unit.name}干部队伍结构情况")
    for index, table in enumerate(tables):
        heading(
            document,
            f"{'一二三四五'[index % 5]}、{date_label(table)}{table.population_label}队伍结构",
            level=1,
        )
        body_paragraph(document, table.sentence)
        heading(document, title_of(table), level=2)
        _word_table(document, table)
        note = document.add_paragraph()
        set_fonts(
            note.add_run(
                f"注：{date_label(table)}；学历口径为{table.education_label}；占比保留一位小数（四舍五入）。"
            ),
            TABLE_FONT,
            9,
        )
    if comparison is not None:
        heading(document, "变化情况", level=1)
        parts = []
        for dimension in comparison.dimensions:
            for row in dimension.rows:
                if row.delta:
                    sign = "增加" if row.delta > 0 else "减少"
                    parts.append(f"{row.label}{sign}{abs(row.delta)}名（占比{row.delta_points}个百分点）")
        a, b = comparison.before, comparison.after
        text = (
            f"与{a.as_of.year}年{a.as_of.month}月相比，{b.as_of.year}年{b.as_of.month}月总人数由{a.total}人变为{b.total}人，"
            f"平均年龄由{a.average_age}岁变为{b.average_age}岁"
        )
        body_paragraph(document, text + ("；其中" + "；".join(parts) if parts else "") + "。")
    return docx_bytes(document)


# ---------------------------------------------------------------------------------------------
# 班子配备: the table of vacancies and over-quota posts
# ---------------------------------------------------------------------------------------------

STAFFING_HEADERS = (
    "序号",
    "单位",
    "单位分类",
    "班子",
    "职位",
    "职务层次",
    "职数",
    "实配",
    "空缺",
    "超职数",
)
STAFFING_WIDTHS = (6, 18, 10, 20, 14, 10, 7, 7, 7, 8)


def staffing_gaps_title(scope_name: str) -> str:
    return f"{scope_name}班子职位空缺与超职数一览表"


def staffing_gaps_xlsx(table: GapTable, *, scope_name: str, level_names: dict[str, str]) -> bytes:
    """The rows of the page, in its order: a title, the date and filter, a header row, one row per
    post (numbers as numbers), a 合计 row. Text through `core.spreadsheet.text_cells`."""
    style = xlsx_styles()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "空缺与超职数"
    ws.append(text_cells(ws, [staffing_gaps_title(scope_name)]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        text_cells(
            ws,
            [
                f"截至{table.on.year}年{table.on.month}月{table.on.day}日；筛选：{table.filter_label}；"
                f"共 {len(table.rows)} 个职位，空缺 {table.vacancies} 名，超职数 {table.over} 名"
            ],
        )
    )
    ws.append(text_cells(ws, STAFFING_HEADERS))
    for cell in ws[3]:
        cell.font, cell.fill, cell.border, cell.alignment = (
            style["bold"],
            style["header_fill"],
            style["border"],
            style["center"],
        )
    for index, row in enumerate(table.rows, start=1):
        values = (
            index,
            row.unit_name,
            row.unit_category,
            row.team_name,
            row.post_name,
            level_names.get(row.level, row.level),
            row.quota,
            row.filled,
            row.vacancies,
            row.over,
        )
        ws.append(text_cells(ws, values))
        for cell in ws[ws.max_row]:
            cell.border = style["border"]
    ws.append(text_cells(ws, ["合计", "", "", "", "", "", "", "", table.vacancies, table.over]))
    for cell in ws[ws.max_row]:
        cell.border, cell.font = style["border"], style["bold"]
    for column, width in enumerate(STAFFING_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"
    return xlsx_bytes(wb)
