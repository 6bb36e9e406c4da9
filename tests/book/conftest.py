"""Fixtures for the browser test: the built book served on localhost, and headless chromium.

The book must have been built (``make book``; ``make test`` builds it first).
Where the book or Debian's chromium and chromedriver are missing, the tests
skip and say why, except under CI=true, where a missing piece is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# BOOK_HTML points the test at a book built elsewhere (jupyter-book build --path-output).
SITE = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"


def missing(reason: str) -> None:
    """Fail under CI (where everything must be there), skip with ``reason`` elsewhere."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: this test must run in CI)", pytrace=False)
    pytest.skip(reason)


def toc_pages() -> list[str]:
    """Every page of ``_toc.yml`` in reading order, as paths without suffix (``book/intro``)."""
    # BOOK_TOC: the table of contents of a book built with jupyter-book build --toc.
    toc = yaml.safe_load(Path(os.environ.get("BOOK_TOC", ROOT / "_toc.yml")).read_text())
    pages = [toc["root"]]

    def walk(node: dict) -> None:
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                if "file" in child:
                    pages.append(child["file"])
                walk(child)

    walk(toc)
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Serve ``_build/html`` on an ephemeral localhost port for the whole session."""
    if not (SITE / "index.html").exists():
        missing(f"{SITE} has no index.html: build the book first with `make book`")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=SITE))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def start_chromium(timeout: float = 60) -> object:
    """Headless Debian chromium driven by Selenium, 1280x900, logging console messages and network requests;
    nothing outside localhost resolves. Skips (fails under CI) where chromium or chromedriver is missing."""
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        missing("chromium and chromedriver are not installed: run `make system-deps` (Debian/Ubuntu, apt-get)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
        # Nothing outside localhost resolves, so a page that reaches out fails fast; the
        # performance log still records the attempt, which the test reports.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(timeout)
    driver.set_script_timeout(timeout)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return driver


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian chromium (:func:`start_chromium`) for the whole session."""
    driver = start_chromium()
    yield driver
    driver.quit()
