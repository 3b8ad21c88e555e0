"""The session form with its script in headless Chromium (1366 px and 360 px): only the chosen
kind's fields, rows added and removed, a namesake picked from the registry search by initials;
screenshots go to test-artifacts/ (ballot-create-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from ganbu.ballots.models import BallotSession
from ganbu.core.browser import browser_available, make_driver, save_screenshot
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)


def _wait(driver: Any, css: str, timeout: int = 15) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _login(driver: Any, url: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/login/")
    driver.find_element(By.ID, "id_username").send_keys("clerk_a")
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver, "nav.ganbu-nav")


def _click(driver: Any, element: Any) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 900, "desktop"), (360, 740, "phone")])
def test_pick_a_namesake_by_initials_and_create(
    live_server: Any, world: World, width: int, height: int, name: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    make_cadre(world.town_a, "张永", current_title="甲镇副镇长")
    village = make_cadre(world.village_a, "张永", current_title="甲村党支部书记")
    make_cadre(world.town_b, "张永", current_title="乙乡乡长")  # outside 甲镇: never offered
    driver = make_driver(width, height)
    try:
        _login(driver, live_server.url)
        driver.get(f"{live_server.url}/ballots/new/?template=standing_committee")
        _wait(driver, "#session-form")
        assert not driver.find_element(By.ID, "fields-options").get_attribute("hidden")
        assert driver.find_element(By.ID, "fields-recommendation").get_attribute("hidden")
        assert driver.find_element(By.ID, "fields-consultation").get_attribute("hidden")
        Select(driver.find_element(By.ID, "id_kind")).select_by_value("recommendation")
        assert driver.find_element(By.ID, "fields-options").get_attribute("hidden")
        assert not driver.find_element(By.ID, "fields-recommendation").get_attribute("hidden")
        Select(driver.find_element(By.ID, "id_kind")).select_by_value("decision")
        assert driver.find_element(By.ID, "id_options").get_attribute("value").split() == [
            "同意",
            "不同意",
            "缓议",
        ]
        assert not driver.find_element(By.ID, "add-rows").is_displayed()  # the script adds rows itself

        driver.find_element(By.CSS_SELECTOR, "#id_title").clear()
        driver.find_element(By.CSS_SELECTOR, "#id_title").send_keys("甲镇党委会票决")
        Select(driver.find_element(By.ID, "id_unit")).select_by_visible_text("甲镇")
        driver.find_element(By.NAME, "subject-0-name").send_keys("zy")
        WebDriverWait(driver, 10).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".cadre-results .list-group-item-action")) == 2
        )
        offered = [
            e.text for e in driver.find_elements(By.CSS_SELECTOR, ".cadre-results .list-group-item-action")
        ]
        assert any("甲镇副镇长" in t for t in offered) and any("甲村党支部书记" in t for t in offered)
        assert not any("乙乡" in t for t in offered)
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'start'});", driver.find_element(By.ID, "subject-rows")
        )
        save_screenshot(driver, f"ballot-create-search-{name}")
        choice = next(
            e
            for e in driver.find_elements(By.CSS_SELECTOR, ".cadre-results .list-group-item-action")
            if "甲村" in e.text
        )
        _click(driver, choice)
        assert driver.find_element(By.NAME, "subject-0-name").get_attribute("value") == "张永"
        assert driver.find_element(By.NAME, "subject-0-cadre").get_attribute("value") == str(village.pk)

        # a second subject: a nominee in a row added by the script; then a group row added and removed
        _click(driver, next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "添加一人"))
        rows = driver.find_elements(By.CSS_SELECTOR, 'tbody[data-rows="subject"] tr[data-row]')
        last = rows[-1].find_element(By.CSS_SELECTOR, "[data-subject-name]")
        last.send_keys("李不存在")
        _click(driver, rows[-1].find_element(By.CSS_SELECTOR, "[data-subject-nominee]"))
        _click(driver, next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "添加一类"))
        group_rows = driver.find_elements(By.CSS_SELECTOR, 'tbody[data-rows="group"] tr[data-row]')
        _click(driver, group_rows[-1].find_element(By.CSS_SELECTOR, "[data-remove-row]"))
        numbers = [
            e.text
            for e in driver.find_elements(By.CSS_SELECTOR, 'tbody[data-rows="group"] [data-row-number]')
        ]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
        save_screenshot(driver, f"ballot-create-{name}")
        _click(driver, driver.find_element(By.CSS_SELECTOR, "#session-form button.btn-danger[type=submit]"))
        _wait(driver, "#session-title")
        session = BallotSession.objects.get()
        assert (session.kind, session.rule) == ("approval", "decision")
        assert list(session.subjects.values_list("label", "cadre_id")) == [
            ("张永", village.pk),
            ("李不存在", None),
        ]
        assert [g.name for g in session.groups.all()] == ["常委"]
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
