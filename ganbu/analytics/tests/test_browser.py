"""The analysis pages in headless Chromium on the demo county: the charts render without JavaScript
errors; screenshots of the structure, compare, composition and forecast pages go to test-artifacts/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.world import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but Chromium is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)


@pytest.fixture
def driver() -> Iterator[Any]:
    d = make_driver(1400, 900)
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture
def demo() -> Any:
    from ganbu.org.models import Role, Unit
    from ganbu.org.services import code_tables_ensure
    from ganbu.testing.registry import seed_registry_demo

    code_tables_ensure()  # a transactional test run before this one flushed the migration's rows
    seed_registry_demo(cadres=900, seed=3)
    county = Unit.objects.get(parent__isnull=True)
    make_user("zuzhibu", Role.COUNTY, county)
    return county


def _login(driver: Any, base: str, username: str) -> None:
    login(driver, base, username, PASSWORD)


def _wait_for_charts(driver: Any, selector: str, count: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, selector)) >= count)


def _no_js_errors(driver: Any) -> None:
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_the_analysis_pages_with_charts(live_server: Any, demo: Any, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    _login(driver, live_server.url, "zuzhibu")
    driver.find_element(By.LINK_TEXT, "结构分析").click()
    _wait_for_charts(driver, ".chart canvas", 8)  # seven dimensions and the pyramid
    assert driver.find_element(By.CSS_SELECTOR, "[data-stat='total']").text == "900"
    save_screenshot(driver, "analytics-structure")
    _no_js_errors(driver)
    # a table wider than the window scrolls sideways, and its 合计 and 平均年龄 columns stay in view
    # (the demo county's table is wider than 1366 px; the test county's is made so by a narrow window)
    driver.set_window_size(900, 900)
    view = driver.execute_script(
        "var t = document.querySelector('.structure-table'), box = t.parentElement;"
        "box.scrollLeft = 0;"
        "var total = t.querySelector('th.sticky-total').getBoundingClientRect();"
        "return [box.scrollWidth - box.clientWidth, total.right, box.getBoundingClientRect().right];"
    )
    overflow, total_right, box_right = view
    assert overflow > 0 and total_right <= box_right + 1, view
    driver.set_window_size(1400, 900)

    base = f"{live_server.url}/analytics/units/{demo.pk}"
    driver.get(f"{base}/structure/?population=section&bands=seed000")
    _wait_for_charts(driver, ".chart canvas", 8)
    assert "科级以上干部" in driver.find_element(By.ID, "seed-sentence").text
    save_screenshot(driver, "analytics-structure-section")

    driver.get(f"{base}/compare/?before=2018-06-30")
    _wait_for_charts(driver, ".chart-compare canvas", 7)
    assert driver.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr")
    save_screenshot(driver, "analytics-compare")
    _no_js_errors(driver)

    driver.get(f"{base}/composition/")
    _wait_for_charts(driver, "#chart-population canvas", 1)
    assert driver.find_element(By.CSS_SELECTOR, "[data-stat='teams']").text != "0"
    save_screenshot(driver, "analytics-composition")
    _no_js_errors(driver)

    driver.get(f"{base}/forecast/?years=5")
    _wait_for_charts(driver, "#chart-forecast canvas", 1)
    assert "年龄到杠" in driver.find_element(By.ID, "forecast-sentence").text
    save_screenshot(driver, "analytics-forecast")
    _no_js_errors(driver)

    # on a phone (one test: a transactional test's flush also empties the code tables)
    phone = make_driver(phone=True)
    try:
        _login(phone, live_server.url, "zuzhibu")
        phone.get(f"{live_server.url}/analytics/units/{demo.pk}/structure/")
        _wait_for_charts(phone, ".chart canvas", 8)
        save_screenshot(phone, "analytics-structure-phone")
        _no_js_errors(phone)
    finally:
        phone.quit()
