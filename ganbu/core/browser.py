"""Headless Chromium for smoke tests and screenshots (Debian chromium + chromium-driver)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("GANBU_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GANBU_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("GANBU_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists() and shutil.which(CHROMEDRIVER) is not None


def make_driver(width: int = 1280, height: int = 900, *, phone: bool = False) -> Any:
    """A headless Chromium; `phone=True` emulates a 360×740 phone (headless windows cannot be
    narrower than 500 px, so device metrics are emulated instead)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=zh-CN",
        f"--window-size={width},{height}",
        f"--user-data-dir={tempfile.mkdtemp(prefix='ganbu-chromium-')}",
    ):
        options.add_argument(flag)
    if phone:
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": 360, "height": 740, "pixelRatio": 2}}
        )
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def save_screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # full-page capture: grow the window to the document height
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    if width > 500:  # desktop: grow the window to the whole page
        driver.set_window_size(width, min(max(height + 100, 600), 4000))
    driver.save_screenshot(str(path))
    return path


def login(driver: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the login page and wait for the navigation bar of the first page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base_url}/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.ganbu-nav")))
