"""Fixtures for the real-client tests: headless chromium, and a free localhost port.

Like the book's browser test, they skip where Debian's chromium and chromedriver are
missing and fail instead under CI=true. Screenshots go to ``_build/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "_build" / "screenshots"


def missing(reason: str) -> None:
    """Fail under CI (where everything must be there), skip with ``reason`` elsewhere."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: the client tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium driven by Selenium, 1280x900, nothing outside localhost reachable."""
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        missing("chromium and chromedriver are not installed: run `make system-deps` (Debian/Ubuntu, apt-get)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update"):
        options.add_argument(argument)
    # An explicit driver path keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(90)
    driver.set_script_timeout(90)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
