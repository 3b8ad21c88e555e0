"""Every page that draws a chart, in headless Chromium at 1366 px and on a 360 px phone, under the
site's strict Content-Security-Policy (style-src 'self', no 'unsafe-inline'): no violation in the
console or as a `securitypolicyviolation` event, also while every chart shows its tooltips (ECharts'
HTML tooltip wrote its content as style="…" markup: thousands of refused inline styles on these
pages before the charts went through `ganbu/static/ganbu/charts-base.js`), every chart drawn (its
canvas holds coloured pixels: bars, lines, slices), none wider than the screen, and no category
axis crowding its forced labels closer than a label needs. Screenshots: test-artifacts/csp-*.png
(on the phone also each chart as drawn, csp-phone-<page>-<chart>.png).

The data: the registry part of the demo county (a few hundred cadres, teams, the compare date in
2018) and the 驻村 part for one township (logs, visits, requests), seen by a county user."""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
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
MIN_LABEL_SPACING = 18  # px per forced category label (12 px text, rotated or in rows)

# Recorded from the first script of every document (before the page's own scripts), whatever the
# console logging level of the driver.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.sample || ""));
}, true);
"""

# Every chart shows its tooltip for the first data points of every series, as a pointer or a tap
# would (the same rendering path).
SHOW_TOOLTIPS = """
var shown = 0;
document.querySelectorAll(".chart").forEach(function (el) {
  var chart = echarts.getInstanceByDom(el);
  var option = chart && chart.getOption();
  if (!option) return;
  option.series.forEach(function (s, si) {
    var n = Math.min((s.data || []).length, 6);
    for (var i = 0; i < n; i++) { chart.dispatchAction({ type: "showTip", seriesIndex: si, dataIndex: i }); shown++; }
  });
  chart.dispatchAction({ type: "hideTip" });
});
return shown;
"""

# Per chart: whether it has a canvas, its coloured pixels (series colours are saturated; axes,
# grid lines and text are grey), its right edge, and the category axes whose labels are all
# forced (interval 0) with less room per label than arguments[0] px.
INSPECT_CHARTS = """
var minRoom = arguments[0];
return Array.from(document.querySelectorAll(".chart")).map(function (el) {
  var canvas = el.querySelector("canvas");
  var coloured = 0;
  if (canvas) {
    var px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (var i = 0; i < px.length; i += 4) {
      var hi = Math.max(px[i], px[i + 1], px[i + 2]), lo = Math.min(px[i], px[i + 1], px[i + 2]);
      if (px[i + 3] > 128 && hi - lo > 80) coloured++;
    }
  }
  var crowded = [];
  var chart = echarts.getInstanceByDom(el);
  var option = chart && chart.getOption();
  if (option) {
    [["xAxis", el.clientWidth], ["yAxis", el.clientHeight]].forEach(function (pair) {
      (option[pair[0]] || []).forEach(function (axis) {
        var n = (axis.data || []).length;
        if (axis.type === "category" && axis.axisLabel && axis.axisLabel.interval === 0 && n) {
          var room = pair[1] / n;
          if (room < minRoom) crowded.push(pair[0] + ": " + n + " labels, " + room.toFixed(1) + " px each");
        }
      });
    });
  }
  return { id: el.id, canvas: !!canvas, coloured: coloured,
           right: el.getBoundingClientRect().right, crowded: crowded };
});
"""


def _restore_flushed_defaults() -> None:
    """A transactional test before this one flushed the data migrations' rows: the code tables,
    and the composition rules and age caps the composition and forecast pages chart."""
    from ganbu.analytics.models import AgeCap, CompositionRule
    from ganbu.analytics.services import age_caps_set, rule_create
    from ganbu.org.services import code_tables_ensure

    code_tables_ensure()
    if not CompositionRule.objects.exists():
        for name, metric, percent in (
            ("女干部不低于领导干部总数的15%", "women", 15),
            ("大学以上学历不低于领导干部总数的70%", "university", 70),
        ):
            rule_create(
                data={"name": name, "scope": "population", "metric": metric, "min_percent": Decimal(percent)},
                actor=None,
            )
        rule_create(
            data={"name": "每个班子至少配备1名女干部", "scope": "team", "metric": "women", "min_count": 1},
            actor=None,
        )
    if not AgeCap.objects.exists():
        age_caps_set(
            caps={("1A41", "1"): 55, ("1A41", "2"): 50, ("1A42", "1"): 55, ("1A42", "2"): 50}, actor=None
        )


@dataclass
class Demo:
    pages: list[tuple[str, str]]  # (name, path)


@pytest.fixture
def demo() -> Demo:
    from django.db.models import Count

    from ganbu.org.models import Role, Unit
    from ganbu.testing.registry import seed_registry_demo
    from ganbu.villagework.demo import DEMO_TOWNSHIP, seed_villagework
    from ganbu.villagework.models import WorkLog

    _restore_flushed_defaults()
    seed_registry_demo(cadres=300, seed=11)
    county = Unit.objects.get(parent__isnull=True)
    township = Unit.objects.get(parent=county, name=DEMO_TOWNSHIP)
    seed_villagework(seed=11, townships=[township.code])
    busiest = (
        WorkLog.objects.values("cadre_id", "village_id")
        .annotate(n=Count("id"))
        .order_by("-n", "cadre_id")
        .first()
    )
    assert busiest, "the 驻村 demo wrote no logs"
    make_user("zuzhibu", Role.COUNTY, county)
    analytics = f"/analytics/units/{county.pk}"
    return Demo(
        pages=[
            ("structure", f"{analytics}/structure/"),
            ("compare", f"{analytics}/compare/?before=2018-06-30"),
            ("composition", f"{analytics}/composition/"),
            ("forecast", f"{analytics}/forecast/?years=5"),
            ("village-overview", "/village/overview/"),
            ("village-report", f"/village/villages/{busiest['village_id']}/report/"),
            ("cadre-report", f"/village/cadres/{busiest['cadre_id']}/"),
        ]
    )


def _is_violation(message: str) -> bool:
    return "Content Security Policy" in message or "Refused to" in message


def _wait_for_charts(driver: Any) -> tuple[int, int]:
    """(chart containers, containers holding a canvas) once all have one or after 20 s."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    def count(d: Any) -> tuple[int, int]:
        charts, canvases = d.execute_script(
            "return [document.querySelectorAll('.chart').length,"
            " document.querySelectorAll('.chart canvas').length]"
        )
        return int(charts), int(canvases)

    with contextlib.suppress(TimeoutException):  # a chart left undrawn is reported by the caller
        WebDriverWait(driver, 20).until(lambda d: count(d)[0] and count(d)[0] == count(d)[1])
    return count(driver)


def _point_at_charts(driver: Any) -> None:
    """A real pointer moving across every chart (desktop only: phone emulation has no mouse)."""
    from selenium.common.exceptions import MoveTargetOutOfBoundsException
    from selenium.webdriver import ActionChains
    from selenium.webdriver.common.by import By

    for el in driver.find_elements(By.CSS_SELECTOR, ".chart"):
        if not el.is_displayed():  # a chart in a closed section has no place to point at
            continue
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        width, height = el.size["width"], el.size["height"]
        for fraction in (0.2, 0.4, 0.6, 0.8):
            # a chart taller than the window: a point outside the window is skipped, not failed
            with contextlib.suppress(MoveTargetOutOfBoundsException):
                ActionChains(driver).move_to_element_with_offset(
                    el, int(width * (fraction - 0.5)), int(height * 0.1)
                ).perform()


def _save_charts(driver: Any, prefix: str) -> None:
    images = driver.execute_script(
        "return Array.from(document.querySelectorAll('.chart')).map(function (el) {"
        " var c = echarts.getInstanceByDom(el);"
        " return [el.id, c ? c.getDataURL({backgroundColor: '#fff'}) : ''];"
        "})"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for chart_id, url in images:
        if url.startswith("data:image/png;base64,"):
            (ARTIFACTS / f"{prefix}-{chart_id}.png").write_bytes(base64.b64decode(url.split(",", 1)[1]))


@dataclass
class PageResult:
    charts: int
    console: list[str]
    events: list[str]
    problems: list[str]


def _visit(driver: Any, base: str, name: str, path: str, *, viewport: str, width: int) -> PageResult:
    if viewport == "desktop":
        driver.set_window_size(DESKTOP_WIDTH, 900)  # save_screenshot grew it to the last page's height
    driver.get(base + path)
    charts, canvases = _wait_for_charts(driver)
    problems = [] if charts and canvases == charts else [f"{canvases} of {charts} charts with a canvas"]
    if viewport == "desktop":
        _point_at_charts(driver)
    if not driver.execute_script(SHOW_TOOLTIPS):
        problems.append("no tooltip shown")
    for chart in driver.execute_script(INSPECT_CHARTS, MIN_LABEL_SPACING):
        if not chart["canvas"] or chart["coloured"] < 200:
            problems.append(f"#{chart['id']} not drawn ({chart['coloured']} coloured pixels)")
        if chart["right"] > width + 1:
            problems.append(f"#{chart['id']} wider than the screen (right edge {chart['right']:.0f} px)")
        problems += [f"#{chart['id']} crowded {c}" for c in chart["crowded"]]
    console = [e["message"] for e in driver.get_log("browser") if _is_violation(e["message"])]
    events = list(driver.execute_script("return window.__cspViolations || []"))
    save_screenshot(driver, f"csp-{viewport}-{name}")
    if viewport == "phone":  # the phone's capture is the top of the screen: each chart as drawn too
        _save_charts(driver, f"csp-{viewport}-{name}")
    return PageResult(charts, console, events, problems)


@pytest.fixture
def drivers() -> Iterator[dict[str, Any]]:
    opened = {"desktop": make_driver(DESKTOP_WIDTH, 900), "phone": make_driver(phone=True)}
    try:
        for driver in opened.values():
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
        yield opened
    finally:
        for driver in opened.values():
            driver.quit()


def test_every_chart_draws_without_a_csp_violation_on_a_desktop_and_a_phone(
    live_server: Any, demo: Demo, drivers: dict[str, Any]
) -> None:
    widths = {"desktop": DESKTOP_WIDTH, "phone": PHONE_WIDTH}
    results: dict[tuple[str, str], PageResult] = {}
    for viewport, driver in drivers.items():
        login(driver, live_server.url, "zuzhibu", PASSWORD)
        assert driver.execute_script("return window.innerWidth") == widths[viewport]
        driver.get_log("browser")  # the login page's messages
        for name, path in demo.pages:
            results[viewport, name] = _visit(
                driver, live_server.url, name, path, viewport=viewport, width=widths[viewport]
            )

    summary = "\n".join(
        f"{viewport:7s} {name:16s} charts={r.charts:2d} console={len(r.console):4d} events={len(r.events):4d}"
        + (f"  {'; '.join(r.problems)}" if r.problems else "")
        for (viewport, name), r in results.items()
    )
    print(f"\n[csp] per page:\n{summary}")
    first = next((r.console + r.events for r in results.values() if r.console or r.events), [])
    assert not first, f"CSP violations:\n{summary}\nthe first: {first[0]}"
    assert not any(r.problems for r in results.values()), f"charts not drawn or not readable:\n{summary}"
