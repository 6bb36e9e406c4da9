"""The built book in a real browser: every page of the table of contents, as a student loads it.

For each page: no console errors, no request leaving localhost, the math
typeset by the book's own MathJax, every image decoded and described by alt
text, no traceback in the text, and no serious or critical axe-core
accessibility violation. On the explorer pages a real key press or selection
changes the explorer's output. A screenshot of each page goes to
``_build/screenshots/``.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.book.conftest import SCREENSHOTS, toc_pages

PAGES = toc_pages()
EXPLORER_PAGES = {"book/01_convolution": 1, "book/02_spatial_arithmetic": 1, "book/05_activations_pooling_fc": 1}
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "devtools")


def open_page(browser, site_url: str, page: str) -> None:
    """Load ``page`` with fresh logs and wait until MathJax has finished typesetting."""
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(site_url + page + ".html")
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (window.MathJax && MathJax.startup && MathJax.startup.promise) {"
        "  MathJax.startup.promise.then(() => done(true), () => done(false)); } else { done(false); }"
    )


def outside_requests(browser, site_url: str) -> list[str]:
    """URLs the page asked for that are neither on our localhost server nor inline."""
    host = urlsplit(site_url).netloc
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme not in LOCAL_SCHEMES and parts.netloc != host:
                urls.append(url)
    return urls


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_and_accessible(browser, site_url: str, page: str) -> None:
    """Does the page load cleanly, offline, with math typeset, images shown and described, and no axe violation?"""
    open_page(browser, site_url, page)
    assert browser.title, f"{page}: the page has no title (is it missing from _build/html?)"

    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{page}: console errors: {errors}"
    outside = outside_requests(browser, site_url)
    assert not outside, f"{page}: requests left localhost: {outside}"

    untypeset = browser.execute_script(
        "return [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'))"
        ".map(e => e.textContent.slice(0, 60));"
    )
    assert not untypeset, f"{page}: math left untypeset (MathJax not loaded?): {untypeset}"

    images = browser.execute_script(
        "return [...document.images].map(i => ({src: i.currentSrc.slice(0, 80), ok: i.complete && i.naturalWidth > 0,"
        " alt: (i.getAttribute('alt') || '').trim()}));"
    )
    assert not [i["src"] for i in images if not i["ok"]], f"{page}: images not decoded: {images}"
    unlabelled = [i["src"] for i in images if len(i["alt"]) < 10 and "logo" not in i["src"]]
    assert not unlabelled, f"{page}: images without alt text that says what they show: {unlabelled}"

    # Only cell outputs: a code listing may quote a doctest's expected traceback.
    outputs = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".cell_output"))
    assert "Traceback (most recent call last)" not in outputs, f"{page}: a traceback is shown to students"
    assert not browser.find_elements(By.CSS_SELECTOR, ".highlight-ipythontb, .output.traceback"), page

    from selenium_axe_python import Axe

    axe = Axe(browser)
    axe.inject()
    violations = [v for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, f"{page}: {axe.report(violations)}"

    height = browser.execute_script("return document.documentElement.scrollHeight;")
    browser.set_window_size(1280, min(max(height, 900), 12000))
    browser.save_screenshot(str(SCREENSHOTS / (page.replace("/", "_") + ".png")))
    browser.set_window_size(1280, 900)


def change(browser, control) -> None:
    """Change one explorer control the way a reader does: an arrow key on a slider, a new option in a list."""
    if control.tag_name == "select":
        menu = Select(control)
        current = menu.options.index(menu.first_selected_option)
        menu.select_by_index((current + 1) % len(menu.options))
        return
    at_max = control.get_attribute("value") == control.get_attribute("max")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", control)
    control.send_keys(Keys.ARROW_LEFT if at_max else Keys.ARROW_RIGHT)


@pytest.mark.parametrize("page", sorted(EXPLORER_PAGES))
def test_explorers_respond_without_a_kernel(browser, site_url: str, page: str) -> None:
    """Does changing each explorer's first control change what the explorer shows, in the static book?"""
    assert page in PAGES, f"{page} is not in _toc.yml"
    open_page(browser, site_url, page)
    explorers = browser.find_elements(By.CSS_SELECTOR, "[data-explorer]")
    assert len(explorers) >= EXPLORER_PAGES[page], f"{page}: expected an explorer, found {len(explorers)}"
    for explorer in explorers:
        output = explorer.find_element(By.CSS_SELECTOR, "[data-explorer-output]")
        before = output.get_attribute("innerHTML")
        change(browser, explorer.find_elements(By.CSS_SELECTOR, "input, select")[0])
        after = output.get_attribute("innerHTML")
        kind = explorer.get_attribute("data-explorer")
        assert after != before, f"{page}: the {kind} explorer did not respond to its first control"
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{page}: console errors after interaction: {errors}"
