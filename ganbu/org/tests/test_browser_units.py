"""The unit page on a 360-px phone in headless Chromium (tour 13): no sideways scroll, and the
link-buttons (<a class="btn">) have their label in the middle of the 44-px touch target, as
<button>s do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but /usr/bin/chromium or chromedriver is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)

# [label, box top, box bottom, label top, label bottom] of every visible link-button
LINK_BUTTONS = """
return [...document.querySelectorAll('main a.btn')].filter(a => a.offsetParent !== null).map(a => {
  const box = a.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(a);
  const text = range.getBoundingClientRect();
  return [a.textContent.trim(), box.top, box.bottom, text.top, text.bottom];
});
"""


@pytest.fixture
def phone() -> Iterator[Any]:
    driver = make_driver(phone=True)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_unit_page_fits_a_phone_and_its_link_buttons_are_centred(
    live_server: Any, world: World, phone: Any
) -> None:
    login(phone, live_server.url, "county", PASSWORD)
    for unit in (world.town_a, world.village_a):
        phone.get(live_server.url + reverse("org:unit_detail", args=[unit.pk]))
        assert phone.execute_script("return window.innerWidth") == 360
        width = phone.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"{unit.name}: the page is {width}px wide on a 360-px phone"
        buttons = phone.execute_script(LINK_BUTTONS)
        assert any(label == "编辑单位信息" for label, *_ in buttons), buttons
        for label, top, bottom, text_top, text_bottom in buttons:
            assert bottom - top >= 44, f"{label}: {bottom - top}px high"
            above, below = text_top - top, bottom - text_bottom
            assert abs(above - below) <= 2, f"{label}: {above:.0f}px above the label, {below:.0f}px below"
    save_screenshot(phone, "unit-phone")
