"""The documents of a case (documents.py, views/documents.py): a 乡镇党委书记 case run to 任职 with
sealed ballots (the flow of test_case_flow.py, copied), each document downloaded by the 组织部 and
read back with python-docx; the one-line bio of the notices; what is offered before its step; who
may take what (another township, a 组织部 account of 乙乡, 干部监督 without the personal data)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from ganbu.audit.models import AuditEvent
from ganbu.cadres.models import AnnualAssessment, Appointment, Cadre, Education
from ganbu.org import services as org_services
from ganbu.org.models import Post, Role
from ganbu.selection import services
from ganbu.selection.demo import seal_paper
from ganbu.selection.documents import one_line_bio
from ganbu.selection.models import Case, StepDocument, StepKind
from ganbu.selection.services import records
from ganbu.selection.services.steps import registry_file_facts
from ganbu.selection.views.documents import documents_for
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World, make_user

TODAY = date(2026, 11, 16)
NAMES = ["甲一", "乙二", "丙三", "丁四"]
BIO = (
    "甲一，男，1983年10月生，汉族，河南开封人，2005年7月参加工作，2004年6月加入中国共产党，大学学历，"
    "现任乙乡副乡长、乙乡武装部部长，拟任甲镇党委书记。"
)


# --- the case, as test_case_flow.py builds it ---------------------------------------------------


def _post(world: World) -> Post:
    return org_services.post_create(
        unit=world.town_a, team=None, name="党委书记", level="1A41", quota=1, actor=None
    )


def _people(world: World) -> list[Cadre]:
    out = []
    for i, name in enumerate(NAMES):
        cadre = make_cadre(
            world.town_b,
            name,
            birth_date=date(1983, 10 - i, 5),
            native_place="河南开封",
            work_started_on=date(2005, 7, 1),
            party_joined_on=date(2004, 6, 1),
            highest_education="21",
        )
        # the registry derives 最高学历 from the records when 任职 saves the new post
        Education.objects.create(
            cadre=cadre,
            kind="fulltime",
            education="21",
            degree="403",
            school="郑州大学",
            major="法学",
            started_on=date(2001, 9, 1),
            ended_on=date(2005, 6, 30),
        )
        Appointment.objects.create(
            cadre=cadre,
            unit=world.town_b,
            title="乙乡副乡长",
            level="1A42",
            is_leadership=True,
            is_primary=True,
            started_on=date(2020, 1, 1),
        )
        for year in (2023, 2024, 2025):  # 资格审查: 称职 the last three years
            AnnualAssessment.objects.create(cadre=cadre, year=year, grade="2")
        out.append(cadre)
    # 甲一 also holds a concurrent post: named in 现任, not 免去 by the 任职
    Appointment.objects.create(
        cadre=out[0],
        unit=world.town_b,
        title="乙乡武装部部长",
        level="1A42",
        is_leadership=True,
        is_primary=False,
        started_on=date(2021, 1, 1),
    )
    return out


def _record(case: Case, kind: str, day: date, **kw: Any) -> Any:
    return services.step_record(case=case, kind=kind, day=day, actor=None, today=TODAY, **kw)


@dataclass
class Built:
    case: Case
    people: list[Cadre]


def _build(world: World, *, until: str = StepKind.APPOINT, former: str = "", exception: str = "") -> Built:
    """The case up to `until` (inclusive), handled by the world's 组织部 user; `former`: the name of
    a holder of the post since 2021, relieved by the 任职; `exception`: 乙二 has no 2025 grade (fails
    the 年度考核 condition) and this exception with its approval is recorded."""
    people = _people(world)
    case = services.case_open(
        post=_post(world),
        seats=1,
        method="民主推荐",
        day=date(2026, 6, 1),
        actor=None,
        handlers=[world.users["county"]],
    )
    _record(case, StepKind.MOTION, date(2026, 6, 1), decision="经县委书记专题会议研究启动")
    if until == StepKind.MOTION:
        return Built(case, people)
    candidates = {c.name: services.candidate_add(case=case, cadre_id=c.pk, actor=None) for c in people}
    link = services.ballot_create(case=case, purpose="推荐", expected=50, actor=None)
    seal_paper(link, 50, {"甲一": 20, "乙二": 15, "丙三": 10, "丁四": 5})
    _record(case, StepKind.RECOMMEND, date(2026, 6, 10))
    if exception:
        AnnualAssessment.objects.filter(cadre=candidates["乙二"].cadre, year=2025).delete()
    for name in ("甲一", "乙二"):
        services.candidate_views(
            candidate=candidates[name],
            actor=None,
            two_recommendations=True,
            masses=True,
            party_org=True,
            leader=True,
            exception=exception if name == "乙二" else "",
        )
    chosen = {"chosen": [candidates["甲一"].pk, candidates["乙二"].pk]}
    _record(case, StepKind.SHORTLIST, date(2026, 6, 15), data=chosen)
    _record(case, StepKind.NOTICE, date(2026, 6, 20))
    rating = services.ballot_create(case=case, purpose="测评", expected=40, actor=None)
    seal_paper(
        rating,
        40,
        {
            "甲一": {"优秀": 30, "称职": 8, "基本称职": 2, "不称职": 0},
            "乙二": {"优秀": 10, "称职": 20, "基本称职": 6, "不称职": 4},
        },
    )
    inspect = {
        "unit_staff": "40",
        "talks": "20",
        "discipline": "县纪委监委回复无问题",
        "file_review": "三龄二历无误",
    }
    _record(case, StepKind.INSPECT, date(2026, 7, 1), data=inspect | registry_file_facts(case))
    _record(case, StepKind.DELIBERATE, date(2026, 7, 10))
    consult = services.ballot_create(case=case, purpose="征求意见", expected=30, actor=None)
    seal_paper(consult, 30, {"甲一": {"同意": 28, "不同意": 2}, "乙二": {"同意": 14, "不同意": 16}})
    _record(case, StepKind.CONSULT, date(2026, 7, 20))
    vote = services.ballot_create(case=case, purpose="票决", expected=11, actor=None)
    seal_paper(vote, 11, {"甲一": {"同意": 10, "不同意": 1}})
    _record(case, StepKind.VOTE, date(2026, 9, 25))
    if until == StepKind.VOTE:
        return Built(case, people)
    _record(case, StepKind.PUBLICITY, date(2026, 9, 29))
    complaint = records.complaint_add(
        case=case, received_on=date(2026, 10, 8), summary="反映其亲属经商", actor=None
    )
    records.complaint_finding(
        complaint=complaint, finding="经核查，反映问题不属实", found_on=date(2026, 10, 9), actor=None
    )
    appoint: dict[str, Any] = {"doc_no": "县委〔2026〕88号"}
    if former:
        holder = make_cadre(world.town_a, former)
        Appointment.objects.create(
            cadre=holder,
            unit=world.town_a,
            post=case.post,
            title="甲镇党委书记",
            level="1A41",
            is_leadership=True,
            is_primary=True,
            started_on=date(2021, 3, 1),
        )
        appoint["relieve"] = [holder.pk]
    _record(case, StepKind.APPOINT, date(2026, 10, 12), data=appoint)
    return Built(case, people)


# --- reading the files --------------------------------------------------------------------------


def _paragraphs(content: bytes) -> list[str]:
    """Every paragraph of a .docx, the tables' cells included, as text."""
    body = Document(io.BytesIO(content)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(case: Case, document: str) -> str:
    return reverse("selection:document", args=[case.pk, document])


def _get(client: Client, case: Case, document: str) -> Any:
    return client.get(_url(case, document))


def _download(client: Client, case: Case, document: str) -> list[str]:
    response = _get(client, case, document)
    assert response.status_code == 200, (document, response.status_code)
    assert response["Cache-Control"] == "no-store"
    return _paragraphs(response.content)


# --- the one-line bio -----------------------------------------------------------------------------


def test_the_bio_of_a_man_in_full(world: World) -> None:
    cadre = make_cadre(
        world.town_b,
        "张三",
        gender="1",
        birth_date=date(1983, 10, 2),
        native_place="河南开封",
        work_started_on=date(2005, 7, 1),
        party_joined_on=date(2004, 6, 1),
        highest_education="21",
        current_title="乙乡副乡长",
    )
    assert one_line_bio(cadre, proposed="甲镇党委书记") == (
        "张三，男，1983年10月生，汉族，河南开封人，2005年7月参加工作，2004年6月加入中国共产党，"
        "大学学历，现任乙乡副乡长，拟任甲镇党委书记。"
    )


def test_the_bio_of_a_woman_leaves_out_what_the_registry_lacks(world: World) -> None:
    cadre = make_cadre(
        world.town_b,
        "李四",
        gender="2",
        birth_date=date(1990, 1, 20),
        work_started_on=None,
        party_joined_on=None,
    )
    # no 籍贯, no 参加工作时间, no 学历, no 现任职务; a 中共党员 without her date of joining
    assert one_line_bio(cadre, proposed="") == "李四，女，1990年1月生，汉族，中共党员。"
    assert one_line_bio(cadre, proposed="甲镇副镇长", current="甲村党支部书记") == (
        "李四，女，1990年1月生，汉族，中共党员，现任甲村党支部书记，拟任甲镇副镇长。"
    )


def test_the_bio_names_other_parties_and_not_the_masses(world: World) -> None:
    other = make_cadre(world.town_b, "王五", political_status="05", ethnicity="03", work_started_on=None)
    assert one_line_bio(other, proposed="") == "王五，男，1985年3月生，回族，民盟盟员。"
    masses = make_cadre(world.town_b, "赵六", political_status="13", work_started_on=None)
    assert one_line_bio(masses, proposed="") == "赵六，男，1985年3月生，汉族。"
    probationary = make_cadre(
        world.town_b, "钱七", political_status="02", party_joined_on=date(2026, 7, 1), work_started_on=None
    )
    assert one_line_bio(probationary, proposed="") == "钱七，男，1985年3月生，汉族，中共预备党员。"


# --- each document, as the 组织部 --------------------------------------------------------------


def test_the_documents_of_a_case_at_its_appointment(world: World) -> None:
    built = _build(world)
    case, county = built.case, _client(world.users["county"])
    assert [name for name, _ in documents_for(case)] == [
        "notice",
        "inspection",
        "form",
        "publicity",
        "appointment",
        "record",
    ]

    notice = _download(county, case, "notice")
    assert "干部考察预告" in notice
    assert any("考察职位为甲镇党委书记" in p for p in notice)
    # the 考察对象, as of the 预告, without 拟任
    assert (
        "1．甲一，男，1983年10月生，汉族，河南开封人，2005年7月参加工作，2004年6月加入中国共产党，大学学历，现任乙乡副乡长、乙乡武装部部长。"
        in notice
    )
    assert any(p.startswith("2．乙二，") for p in notice)
    assert "预告时间：2026年6月20日至　　年　　月　　日。" in notice
    assert any(p.startswith("联系电话：＿") for p in notice)
    assert "中共测试县委组织部" in notice

    inspection = _download(county, case, "inspection")
    assert "关于甲一同志的考察材料" in inspection and "关于乙二同志的考察材料" in inspection
    assert any("单位干部职工 40 人，个别谈话 20 人（50.00%）" in p for p in inspection)
    rating = [p for p in inspection if p.startswith("民主测评结果：")]
    assert rating[0].startswith("民主测评结果：优秀 75.00%，称职 20.00%，基本称职 5.00%，不称职 0.00%（")
    seal = case.steps.get(kind=StepKind.INSPECT).seal_sha256
    assert len(seal) == 64 and seal[:16] in rating[0] and seal not in rating[0]
    for title in (
        "一、基本情况",
        "二、考察情况",
        "三、征求纪检监察机关意见",
        "四、档案审核",
        "五、主要表现",
        "六、主要不足",
    ):
        assert inspection.count(title) == 2
    assert "县纪委监委回复无问题" in inspection and "三龄二历无误" in inspection

    publicity = _download(county, case, "publicity")
    assert "经县委研究，拟对下列同志任职前予以公示：" in publicity
    assert f"1．{BIO}" in publicity
    assert not any("乙二" in p for p in publicity)  # dropped at 征求意见
    # 29, 30 September, 8, 9 and Saturday 10 October (a make-up working day)
    assert "公示时间：2026年9月29日至2026年10月10日（5 个工作日）。" in publicity

    appointment = _download(county, case, "appointment")
    assert appointment[0] == "县委〔2026〕88号"
    assert "关于甲一同志任职的通知" in appointment
    assert "甲一同志任甲镇党委书记（试用期一年），免去其乙乡副乡长职务。" in appointment
    assert "中共测试县委员会" in appointment

    form = _download(county, case, "form")
    assert form[form.index("拟 任 职 务") + 1] == "甲镇党委书记"
    assert form[form.index("拟 免 职 务") + 1] == "乙乡副乡长"  # the primary post held before 任职
    assert "因工作需要，经民主推荐、组织考察，拟任甲镇党委书记。" in form

    exported = AuditEvent.objects.filter(action="selection.export")
    assert exported.count() == 5
    assert {e.payload["document"] for e in exported} == {
        "notice",
        "inspection",
        "publicity",
        "appointment",
        "form",
    }
    assert "甲镇党委书记人选选拔任用_任前公示.docx" in {e.payload["filename"] for e in exported}
    response = _get(county, case, "publicity")
    assert "%E4%BB%BB%E5%89%8D%E5%85%AC%E7%A4%BA.docx" in response["Content-Disposition"]


def test_the_appointment_notice_relieves_the_former_holder(world: World) -> None:
    built = _build(world, former="王五")
    appointment = _download(_client(world.users["county"]), built.case, "appointment")
    assert "关于甲一、王五同志任免职的通知" in appointment
    line = "甲一同志任甲镇党委书记（试用期一年），免去其乙乡副乡长职务。"
    relieved = "免去王五同志甲镇党委书记职务。"
    assert line in appointment and relieved in appointment
    assert appointment.index(relieved) == appointment.index(line) + 1  # after the appointment
    assert appointment.index(relieved) < appointment.index("中共测试县委员会")


def test_the_form_after_the_appointment_shows_the_cadre_before_it(world: World) -> None:
    built = _build(world)
    jia = Cadre.objects.get(pk=built.people[0].pk)
    assert jia.current_title.startswith("甲镇党委书记")  # the registry moved on at 任职
    form = _download(_client(world.users["county"]), built.case, "form")
    assert form[form.index("现 任 职 务") + 1] == "乙乡副乡长、乙乡武装部部长"
    assert form[form.index("拟 任 职 务") + 1] == "甲镇党委书记"
    assert form[form.index("拟 免 职 务") + 1] == "乙乡副乡长"
    resume = "\n".join(p for p in form if p.startswith("20"))
    assert "2020.01--" in resume and "乙乡副乡长" in resume
    assert "甲镇党委书记" not in resume  # the new post is proposed, not yet in the 简历
    assert "2026.10.11" in "".join(form)  # 填表时间: the day before the 任职


def test_the_record_lists_every_step_with_itsseal_paper(world: World) -> None:
    built = _build(world)
    case = built.case
    record = _download(_client(world.users["county"]), case, "record")
    text = "\n".join(record)
    assert "选拔任用工作纪实表" in record
    exported = AuditEvent.objects.get(action="selection.export")
    assert exported.payload["filename"] == "甲镇党委书记人选选拔任用_选拔任用工作纪实表.docx"
    assert exported.object_id == str(case.pk)
    assert "甲镇党委书记（拟选配 1 名）" in record and "民主推荐；须征求全委会意见" in record
    steps = list(case.steps.all())
    assert len(steps) == 10
    for step in steps:
        assert f"{step.day:%Y-%m-%d}" in record, step
        assert step.get_kind_display() in record, step
    sealed = [s for s in steps if s.seal_sha256]
    assert {s.kind for s in sealed} == {"民主推荐", "考察", "征求意见", "票决"}
    for step in sealed:
        assert f"（封存校验码 {step.seal_sha256[:16]}）" in text
        assert step.seal_sha256 not in text  # the prefix only
    assert (
        "第 1 轮，推荐名单 4 人，有效票 50 张：甲一 20 票（40.00%）、乙二 15 票（30.00%）、丙三 10 票（20.00%）、丁四 5 票（10.00%）"
        in record
    )
    assert "任职文号：县委〔2026〕88号" in record
    assert "经县委书记专题会议研究启动" in record
    # candidates with their status and drop reason; the complaint with its finding
    assert "未确定为考察对象" in record and "已任职" in record
    assert any("不再作为提名人选" in p or "不同意" in p for p in record)
    assert "反映其亲属经商" in record and "经核查，反映问题不属实" in record


def test_the_record_gives_each_candidates_review_views_and_exception(world: World) -> None:
    approval = "经县委组织部部务会研究同意（2026年6月12日）"
    built = _build(world, until=StepKind.VOTE, exception=approval)
    case = built.case
    # 丙三's views, recorded on the candidate (not chosen): the 纪实表 shows them as recorded
    third = case.candidates.get(name="丙三")
    services.candidate_views(
        candidate=third, actor=None, two_recommendations=False, masses=True, party_org=True, leader=False
    )
    record = _download(_client(world.users["county"]), case, "record")
    assert "三、资格审查和「两推」「三点一线」意见" in record
    assert "四、公示期间举报及核查" in record
    rows = {name: record[record.index(name, record.index("资格条件例外及批准")) :][:4] for name in NAMES}
    # the conditions of the day of 确定考察对象, the requirement beside the candidate's value
    jia = rows["甲一"][1]
    assert "学历：应大专以上，实为大学（符合）" in jia
    assert "工作年限：应满 2 年，实为 20 年（符合）" in jia
    assert "年度考核：应近 3 年称职以上，实为 2023年称职，2024年称职，2025年称职（符合）" in jia
    assert "不符合" not in jia
    assert "政治面貌：应中共正式党员满 1 年（党内职务），实为入党 22 年（符合）" in jia
    assert "年度考核：应近 3 年称职以上，实为 2023年称职，2024年称职，2025年无（不符合）" in rows["乙二"][1]
    assert rows["甲一"][2] == "「两推」一致；「三点一线」：群众同意，单位党组织同意，分管领导同意"
    assert rows["丙三"][2] == "「两推」不一致；「三点一线」：群众同意，单位党组织同意，分管领导不同意"
    assert rows["丁四"][2] == "「两推」未记录；「三点一线」：群众未记录，单位党组织未记录，分管领导未记录"
    assert rows["乙二"][3] == approval and rows["甲一"][3] == "—"


def test_the_record_names_an_uploaded_file_by_its_hash(world: World) -> None:
    built = _build(world, until=StepKind.MOTION)
    case = built.case
    motion = case.steps.get()
    pdf = b"%PDF-1.4\n" + b"0" * 200
    attached = records.document_attach(step=motion, name="动议会议记录.pdf", content=pdf, actor=None)
    record = _download(_client(world.users["county"]), case, "record")
    assert f"动议会议记录.pdf（{attached.sha256[:16]}）" in record


# --- what is offered when -------------------------------------------------------------------------


def test_a_document_is_refused_before_its_step(world: World) -> None:
    built = _build(world, until=StepKind.MOTION)
    case, county = built.case, _client(world.users["county"])
    assert documents_for(case) == [("record", "选拔任用工作纪实表")]
    for name in ("notice", "inspection", "form", "publicity", "appointment"):
        assert _get(county, case, name).status_code == 404, name
    assert _get(county, case, "record").status_code == 200
    assert not AuditEvent.objects.filter(action="selection.export", payload__document="publicity").exists()


def test_the_publicity_is_refused_before_the_publicity_step(world: World) -> None:
    built = _build(world, until=StepKind.VOTE)
    case, county = built.case, _client(world.users["county"])
    offered = [name for name, _ in documents_for(case)]
    assert "publicity" not in offered and "appointment" not in offered and "form" in offered
    assert _get(county, case, "publicity").status_code == 404
    assert _get(county, case, "appointment").status_code == 404
    assert _get(county, case, "form").status_code == 200  # the nominee's 任免审批表 for the 常委会


def test_an_unknown_document_and_a_post_are_refused(world: World) -> None:
    built = _build(world, until=StepKind.MOTION)
    county = _client(world.users["county"])
    assert _get(county, built.case, "secrets").status_code == 404
    assert county.post(_url(built.case, "record")).status_code == 405


def test_the_case_page_links_the_documents(world: World) -> None:
    built = _build(world, until=StepKind.MOTION)
    page = _client(world.users["county"]).get(reverse("selection:case", args=[built.case.pk]))
    html = page.content.decode()
    assert _url(built.case, "record") in html
    assert _url(built.case, "publicity") not in html


# --- 存档: an issued notice kept on its step -------------------------------------------------------


def _archive_url(case: Case, document: str) -> str:
    return reverse("selection:document_archive", args=[case.pk, document])


def test_the_organisation_department_archives_the_notices_as_issued(world: World) -> None:
    built = _build(world)
    case, county = built.case, _client(world.users["county"])
    page = county.get(reverse("selection:case", args=[case.pk])).content.decode()
    for name in ("notice", "publicity", "appointment"):
        assert _archive_url(case, name) in page
    assert _archive_url(case, "record") not in page and _archive_url(case, "form") not in page

    response = county.post(_archive_url(case, "publicity"))
    assert response.status_code == 302 and response["Location"] == reverse("selection:case", args=[case.pk])
    stored = StepDocument.objects.get()
    assert stored.step == case.steps.get(kind=StepKind.PUBLICITY)
    assert stored.generated and stored.uploaded_by == world.users["county"]
    assert stored.name == "甲镇党委书记人选选拔任用_任前公示.docx"
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert "干部任前公示" in _paragraphs(content)
    event = AuditEvent.objects.get(action="selection.document")
    assert event.actor_id == world.users["county"].pk and event.object_id == str(case.pk)
    assert event.payload == {
        "step": stored.step_id,
        "name": stored.name,
        "sha256": stored.sha256,
        "generated": True,
    }

    again = county.post(_archive_url(case, "publicity"), follow=True)  # a second click files nothing
    assert StepDocument.objects.count() == 1
    assert f"已于 2026-11-16 存档（校验码 {stored.sha256[:16]}），不再重复存档" in again.content.decode()
    county.post(_archive_url(case, "appointment"))
    assert StepDocument.objects.get(step__kind=StepKind.APPOINT).name.endswith("_任职通知.docx")
    # the timeline shows them as the uploaded files are shown, marked as archived
    page = county.get(reverse("selection:case", args=[case.pk])).content.decode()
    assert reverse("selection:document_file", args=[case.pk, stored.pk]) in page
    assert f"由{world.users['county'].display_name or 'county'}存档" in page
    assert stored.sha256[:16] in page
    # and the 纪实表 names the file with its hash
    record = _download(county, case, "record")
    assert any(f"{stored.name}（{stored.sha256[:16]}）" in p for p in record)


def test_archiving_is_a_post_of_the_organisation_department_only(world: World) -> None:
    built = _build(world)
    case = built.case
    assert _client(world.users["county"]).get(_archive_url(case, "publicity")).status_code == 405
    for who in ("supervision", "clerk_b"):  # 干部监督 reads the case; a township has no role here
        assert _client(world.users[who]).post(_archive_url(case, "publicity")).status_code == 403, who
    other = make_user("county2", Role.COUNTY, world.county)  # 组织部, not a handler of the case
    assert _client(other).post(_archive_url(case, "publicity")).status_code == 404
    county = _client(world.users["county"])
    assert county.post(_archive_url(case, "record")).status_code == 404  # not an issued notice
    assert county.post(_archive_url(case, "secrets")).status_code == 404
    assert not StepDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="selection.document").exists()


def test_a_notice_is_not_archived_before_its_step(world: World) -> None:
    built = _build(world, until=StepKind.VOTE)
    with pytest.raises(ValidationError, match="「任前公示」所需的环节尚未记录"):
        records.document_archive(case=built.case, document="publicity", actor=world.users["county"])
    assert not StepDocument.objects.exists()


# --- who may take what ----------------------------------------------------------------------------


def test_users_outside_the_case_are_refused(world: World) -> None:
    built = _build(world, until=StepKind.MOTION)
    case = built.case
    assert _get(_client(world.users["clerk_b"]), case, "record").status_code == 403  # a township: no role
    county_b = make_user("county_b", Role.COUNTY, world.town_b)  # 组织部 of 乙乡: 甲镇 is not in scope
    assert _get(_client(county_b), case, "record").status_code == 404
    other = make_user("county2", Role.COUNTY, world.county)  # 组织部, not a handler of the case
    assert _get(_client(other), case, "record").status_code == 404
    assert not AuditEvent.objects.filter(action="selection.export").exists()


def test_supervision_takes_the_notices_but_not_the_personal_data(world: World) -> None:
    built = _build(world)
    case = built.case
    user = world.users["supervision"]
    supervision = _client(user)
    for name in ("inspection", "form"):
        assert _get(supervision, case, name).status_code == 403, name
    for name in ("record", "publicity", "notice", "appointment"):
        assert _get(supervision, case, name).status_code == 200, name
    assert [n for n, _ in documents_for(case, user)] == ["notice", "publicity", "appointment", "record"]
    html = supervision.get(reverse("selection:case", args=[case.pk])).content.decode()
    assert _url(case, "record") in html and _url(case, "inspection") not in html
    assert "document_archive" not in html and "/archive" not in html  # 存档 is the 组织部's
    # the 纪实表 carries no 身份证号
    record = "\n".join(_paragraphs(_get(supervision, case, "record").content))
    assert all(p.id_number and p.id_number not in record for p in built.people)


def test_several_nominees_get_a_zip_of_forms(world: World) -> None:
    built = _build(world, until=StepKind.VOTE)
    case = built.case
    # a second nominee still in the programme (e.g. two seats): each gets a form
    dropped = case.candidates.get(name="乙二")
    dropped.status, dropped.dropped_at, dropped.drop_reason = "active", "", ""
    dropped.save()
    response = _get(_client(world.users["county"]), case, "form")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "%E4%BB%BB%E5%85%8D%E5%AE%A1%E6%89%B9%E8%A1%A8.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["乙二_任免审批表.docx", "甲一_任免审批表.docx"]


@pytest.mark.parametrize("name", ["notice", "publicity"])
def test_a_public_notice_uses_full_width_punctuation(world: World, name: str) -> None:
    built = _build(world)
    for paragraph in _download(_client(world.users["county"]), built.case, name):
        for mark in ",:;()":
            assert mark not in paragraph, paragraph
