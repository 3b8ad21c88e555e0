"""The 驻村蹲点工作记录表 documents: rows, requests, summary, fonts, empty periods."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from ganbu.org.models import Unit
from ganbu.testing.world import World
from ganbu.villagework.documents import HEADERS, record_docx, record_filename, record_xlsx
from ganbu.villagework.models import RequestStatus
from ganbu.villagework.selectors.records import WorkRecord, work_record
from ganbu.villagework.tests.factories import VillageWorld, vw
from ganbu.villagework.tests.test_stats import request, visit_log

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def record(world: World) -> WorkRecord:
    v = vw(world)
    a = world.village_a
    h = v.households_a
    first = visit_log(v.cadre_a, a, date(2025, 3, 4), h[:2])
    first.content = "走访王建国、李秀英两户，了解春耕备耕情况"
    first.save(update_fields=["content"])
    request(a, date(2025, 3, 4), date(2025, 3, 20), cadre=v.cadre_a, log=first)
    resolved = request(
        a,
        date(2025, 3, 4),
        date(2025, 3, 20),
        cadre=v.cadre_a,
        log=first,
        status=RequestStatus.RESOLVED,
        resolved=date(2025, 3, 8),
    )
    resolved.resolution = "已协调村委会维修"
    resolved.save(update_fields=["resolution"])
    visit_log(v.cadre_a, a, date(2025, 3, 11), [], kind="clinic")
    visit_log(v.cadre_a, a, date(2025, 4, 1), h[2:5])  # after the period
    request(a, date(2025, 3, 15), date(2025, 3, 30), cadre=v.cadre_a)  # without a log
    villages = list(Unit.objects.filter(pk=a.pk).select_related("parent"))
    return work_record(
        user=world.users["county"],
        cadre=v.cadre_a,
        villages=villages,
        start=MARCH[0],
        end=MARCH[1],
        today=date(2025, 4, 10),
    )


def test_work_record_gathers_the_logs_of_the_period_in_order(record: WorkRecord) -> None:
    assert [(r.day, r.kind, r.households) for r in record.rows] == [
        (date(2025, 3, 4), "出诊走访", "王建国、李秀英"),
        (date(2025, 3, 11), "坐诊", ""),
    ]
    assert record.rows[0].requests == "基础设施：修路（受理）；基础设施：修路（已办结；已协调村委会维修）"
    assert record.other_requests == ["2025-03-15 甲村 基础设施：修路（受理）"]
    assert record.village_label == "甲镇甲村"
    assert record.period_label == "2025年3月1日至2025年3月31日"
    assert record.summary == (
        "合计：工作记录 2 条，走访 2 户次，覆盖 2/5 户（覆盖率 40.00%），群众诉求 3 件，已办结 1 件。"
    )
    assert record_filename(record, "docx") == "黄驻村_驻村蹲点工作记录表_20250301-20250331.docx"


def test_docx_has_the_heading_the_table_and_the_summary(record: WorkRecord) -> None:
    document = Document(io.BytesIO(record_docx(record)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "驻村蹲点工作记录表"
    assert any("姓名：黄驻村" in p for p in paragraphs)
    assert any("驻村（社区）：甲镇甲村" in p and "2025年3月1日至2025年3月31日" in p for p in paragraphs)
    assert paragraphs[-1].startswith("合计：工作记录 2 条，走访 2 户次，覆盖 2/5 户")
    assert "直接登记的群众诉求：" in paragraphs
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(HEADERS)
    assert [c.text for c in table.rows[1].cells][:5] == [
        "1",
        "2025-03-04",
        "出诊走访",
        "王建国、李秀英",
        "走访王建国、李秀英两户，了解春耕备耕情况",
    ]
    assert "已协调村委会维修" in table.rows[1].cells[5].text
    assert len(table.rows) == 3
    heading_run = document.paragraphs[0].runs[0]
    fonts = heading_run.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None and fonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_xlsx_has_one_row_per_log_and_the_summary(record: WorkRecord) -> None:
    sheet = load_workbook(io.BytesIO(record_xlsx(record))).active
    assert sheet is not None
    assert sheet["A1"].value == "驻村蹲点工作记录表"
    assert "黄驻村" in sheet["A2"].value
    assert [c.value for c in sheet[4]] == list(HEADERS)
    assert [sheet.cell(row=5, column=c).value for c in (1, 3, 4)] == [1, "出诊走访", "王建国、李秀英"]
    assert sheet["B5"].value.date() == date(2025, 3, 4)
    assert sheet["C6"].value == "坐诊"
    assert sheet["A7"].value is None  # the table ends
    values = [c.value for row in sheet.iter_rows(min_row=8) for c in row if c.value]
    assert "2025-03-15 甲村 基础设施：修路（受理）" in values
    assert values[-1].startswith("合计：工作记录 2 条")


def test_an_empty_period_still_makes_a_document(world: World) -> None:
    v: VillageWorld = vw(world)
    empty = work_record(
        user=world.users["county"], cadre=v.cadre_a, villages=[world.village_a], start=MARCH[0], end=MARCH[1]
    )
    assert empty.rows == [] and empty.totals.visits == 0
    document = Document(io.BytesIO(record_docx(empty)))
    assert "（本期间无工作记录）" in [p.text for p in document.paragraphs]
    assert load_workbook(io.BytesIO(record_xlsx(empty))).active is not None


# --- lists exported as they were filtered (issue 13, item 7) ----------------------------------


def _sheet(response: Any) -> Any:
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return sheet


def test_the_log_list_exports_exactly_what_is_filtered(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from ganbu.audit.models import AuditEvent
    from ganbu.villagework.models import WorkLog
    from ganbu.villagework.services.logs import log_create
    from ganbu.villagework.tests.factories import vw

    v = vw(world)
    for kind, content in (("visit", "走访甲"), ("policy", "宣讲乙"), ("visit", "走访丙")):
        log_create(
            actor=None,
            cadre=v.cadre_a,
            village=world.village_a,
            logged_on=date(2026, 11, 10),
            kind=kind,
            content=content,
            household_ids=[v.households_a[0].pk] if kind == "visit" else [],
        )
    client = Client()
    client.force_login(world.users["county"])
    sheet = _sheet(client.get(reverse("villagework:log_export"), {"kind": "visit"}))
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(r[7] for r in rows) == sorted(["走访甲", "走访丙"])
    assert all(r[5] == 1 for r in rows)  # 走访户数 is a number
    assert "工作类型：" in str(sheet["A1"].value)  # the filter in force, in words
    assert WorkLog.objects.count() == 3
    event = AuditEvent.objects.get(action="villagework.log.export")
    assert event.payload["filters"] == {"kind": "visit"}


def test_the_request_list_and_the_ranking_export(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from ganbu.villagework.services.requests import request_create
    from ganbu.villagework.tests.factories import vw

    v = vw(world)
    request_create(
        actor=world.users["clerk_a"],
        village=world.village_a,
        category="policy",
        description="咨询医保报销",
        household=v.households_a[0],
    )
    client = Client()
    client.force_login(world.users["county"])
    sheet = _sheet(client.get(reverse("villagework:request_export")))
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[7] for r in rows] == ["咨询医保报销"]
    ranking = _sheet(client.get(reverse("villagework:overview_export"), {"year": "2026"}))
    names = [r[1] for r in ranking.iter_rows(min_row=3, values_only=True)]
    assert set(names) == {"甲镇", "乙乡"}
    assert all(isinstance(r[2], int) for r in ranking.iter_rows(min_row=3, values_only=True))
    supervision = Client()
    supervision.force_login(world.users["supervision"])
    assert supervision.get(reverse("villagework:overview_export")).status_code == 403


def test_the_assignment_list_and_the_register_export_as_filtered(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from ganbu.audit.models import AuditEvent
    from ganbu.villagework.tests.factories import make_household, vw

    vw(world)
    make_household(world.village_a, "=HYPERLINK(1)", "三组")
    client = Client()
    client.force_login(world.users["clerk_a"])
    sheet = _sheet(client.get(reverse("villagework:assignment_export")))
    assert [r[2] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["黄驻村"]  # 甲镇 only
    register = _sheet(
        client.get(reverse("villagework:household_export", args=[world.village_a.pk]), {"group": "三组"})
    )
    rows = list(register.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["=HYPERLINK(1)"]
    assert all(c.data_type != "f" for row in register.iter_rows() for c in row)
    assert AuditEvent.objects.filter(action="villagework.household.export").count() == 1
    other = client.get(reverse("villagework:household_export", args=[world.village_b.pk]))
    assert other.status_code == 404
