"""Browser smoke test in headless Chromium: log in, open the dashboard, save screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip(
        "headless Chromium not installed (scripts/test_system_deps.sh installs it)", allow_module_level=True
    )


@pytest.fixture
def driver() -> Iterator[Any]:
    d = make_driver()
    try:
        yield d
    finally:
        d.quit()


def _login(driver: Any, base: str, username: str) -> None:
    login(driver, base, username, PASSWORD)


def test_login_and_dashboard(live_server: Any, world: World, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    make_cadre(world.village_a, "王芳", gender="2")
    make_cadre(world.town_a, "李强")
    make_cadre(world.town_b, "张伟")
    driver.get(f"{live_server.url}/")
    assert "/login/" in driver.current_url
    save_screenshot(driver, "login")
    _login(driver, live_server.url, "county")
    WebDriverWait(driver, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "[data-stat='在职干部']"))
    )
    assert driver.find_element(By.CSS_SELECTOR, "[data-stat='在职干部']").text == "3"
    assert driver.find_element(By.CSS_SELECTOR, "[data-stat='乡镇']").text == "2"
    # the home page has no chart (issue 13): the cadres per unit are a table, each count a link
    assert driver.find_element(By.CSS_SELECTOR, "#by-unit [data-unit='甲镇']").text.split() == [
        "甲镇",
        "2",
        "0",
        "1",
    ]
    save_screenshot(driver, "dashboard")
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"], (
        "JavaScript errors on the page"
    )


def test_township_user_on_a_phone_sees_only_their_township(live_server: Any, world: World) -> None:
    from selenium.webdriver.common.by import By

    make_cadre(world.town_a, "李强")
    make_cadre(world.town_b, "张伟")
    phone = make_driver(phone=True)
    try:
        _login(phone, live_server.url, "clerk_a")
        assert phone.find_element(By.CSS_SELECTOR, "[data-stat='在职干部']").text == "1"
        assert phone.execute_script("return window.innerWidth") == 360
        scroll_width = phone.execute_script("return document.documentElement.scrollWidth")
        assert scroll_width <= 360, f"page overflows a 360-px phone ({scroll_width}px)"
        save_screenshot(phone, "dashboard-phone")
    finally:
        phone.quit()


def test_the_record_filter_shows_whole_dates_and_the_date_error_under_the_dates(
    live_server: Any, world: World
) -> None:
    """记实 at 1366 px (tour 13): 起始日期 was a one-twelfth column showing 「12/07/2」, and the
    date-order error sat under 模块 at the far left."""
    from django.urls import reverse

    desktop = make_driver(1366, 900)
    try:
        _login(desktop, live_server.url, "county")
        desktop.get(f"{live_server.url}{reverse('home:event_list')}?start=2026-12-07&end=2026-01-01")
        boxes = desktop.execute_script(
            "const r = s => document.querySelector(s).getBoundingClientRect();"
            "return [r('#id_start'), r('#id_end'), r('[data-error-for=end]')]"
            ".map(b => [b.left, b.right, b.top, b.width]);"
        )
        (_, _, _, start_width), (end_left, end_right, end_top, end_width), error = boxes
        assert min(start_width, end_width) >= 150, f"date inputs {start_width}px / {end_width}px wide"
        assert end_left - 1 <= error[0] < end_right and error[2] > end_top, (
            boxes,
            "error not under 截止日期",
        )
        save_screenshot(desktop, "records-bad-dates")
    finally:
        desktop.quit()
