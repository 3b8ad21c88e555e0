"""The ballot page on a 360-px phone and the big screen, in headless Chromium; screenshots go to
test-artifacts/ (ballot-phone-*.png, ballot-screen.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from ganbu.ballots import services
from ganbu.ballots.codes import display
from ganbu.ballots.models import Tally
from ganbu.ballots.tests.factories import issue, open_, rating_session, recommendation_session
from ganbu.core.browser import browser_available, make_driver, save_screenshot
from ganbu.testing.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)


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
    """Tap a button: scrolled into view and clicked through the DOM (headless Chromium's phone
    emulation does not scroll the layout viewport, so a pointer click can land on the fixed footer)."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def _received(session_id: int) -> int:
    return sum(Tally.objects.filter(session_id=session_id, kind="received").values_list("count", flat=True))


def test_rating_on_a_phone_with_review_and_confirmation(live_server: Any, world: World, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    session = rating_session(world.town_a, subjects=["王芳", "李强", "赵敏"])
    codes = issue(session, 2, "村民代表")
    open_(session)
    phone.get(f"{live_server.url}/v/#{display(codes[0])}")
    _wait(phone, "#step-ballot .vote-option")
    assert phone.execute_script("return window.location.hash") == ""  # the code left the address bar
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    save_screenshot(phone, "ballot-phone-1-ballot")
    _tap(phone, "#to-review")  # nothing chosen yet: refused, not "agree"
    assert "还有 3 人未选择意见" in _wait(phone, "#vote-error").text
    for name, option in (("王芳", "优秀"), ("李强", "称职"), ("赵敏", "不称职")):
        _tap(phone, f'button[data-subject="{name}"][data-option="{option}"]')
    save_screenshot(phone, "ballot-phone-2-chosen")
    _tap(phone, "#to-review")
    _wait(phone, "#review-list")
    review = phone.find_element(By.ID, "review-list").text
    assert "王芳" in review and "不称职" in review
    save_screenshot(phone, "ballot-phone-3-review")
    assert _received(session.pk) == 0
    _tap(phone, "#submit-ballot")
    assert "投票成功" in _wait(phone, "#step-done").text
    save_screenshot(phone, "ballot-phone-4-done")
    assert _received(session.pk) == 1
    # the same code again: a clear Chinese error
    phone.get(f"{live_server.url}/v/#{display(codes[0])}")
    assert "已经使用过" in _wait(phone, "#vote-error").text
    save_screenshot(phone, "ballot-phone-5-used")
    assert not [e for e in phone.get_log("browser") if e["level"] == "SEVERE" and "409" not in e["message"]]


def test_recommendation_on_a_phone_limits_the_picks(live_server: Any, world: World, phone: Any) -> None:
    from selenium.webdriver.common.by import By

    session = recommendation_session(world.county, max_choices=2, allow_write_in=True)
    code = issue(session, 1)[0]
    open_(session)
    phone.get(f"{live_server.url}/v/")
    phone.find_element(By.ID, "code-input").send_keys(display(code).lower())
    phone.find_element(By.ID, "code-submit").click()
    _wait(phone, ".vote-pick")
    for name in ("甲", "乙", "丙"):
        _tap(phone, f'.vote-pick[data-subject="{name}"]')
    assert "最多只能选 2 人" in _wait(phone, "#vote-error").text
    _tap(phone, '.vote-pick[data-subject="乙"]')
    phone.find_element(By.ID, "write-in-input").send_keys("王五")
    _tap(phone, "#write-in-add")
    save_screenshot(phone, "ballot-phone-6-recommendation")
    _tap(phone, "#to-review")
    _wait(phone, "#review-list")
    _tap(phone, "#submit-ballot")
    _wait(phone, "#step-done")
    session.refresh_from_db()
    services.session_close(session=session, actor=None)
    from ganbu.ballots.selectors import session_result

    result = session_result(session)
    assert {s.label: s.votes for s in result.subjects} == {"甲": 1, "乙": 0, "丙": 0, "丁": 0}
    assert [(n, v) for n, v, _ in result.write_ins] == [("王五", 1)]


def test_the_big_screen_refreshes_by_itself(live_server: Any, world: World) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    session = rating_session(
        world.town_a,
        groups=[
            services.GroupSpec("村民代表", expected=30, weight=4),
            services.GroupSpec("乡镇干部", expected=20, weight=3),
            services.GroupSpec("乡镇领导", expected=4, weight=3),
        ],
    )
    villagers = issue(session, 12, "村民代表")
    staff = issue(session, 6, "乡镇干部")
    open_(session, 村民代表=28, 乡镇干部=19)
    for code in villagers[:9] + staff[:4]:
        services.ballot_cast(code=code, answers={"王芳": "优秀", "李强": "称职"})
    driver = make_driver(1600, 900)
    try:
        driver.get(f"{live_server.url}/login/")
        driver.find_element(By.ID, "id_username").send_keys("clerk_a")
        driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _wait(driver, "nav.ganbu-nav")
        driver.get(f"{live_server.url}/ballots/{session.pk}/screen/")
        assert _wait(driver, "#screen-total").text.startswith("13")
        services.ballot_cast(code=villagers[9], answers={"王芳": "称职", "李强": "称职"})
        # htmx swaps the counts every 2 s: an element read during a swap is stale, so read again
        WebDriverWait(driver, 6, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: d.find_element(By.CSS_SELECTOR, '[data-group="村民代表"]').text.startswith("10")
        )
        assert driver.find_element(By.ID, "screen-total").text.startswith("14")
        assert (
            "进行中" in driver.find_element(By.CSS_SELECTOR, '[data-group="乡镇领导"]').text
        )  # a group of 4: no live count
        save_screenshot(driver, "ballot-screen")
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
