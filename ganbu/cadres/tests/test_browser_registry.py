"""The registry in headless Chromium, as a township clerk would use it: search, open a record,
import a file with a bad row. Saves screenshots under test-artifacts/."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not browser_available():
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1":
        raise RuntimeError("GANBU_REQUIRE_BROWSER=1 but Chromium is missing")
    pytest.skip("headless Chromium not installed", allow_module_level=True)


@pytest.fixture
def driver() -> Iterator[Any]:
    d = make_driver()
    try:
        yield d
    finally:
        d.quit()


def _login(driver: Any, base: str, username: str) -> None:
    login(driver, base, username, PASSWORD)


def _no_js_errors(driver: Any) -> None:
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_search_and_open_a_record(live_server: Any, world: World, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    for name in ("黄明", "丁一", "张三", "王芳", "赵四"):
        make_cadre(world.town_a, name, current_title=f"甲镇{name}科员")
    make_cadre(world.town_b, "张伟")
    _login(driver, live_server.url, "clerk_a")
    driver.get(f"{live_server.url}/cadres/")
    rows = [r.text.split()[0] for r in driver.find_elements(By.CSS_SELECTOR, "#cadre-table tbody tr")]
    assert rows == ["丁一", "王芳", "张三", "赵四", "黄明"]  # stroke order; 张伟 is in another township
    save_screenshot(driver, "registry-list")
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.ID, "id_q")
    box.send_keys("zs")
    box.submit()
    WebDriverWait(driver, 10).until(ec.staleness_of(box))  # the results page has replaced the list
    rows = [r.text.split()[0] for r in driver.find_elements(By.CSS_SELECTOR, "#cadre-table tbody tr")]
    assert rows == ["张三", "赵四"]
    driver.find_element(By.LINK_TEXT, "张三").click()
    assert "张三" in driver.find_element(By.TAG_NAME, "h1").text
    save_screenshot(driver, "registry-detail")
    _no_js_errors(driver)


def test_import_with_a_bad_row_shows_every_error(
    live_server: Any, world: World, driver: Any, tmp_path: Any
) -> None:
    from openpyxl import Workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from ganbu.cadres.models import Cadre
    from ganbu.cadres.rules import make_id_number

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "姓名",
            "性别",
            "民族",
            "出生日期",
            "身份证号",
            "政治面貌",
            "入党时间",
            "参加工作时间",
            "全日制学历",
            "全日制学位",
            "最高学历",
            "最高学位",
            "单位代码",
            "职务",
            "职务层次",
            "任职时间",
            "职级",
            "人员类别",
        ]
    )
    good = make_id_number("469099", date(1988, 1, 2), 5, "1")
    ws.append(
        [
            "李明",
            "男",
            "汉族",
            "1988-01-02",
            good,
            "中共党员",
            "2010-07-01",
            "2011-07-01",
            "大学本科",
            "学士",
            "大学本科",
            "学士",
            "TA",
            "甲镇党政办科员",
            "科员",
            "2011-07-01",
            "一级科员",
            "公务员",
        ]
    )
    ws.append(
        [
            "王红",
            "女",
            "汉族",
            "1990-02-03",
            "469099199002031230",
            "群众",
            "",
            "2012-07-01",
            "大学本科",
            "",
            "大学本科",
            "",
            "TB",
            "乙乡科员",
            "科员",
            "2012-07-01",
            "",
            "公务员",
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "导入.xlsx"
    path.write_bytes(buffer.getvalue())

    _login(driver, live_server.url, "clerk_a")
    driver.get(f"{live_server.url}/cadres/import/")
    driver.find_element(By.ID, "id_file").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "import-errors")))
    table = driver.find_element(By.ID, "import-errors").text
    assert "身份证号校验位错误" in table and "单位代码「TB」" in table
    assert "不在代码表中" not in table  # names like 汉族 / 中共党员 are accepted
    assert "未导入任何数据" in driver.page_source
    assert not Cadre.objects.exists()
    save_screenshot(driver, "registry-import-errors")
    _no_js_errors(driver)
