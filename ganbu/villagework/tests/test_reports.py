"""The report pages and the 记录表 exports: what each role sees, scope, periods, wrong methods."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from ganbu.audit.models import AuditEvent
from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.org.models import User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World
from ganbu.villagework.models import Assignment, RequestStatus, WorkLog
from ganbu.villagework.tests.factories import VillageWorld, make_household, vw
from ganbu.villagework.tests.test_stats import request, visit_log

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def v(world: World) -> VillageWorld:
    """This year's data: 甲村 2 of 5 households visited by 黄驻村, one overdue request; 乙村 1 of 3."""
    data = vw(world, started_on=date(timezone.localdate().year - 1, 1, 1))
    today = timezone.localdate()
    day = date(today.year, 1, 1)
    log = visit_log(data.cadre_a, world.village_a, day, data.households_a[:2])
    request(world.village_a, day, day, cadre=data.cadre_a, log=log)  # overdue unless today is Jan 1
    visit_log(data.cadre_b, world.village_b, day, data.households_b[:1])
    request(world.village_b, day, day, cadre=data.cadre_b)
    return data


# --- overview ----------------------------------------------------------------------------------


def test_township_overview_shows_its_villages_and_totals_only(v: VillageWorld) -> None:
    response = client_for(v.world.users["clerk_a"]).get(reverse("villagework:overview"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "甲村" in text and "乙村" not in text
    totals = response.context["totals"]
    assert (totals.households, totals.households_visited, str(totals.coverage)) == (5, 2, "40.00")
    assert response.context["township_user"] is True
    assert 'id="ranking-table"' not in text
    assert 'id="village-table"' in text
    assert 'id="report-data"' in text and "<script>" not in text  # data only, no inline JS


def test_county_overview_ranks_townships(v: VillageWorld) -> None:
    response = client_for(v.world.users["county"]).get(reverse("villagework:overview"))
    assert response.status_code == 200
    ranking = response.context["table"].ranking
    assert [t.township.code for t in ranking] == ["TA", "TB"]  # 40.00% vs 33.33%
    assert 'id="ranking-table"' in response.content.decode()
    assert response.context["totals"].households == 8


def test_overview_lists_overdue_requests_of_the_scope(v: VillageWorld) -> None:
    response = client_for(v.world.users["clerk_a"]).get(reverse("villagework:overview"))
    overdue = response.context["overdue"]
    assert [r.village.code for r, _ in overdue] == ["VA"]
    assert response.context["overdue_count"] == 1
    link = reverse("villagework:request", kwargs={"pk": overdue[0][0].pk})
    assert f'href="{link}"' in response.content.decode()


def test_overview_for_a_period_and_a_bad_period(v: VillageWorld) -> None:
    client = client_for(v.world.users["clerk_a"])
    year = timezone.localdate().year
    response = client.get(
        reverse("villagework:overview"), {"start": f"{year - 1}-01-01", "end": f"{year - 1}-12-31"}
    )
    assert response.context["totals"].visits == 0
    response = client.get(reverse("villagework:overview"), {"start": f"{year}-03-01", "end": f"{year}-01-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert response.context["start"] == date(year, 1, 1)  # fell back to this year
    response = client.get(reverse("villagework:overview"), {"year": str(year - 1)})
    assert response.context["start"] == date(year - 1, 1, 1) and response.context["end"] == date(
        year - 1, 12, 31
    )


def test_a_village_cadre_is_sent_to_their_own_page(v: VillageWorld) -> None:
    response = client_for(v.world.users["village_cadre"]).get(
        reverse("villagework:overview"), {"year": "2025"}
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk}) + "?year=2025"
    )


def test_a_village_cadre_without_a_cadre_record_sees_a_notice(world: World) -> None:
    response = client_for(world.users["village_cadre"]).get(reverse("villagework:overview"))
    assert response.status_code == 200
    assert "尚未关联干部档案" in response.content.decode()


def test_roles_without_villagework_are_refused(v: VillageWorld) -> None:
    for role in ("dept", "committee"):
        assert client_for(v.world.users[role]).get(reverse("villagework:overview")).status_code == 403


def test_pages_refuse_post(v: VillageWorld) -> None:
    client = client_for(v.world.users["admin"])
    for url in (
        reverse("villagework:overview"),
        reverse("villagework:village_report", kwargs={"pk": v.world.village_a.pk}),
        reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk}),
        reverse("villagework:record_docx", kwargs={"pk": v.cadre_a.pk}),
        reverse("villagework:record_xlsx", kwargs={"pk": v.cadre_a.pk}),
    ):
        assert client.post(url).status_code == 405, url


# --- village page ------------------------------------------------------------------------------


def test_village_report_shows_numbers_cadres_and_households_not_yet_visited(v: VillageWorld) -> None:
    url = reverse("villagework:village_report", kwargs={"pk": v.world.village_a.pk})
    response = client_for(v.world.users["clerk_a"]).get(url)
    assert response.status_code == 200
    assert response.context["numbers"].households_visited == 2
    assert [h.head_name for h in response.context["unvisited"]] == ["张伟", "陈静", "刘洋"]
    assert [a.cadre for a, _ in response.context["cadre_rows"]] == [v.cadre_a]
    assert response.context["charts"]["weekly"]["visits"]


def test_village_report_outside_scope_is_404(v: VillageWorld) -> None:
    url = reverse("villagework:village_report", kwargs={"pk": v.world.village_b.pk})
    for role in ("clerk_a", "village_cadre"):
        assert client_for(v.world.users[role]).get(url).status_code == 404, role
    township = reverse("villagework:village_report", kwargs={"pk": v.world.town_a.pk})
    assert client_for(v.world.users["admin"]).get(township).status_code == 404  # not a village


def test_a_village_cadre_sees_only_their_own_row_on_the_village_page(v: VillageWorld) -> None:
    colleague = make_cadre(v.world.town_a, "同村人")
    Assignment.objects.create(cadre=colleague, village=v.world.village_a, started_on=date(2020, 1, 1))
    url = reverse("villagework:village_report", kwargs={"pk": v.world.village_a.pk})
    mine = client_for(v.world.users["village_cadre"]).get(url)
    assert [a.cadre for a, _ in mine.context["cadre_rows"]] == [v.cadre_a]
    assert "同村人" not in mine.content.decode()
    township = client_for(v.world.users["clerk_a"]).get(url)
    assert {a.cadre for a, _ in township.context["cadre_rows"]} == {v.cadre_a, colleague}


# --- cadre page --------------------------------------------------------------------------------


def test_cadre_report_shows_numbers_and_timeline(v: VillageWorld) -> None:
    url = reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk})
    for role in ("clerk_a", "county", "village_cadre", "supervision"):
        response = client_for(v.world.users[role]).get(url)
        assert response.status_code == 200, role
        assert response.context["totals"].visits == 2
        assert len(response.context["timeline"].entries) == 1
        assert "王建国" in response.content.decode()
    log = WorkLog.objects.get(cadre=v.cadre_a)
    assert f'href="{reverse("villagework:log", kwargs={"pk": log.pk})}"' in response.content.decode()


def test_cadre_report_scope(v: VillageWorld) -> None:
    other = reverse("villagework:cadre_report", kwargs={"pk": v.cadre_b.pk})
    assert client_for(v.world.users["clerk_a"]).get(other).status_code == 404
    assert client_for(v.world.users["village_cadre"]).get(other).status_code == 404
    # a 驻村干部 never sees a colleague, even one stationed in their own village
    colleague = make_cadre(v.world.town_a, "同村人")
    Assignment.objects.create(cadre=colleague, village=v.world.village_a, started_on=date(2020, 1, 1))
    url = reverse("villagework:cadre_report", kwargs={"pk": colleague.pk})
    assert client_for(v.world.users["village_cadre"]).get(url).status_code == 404
    assert client_for(v.world.users["clerk_a"]).get(url).status_code == 200


def test_a_township_sees_a_county_cadre_stationed_in_its_village(v: VillageWorld) -> None:
    county_cadre = make_cadre(v.world.dept, "县直干部")
    Assignment.objects.create(cadre=county_cadre, village=v.world.village_a, started_on=date(2020, 1, 1))
    url = reverse("villagework:cadre_report", kwargs={"pk": county_cadre.pk})
    assert client_for(v.world.users["clerk_a"]).get(url).status_code == 200
    assert client_for(v.world.users["clerk_b"]).get(url).status_code == 404


def test_a_cadre_stationed_in_two_townships_shows_each_township_only_its_village(v: VillageWorld) -> None:
    Assignment.objects.create(cadre=v.cadre_a, village=v.world.village_b, started_on=date(2020, 1, 1))
    day = date(timezone.localdate().year, 1, 1)
    visit_log(v.cadre_a, v.world.village_b, day, v.households_b[1:3])
    url = reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk})
    clerk_a = client_for(v.world.users["clerk_a"]).get(url)
    assert [village.code for village, _ in clerk_a.context["village_rows"]] == ["VA"]
    assert clerk_a.context["totals"].visits == 2
    assert "孙强" not in clerk_a.content.decode()
    clerk_b = client_for(v.world.users["clerk_b"]).get(url)
    assert [village.code for village, _ in clerk_b.context["village_rows"]] == ["VB"]
    assert clerk_b.context["totals"].visits == 2
    assert "王建国" not in clerk_b.content.decode()
    county = client_for(v.world.users["county"]).get(url)
    assert county.context["totals"].visits == 4
    assert county.context["totals"].households == 8


def test_cadre_report_query_count_does_not_grow_with_logs(
    v: VillageWorld, django_assert_max_num_queries: object
) -> None:
    today = timezone.localdate()
    for i in range(20):
        visit_log(
            v.cadre_a, v.world.village_a, date(today.year, 1, 1) + timedelta(days=i % 5), v.households_a[:3]
        )
    client = client_for(v.world.users["clerk_a"])
    url = reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk})
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        assert client.get(url).status_code == 200


# --- exports -----------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_record_exports_contain_the_rows_and_are_audited(v: VillageWorld) -> None:
    year = timezone.localdate().year
    client = client_for(v.world.users["village_cadre"])
    query = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    docx = client.get(reverse("villagework:record_docx", kwargs={"pk": v.cadre_a.pk}), query)
    assert docx.status_code == 200
    assert docx["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    text = _docx_text(docx.content)
    assert "驻村蹲点工作记录表" in text and "黄驻村" in text
    assert "王建国、李秀英" in text
    assert "走访 2 户次" in text and "覆盖 2/5 户" in text and "群众诉求 1 件" in text

    xlsx = client.get(reverse("villagework:record_xlsx", kwargs={"pk": v.cadre_a.pk}), query)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "驻村蹲点工作记录表"
    assert [c.value for c in sheet[4]] == [
        "序号",
        "日期",
        "工作类型",
        "走访农户",
        "工作内容",
        "群众诉求及办理情况",
    ]
    assert sheet["D5"].value == "王建国、李秀英"
    assert "修路" in sheet["F5"].value
    assert AuditEvent.objects.filter(action="villagework.record_export").count() == 2


def test_record_export_with_bad_dates_is_a_chinese_400(v: VillageWorld) -> None:
    client = client_for(v.world.users["clerk_a"])
    url = reverse("villagework:record_xlsx", kwargs={"pk": v.cadre_a.pk})
    response = client.get(url, {"start": "2025-13-01"})
    assert response.status_code == 400
    assert "开始日期" in response.content.decode()
    response = client.get(url, {"start": "2025-05-01", "end": "2025-01-01"})
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期" in response.content.decode()
    response = client.get(url, {"start": "1990-01-01", "end": "2025-01-01"})
    assert response.status_code == 400
    assert "统计期间不能超过10年" in response.content.decode()
    assert not AuditEvent.objects.filter(action="villagework.record_export").exists()


def test_record_export_outside_scope_is_404(v: VillageWorld) -> None:
    for name in ("record_docx", "record_xlsx"):
        url = reverse(f"villagework:{name}", kwargs={"pk": v.cadre_b.pk})
        assert client_for(v.world.users["clerk_a"]).get(url).status_code == 404
        assert client_for(v.world.users["village_cadre"]).get(url).status_code == 404


def test_record_export_of_another_township_leaves_out_its_logs(v: VillageWorld) -> None:
    Assignment.objects.create(cadre=v.cadre_a, village=v.world.village_b, started_on=date(2020, 1, 1))
    day = date(timezone.localdate().year, 1, 1)
    visit_log(v.cadre_a, v.world.village_b, day, v.households_b[1:3])
    b_only = make_household(v.world.village_b, "乙村独户")
    request(v.world.village_b, day, day, cadre=v.cadre_a, status=RequestStatus.RESOLVED, resolved=day)
    visit_log(v.cadre_a, v.world.village_b, day, [b_only])
    response = client_for(v.world.users["clerk_a"]).get(
        reverse("villagework:record_docx", kwargs={"pk": v.cadre_a.pk})
    )
    text = _docx_text(response.content)
    assert "王建国" in text
    assert "孙强" not in text and "乙村独户" not in text and "乙村" not in text


# --- on a phone (headless Chromium) ------------------------------------------------------------


def _weeks_of_work(v: VillageWorld) -> None:
    """Eight weeks of visits up to today in 甲村 (and some in 乙村), requests in every state."""
    today = timezone.localdate()
    extra = [make_household(v.world.village_a, f"{name}{i}", "三组") for i, name in enumerate("赵钱孙李周吴")]
    register = v.households_a + extra
    for week in range(8):
        for offset in (1, 3):
            day = today - timedelta(days=7 * week + offset)
            if day.year != today.year:
                continue
            visit_log(
                v.cadre_a, v.world.village_a, day, register[(week + offset) % 6 : (week + offset) % 6 + 3]
            )
            visit_log(v.cadre_b, v.world.village_b, day, v.households_b[week % 2 : week % 2 + 1])
    start = date(today.year, 1, 1)
    request(v.world.village_a, start, start, cadre=v.cadre_a, status=RequestStatus.RESOLVED, resolved=start)
    request(
        v.world.village_a, start, start + timedelta(days=1), cadre=v.cadre_a, status=RequestStatus.ESCALATED
    )
    request(v.world.village_a, start, today, cadre=v.cadre_a, status=RequestStatus.IN_PROGRESS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not browser_available(), reason="headless Chromium not installed")
def test_reports_on_a_phone(live_server: Any, world: World) -> None:
    """The township's overview and a village page, and a 驻村干部's own page, at 360 px: charts
    render without script errors (CSP) and the numbers show; screenshots village-*-phone.png."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    v = vw(world, started_on=date(timezone.localdate().year - 1, 1, 1))
    _weeks_of_work(v)

    def charts(driver: Any, count: int) -> None:
        WebDriverWait(driver, 20).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".chart canvas")) >= count
        )
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]

    driver = make_driver(phone=True)
    try:
        login(driver, live_server.url, "clerk_a", PASSWORD)
        driver.get(f"{live_server.url}{reverse('villagework:overview')}")
        charts(driver, 2)
        assert driver.find_element(By.CSS_SELECTOR, "[data-stat='households']").text == "11"
        assert driver.find_element(By.ID, "overdue-count").text == "1"
        assert "甲村" in driver.find_element(By.ID, "village-table").text
        save_screenshot(driver, "village-overview-phone")
        driver.get(driver.find_element(By.LINK_TEXT, "甲村").get_attribute("href"))
        charts(driver, 1)
        assert (
            driver.find_elements(By.CSS_SELECTOR, "#unvisited-table tbody tr")
            or driver.find_element(By.ID, "unvisited-count").text == "0"
        )
        save_screenshot(driver, "village-report-phone")
    finally:
        driver.quit()

    driver = make_driver(phone=True)
    try:
        login(driver, live_server.url, "village_cadre", PASSWORD)
        driver.get(f"{live_server.url}{reverse('villagework:overview')}")
        charts(driver, 2)
        assert driver.current_url.split("?")[0].endswith(
            reverse("villagework:cadre_report", kwargs={"pk": v.cadre_a.pk})
        )
        assert driver.find_elements(By.CSS_SELECTOR, "#timeline li")
        save_screenshot(driver, "village-cadre-phone")
    finally:
        driver.quit()

    driver = make_driver(1400, 900)
    try:
        login(driver, live_server.url, "county", PASSWORD)
        driver.get(f"{live_server.url}{reverse('villagework:overview')}")
        charts(driver, 2)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#ranking-table tbody tr")) == 2
        save_screenshot(driver, "village-overview-county")
        driver.get(f"{live_server.url}{reverse('villagework:cadre_report', kwargs={'pk': v.cadre_a.pk})}")
        charts(driver, 2)
        save_screenshot(driver, "village-cadre-county")
    finally:
        driver.quit()
