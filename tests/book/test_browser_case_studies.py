"""The case studies' architecture explorer in a real browser, with no kernel behind it.

Uses the fixtures of ``conftest.py`` (the built book served on localhost, headless
chromium); point ``BOOK_HTML`` and ``BOOK_TOC`` at a book built elsewhere. Every
page's offline load, accessibility (also in dark mode) and phone width are
``test_browser.py``'s, which walks the table of contents.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.book.conftest import missing, toc_pages
from tests.book.test_browser import DESKTOP, PHONE, open_page

CASE_STUDIES = "book/06_case_studies"
INSTRUCTORS = ("book/instructors", "book/instructors_hub")


@pytest.fixture
def explorer(browser, site_url: str):
    """The page's architecture explorer, freshly loaded."""
    if CASE_STUDIES not in toc_pages():
        missing(f"{CASE_STUDIES} is not in the table of contents (_toc.yml, or BOOK_TOC)")
    open_page(browser, site_url, CASE_STUDIES)
    panels = browser.find_elements(By.CSS_SELECTOR, '[data-explorer="architecture"]')
    assert len(panels) == 1, f"{CASE_STUDIES}: expected one architecture explorer, found {len(panels)}"
    return panels[0]


def shown(explorer) -> str:
    return explorer.find_element(By.CSS_SELECTOR, "[data-explorer-output]").get_attribute("innerHTML")


def test_choosing_a_network_shows_its_table_and_sizes(browser, explorer) -> None:
    """Does choosing ResNet-18, then 64x64, show its 11,689,512 parameters, its sizes and a 2x2x512 last volume?"""
    network = Select(explorer.find_element(By.CSS_SELECTOR, "select[name=network]"))
    assert network.first_selected_option.get_attribute("value") == "vgg16"
    assert "138,357,544 parameters" in shown(explorer)
    network.select_by_value("resnet18")
    size = Select(explorer.find_element(By.CSS_SELECTOR, "select[name=size]"))
    assert [o.get_attribute("value") for o in size.options] == ["224", "320", "128", "64"]
    assert "11,689,512 parameters" in shown(explorer) and "[7x7x512]" in shown(explorer)
    size.select_by_value("64")
    assert "[2x2x512]" in shown(explorer) and "[7x7x512]" not in shown(explorer)
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"console errors after interaction: {errors}"


def test_the_pages_script_draws_what_python_drew(explorer) -> None:
    """Going to AlexNet and back to VGG-16, does the script redraw exactly the table Python wrote at build time?"""
    built = shown(explorer)
    network = Select(explorer.find_element(By.CSS_SELECTOR, "select[name=network]"))
    network.select_by_value("alexnet")
    assert "[55x55x96]" in shown(explorer)
    network.select_by_value("vgg16")
    assert shown(explorer) == built


def test_fc_rows_show_without_scrolling_a_box(browser, explorer) -> None:
    """Is the layer table as tall as its rows, so that VGG-16's FC rows, and ResNet-152's last, show without an inner scroll?"""
    box = explorer.find_element(By.CSS_SELECTOR, ".cnn-scroll")
    inner = "return [arguments[0].scrollHeight, arguments[0].clientHeight]"
    scroll_height, client_height = browser.execute_script(inner, box)
    assert scroll_height <= client_height, f"the table scrolls inside a {client_height} px box"
    last = [row.find_element(By.TAG_NAME, "td").text
            for row in explorer.find_elements(By.CSS_SELECTOR, "table.cnn-layers tbody tr")[-3:]]
    assert last == ["FC-4096", "FC-4096", "FC-1000"]
    Select(explorer.find_element(By.CSS_SELECTOR, "select[name=network]")).select_by_value("resnet152")
    box = explorer.find_element(By.CSS_SELECTOR, ".cnn-scroll")
    scroll_height, client_height = browser.execute_script(inner, box)
    assert scroll_height <= client_height and "FC-1000" in shown(explorer)


@pytest.mark.parametrize("page", INSTRUCTORS)
def test_instructors_tables_keep_identifiers_whole_on_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, does every code word in the instructors' tables sit on one line, none broken mid-word?"""
    if page not in toc_pages():
        missing(f"{page} is not in the table of contents (_toc.yml, or BOOK_TOC)")
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page)
        words = browser.find_elements(By.CSS_SELECTOR, ".bd-article table code span.pre")
        assert words, f"{page}: no code in its tables"
        broken = [w.text for w in words if browser.execute_script("return arguments[0].getClientRects().length", w) > 1]
        assert not broken, f"{page}: identifiers broken across lines at {PHONE} px: {broken}"
    finally:
        browser.set_window_size(DESKTOP, 900)
