"""A cycle end to end through the pages, as the county office, the townships and a leading group
use it: scheme imported, cycle created and opened, targets declared, adjusted and signed, actual
values entered by the 牵头单位, points entered, computed (hand-computed totals), sealed, exported;
and what each role may not do."""

from __future__ import annotations

import io
import json
from typing import Any

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ganbu.assessment.models import Cycle, CycleStatus, Participant, Scheme
from ganbu.audit.models import AuditEvent
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind
from ganbu.testing.world import World

SCHEME: dict[str, Any] = {
    "name": "测试县乡镇综合考核方案",
    "total": 100,
    "indicators": [
        {
            "code": "A",
            "name": "目标责任",
            "weight": 60,
            "children": [
                {
                    "code": "A1",
                    "name": "一般公共预算收入",
                    "weight": 60,
                    "rule": "completion",
                    "lead": "县教育局",
                }
            ],
        },
        {"code": "B1", "name": "四看评定", "weight": 40, "rule": "manual"},
        {"code": "D", "name": "争先创优", "rule": "bonus", "levels": {"省级": 5, "市级": 2}, "max": 5},
    ],
    "grades": [{"name": "好", "min_score": 85}, {"name": "一般", "min_score": 0}],
}


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _messages(response: Any) -> str:
    return "；".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def towns(world: World) -> dict[str, Unit]:
    Unit.objects.filter(pk=world.town_b.pk).update(category="中心镇")
    town_c = org_services.unit_create(
        code="TC", name="丙镇", kind=UnitKind.TOWN, parent=world.county, category="中心镇", actor=None
    )
    return {"甲镇": world.town_a, "乙乡": world.town_b, "丙镇": town_c}


def _import_scheme(client: Client) -> Scheme:
    upload = SimpleUploadedFile(
        "方案.json", json.dumps(SCHEME, ensure_ascii=False).encode(), "application/json"
    )
    response = client.post(reverse("assessment:scheme_list"), {"year": 2026, "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Scheme.objects.get(name=SCHEME["name"])


def _create_cycle(client: Client, scheme: Scheme) -> Cycle:
    page = client.get(reverse("assessment:cycle_create"))
    index = next(i for i, category, _, _ in page.context["rows"] if category == "中心镇")
    response = client.post(
        reverse("assessment:cycle_create"),
        {"year": 2026, "name": "2026年度乡镇综合考核", f"scheme-{index}": scheme.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Cycle.objects.get(name="2026年度乡镇综合考核")


def test_a_cycle_runs_end_to_end_through_the_pages(world: World, towns: dict[str, Unit]) -> None:
    office = _client(world, "county")
    scheme = _import_scheme(office)
    cycle = _create_cycle(office, scheme)
    assert office.post(reverse("assessment:cycle_action", args=[cycle.pk, "open"])).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    part = {p.unit.name: p for p in Participant.objects.filter(cycle=cycle).select_related("unit")}
    assert set(part) == {"甲镇", "乙乡", "丙镇"}

    # a scheme in use is frozen: an edit is refused and changes nothing
    before = Scheme.objects.get(pk=scheme.pk).definition
    refused = office.post(
        reverse("assessment:indicator_save", args=[scheme.pk]),
        {"prefix": "new", "new-code": "C1", "new-name": "新指标", "new-weight": "10", "new-rule": "manual"},
    )
    assert refused.status_code == 400 and "不能再修改" in _messages(refused)
    assert Scheme.objects.get(pk=scheme.pk).definition == before

    # targets: each township declares its own; another township's page is not found
    clerk_a, clerk_b = _client(world, "clerk_a"), _client(world, "clerk_b")
    url_a = reverse("assessment:participant_detail", args=[part["甲镇"].pk])
    url_b = reverse("assessment:participant_detail", args=[part["乙乡"].pk])
    assert clerk_a.get(url_b).status_code == 404
    missing = clerk_a.post(url_a, {"action": "declare", "t-A1": ""})
    assert "请填写申报目标值" in _messages(missing)
    assert clerk_a.post(url_a, {"action": "declare", "t-A1": "100"}).status_code == 302
    assert clerk_b.post(url_b, {"action": "declare", "t-A1": "200"}).status_code == 302
    url_c = reverse("assessment:participant_detail", args=[part["丙镇"].pk])
    assert office.post(url_c, {"action": "declare", "t-A1": "50"}).status_code == 302
    # the county raises 乙乡's target: a reason is required, both values are kept
    no_reason = office.post(url_b, {"action": "adjust", "a-A1": "250", "r-A1": ""})
    assert "须写明理由" in _messages(no_reason)
    office.post(url_b, {"action": "adjust", "a-A1": "250", "r-A1": "上年完成 240，目标偏低"})
    target_b = part["乙乡"].targets.get()
    assert (target_b.declared, target_b.adjusted) == (200, 250)
    assert clerk_a.post(url_a, {"action": "sign"}).status_code == 403  # only the office signs
    for url in (url_a, url_b, url_c):
        assert office.post(url, {"action": "sign"}).status_code == 302

    # the leading group (县教育局) enters the verified actuals; a township may not
    leaf_a1 = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "A1"])
    assert clerk_a.get(leaf_a1).status_code == 403
    dept = _client(world, "dept")
    assert "一般公共预算收入" in dept.get(reverse("assessment:index")).content.decode()
    bad = dept.post(leaf_a1, {f"v-{part['甲镇'].pk}": "90", f"v-{part['乙乡'].pk}": "九十"})
    assert "应为数字" in _messages(bad)
    assert part["甲镇"].targets.get().actual is None  # all or nothing
    values = {"甲镇": "90", "乙乡": "250", "丙镇": "60"}
    assert dept.post(leaf_a1, {f"v-{part[n].pk}": v for n, v in values.items()}).status_code == 302

    # the office: 四看 points with notes, one bonus event
    leaf_b1 = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "B1"])
    points = {"甲镇": "30", "乙乡": "35", "丙镇": "20"}
    form = {f"v-{part[n].pk}": v for n, v in points.items()} | {
        f"n-{part[n].pk}": "四看综合评定" for n in points
    }
    assert office.post(leaf_b1, form).status_code == 302
    leaf_d = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "D"])
    office.post(
        leaf_d,
        {
            "participant": part["甲镇"].pk,
            "date": "2026-10-12",
            "reason": "省级乡村振兴示范镇",
            "level": "省级",
        },
    )

    assert office.post(reverse("assessment:cycle_action", args=[cycle.pk, "compute"])).status_code == 302
    # 甲镇: 90 / 100 × 60 = 54.00; + 30 = 84.00; + 省级 5 = 89.00 → 好 (≥ 85), rank 2
    # 乙乡: 250 / 250 (the county's target) × 60 = 60.00; + 35 = 95.00 → 好, rank 1
    # 丙镇: 60 / 50 capped at 1 × 60 = 60.00; + 20 = 80.00 → 一般, rank 3
    detail = office.get(reverse("assessment:cycle_detail", args=[cycle.pk]))
    results = {
        r.participant.unit.name: (str(r.total), r.rank, r.grade)
        for r, _ in detail.context["tracks"][0]["results"]
    }
    assert results == {"乙乡": ("95.00", 1, "好"), "甲镇": ("89.00", 2, "好"), "丙镇": ("80.00", 3, "一般")}
    assert "89.00" not in clerk_a.get(url_a).content.decode()  # nobody outside the office before sealing
    html = detail.content.decode()  # the ranking shows each first-level indicator's points
    assert '<th class="text-end">目标责任</th>' in html and '<td class="text-end">54.00</td>' in html
    [chart] = detail.context["charts"]["compositions"]  # stacked bars: first-level indicators, bonus apart
    assert chart["units"] == ["乙乡", "甲镇", "丙镇"]
    assert [(s["name"], s["data"]) for s in chart["series"]] == [
        ("目标责任", [60.0, 54.0, 60.0]),
        ("四看评定", [35.0, 30.0, 20.0]),
        ("加分", [0.0, 5.0, 0.0]),
    ]

    assert office.post(reverse("assessment:cycle_action", args=[cycle.pk, "seal"])).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SEALED and len(cycle.seal_digest) == 64
    event = AuditEvent.objects.get(action="assessment.cycle.seal")
    assert event.payload["digest"] == cycle.seal_digest
    page_a = clerk_a.get(url_a).content.decode()
    assert "89.00" in page_a and "第 2 名" in page_a and "完成 90 / 目标 100" in page_a

    export = office.get(reverse("assessment:results_export", args=[cycle.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:3] == ["中心镇", 1, "乙乡"] and float(rows[0][-3]) == 95.0
    assert AuditEvent.objects.filter(action="assessment.result.export").exists()

    bulletin = _docx_text(office.get(reverse("assessment:bulletin_export", args=[cycle.pk])).content)
    assert "乙乡以 95.00 分位列中心镇第一，甲镇、丙镇分列第二、第三。" in bulletin
    book = _docx_text(clerk_a.get(reverse("assessment:targets_export", args=[part["甲镇"].pk])).content)
    assert "甲镇2026年度目标责任书" in book and "县教育局" in book and "已于" in book
    assert clerk_a.get(reverse("assessment:targets_export", args=[part["乙乡"].pk])).status_code == 404


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_bad_scheme_files_are_named_and_nothing_is_stored(world: World) -> None:
    office = _client(world, "county")
    wrong = json.loads(json.dumps(SCHEME))
    wrong["indicators"][1]["weight"] = 30  # 60 + 30 ≠ 100
    cases = [
        (b"{not json", "不是有效的 JSON"),
        (json.dumps(wrong, ensure_ascii=False).encode(), "100"),
    ]
    for content, message in cases:
        upload = SimpleUploadedFile("方案.json", content, "application/json")
        response = office.post(reverse("assessment:scheme_list"), {"year": 2026, "file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Scheme.objects.exists()


def test_only_the_county_office_reaches_schemes_and_cycles(world: World) -> None:
    for who in ("clerk_a", "dept", "committee"):
        client = _client(world, who)
        assert client.get(reverse("assessment:scheme_list")).status_code == 403
        assert client.get(reverse("assessment:cycle_create")).status_code == 403


def test_the_scheme_is_edited_in_the_browser_and_its_problems_shown(world: World) -> None:
    office = _client(world, "county")
    scheme = _import_scheme(office)
    url = reverse("assessment:indicator_save", args=[scheme.pk])
    # a new leaf under A breaks the sum of A (60 + 10 ≠ 60): saved as a draft, the problem shown
    response = office.post(
        url,
        {
            "prefix": "new",
            "new-parent": "A",
            "new-code": "A2",
            "new-name": "招商引资",
            "new-weight": "10",
            "new-rule": "ratio_to_top",
        },
    )
    assert response.status_code == 302
    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "方案还不能使用" in page and "A2" in page
    # a leaf may not get children; a duplicate code is refused by name
    dup = office.post(
        url, {"prefix": "new", "new-code": "B1", "new-name": "重复", "new-weight": "5", "new-rule": "manual"}
    )
    assert dup.status_code == 400 and "指标代码「B1」已被指标「四看评定」使用" in _messages(dup)
    # mend it: A1 down to 50, and the scheme is usable again
    office.post(
        url,
        {
            "prefix": "i-A1",
            "i-A1-original": "A1",
            "i-A1-parent": "A",
            "i-A1-code": "A1",
            "i-A1-name": "一般公共预算收入",
            "i-A1-weight": "50",
            "i-A1-rule": "completion",
            "i-A1-lead": "县教育局",
            "i-A1-cap": "1.1",
        },
    )
    scheme.refresh_from_db()
    leaf = scheme.definition["indicators"][0]["children"][0]
    assert leaf == {
        "code": "A1",
        "name": "一般公共预算收入",
        "weight": "50",
        "lead": "县教育局",
        "rule": "completion",
        "cap": "1.1",
    }
    assert (
        "方案已通过校验" in office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    )
    # the grades as lines; a bad line is named
    header = reverse("assessment:header_save", args=[scheme.pk])
    bad = office.post(header, {"total": "100", "grades": "好\n一般 0"})
    assert bad.status_code == 400 and "第 1 行「好」" in _messages(bad)
    office.post(header, {"total": "100", "grades": "优秀 90 1/3\n良好 75\n一般 0", "difficulty": "on"})
    scheme.refresh_from_db()
    assert scheme.definition["grades"][0] == {"name": "优秀", "min_score": "90", "max_share": "1/3"}
    assert scheme.definition["difficulty"] is True
    copy = office.post(reverse("assessment:scheme_copy", args=[scheme.pk]), {"year": 2027})
    assert copy.status_code == 302 and Scheme.objects.filter(name=scheme.name, version=2, year=2027).exists()


def test_the_office_sets_difficulty_coefficients_within_the_schemes_range(
    world: World, towns: dict[str, Unit]
) -> None:
    office = _client(world, "county")
    data = json.loads(json.dumps(SCHEME)) | {"difficulty": True}
    scheme = Scheme.objects.create(name=data["name"], year=2026, definition=data)
    cycle = _create_cycle(office, scheme)
    office.post(reverse("assessment:cycle_action", args=[cycle.pk, "open"]))
    part = {p.unit.name: p for p in Participant.objects.filter(cycle=cycle).select_related("unit")}
    url = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "B1"])
    assert "难度系数（0.8—1.2）" in office.get(url).content.decode()
    bad = office.post(url, {"action": "difficulty", f"d-{part['甲镇'].pk}": "1.5"})
    assert "甲镇的难度系数应在 0.8 到 1.2 之间，不是「1.5」" in _messages(bad)
    office.post(url, {"action": "difficulty", f"d-{part['甲镇'].pk}": "1.1", f"d-{part['乙乡'].pk}": "0.9"})
    assert Participant.objects.get(pk=part["甲镇"].pk).difficulty == {"B1": "1.1"}
    assert Participant.objects.get(pk=part["乙乡"].pk).difficulty == {"B1": "0.9"}
    # a bonus leaf takes none; a township cannot set any
    assert (
        "难度系数（"
        not in office.get(
            reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "D"])
        ).content.decode()
    )
    dept = _client(world, "dept")
    leaf_a1 = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "A1"])
    refused = dept.post(leaf_a1, {"action": "difficulty", f"d-{part['甲镇'].pk}": "1.2"})
    assert "难度系数由县委考核办设定" in _messages(refused)
    assert "A1" not in Participant.objects.get(pk=part["甲镇"].pk).difficulty


def test_progress_is_reported_with_attachments_checked_by_content(
    world: World, towns: dict[str, Unit]
) -> None:
    office = _client(world, "county")
    cycle = _create_cycle(office, _import_scheme(office))
    office.post(reverse("assessment:cycle_action", args=[cycle.pk, "open"]))
    part = {p.unit.name: p for p in Participant.objects.filter(cycle=cycle).select_related("unit")}
    url = reverse("assessment:participant_detail", args=[part["甲镇"].pk])
    clerk_a = _client(world, "clerk_a")
    clerk_a.post(url, {"action": "declare", "t-A1": "100"})
    early = clerk_a.post(
        url, {"action": "progress", "p-A1": "已完成 60%", "f-A1": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}
    )
    assert "签订后才能报送" in _messages(early)
    office.post(url, {"action": "sign"})
    fake = SimpleUploadedFile("进展.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    refused = clerk_a.post(url, {"action": "progress", "p-A1": "已完成 60%", "f-A1": fake})
    assert "「进展.pdf」不是 PDF、Word、Excel、JPG 或 PNG 文件" in _messages(refused)
    assert part["甲镇"].targets.get().progress == ""  # the text of a refused report is not kept either
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(photo, "PNG")
    book = io.BytesIO()
    docx.Document().save(book)
    for name, content in (("现场.png", photo.getvalue()), ("说明.docx", book.getvalue())):
        ok = clerk_a.post(
            url, {"action": "progress", "p-A1": "已完成 60%", "f-A1": SimpleUploadedFile(name, content)}
        )
        assert ok.status_code == 302, _messages(ok)
    part["甲镇"].targets.get().files.all().delete()
    pdf = SimpleUploadedFile("三季度进展.pdf", b"%PDF-1.4 progress", "application/pdf")
    assert clerk_a.post(url, {"action": "progress", "p-A1": "已完成 75%", "f-A1": pdf}).status_code == 302
    target = part["甲镇"].targets.get()
    assert target.progress == "已完成 75%" and target.files.count() == 1
    item = target.files.get()
    download = clerk_a.get(reverse("assessment:progress_file", args=[part["甲镇"].pk, item.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download) == b"%PDF-1.4 progress"
    clerk_b = _client(world, "clerk_b")
    assert (
        clerk_b.get(reverse("assessment:progress_file", args=[part["甲镇"].pk, item.pk])).status_code == 404
    )
    assert AuditEvent.objects.filter(action="assessment.target.file").count() == 3  # png, docx, pdf


def test_an_event_entered_by_mistake_is_deleted_on_the_page(world: World, towns: dict[str, Unit]) -> None:
    office = _client(world, "county")
    cycle = _create_cycle(office, _import_scheme(office))
    office.post(reverse("assessment:cycle_action", args=[cycle.pk, "open"]))
    part = {p.unit.name: p for p in Participant.objects.filter(cycle=cycle).select_related("unit")}
    url = reverse("assessment:leaf_entry", args=[part["甲镇"].track_id, "D"])
    office.post(
        url, {"participant": part["甲镇"].pk, "date": "2026-10-12", "reason": "误登记", "level": "市级"}
    )
    incident = part["甲镇"].incidents.get()
    assert "删除这条事项（误登记）" in office.get(url).content.decode()
    clerk = _client(world, "clerk_a")
    assert clerk.post(url, {"action": "delete", "incident": incident.pk}).status_code == 403
    assert office.post(url, {"action": "delete", "incident": incident.pk}).status_code == 302
    assert not part["甲镇"].incidents.exists()
    assert AuditEvent.objects.filter(action="assessment.incident.delete").exists()
