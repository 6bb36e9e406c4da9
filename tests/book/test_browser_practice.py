"""Part 2's practice pages (8 to 10) in a real browser: the activation and augmentation explorers without a kernel,
phone width, dark mode.

Uses the fixtures of ``conftest.py`` (the built book served on localhost, headless
chromium). Point ``BOOK_HTML`` and ``BOOK_TOC`` at a book built elsewhere.
"""

from __future__ import annotations

import json
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.book.conftest import missing, toc_pages
from tests.book.test_browser import open_page

UNDERSTANDING = "book/08_understanding_convnets"
TIPS = "book/09_tips_and_tricks"
EVERYWHERE = "book/10_convnets_everywhere"


def open_toc_page(browser, site_url: str, page: str) -> None:
    if page not in toc_pages():
        missing(f"{page} is not in the table of contents (_toc.yml, or BOOK_TOC)")
    open_page(browser, site_url, page)


def one_explorer(browser, site_url: str, page: str, kind: str):
    open_toc_page(browser, site_url, page)
    panels = browser.find_elements(By.CSS_SELECTOR, f'[data-explorer="{kind}"]')
    assert len(panels) == 1, f"{page}: expected one {kind} explorer, found {len(panels)}"
    return panels[0]


def shown(explorer) -> str:
    return explorer.find_element(By.CSS_SELECTOR, "[data-explorer-output]").get_attribute("innerHTML")


def no_console_errors(browser) -> None:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"console errors after interaction: {errors}"


def test_choosing_a_digit_shows_its_layers_and_scores(browser, site_url: str) -> None:
    """Does choosing another digit redraw all twelve layers and ten class scores, predicting that digit?"""
    explorer = one_explorer(browser, site_url, UNDERSTANDING, "activations")
    menu = Select(explorer.find_element(By.CSS_SELECTOR, "select[name=image]"))
    assert len(menu.options) == 10
    before = shown(explorer)
    menu.select_by_index(3)
    after = shown(explorer)
    assert after != before
    assert after.count("<figure") == 13 and len(re.findall(r"<tr[^>]*><td>\d</td>", after)) == 10
    # What the script shows is the view Python computed for that digit at build time.
    views = json.loads(explorer.find_element(By.CSS_SELECTOR, 'script[type="application/json"]')
                       .get_attribute("textContent"))["views"]
    prediction = re.search(r'<p class="cnn-prediction">(.*?)</p>', views[3]).group(1)
    assert "true label 3" in prediction and f'<p class="cnn-prediction">{prediction}</p>' in after
    maps = explorer.find_elements(By.CSS_SELECTOR, "[data-explorer-output] img")
    assert len(maps) == 1 + 6 + 6 + 6 + 16 + 16 + 16 + 6
    assert all(m.get_property("naturalWidth") > 0 for m in maps)
    no_console_errors(browser)


def test_augmentation_controls_change_the_image(browser, site_url: str) -> None:
    """Do the augmentation menu, the draw slider and the strength slider each show a new image and caption?"""
    explorer = one_explorer(browser, site_url, TIPS, "augmentation")
    image = explorer.find_element(By.CSS_SELECTOR, "img.cnn-augmented")
    caption = explorer.find_element(By.CSS_SELECTOR, ".cnn-formula")
    seen = {image.get_attribute("src")}
    assert caption.text.startswith("random crop")
    Select(explorer.find_element(By.CSS_SELECTOR, "select[name=kind]")).select_by_value("colour")
    assert caption.text.startswith("PCA colour jitter") and image.get_attribute("src") not in seen
    for name in ("draw", "strength"):
        seen.add(image.get_attribute("src"))
        slider = explorer.find_element(By.CSS_SELECTOR, f"input[name={name}]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", slider)
        slider.send_keys(Keys.ARROW_RIGHT)
        assert image.get_attribute("src") not in seen, name
    assert "strength 2x, draw 1" in caption.text
    assert image.get_property("naturalWidth") > 0 and "draw 1" in image.get_attribute("alt")
    no_console_errors(browser)


@pytest.mark.parametrize("page", [UNDERSTANDING, TIPS, EVERYWHERE])
def test_page_fits_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, does the page not scroll sideways?"""
    browser.set_window_size(390, 844)
    try:
        open_toc_page(browser, site_url, page)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        assert overflow <= 0, f"{page}: the page scrolls {overflow} px sideways at 390 px"
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.parametrize(("page", "kind"), [(UNDERSTANDING, "activations"), (TIPS, "augmentation")])
def test_explorer_reads_well_in_dark_mode(browser, site_url: str, page: str, kind: str) -> None:
    """In the theme's dark mode, does the explorer pass axe's colour-contrast rule?"""
    from selenium_axe_python import Axe

    one_explorer(browser, site_url, page, kind)
    browser.execute_script("document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark';")
    axe = Axe(browser)
    axe.inject()
    # selenium_axe_python pastes both arguments into the script as they are written.
    result = axe.run(context=f"'[data-explorer=\"{kind}\"]'", options={"runOnly": ["color-contrast"]})
    assert not result["violations"], axe.report(result["violations"])


@pytest.mark.parametrize("page", [UNDERSTANDING, TIPS, EVERYWHERE])
def test_figures_are_not_shrunk_past_reading_on_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, is every figure drawn at least 300 px wide and shrunk to no less than half its size?

    Half is where a matplotlib title of 9 points at 100 dpi falls to about 6 px: the
    multi-panel figures of these pages are laid out for a 6-inch width to stay above it.
    """
    browser.set_window_size(390, 844)
    try:
        open_toc_page(browser, site_url, page)
        sizes = browser.execute_script(
            "return [...document.querySelectorAll('figure img, .cell_output img')]"
            ".filter(i => i.naturalWidth > 200 && !i.closest('[data-explorer]'))"
            ".map(i => [i.getAttribute('alt') || i.src.slice(-20), i.naturalWidth, i.getBoundingClientRect().width]);")
        assert sizes, f"{page}: no figures found"
        for alt, natural, shown in sizes:
            assert shown >= 300 and natural <= 2 * shown, f"{page}: {alt[:60]!r} is {natural} px drawn at {shown:.0f} px"
    finally:
        browser.set_window_size(1280, 900)
