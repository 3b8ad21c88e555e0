"""Result documents: a `Result` (selectors.session_result) → Excel and Word bytes, in the house
style of `core.office`. Both show the rules' outcome with the thresholds in force, the per-group
figures (suppressed groups left out) and the sealed tally hash (printed as 封存校验码). Views return them through
`core.office.audited_attachment`. (Code slips are made by slips.py.)"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ganbu.ballots import rules
from ganbu.ballots.models import ApprovalRule, SessionKind
from ganbu.ballots.results import Result, SubjectResult
from ganbu.core import numbers
from ganbu.core.office import body_paragraph, docx_bytes, heading, new_document, word_table, xlsx_styles
from ganbu.core.spreadsheet import text_cells, xlsx_bytes

PERCENT_FORMAT = "0.00"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def rule_note(result: Result) -> str:
    """The rule applied, with the administrator's thresholds in force when it was computed."""
    if result.rule == ApprovalRule.DECISION:
        return (
            "常委会票决：到会人数须达到应到会人数的三分之二；同意票超过应到会人数半数的同意任用，"
            "否则缓议票超过半数的缓议，其余不予任用。"
        )
    turnout = (
        f"收回票数须达到实到人数的{rules.TURNOUT_CHOICES[result.turnout][0]}；"
        if result.turnout != "0"
        else ""
    )
    if result.rule == ApprovalRule.CONSULTATION:
        return f"全委会征求意见：{turnout}不同意票超过计算基数半数的，建议不再作为提名人选。"
    if result.kind == SessionKind.RECOMMENDATION:
        return (
            f"民主推荐：{turnout}每票所选人数超过规定人数的为废票；"
            f"最高得票率低于{result.second_round_percent}%的应进行第二轮推荐。"
        )
    if result.kind == SessionKind.RATING:
        return (
            f"民主测评：{turnout}按各类评议人权重加权计算；满意度=优秀+称职；"
            f"不称职票达到{result.unfit_warning_percent}%的予以预警。"
        )
    return ""


def _columns(result: Result) -> list[str]:
    """The headings after 姓名, one for every cell `_row` writes after the label (提示 last for
    every kind, as on the result page): Word's table has exactly these columns."""
    if result.kind == SessionKind.RECOMMENDATION:
        return ["得票", "得票率（%）", "提示"]
    cols = [f"{o}" for o in result.options] + [f"{o}（%）" for o in result.options]
    if result.kind == SessionKind.RATING:
        cols.append("满意度（%）")
    if result.rule:
        cols.append("结论")
    return [*cols, "提示"]


def _pct_number(value: Fraction | None) -> Decimal | None:
    """A share as the number of percent with two decimals (half up), for a spreadsheet cell."""
    return None if value is None else numbers.percent(value.numerator, value.denominator)


def _pct_text(value: Fraction | None) -> str:
    return rules.percent(value)


def _row(result: Result, sr: SubjectResult, pct: Any) -> list[Any]:
    """One subject's row; `pct` writes a share (a number for Excel, text for Word)."""
    if result.kind == SessionKind.RECOMMENDATION:
        return [sr.label, sr.votes or 0, pct(sr.share), "；".join(sr.flags)]
    row: list[Any] = [sr.label]
    row += [sr.counts[o] for o in result.options]
    row += [pct(sr.shares.get(o)) for o in result.options]
    if result.kind == SessionKind.RATING:
        row.append(pct(sr.satisfaction))
    if result.rule:
        row.append(sr.verdict)
    return [*row, "；".join(sr.flags)]


def summary_lines(result: Result) -> list[str]:
    lines = [
        f"类型：{result.kind_label}",
        f"应到 {result.total('expected')} 人，实到 {result.total('present')} 人，"
        f"发出 {result.total('issued')} 票，收回 {result.total('returned')} 票，"
        f"废票 {result.total('invalid')} 票，有效 {result.total('valid')} 票",
    ]
    lines.append(result.basis_label)
    lines.append(
        result.validity_label
        if result.valid
        else result.validity_label + "：" + "；".join(result.invalid_reasons)
    )
    lines += result.flags
    if result.tally_sha256:
        lines.append(f"计票结果已封存，封存校验码：{result.tally_sha256}")
    return lines


GROUP_HEADER = ["评议人类别", "权重", "应到", "实到", "发出", "收回", "废票", "有效"]


def _group_row(g: Any) -> list[Any]:
    return [g.name, g.weight, g.expected, g.present, g.issued, g.returned, g.invalid, g.valid]


# --- Excel -------------------------------------------------------------------------------------


def _sheet_title(name: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub("_", name)[:28] or "分组"


def _appended(ws: Any, values: list[Any]) -> list[Any]:
    """Append a row (text never a formula) and return its cells."""
    ws.append(text_cells(ws, values))
    return list(next(ws.iter_rows(min_row=ws.max_row, max_row=ws.max_row, max_col=len(values))))


def _header(ws: Any, values: list[str], styles: dict[str, Any]) -> None:
    for cell in _appended(ws, values):
        cell.font = styles["bold"]
        cell.fill = styles["header_fill"]
        cell.border = styles["border"]
        cell.alignment = styles["center"]


def _body(ws: Any, values: list[Any], styles: dict[str, Any]) -> None:
    """A table row: counts and percentages are numbers (percentages shown with two decimals),
    text stays text."""
    for cell in _appended(ws, values):
        cell.border = styles["border"]
        if isinstance(cell.value, Decimal):
            cell.number_format = PERCENT_FORMAT


def result_xlsx(result: Result) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    styles = xlsx_styles()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "结果"
    ws.append(text_cells(ws, [result.title]))
    ws["A1"].font = Font(bold=True, size=14)
    for line in summary_lines(result):
        ws.append(text_cells(ws, [line]))
    ws.append(text_cells(ws, [rule_note(result)]))
    ws.append([])
    _header(ws, ["姓名", *_columns(result)], styles)
    for sr in result.subjects:
        _body(ws, _row(result, sr, _pct_number), styles)
    if result.write_ins:
        ws.append([])
        _header(ws, ["另选他人", "得票", "得票率（%）"], styles)
        for name, votes, share in result.write_ins:
            _body(ws, [name, votes, _pct_number(share)], styles)
    ws.column_dimensions["A"].width = 18

    groups = wb.create_sheet("分组")
    _header(groups, [*GROUP_HEADER, "分组结果"], styles)
    for g in result.groups:
        _body(groups, [*_group_row(g), "票数过少，不单独显示" if g.suppressed else "显示"], styles)
    groups.column_dimensions["A"].width = 18

    recommendation = result.kind == SessionKind.RECOMMENDATION
    columns = ["得票"] if recommendation else result.options
    share_keys = ["得票率"] if recommendation else columns
    for g in result.groups:
        if g.suppressed:
            continue
        ws_g = wb.create_sheet(_sheet_title(g.name))
        _header(ws_g, ["姓名", *columns, *[f"{c}（%）" for c in columns]], styles)
        for sr in result.subjects:
            counts = sr.by_group.get(g.name, {})
            shares = sr.group_shares.get(g.name, {})
            _body(
                ws_g,
                [
                    sr.label,
                    *[counts.get(c, 0) for c in columns],
                    *[_pct_number(shares.get(k)) for k in share_keys],
                ],
                styles,
            )
        ws_g.column_dimensions["A"].width = 18
    return xlsx_bytes(wb)


# --- Word --------------------------------------------------------------------------------------


def result_docx(result: Result) -> bytes:
    columns = ["姓名", *_columns(result)]
    document = new_document(landscape=len(columns) > 8, title=f"{result.title} 计票结果报告")
    heading(document, result.title)
    heading(document, "计票结果报告", level=2)
    for line in summary_lines(result):
        body_paragraph(document, line, size=12)
    body_paragraph(document, rule_note(result), size=12)
    word_table(document, columns, [_row(result, sr, _pct_text) for sr in result.subjects])
    if result.write_ins:
        body_paragraph(
            document,
            "另选他人：" + "；".join(f"{n} {v} 票（{rules.percent(s)}%）" for n, v, s in result.write_ins),
            size=12,
        )
    heading(document, "各类评议人", level=2)
    word_table(document, GROUP_HEADER, [_group_row(g) for g in result.groups])
    body_paragraph(document, "", size=12)
    body_paragraph(
        document,
        "监票人（签字）：__________    计票人（签字）：__________    日期：__________",
        size=12,
        indent=False,
    )
    return docx_bytes(document)
