"""Result documents: Excel (openpyxl) and Word (python-docx). Both show the rules' outcome, the
per-group figures (suppressed groups left out) and the sealed tally hash."""

from __future__ import annotations

import io

from ganbu.ballots import rules
from ganbu.ballots.models import SessionKind
from ganbu.ballots.results import Result, SubjectResult
from ganbu.core.office import set_fonts

RULE_NOTES = {
    "decision": "常委会票决：到会人数须达到应到会人数的三分之二；同意票超过应到会人数半数的为通过。",
    "consultation": "全委会征求意见：不同意票超过半数（计算基数见上）的，不再作为提名人选。",
    "recommendation": "民主推荐：每票所选人数超过规定人数的为废票；最高得票率低于30%的应进行第二轮推荐。",
    "rating": "民主测评：按各类评议人权重加权计算；满意度=优秀+称职；不称职票达到30%的予以预警。",
}


def _rule_note(result: Result) -> str:
    return RULE_NOTES.get(result.rule or result.kind, "")


def _columns(result: Result) -> list[str]:
    if result.kind == SessionKind.RECOMMENDATION:
        return ["得票", "得票率（%）"]
    cols = [f"{o}" for o in result.options] + [f"{o}（%）" for o in result.options]
    if result.kind == SessionKind.RATING:
        cols.append("满意度（%）")
    if result.rule == "decision":
        cols.append("是否通过")
    if result.rule == "consultation":
        cols.append("结论")
    return [*cols, "提示"]


def _row(result: Result, sr: SubjectResult) -> list[object]:
    if result.kind == SessionKind.RECOMMENDATION:
        return [sr.label, sr.votes or 0, rules.percent(sr.share), "；".join(sr.flags)]
    row: list[object] = [sr.label]
    row += [sr.counts[o] for o in result.options]
    row += [rules.percent(sr.shares.get(o)) for o in result.options]
    if result.kind == SessionKind.RATING:
        row.append(rules.percent(sr.satisfaction))
    if result.rule == "decision":
        row.append("通过" if sr.passed else "未通过")
    if result.rule == "consultation":
        row.append("不再作为提名人选" if sr.dropped else "保留")
    flags = [f for f in sr.flags if f not in ("通过", "未通过")]
    return [*row, "；".join(flags)]


def _summary_lines(result: Result) -> list[str]:
    lines = [
        f"类型：{result.kind_label}",
        f"应到 {result.total('expected')} 人，实到 {result.total('present')} 人，"
        f"发出 {result.total('issued')} 票，收回 {result.total('returned')} 票，"
        f"废票 {result.total('invalid')} 票，有效 {result.total('valid')} 票",
    ]
    if result.denominator is not None:
        basis = "应到人数" if result.denominator_basis == "expected" else "实到人数"
        lines.append(f"计算基数：{basis} {result.denominator} 人")
    lines.append("投票有效" if result.valid else "投票无效：" + "；".join(result.invalid_reasons))
    lines += result.flags
    if result.tally_sha256:
        lines.append(f"计票结果已封存，SHA-256：{result.tally_sha256}")
    return lines


def result_xlsx(result: Result) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "结果"
    ws.append([result.title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in _summary_lines(result):
        ws.append([line])
    ws.append([_rule_note(result)])
    ws.append([])
    header = ["姓名", *_columns(result)]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for sr in result.subjects:
        ws.append(_row(result, sr))
    if result.write_ins:
        ws.append([])
        ws.append(["另选他人", "得票", "得票率（%）"])
        for name, votes, share in result.write_ins:
            ws.append([name, votes, rules.percent(share)])
    ws.column_dimensions["A"].width = 18
    groups = wb.create_sheet("分组")
    groups.append(["评议人类别", "权重", "应到", "实到", "发出", "收回", "废票", "有效", "分组结果"])
    for g in result.groups:
        groups.append(
            [
                g.name,
                g.weight,
                g.expected,
                g.present,
                g.issued,
                g.returned,
                g.invalid,
                g.valid,
                "票数过少，不单独显示" if g.suppressed else "显示",
            ]
        )
    for g in result.groups:
        if g.suppressed:
            continue
        ws_g = wb.create_sheet(g.name[:28] or "分组")
        columns = ["得票"] if result.kind == SessionKind.RECOMMENDATION else result.options
        ws_g.append(["姓名", *columns, *[f"{c}（%）" for c in columns]])
        for sr in result.subjects:
            counts = sr.by_group.get(g.name, {})
            shares = sr.group_shares.get(g.name, {})
            share_keys = ["得票率"] if result.kind == SessionKind.RECOMMENDATION else columns
            ws_g.append(
                [
                    sr.label,
                    *[counts.get(c, 0) for c in columns],
                    *[rules.percent(shares.get(k)) for k in share_keys],
                ]
            )
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(vertical="center")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def result_docx(result: Result) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    set_fonts(doc.styles["Normal"], "宋体", 11)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{result.title}\n计票结果报告")
    run.bold = True
    run.font.size = Pt(16)
    for line in _summary_lines(result):
        doc.add_paragraph(line)
    doc.add_paragraph(_rule_note(result))
    header = ["姓名", *_columns(result)]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for sr in result.subjects:
        cells = table.add_row().cells
        for cell, value in zip(cells, _row(result, sr), strict=True):
            cell.text = "" if value is None else str(value)
    if result.write_ins:
        doc.add_paragraph(
            "另选他人：" + "；".join(f"{n} {v} 票（{rules.percent(s)}%）" for n, v, s in result.write_ins)
        )
    doc.add_paragraph("")
    doc.add_paragraph("各类评议人：")
    gt = doc.add_table(rows=1, cols=8)
    gt.style = "Table Grid"
    for cell, text in zip(
        gt.rows[0].cells, ["类别", "权重", "应到", "实到", "发出", "收回", "废票", "有效"], strict=True
    ):
        cell.text = text
    for g in result.groups:
        cells = gt.add_row().cells
        values = [g.name, g.weight, g.expected, g.present, g.issued, g.returned, g.invalid, g.valid]
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)
    doc.add_paragraph("")
    doc.add_paragraph("监票人（签字）：__________    计票人（签字）：__________    日期：__________")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
