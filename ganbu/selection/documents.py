"""The documents of a case (issue 16, item 5), each a function `case → bytes` in the house style of
`core.office`, generated from the stored case: its steps' figures (never the ballot engine's
per-voter data), its candidates and the registry (`cadres` through its selectors and documents).

- 考察预告 (`notice_docx`): the 考察对象 with their one-line bios, the post, the period, how to report.
- 考察材料 (`inspection_docx`): one section per 考察对象: 基本情况, the 考察's figures (个别谈话, the
  民主测评 of a sealed 测评 ballot), 纪检监察机关意见, 档案审核, and 主要表现 / 主要不足 for the writer.
- 任前公示 (`publicity_docx`): the appointees' bios with 拟任, the period from the step's figures.
- 任职通知 (`appointment_notice_docx`): 「关于XX同志任职的通知」 with the 任职 step's 文号, naming the
  former holders the 任职 relieved (「免去王五同志甲镇党委书记职务」).
- 选拔任用工作纪实表 (`record_docx`): the case, every step, the candidates, each one's 资格审查 (the
  conditions beside the requirements), 「两推」 and 「三点一线」 views and any exception with its
  approval, and the complaints.
- 干部任免审批表 (`appointment_forms`): the registry's form of each nominee with 拟任, 拟免 and
  任免理由 from the case (a zip when there are several).

`DOCUMENTS` lists them with the step each needs (a document is offered once its step is recorded),
whether it carries personal data beyond a public notice (`sensitive`: for roles with
`cadres.view_sensitive` only) and whether it is an issued notice the 组织部 may keep as issued on its
step (`archivable`: 考察预告, 任前公示, 任职通知; `services.records.document_archive`). The views and
any command take the same functions.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ganbu.ballots import rules as ballot_rules
from ganbu.cadres import record_selectors
from ganbu.cadres.appointment_form import unique_name
from ganbu.cadres.documents import appointment_form_name, build_appointment_form
from ganbu.core.downloads import DOCX
from ganbu.core.numbers import format_hundredths, percent_hundredths
from ganbu.core.office import body_paragraph, docx_bytes, heading, new_document, word_table
from ganbu.org.selectors import code_name, county_root, work_calendar
from ganbu.selection.conf import selection_settings
from ganbu.selection.models import ORDER, Candidate, CandidateStatus, Case, Method, Step, StepKind
from ganbu.selection.rules.eligibility import Condition
from ganbu.selection.selectors import candidate_conditions, step_summary

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

__all__ = [
    "DOCUMENTS",
    "DocumentSpec",
    "appointment_forms",
    "appointment_notice_docx",
    "available_documents",
    "document_filename",
    "inspection_docx",
    "notice_docx",
    "one_line_bio",
    "publicity_docx",
    "record_docx",
]

ZIP = "application/zip"
BLANK = "＿" * 12  # a line left for the writer (the 组织部's telephone)
HASH_PREFIX = 16  # the characters of a seal's or a file's SHA-256 the 纪实表 prints
PARTY_MEMBER, PROBATIONARY_MEMBER, NON_PARTY, MASSES = "01", "02", "12", "13"  # GB/T 4762
THREE_POINTS = (("群众", "masses"), ("单位党组织", "party_org"), ("分管领导", "leader"))  # 「三点一线」
REPORT = (
    "反映问题应实事求是，客观公正，以个人名义反映的提倡署真实姓名并提供联系方式，"
    "以单位名义反映的应加盖单位公章。"
)


# --- small helpers ----------------------------------------------------------------------------


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "　　年　　月　　日"


def _month(d: date) -> str:
    return f"{d.year}年{d.month}月"


def _pct(n: int, total: int) -> str:
    return f"{format_hundredths(percent_hundredths(n, total))}%" if total else "—"


def _last_step(case: Case, kind: str) -> Step | None:
    steps = [s for s in case.steps.all() if s.kind == kind]
    return steps[-1] if steps else None


def _county() -> str:
    root = county_root()
    return root.name if root is not None else "县"


def _organisation_department() -> str:
    return f"中共{_county()}委组织部"


def _post_title(case: Case) -> str:
    return f"{case.unit.name}{case.post.name}"


def _signature(document: Any, signer: str, day: date | None) -> None:
    for text in ("", signer, _day(day)):
        paragraph = body_paragraph(document, text, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _held_titles(cadre: Cadre, on: date) -> str:
    """The posts the cadre held on `on` (the primary first), from the registry's appointments;
    the derived 现任职务 when none is recorded for that day."""
    titles = [a.title for a in record_selectors.open_appointments(cadre.pk, on=on) if a.title]
    return "、".join(dict.fromkeys(titles)) or cadre.current_title


def _primary_title(cadre: Cadre, on: date) -> str:
    held = [a for a in record_selectors.open_appointments(cadre.pk, on=on) if a.is_primary and a.title]
    return held[0].title if held else ""


# --- the one-line bio -------------------------------------------------------------------------


def _party(cadre: Cadre) -> str:
    status = cadre.political_status
    if status == PARTY_MEMBER:
        joined = cadre.party_joined_on
        return f"{_month(joined)}加入中国共产党" if joined else "中共党员"
    if status == PROBATIONARY_MEMBER:
        return "中共预备党员"
    if status in ("", MASSES):
        return ""
    return code_name("political_status", status)  # 民盟盟员 …, 无党派人士


def _education(cadre: Cadre) -> str:
    name = code_name("education", cadre.highest_education)
    return name if not name or name.endswith("学历") else f"{name}学历"


def one_line_bio(cadre: Cadre, *, proposed: str, current: str | None = None) -> str:
    """The bio of a notice, from the registry: 「张三，男，1983年10月生，汉族，河南开封人，2005年7月
    参加工作，2004年6月加入中国共产党，大学学历，现任XX，拟任XX。」 A part the registry does not
    have is left out (never a blank). `current`: the posts held as of the notice (default the
    derived 现任职务); `proposed` empty leaves out 拟任."""
    native = cadre.native_place.strip()
    current = cadre.current_title if current is None else current
    parts = [
        cadre.name,
        code_name("gender", cadre.gender),
        f"{_month(cadre.birth_date)}生" if cadre.birth_date else "",
        code_name("ethnicity", cadre.ethnicity),
        f"{native}人" if native else "",
        f"{_month(cadre.work_started_on)}参加工作" if cadre.work_started_on else "",
        _party(cadre),
        _education(cadre),
        f"现任{current}" if current else "",
        f"拟任{proposed}" if proposed else "",
    ]
    return "，".join(p for p in parts if p) + "。"


def _bio(candidate: Candidate, *, proposed: str, on: date) -> str:
    if candidate.cadre is None:  # an applicant not in the registry: the name alone
        return f"{candidate.name}{'，拟任' + proposed if proposed else ''}。"
    return one_line_bio(candidate.cadre, proposed=proposed, current=_held_titles(candidate.cadre, on))


# --- who each document is about ---------------------------------------------------------------


def _candidates(case: Case) -> list[Candidate]:
    return list(case.candidates.select_related("cadre"))


def _inspected(case: Case) -> list[Candidate]:
    """The 考察对象 - those the 确定考察对象 step chose (dropped later or not)."""
    shortlist = _last_step(case, StepKind.SHORTLIST)
    chosen = list((shortlist.figures or {}).get("chosen", [])) if shortlist else []
    by_name = {c.name: c for c in _candidates(case)}
    return [by_name[name] for name in chosen if name in by_name]


def _nominees(case: Case) -> list[Candidate]:
    """The candidates still in the case (in the programme, or appointed)."""
    return [c for c in _candidates(case) if c.status != CandidateStatus.DROPPED]


def _publicised(case: Case) -> list[Candidate]:
    """The candidates of the 任前公示 - the nominees, and those dropped at the 公示 or after it."""
    since = ORDER.index(StepKind.PUBLICITY)
    return [
        c
        for c in _candidates(case)
        if c.status != CandidateStatus.DROPPED
        or (c.dropped_at in ORDER and ORDER.index(c.dropped_at) >= since)
    ]


# --- 考察预告 ----------------------------------------------------------------------------------


def notice_docx(case: Case) -> bytes:
    step = _last_step(case, StepKind.NOTICE)
    on = step.day if step else timezone.localdate()
    people = _inspected(case)
    document = new_document(title=f"{case}考察预告")
    heading(document, "干部考察预告")
    body_paragraph(
        document,
        f"根据《党政领导干部选拔任用工作条例》和有关规定，经县委研究，决定对下列 {len(people)} 名同志"
        f"进行考察，考察职位为{_post_title(case)}。现将考察对象的基本情况预告如下：",
    )
    for i, candidate in enumerate(people, start=1):
        body_paragraph(document, f"{i}．{_bio(candidate, proposed='', on=on)}")
    body_paragraph(document, f"预告时间：{_day(on)}至{_day(None)}。")
    body_paragraph(
        document,
        "预告期间，干部群众可通过来电、来信、来访等方式，向县委组织部反映考察对象在德、能、勤、绩、廉"
        f"等方面的情况和问题。{REPORT}",
    )
    body_paragraph(document, f"联系电话：{BLANK}")
    _signature(document, _organisation_department(), on)
    return docx_bytes(document)


# --- 考察材料 ----------------------------------------------------------------------------------


def _rating(step: Step, name: str) -> str:
    shares = ((step.figures or {}).get("rating") or {}).get(name) or {}
    if not shares:
        return ""
    # a JSON column of PostgreSQL (jsonb) keeps no key order: the options in the ballot's order
    order = {option: i for i, option in enumerate(ballot_rules.RATING_OPTIONS)}
    ordered = sorted(shares.items(), key=lambda kv: order.get(kv[0], len(order)))
    words = "，".join(f"{option} {share}%" for option, share in ordered)
    seal = f"（测评结果已封存，校验码 {step.seal_sha256[:HASH_PREFIX]}）" if step.seal_sha256 else ""
    return f"民主测评结果：{words}{seal}。"


def inspection_docx(case: Case) -> bytes:
    """One section per 考察对象 (a page each), for the 考察组 to complete."""
    step = _last_step(case, StepKind.INSPECT)
    if step is None:
        raise ValueError("考察尚未记录")
    figures = step.figures or {}
    extra = figures.get("extra") or {}
    staff, talks = int(figures.get("unit_staff") or 0), int(figures.get("talks") or 0)
    document = new_document(title=f"{case}考察材料")
    for i, candidate in enumerate(_inspected(case)):
        if i:
            document.add_page_break()
        heading(document, f"关于{candidate.name}同志的考察材料")
        heading(document, "一、基本情况", level=1)
        body_paragraph(document, _bio(candidate, proposed="", on=step.day))
        heading(document, "二、考察情况", level=1)
        body_paragraph(
            document,
            f"{_day(step.day)}，县委组织部考察组对{candidate.name}同志拟任{_post_title(case)}进行了考察。"
            f"考察对象所在单位干部职工 {staff} 人，个别谈话 {talks} 人（{_pct(talks, staff)}）。",
        )
        rating = _rating(step, candidate.name)
        if rating:
            body_paragraph(document, rating)
        heading(document, "三、征求纪检监察机关意见", level=1)
        body_paragraph(document, extra.get("discipline") or "—")
        heading(document, "四、档案审核", level=1)
        body_paragraph(document, extra.get("file_review") or "—")
        heading(document, "五、主要表现", level=1)
        body_paragraph(document, "")
        heading(document, "六、主要不足", level=1)
        body_paragraph(document, "")
        _signature(document, "考察组成员（签名）：" + "　" * 8, None)
    return docx_bytes(document)


# --- 任前公示 ----------------------------------------------------------------------------------


def publicity_docx(case: Case) -> bytes:
    step = _last_step(case, StepKind.PUBLICITY)
    if step is None:
        raise ValueError("任前公示尚未记录")
    figures = step.figures or {}
    start = date.fromisoformat(figures["start"]) if figures.get("start") else step.day
    end = date.fromisoformat(figures["end"]) if figures.get("end") else None
    days = work_calendar().working_days_between(start, end) if end else 0
    document = new_document(title=f"{case}任前公示")
    heading(document, "干部任前公示")
    body_paragraph(document, "经县委研究，拟对下列同志任职前予以公示：")
    for i, candidate in enumerate(_publicised(case), start=1):
        body_paragraph(document, f"{i}．{_bio(candidate, proposed=_post_title(case), on=start)}")
    period = f"公示时间：{_day(start)}至{_day(end)}"
    body_paragraph(document, period + (f"（{days} 个工作日）。" if days else "。"))
    body_paragraph(
        document,
        "公示期间，干部群众可通过来电、来信、来访等方式，向县委组织部反映公示对象在德、能、勤、绩、廉"
        f"等方面的情况和问题。{REPORT}",
    )
    body_paragraph(document, f"联系电话：{BLANK}")
    _signature(document, _organisation_department(), step.day)
    return docx_bytes(document)


# --- 任职通知 ----------------------------------------------------------------------------------


def _probation(case: Case) -> str:
    if case.method == Method.ELECT:
        return ""
    months = selection_settings().probation_months
    span = "一年" if months == 12 else f"{months}个月"
    return f"（试用期{span}）"


def _relieved(step: Step) -> list[str]:
    """The former holders the 任职 relieved (免去), by cadre id (a jsonb column keeps no order)."""
    relieved = ((step.figures or {}).get("extra") or {}).get("relieved") or {}
    return [name for _, name in sorted(relieved.items(), key=lambda kv: int(kv[0]))]


def appointment_notice_docx(case: Case) -> bytes:
    """「关于XX同志任职的通知」; the former holders the 任职 relieved are named after the
    appointments (「免去王五同志甲镇党委书记职务。」), in a notice of 任免职."""
    step = _last_step(case, StepKind.APPOINT)
    if step is None:
        raise ValueError("任职尚未记录")
    appointed = [c for c in _candidates(case) if c.status == CandidateStatus.APPOINTED]
    relieved = _relieved(step)
    names = "、".join([c.name for c in appointed] + relieved)
    title = f"关于{names}同志{'任免职' if relieved else '任职'}的通知"
    document = new_document(title=title)
    doc_no = body_paragraph(document, str((step.figures or {}).get("doc_no", "")), indent=False)
    doc_no.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading(document, title)
    body_paragraph(document, f"{case.unit.name}：", indent=False)
    body_paragraph(document, "经县委研究决定：")
    for candidate in appointed:
        text = f"{candidate.name}同志任{_post_title(case)}{_probation(case)}"
        before = _primary_title(candidate.cadre, step.day - timedelta(days=1)) if candidate.cadre else ""
        body_paragraph(document, text + (f"，免去其{before}职务。" if before else "。"))
    if relieved:
        body_paragraph(document, f"免去{'、'.join(relieved)}同志{_post_title(case)}职务。")
    _signature(document, f"中共{_county()}委员会", step.day)
    return docx_bytes(document)


# --- 选拔任用工作纪实表 -------------------------------------------------------------------------


def _handlers(case: Case) -> str:
    return "、".join(str(u) for u in case.handlers.all()) or "—"


def _step_row(step: Step) -> list[str]:
    ballot = ""
    if step.ballot_session_id and step.ballot_session is not None:
        ballot = f"{step.ballot_session.title}（封存校验码 {step.seal_sha256[:HASH_PREFIX]}）"
    files = "、".join(f"{d.name}（{d.sha256[:HASH_PREFIX]}）" for d in step.documents.all())
    return [
        f"{step.day:%Y-%m-%d}",
        step.get_kind_display(),
        str(step.recorded_by) if step.recorded_by else "系统",
        step_summary(step),
        step.decision,
        step.reason,
        ballot,
        files,
    ]


def _eligibility(case: Case) -> dict[int, list[Condition]]:
    """资格审查 as the case page shows it: of the day of 确定考察对象 (kept on the step), else today."""
    shortlist = _last_step(case, StepKind.SHORTLIST)
    if shortlist is None:
        return candidate_conditions(case, as_of=timezone.localdate())
    snapshot = ((shortlist.figures or {}).get("extra") or {}).get("eligibility") or {}
    return {c.pk: [Condition(*row) for row in snapshot.get(c.name, [])] for c in _candidates(case)}


def _conditions_text(conditions: list[Condition]) -> str:
    """「工作年限：应满 2 年，实为 20 年（符合）；…」 (a number set off by a space, as the rules write it)."""
    return "；".join(
        f"{x.label}：应{x.required}，实为{' ' if x.actual[:1].isdigit() else ''}{x.actual}"
        f"（{'符合' if x.met else '不符合'}）"
        for x in conditions
    )


def _agrees(value: bool | None, yes: str = "同意", no: str = "不同意") -> str:
    return "未记录" if value is None else (yes if value else no)


def _views_text(case: Case, candidate: Candidate) -> str:
    """「两推」 and 「三点一线」 as 确定考察对象 kept them for the chosen, else as on the candidate."""
    if case.method in (Method.OPEN, Method.COMPETE):
        return "—"  # 公开选拔 and 竞争上岗: no 「两推」 or 「三点一线」
    shortlist = _last_step(case, StepKind.SHORTLIST)
    figures = (shortlist.figures or {}) if shortlist is not None else {}
    two = (figures.get("two_recommendations_agree") or {}).get(candidate.name, candidate.two_recommendations)
    points = (figures.get("three_points") or {}).get(candidate.name)
    points = points or {key: getattr(candidate, key) for _, key in THREE_POINTS}
    views = "，".join(f"{label}{_agrees(points.get(key))}" for label, key in THREE_POINTS)
    return f"「两推」{_agrees(two, '一致', '不一致')}；「三点一线」：{views}"


def _review_rows(case: Case) -> list[list[str]]:
    """Per candidate: 资格审查, 「两推」 and 「三点一线」, the exception with its approval."""
    eligibility, rows = _eligibility(case), []
    for c in _candidates(case):
        review = _conditions_text(eligibility.get(c.pk, [])) or ("—" if c.cadre_id is None else "未审查")
        rows.append([c.name, review, _views_text(case, c), c.exception or "—"])
    return rows


def record_docx(case: Case) -> bytes:
    """选拔任用工作纪实表 - the case, then every step, the candidates (with their 资格审查 and views)
    and the complaints."""
    document = new_document(landscape=True, title=f"{case}工作纪实表")
    heading(document, "选拔任用工作纪实表")
    body_paragraph(document, f"（{case}）", indent=False).alignment = WD_ALIGN_PARAGRAPH.CENTER
    header = [
        ["拟任职位", f"{_post_title(case)}（拟选配 {case.seats} 名）"],
        ["选拔方式", case.method + ("；须征求全委会意见" if case.consult_required else "")],
        ["人选范围", case.scope or "—"],
        ["任职条件", case.conditions or "—"],
        ["经办人", _handlers(case)],
        ["进展", f"{case.get_stage_display() or '—'}（{case.get_status_display()}）"],
    ]
    if case.over_quota_reason:
        header.append(["超职数配备的批准理由", case.over_quota_reason])
    if case.end_reason:
        header.append(["终止理由", case.end_reason])
    word_table(document, ["项目", "内容"], header, widths_cm=(4, 21.5), size=10)
    heading(document, "一、环节", level=1)
    steps = case.steps.select_related("recorded_by", "ballot_session").prefetch_related("documents")
    word_table(
        document,
        ["日期", "环节", "记录人", "数据", "结论", "说明", "投票（封存校验码）", "材料（校验码）"],
        [_step_row(s) for s in steps],
        widths_cm=(2.2, 2.2, 2, 6, 3.5, 3, 3.6, 3),
    )
    heading(document, "二、人选", level=1)
    word_table(
        document,
        ["姓名", "状态", "终止环节", "终止理由"],
        [
            [c.name, c.get_status_display(), c.dropped_at or "—", c.drop_reason or "—"]
            for c in _candidates(case)
        ],
        widths_cm=(4, 4, 4, 13.5),
    )
    heading(document, "三、资格审查和「两推」「三点一线」意见", level=1)
    word_table(
        document,
        ["姓名", "资格审查（要求与实际）", "「两推」「三点一线」意见", "资格条件例外及批准"],
        _review_rows(case),
        widths_cm=(3, 12, 5.5, 5),
    )
    heading(document, "四、公示期间举报及核查", level=1)
    complaints = list(case.complaints.select_related("candidate"))
    if complaints:
        word_table(
            document,
            ["收到日期", "涉及人选", "反映的主要问题", "核查结论", "核查日期"],
            [
                [
                    f"{c.received_on:%Y-%m-%d}",
                    c.candidate.name if c.candidate else "—",
                    c.summary,
                    c.finding or "未核查",
                    f"{c.found_on:%Y-%m-%d}" if c.found_on else "—",
                ]
                for c in complaints
            ],
            widths_cm=(2.5, 3, 8, 9, 3),
        )
    else:
        body_paragraph(document, "无。")
    return docx_bytes(document)


# --- 干部任免审批表 ----------------------------------------------------------------------------


def _form_nominees(case: Case) -> list[Candidate]:
    return [c for c in _nominees(case) if c.cadre is not None]


def _reason(case: Case) -> str:
    reason = f"因工作需要，经{case.method}、组织考察，拟任{_post_title(case)}。"
    return reason + (f"超职数配备：{case.over_quota_reason}。" if case.over_quota_reason else "")


def _before_appointment(case: Case) -> date | None:
    """The day before the case's 任职 (None before it is recorded): its forms show the cadre as
    they were then, the post they are appointed to still 拟任."""
    appointed = _last_step(case, StepKind.APPOINT)
    return appointed.day - timedelta(days=1) if appointed else None


def _form(case: Case, cadre: Cadre, as_of: date) -> bytes:
    before = _before_appointment(case)
    return build_appointment_form(
        cadre,
        as_of=as_of,
        held_on=before,
        proposed_post=_post_title(case),
        proposed_removal=_primary_title(cadre, before or as_of),
        reason=_reason(case),
        reporting_unit=_organisation_department(),
    )


def appointment_forms(case: Case, *, as_of: date | None = None) -> bytes:
    """The 干部任免审批表 of the nominee (.docx), or of each nominee in a zip. `as_of` (the day the
    form is filled: ages, grades): by default today, or the day before the 任职 once it is
    recorded, so that the form reads as it did when the appointment was proposed."""
    as_of = as_of or _before_appointment(case) or timezone.localdate()
    nominees = _form_nominees(case)
    if len(nominees) == 1 and nominees[0].cadre is not None:
        return _form(case, nominees[0].cadre, as_of)
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for candidate in nominees:
            assert candidate.cadre is not None
            name = unique_name(appointment_form_name(candidate.cadre), used)
            archive.writestr(name, _form(case, candidate.cadre, as_of))
    return out.getvalue()


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSpec:
    name: str  # in the URL
    label: str
    build: Callable[[Case], bytes]
    step: str = ""  # the step that must be recorded first ("": always)
    sensitive: bool = False  # personal data beyond a public notice: `cadres.view_sensitive` only
    ready: Callable[[Case], bool] | None = None  # a further condition (someone to write about)
    zipped: Callable[[Case], bool] | None = None  # the file is a zip for this case (several people)
    archivable: bool = False  # an issued notice the 组织部 may keep on its step (存档, `services.records`)

    def available(self, case: Case, recorded: set[str]) -> bool:
        if self.step and self.step not in recorded:
            return False
        return self.ready is None or self.ready(case)


DOCUMENTS: dict[str, DocumentSpec] = {
    spec.name: spec
    for spec in (
        DocumentSpec("notice", "考察预告", notice_docx, StepKind.NOTICE, archivable=True),
        DocumentSpec("inspection", "考察材料", inspection_docx, StepKind.INSPECT, sensitive=True),
        DocumentSpec(
            "form",
            "干部任免审批表",
            appointment_forms,
            StepKind.INSPECT,
            sensitive=True,
            ready=lambda case: bool(_form_nominees(case)),
            zipped=lambda case: len(_form_nominees(case)) > 1,
        ),
        DocumentSpec("publicity", "任前公示", publicity_docx, StepKind.PUBLICITY, archivable=True),
        DocumentSpec("appointment", "任职通知", appointment_notice_docx, StepKind.APPOINT, archivable=True),
        DocumentSpec("record", "选拔任用工作纪实表", record_docx),
    )
}


def available_documents(case: Case) -> list[DocumentSpec]:
    """The documents the case's recorded steps allow, in the order of the steps."""
    recorded = set(case.steps.values_list("kind", flat=True))
    return [spec for spec in DOCUMENTS.values() if spec.available(case, recorded)]


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def document_filename(case: Case, spec: DocumentSpec) -> tuple[str, str]:
    """(file name, content type): 「甲镇党委书记人选选拔任用_任前公示.docx」."""
    stem = _UNSAFE.sub("", f"{case.title}_{spec.label}")
    if spec.zipped is not None and spec.zipped(case):
        return f"{stem}.zip", ZIP
    return f"{stem}.docx", DOCX
