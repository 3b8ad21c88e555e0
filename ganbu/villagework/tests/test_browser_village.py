"""The 驻村干部's phone pages in headless Chromium at 360 px: a week of logs entered through the
household search (pinyin initials), the week's visits against the quota on「我的驻村工作」, a draft
that survives a reload and a dropped connection. Screenshots: test-artifacts/village-log-phone.png,
village-my-work-phone.png (copied to docs/screenshots/ by hand)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.world import PASSWORD, World
from ganbu.villagework.models import VillageWorkSettings, Visit, WorkLog
from ganbu.villagework.selectors.logs import week_of
from ganbu.villagework.tests.factories import make_household, vw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)

MORE = [("赵德明", "三组"), ("钱学文", "三组"), ("孙丽华", "三组"), ("周国强", "四组"), ("吴春燕", "四组")]
# (days before today, initials typed, household expected, content)
WEEK = [
    (4, ["wjg", "lxy"], ["王建国", "李秀英"], "走访了解春耕备耕情况，宣传农业补贴政策。"),
    (3, ["zw"], ["张伟"], "到张伟家了解其子女就学情况。"),
    (2, ["ly", "cj"], ["刘洋", "陈静"], "入户核实低保申请材料。"),
    (1, ["zdm"], ["赵德明"], "调解赵德明与邻居宅基地纠纷。"),
    (0, ["qxw", "slh"], ["钱学文", "孙丽华"], "宣传医保缴费政策，收集群众意见。"),
]


@pytest.fixture
def phone() -> Iterator[Any]:
    driver = make_driver(phone=True)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, css: str, timeout: int = 15) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _tap(driver: Any, css: str) -> None:
    """Scrolled into view and clicked through the DOM (phone emulation does not scroll the layout
    viewport, so a pointer click can land on the sticky submit bar)."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def _set_date(driver: Any, iso: str) -> None:
    driver.execute_script(
        "var d = document.getElementById('id_logged_on'); d.value = arguments[0];"
        "d.dispatchEvent(new Event('change', {bubbles: true}));",
        iso,
    )


def _pick(driver: Any, initials: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.ID, "hh-q")
    box.clear()
    box.send_keys(initials)
    selector = f'#hh-results[data-q="{initials}"] [data-label$="{name}"]'
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    _tap(driver, selector)
    WebDriverWait(driver, 5).until(lambda d: name in d.find_element(By.ID, "hh-chips").text)


def _no_overflow(driver: Any) -> None:
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360


def test_a_week_of_logs_on_a_phone(live_server: Any, world: World, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    v = vw(world)
    for name, group in MORE:
        make_household(world.village_a, name, group)
    today = timezone.localdate()
    login(phone, live_server.url, "village_cadre", PASSWORD)
    durations = []
    for days_back, initials, names, content in WEEK:
        day = today - timedelta(days=days_back)
        phone.get(f"{live_server.url}/village/my/")
        started = time.monotonic()
        _tap(phone, "#write-log")
        _wait(phone, "#hh-picker")
        _no_overflow(phone)
        _set_date(phone, day.isoformat())
        _tap(phone, "label[for=kind-visit]")
        for typed, name in zip(initials, names, strict=True):
            _pick(phone, typed, name)
        phone.find_element(By.ID, "id_content").send_keys(content)
        if days_back == 0:
            save_screenshot(phone, "village-log-phone")
        _tap(phone, "#log-submit")
        assert "已保存" in _wait(phone, ".alert-success").text
        durations.append(time.monotonic() - started)
        log = WorkLog.objects.get(cadre=v.cadre_a, logged_on=day)
        assert sorted(log.households.values_list("head_name", flat=True)) == sorted(names)
        assert log.content == content
    print(f"\n[village log timing] one log entry in the browser: {sum(durations) / len(durations):.1f} s average, "
          f"{min(durations):.1f}–{max(durations):.1f} s")  # fmt: skip

    monday, sunday = week_of(today)
    in_week = Visit.objects.filter(cadre=v.cadre_a, visited_on__range=(monday, sunday)).count()
    quota = VillageWorkSettings.current().weekly_visit_quota
    phone.get(f"{live_server.url}/village/my/")
    assert _wait(phone, "#week-count").text == f"{in_week} / {quota} 户次"
    visited = Visit.objects.filter(visited_on__year=today.year).values("household_id").distinct().count()
    assert f"{visited} / 10 户" in phone.find_element(By.TAG_NAME, "main").text
    _no_overflow(phone)
    save_screenshot(phone, "village-my-work-phone")
    # 我的记录: the week's records as cards on the phone, no sideways scrolling
    phone.get(f"{live_server.url}/village/logs/")
    cards = phone.find_elements(By.CSS_SELECTOR, "#log-cards .list-group-item-action")
    assert len(cards) == len(WEEK) and not phone.find_elements(By.CSS_SELECTOR, "main table")
    _no_overflow(phone)
    save_screenshot(phone, "village-my-logs-phone")


def test_a_draft_survives_a_reload_and_a_dropped_connection(
    live_server: Any, world: World, phone: Any
) -> None:
    from selenium.webdriver.common.by import By

    vw(world)
    login(phone, live_server.url, "village_cadre", PASSWORD)
    phone.get(f"{live_server.url}/village/logs/new/")
    _wait(phone, "#hh-picker")
    key = phone.find_element(By.NAME, "client_key").get_attribute("value")
    _pick(phone, "wjg", "王建国")
    phone.find_element(By.ID, "id_content").send_keys("草稿：了解王建国家庭收入")
    _tap(phone, "label[for=kind-policy]")

    phone.refresh()
    assert "已恢复未提交的草稿" in _wait(phone, "#draft-notice").text
    assert phone.find_element(By.ID, "id_content").get_attribute("value") == "草稿：了解王建国家庭收入"
    assert "王建国" in phone.find_element(By.ID, "hh-chips").text
    assert phone.find_element(By.ID, "kind-policy").is_selected()
    assert phone.find_element(By.NAME, "client_key").get_attribute("value") == key

    phone.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        _tap(phone, "#log-submit")
        assert "网络中断，草稿已保存在本机" in _wait(phone, "#submit-status").text
    finally:
        phone.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    assert WorkLog.objects.count() == 0

    phone.refresh()  # the draft is still there after the failed submit
    _wait(phone, "#draft-notice")
    _tap(phone, "#log-submit")
    assert "已保存" in _wait(phone, ".alert-success").text
    log = WorkLog.objects.get()
    assert (log.client_key, log.kind) == (key, "policy")
    phone.get(f"{live_server.url}/village/logs/new/")
    _wait(phone, "#hh-picker")
    assert not phone.find_element(By.ID, "draft-notice").is_displayed()  # cleared after the save


def test_the_township_sees_requests_with_overdue_flags(live_server: Any, world: World, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    from ganbu.villagework.models import RequestCategory, RequestStatus, VillagerRequest
    from ganbu.villagework.services.requests import request_create, request_transition

    v = vw(world)
    today = timezone.localdate()
    cadre_user = world.users["village_cadre"]
    request_create(
        actor=cadre_user,
        village=world.village_a,
        category=RequestCategory.INFRASTRUCTURE,
        description="三组村道雨后塌方，请求修复",
        household=v.households_a[0],
        raised_on=today - timedelta(days=30),
        due_on=today - timedelta(days=12),
    )
    escalated = request_create(
        actor=cadre_user,
        village=world.village_a,
        category=RequestCategory.WELFARE,
        description="申请纳入低保，需乡镇审核",
        household=v.households_a[1],
    )
    request_transition(
        request=escalated, to=RequestStatus.ESCALATED, actor=cadre_user, resolution="需乡镇审核"
    )
    done = request_create(
        actor=cadre_user,
        village=world.village_a,
        category=RequestCategory.POLICY,
        description="咨询医保报销比例",
    )
    request_transition(request=done, to=RequestStatus.RESOLVED, actor=cadre_user, resolution="已当面解答")
    login(phone, live_server.url, "clerk_a", PASSWORD)
    phone.get(f"{live_server.url}/village/requests/")
    rows = _wait(phone, "#request-rows").find_elements(By.CSS_SELECTOR, "a.list-group-item")
    assert "申请纳入低保" in rows[0].text  # escalated first, waiting for the township
    assert "已逾期 12 天" in rows[1].text and "塌方" in rows[1].text
    _no_overflow(phone)
    save_screenshot(phone, "village-requests-phone")
    phone.get(f"{live_server.url}/village/requests/{escalated.pk}/")
    _wait(phone, "#id_resolution").send_keys("乡镇民政办已审核，纳入低保")
    _tap(phone, "button.btn-success")
    assert "已办结" in _wait(phone, "#request-status").text
    assert VillagerRequest.objects.get(pk=escalated.pk).status == RequestStatus.RESOLVED
