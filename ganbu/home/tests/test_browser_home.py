"""The three home pages in headless Chromium at 1366 px and on a 360-px phone (issue 13, item 5):
the county (组织部) with its to-do panel, a township (青山镇) with its leaders and its villages'
驻村 numbers, and a 驻村干部, who lands on 我的驻村. On the demo county's registry and the 驻村 part
of 青山镇. Each page: no JavaScript error, no chart, nothing wider than the phone. Screenshots:
test-artifacts/home-{county,township,village-cadre}-{desktop,phone}.png."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from ganbu.core.browser import ARTIFACTS, browser_available, login, make_driver, save_screenshot
from ganbu.testing.world import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip(
        "headless Chromium not installed (scripts/test_system_deps.sh installs it)", allow_module_level=True
    )

DESKTOP_WIDTH = 1366
PHONE_WIDTH = 360


def _demo(var_dir: Path) -> dict[str, tuple[str, str]]:
    """The demo county's registry and 青山镇's 驻村 work, a ballot being voted and a failed import
    for the county's to-dos; {page: (username, password)}."""
    from django.core.cache import cache

    from ganbu.ballots.tests.factories import recommendation_session
    from ganbu.core.models import Job, JobStatus
    from ganbu.home.tests.test_browser_csp import _restore_flushed_defaults
    from ganbu.org.models import Role, Unit
    from ganbu.testing.registry import seed_registry_demo
    from ganbu.villagework.demo import DEMO_TOWNSHIP, demo_accounts_ensure, seed_villagework

    _restore_flushed_defaults()
    seed_registry_demo(cadres=300, seed=11)
    county = Unit.objects.get(parent__isnull=True)
    township = Unit.objects.get(parent=county, name=DEMO_TOWNSHIP)
    seed_villagework(seed=11, townships=[township.code])
    cache.clear()  # the registry's freshness, cached per day
    session = recommendation_session(township)
    type(session).objects.filter(pk=session.pk).update(title="青山镇党委书记民主推荐", status="open")
    Job.objects.create(
        kind="cadres.import", scope_path=county.path, status=JobStatus.FAILED, filename="2026年干部名册.xlsx"
    )
    make_user("zuzhibu", Role.COUNTY, county)
    logins, notes = demo_accounts_ensure(var_dir=var_dir)
    assert not notes, notes
    passwords = {login.username: login.password or "" for login in logins}
    return {
        "county": ("zuzhibu", PASSWORD),
        "township": ("qingshan", passwords["qingshan"]),
        "village-cadre": ("zhucun", passwords["zhucun"]),
    }


def _check(driver: Any, width: int) -> None:
    from selenium.webdriver.common.by import By

    assert not driver.find_elements(By.CSS_SELECTOR, ".chart, canvas"), "a chart on a home page"
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide on a {width}-px screen"
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"JavaScript errors: {errors}"


def _save(driver: Any, name: str, *, phone: bool) -> None:
    """The whole page: on the phone through the DevTools protocol (the emulated screen is 740 px
    tall and `save_screenshot` keeps only that)."""
    if not phone:
        save_screenshot(driver, name)
        return
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_the_three_home_pages_on_a_desktop_and_a_phone(live_server: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    accounts = _demo(tmp_path)
    for viewport, width in (("desktop", DESKTOP_WIDTH), ("phone", PHONE_WIDTH)):
        for page, (username, password) in accounts.items():
            driver = make_driver(DESKTOP_WIDTH, 900) if viewport == "desktop" else make_driver(phone=True)
            try:
                login(driver, live_server.url, username, password)
                assert driver.execute_script("return window.innerWidth") == width
                if page == "village-cadre":
                    assert driver.current_url.endswith("/village/my/"), driver.current_url
                else:
                    home = driver.find_element(By.ID, "home")
                    assert home.get_attribute("data-home") == page
                    assert driver.find_elements(By.CSS_SELECTOR, "#todos [data-todo]")
                if page == "county":
                    todos = driver.find_element(By.ID, "todos").text
                    assert "到龄提醒" in todos and "干部信息导入" in todos
                    assert driver.find_element(By.CSS_SELECTOR, "[data-stat='在职干部']").text == "300"
                if page == "township":
                    assert driver.find_elements(By.CSS_SELECTOR, "#villages [data-village]")
                    assert driver.find_elements(By.CSS_SELECTOR, "#township-leaders tbody a")
                _check(driver, width)
                _save(driver, f"home-{page}-{viewport}", phone=viewport == "phone")
            finally:
                driver.quit()
