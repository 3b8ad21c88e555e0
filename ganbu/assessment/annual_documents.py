"""The documents of a unit's annual review in the house style of core.office: the Excel
年度考核结果汇总表 (a team's term review has its own, with the satisfaction), the Word 优秀等次公示 and the
Word 公务员年度考核登记表 (one per cadre, and a zip for the unit)."""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction
from typing import Any

from ganbu.assessment.models import AnnualReview, QuarterGrade
from ganbu.assessment.selectors import term_summary
from ganbu.ballots import rules as ballot_rules
from ganbu.core.office import body_paragraph, docx_bytes, heading, new_document, table_cell
from ganbu.core.spreadsheet import table_xlsx

OPTIONS = ("优秀", "称职", "基本称职", "不称职")


def _quarters(review: AnnualReview) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    ids = list(review.entries.values_list("cadre_id", flat=True))
    for q in QuarterGrade.objects.filter(cadre_id__in=ids, year=review.year):
        out.setdefault(q.cadre_id, {})[q.quarter] = q.grade
    return out


def _people(review: AnnualReview) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in (review.result or {}).get("participants", [])}


def _notes(entry: Any, person: dict[str, Any]) -> str:
    notes = [x["message"] for x in person.get("refused", []) + person.get("flags", [])]
    if entry.unfit_reason:
        notes.append(f"定为{entry.proposed}的理由：{entry.unfit_reason}")
    return "；".join(notes)


def _percent(value: Fraction | None) -> str:
    """「93.33%」 - two decimals, half up (`ballots.rules.percent`), as the review page shows it."""
    text = ballot_rules.percent(value)
    return f"{text}%" if text else ""


def term_summary_xlsx(review: AnnualReview) -> bytes:
    """The summary sheet of a 届中考核 or 届末考核 of a team: the members by 职务层次 with each
    one's 满意度 and weighted 不称职 share of the 民主测评 from `selectors.term_summary`, the
    proposal, the grade and why; the last row is the team's satisfaction (no quarter grades: a
    team's review does not read them)."""
    summary = term_summary(review)
    people = _people(review)
    rows: list[list[Any]] = []
    for member in summary["members"]:
        e = member["entry"]
        p = people.get(str(e.pk), {})
        rows.append(
            [
                e.cadre.name,
                e.cadre.current_title,
                e.get_role_display(),
                _percent(member["satisfaction"]),
                _percent(member["unfit"]),
                e.proposed,
                e.final or p.get("final", ""),
                _notes(e, p),
            ]
        )
    rows.append(["班子满意度", "", "", _percent(summary["satisfaction"]), "", "", "", ""])
    return table_xlsx(
        sheet=f"{review.get_kind_display()}结果",
        title=f"{review}结果汇总表（{review.get_status_display()}）",
        headers=["姓名", "职务", "类别", "满意度", "不称职票（加权）", "拟定等次", "确定等次", "说明"],
        rows=rows,
        widths=(12, 30, 12, 10, 16, 10, 10, 60),
    )


def summary_xlsx(review: AnnualReview) -> bytes:
    """The summary sheet of an annual review, the 年度考核结果汇总表 - one row per participant with the
    quarter grades, the proposal, the grade and why; a term review has `term_summary_xlsx`."""
    if review.is_term:
        return term_summary_xlsx(review)
    quarters = _quarters(review)
    people = _people(review)
    rows = []
    for e in review.entries.select_related("cadre").order_by("role", "id"):
        p = people.get(str(e.pk), {})
        rows.append(
            [
                e.cadre.name,
                e.cadre.current_title,
                e.get_role_display(),
                *[quarters.get(e.cadre_id, {}).get(q, "") for q in (1, 2, 3, 4)],
                e.proposed,
                e.final or p.get("final", ""),
                _notes(e, p),
            ]
        )
    return table_xlsx(
        sheet="年度考核结果",
        title=f"{review}结果汇总表（{review.get_status_display()}）",
        headers=[
            "姓名",
            "职务",
            "类别",
            "一季度",
            "二季度",
            "三季度",
            "四季度",
            "拟定等次",
            "确定等次",
            "说明",
        ],
        rows=rows,
        widths=(10, 30, 12, 8, 8, 8, 8, 10, 10, 60),
    )


def publicity_docx(review: AnnualReview) -> bytes:
    """The notice of the 优秀 grades, the 优秀等次公示 - who, the five working days, where to report."""
    people = _people(review)
    excellent = [
        e
        for e in review.entries.select_related("cadre").order_by("id")
        if (e.final or people.get(str(e.pk), {}).get("final")) == "优秀"
    ]
    document = new_document(title=f"{review.unit.name}{review.year}年度考核优秀等次人员公示")
    heading(document, f"关于{review.unit.name}{review.year}年度考核优秀等次人员的公示")
    body_paragraph(
        document,
        f"根据公务员年度考核有关规定，经个人总结、民主测评、单位审核、主管部门审核和县委组织部审批，"
        f"拟确定以下 {len(excellent)} 名同志{review.year}年度考核为优秀等次，现予公示：",
    )
    for i, e in enumerate(excellent, start=1):
        body_paragraph(document, f"{i}．{e.cadre.name}，{e.cadre.current_title}")
    start = f"{review.publicity_start:%Y年%m月%d日}" if review.publicity_start else "　　年　月　日"
    end = f"{review.publicity_end:%Y年%m月%d日}" if review.publicity_end else "　　年　月　日"
    body_paragraph(
        document,
        f"公示时间：{start}至{end}（5 个工作日）。公示期间，对公示对象有异议的，可以书面或当面向县委组织部反映。"
        "反映问题应实事求是，提倡署真实姓名。",
    )
    return docx_bytes(document)


def register_docx(review: AnnualReview, entry: Any) -> bytes:
    """公务员年度考核登记表 of one cadre: the record's facts, the grade, and the blank boxes the
    cadre and the leaders fill in by hand."""
    cadre = entry.cadre
    document = new_document(title=f"{cadre.name}{review.year}年度考核登记表")
    heading(document, "公务员年度考核登记表")
    body_paragraph(document, f"（{review.year}年度）", indent=False)
    table = document.add_table(rows=6, cols=4)
    table.style = "Table Grid"
    cells = [
        ("姓名", cadre.name, "性别", "男" if cadre.gender == "1" else "女"),
        (
            "出生年月",
            f"{cadre.birth_date:%Y.%m}" if cadre.birth_date else "",
            "任现职时间",
            f"{cadre.current_post_since:%Y.%m}" if cadre.current_post_since else "",
        ),
        ("单位及职务", cadre.current_title or review.unit.name, "", ""),
        ("个人总结", "", "", ""),
        ("主管领导评语和考核等次建议", "", "", ""),
        ("考核等次", entry.final or entry.proposed or "", "审核意见", ""),
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table_cell(table.cell(r, c), text, bold=c % 2 == 0, size=11)
    for r in (2, 3, 4):
        table.cell(r, 1).merge(table.cell(r, 3))
    return docx_bytes(document)


def registers_zip(review: AnnualReview) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, e in enumerate(review.entries.select_related("cadre").order_by("id"), start=1):
            archive.writestr(
                f"{i:03d}_{e.cadre.name}_{review.year}年度考核登记表.docx", register_docx(review, e)
            )
    return out.getvalue()


__all__ = ["publicity_docx", "register_docx", "registers_zip", "summary_xlsx", "term_summary_xlsx"]
