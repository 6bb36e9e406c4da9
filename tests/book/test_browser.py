"""The built book in a real browser: every page of the table of contents, as a student loads it.

For each page: no console errors, no request leaving localhost, the math
typeset by the book's own MathJax, every image decoded and described by alt
text, every figure captioned, no traceback in the text, and no serious or
critical axe-core accessibility violation in the light and in the dark theme
(colour contrast included). At phone width (390 px) nothing makes the page
scroll sideways. On the explorer pages a real key press or selection changes
the explorer's output, and each control's label stays beside its input.
Screenshots of each page (desktop 1280 px, phone 390 px, dark) go to
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
EXPLORER_PAGES = {"book/01_convolution": 1, "book/02_spatial_arithmetic": 1, "book/03_conv_layer": 1,
                  "book/05_activations_pooling_fc": 1,
                  "book/06_case_studies": 1, "book/08_understanding_convnets": 1, "book/09_tips_and_tricks": 1}
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "devtools")
PHONE, DESKTOP = 390, 1280
# Every page wraps its code and outputs to the text column (issue 10).
WRAPPED_PAGES = PAGES

# Elements of the article that reach past the right edge of the window without a
# scrolling box (overflow-x auto or scroll) around them: they widen the page or are cut off.
OVERFLOWING = """
const width = document.documentElement.clientWidth, found = [];
const scroller = e => {
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o === 'auto' || o === 'scroll') return a;
  }
  return null;
};
for (const e of document.querySelectorAll('.bd-article *')) {
  const r = e.getBoundingClientRect();
  if (!r.width || r.right <= width + 1 || scroller(e)) continue;
  found.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' right=' + Math.round(r.right) +
             ': ' + (e.textContent || '').trim().slice(0, 50));
}
return {page: document.documentElement.scrollWidth, width, found: found.slice(0, 8)};
"""

# Images of cell outputs and figures outside the explorers, each with its figure's caption.
FIGURES = """
return [...document.querySelectorAll('.bd-article img')].filter(i => !i.closest('.cnn-explorer')).map(i => {
  const f = i.closest('figure'), c = f && f.querySelector('figcaption');
  return {src: i.currentSrc.slice(-40), caption: c ? c.textContent.trim() : '', shown: !!c && c.offsetHeight > 0};
});
"""

# The code cells and text outputs wider than the column they sit in (they scroll sideways).
# Listings included from cnnlib keep the library's own line length (ruff's 130).
WIDE_CODE = """
return [...document.querySelectorAll('.bd-article .cell pre')].filter(p => p.offsetWidth && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.scrollWidth + '>' + p.clientWidth + ': ' + p.textContent.split('\\n').sort((a, b) => b.length - a.length)[0]);
"""


def open_page(browser, site_url: str, page: str, mode: str = "light") -> None:
    """Load ``page`` in the theme's ``mode`` with fresh logs and wait until MathJax has finished typesetting."""
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(site_url + page + ".html")
    # The theme reads the reader's choice from localStorage when the page loads.
    if browser.execute_script("return localStorage.getItem('mode');") != mode:
        browser.execute_script("localStorage.setItem('mode', arguments[0]);", mode)
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

    figures = browser.execute_script(FIGURES)
    uncaptioned = [f["src"] for f in figures if len(f["caption"]) < 10 or not f["shown"]]
    assert not uncaptioned, f"{page}: figures without a visible caption: {uncaptioned}"
    screenshot(browser, page, "")


def screenshot(browser, page: str, suffix: str, width: int = DESKTOP) -> None:
    """Save the whole page at ``width`` to _build/screenshots/<page><suffix>.png, then restore the window."""
    browser.set_window_size(width, 900)
    height = browser.execute_script("return document.documentElement.scrollHeight;")
    browser.set_window_size(width, min(max(height, 900), 16000))
    browser.save_screenshot(str(SCREENSHOTS / (page.replace("/", "_") + suffix + ".png")))
    browser.set_window_size(DESKTOP, 900)


@pytest.mark.parametrize("page", PAGES)
def test_page_is_accessible_in_dark_mode(browser, site_url: str, page: str) -> None:
    """In the theme's dark mode, does axe-core (colour contrast included) find no serious or critical violation?"""
    open_page(browser, site_url, page, mode="dark")
    try:
        assert browser.execute_script("return document.documentElement.dataset.theme;") == "dark", page
        from selenium_axe_python import Axe

        axe = Axe(browser)
        axe.inject()
        violations = [v for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
        assert not violations, f"{page} (dark): {axe.report(violations)}"
        screenshot(browser, page, "_dark")
    finally:
        browser.execute_script("localStorage.setItem('mode', 'light');")


@pytest.mark.parametrize("page", PAGES)
def test_page_fits_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, does nothing on the page reach past the window (wide things scroll in their own box)?"""
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page)
        result = browser.execute_script(OVERFLOWING)
        assert result["page"] <= result["width"], f"{page}: the page scrolls sideways at {PHONE} px: {result}"
        assert not result["found"], f"{page}: at {PHONE} px these reach past the window: {result['found']}"
        screenshot(browser, page, "_phone", PHONE)
    finally:
        browser.set_window_size(DESKTOP, 900)


@pytest.mark.parametrize("page", WRAPPED_PAGES)
def test_code_fits_the_text_column(browser, site_url: str, page: str) -> None:
    """At 1280 px, does every code listing and text output fit its column, with no sideways scrolling?"""
    open_page(browser, site_url, page)
    wide = browser.execute_script(WIDE_CODE)
    assert not wide, f"{page}: code or output wider than the column: {wide}"


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


@pytest.mark.parametrize("page", sorted(EXPLORER_PAGES))
def test_explorer_labels_stay_beside_their_inputs_on_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, is every explorer control's label on the same line as its slider, list or check box?"""
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page)
        split = browser.execute_script(
            "return [...document.querySelectorAll('.cnn-control')].filter(c => c.offsetWidth).filter(c => {"
            "  const l = c.querySelector('label').getBoundingClientRect(),"
            "        i = c.querySelector('input, select').getBoundingClientRect();"
            "  return l.bottom <= i.top || i.bottom <= l.top || c.getBoundingClientRect().right > innerWidth;"
            "}).map(c => c.textContent.trim());"
        )
        assert not split, f"{page}: labels parted from their inputs at {PHONE} px: {split}"
    finally:
        browser.set_window_size(DESKTOP, 900)


def test_pooling_floor_rule_answers_the_lectures_f3_s2(browser, site_url: str) -> None:
    """On the 8x8 digit, does F=3, S=2 refuse at first and, with the floor rule ticked, show a 3x3 output?"""
    open_page(browser, site_url, "book/05_activations_pooling_fc")
    explorer = browser.find_element(By.CSS_SELECTOR, '[data-explorer="pooling"]')
    for name, index in (("F", 2), ("S", 1)):  # data-values 1,2,3,4: F=3, S=2
        browser.execute_script(
            "const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));",
            explorer.find_element(By.CSS_SELECTOR, f"[name={name}]"), index)
    output = explorer.find_element(By.CSS_SELECTOR, "[data-explorer-output]")
    assert "does not fit" in output.text
    floor = explorer.find_element(By.CSS_SELECTOR, "[name=floor]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", floor)
    floor.click()
    assert "output 3x3 (floor)" in output.text
    assert len(output.find_elements(By.CSS_SELECTOR, "td[data-k]")) == 9
    cell = explorer.find_element(By.CSS_SELECTOR, "output[id$=-window-v]").text
    assert cell == "(0, 0)", cell


# The volume figures (cnnlib.volume_figures), drawn as SVG: page, and how many on it.
VOLUME_FIGURES = {"book/01_convolution": 2, "book/03_conv_layer": 1, "book/04_neuron_view": 1,
                  "book/05_activations_pooling_fc": 1}
# Each SVG figure's shown width against its own (the text was drawn at least 10 pt = 13.3 px at its own width).
SVG_SCALES = """
return [...document.querySelectorAll('.bd-article figure img')].filter(i => i.currentSrc.endsWith('.svg'))
  .map(i => ({src: i.currentSrc.split('/').pop(), shown: i.getBoundingClientRect().width, own: i.naturalWidth,
              right: i.getBoundingClientRect().right}));
"""


@pytest.mark.parametrize("page", sorted(p for p in VOLUME_FIGURES if p in PAGES))
def test_volume_figures_are_vector_and_readable_on_a_phone(browser, site_url: str, page: str) -> None:
    """At 390 px, is each volume figure an SVG inside the window, shown at no less than 2/3 of its own width, so that
    its 10 pt (13.3 px) labels are at least 9 px tall?"""
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page)
        figures = browser.execute_script(SVG_SCALES)
        assert len(figures) >= VOLUME_FIGURES[page], f"{page}: expected SVG volume figures, found {figures}"
        for f in figures:
            assert f["right"] <= PHONE and f["shown"] * 13.3 / f["own"] >= 9, f"{page}: {f}"
    finally:
        browser.set_window_size(DESKTOP, 900)


STEP = """
const e = arguments[0];
return {slider: e.querySelector('[name=n]').value, formula: e.querySelector('.cnn-formula').textContent,
        window: [...e.querySelectorAll('table[data-x="0"] td.cnn-on')].map(td => [+td.dataset.r, +td.dataset.c]),
        filters: [...e.querySelectorAll('.cnn-filter.cnn-active')].map(f => +f.dataset.k),
        outputs: [...e.querySelectorAll('table[data-o] td.cnn-on')].map(td => [+td.closest('table').dataset.o,
                                                                                +td.dataset.r, +td.dataset.c, +td.textContent])};
"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_worked_example_steps_by_key_and_button_on_a_phone(browser, site_url: str, mode: str) -> None:
    """At 390 px (light and dark), does the right arrow key step from neuron (0, 0, 0) to (0, 0, 1), moving the
    highlighted window two columns right, and does "next" nine more times reach filter W1's first neuron?"""
    page = "book/03_conv_layer"
    if page not in PAGES:
        pytest.skip(f"{page} is not in this table of contents")
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page, mode=mode)
        explorer = browser.find_element(By.CSS_SELECTOR, '[data-explorer="worked-example"]')
        first = browser.execute_script(STEP, explorer)
        assert first["window"] == [[r, c] for r in range(3) for c in range(3)] and first["filters"] == [0]
        assert [o[:3] for o in first["outputs"]] == [[0, 0, 0]]
        assert first["formula"].endswith(f"gives {first['outputs'][0][3]:g}."), first
        play = explorer.find_element(By.CSS_SELECTOR, "[data-play]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", play)
        play.send_keys(Keys.ARROW_RIGHT)
        second = browser.execute_script(STEP, explorer)
        assert second["window"] == [[r, c] for r in range(3) for c in range(2, 5)], second
        assert [o[:3] for o in second["outputs"]] == [[0, 0, 1]]
        following = explorer.find_element(By.CSS_SELECTOR, '[data-step="1"]')
        for _ in range(8):
            following.click()
        tenth = browser.execute_script(STEP, explorer)
        assert tenth["filters"] == [1] and [o[:3] for o in tenth["outputs"]] == [[1, 0, 0]], tenth
        # Everything shown stays inside the window: the explorer wraps rather than widening the page.
        right = browser.execute_script("return arguments[0].getBoundingClientRect().right;", explorer)
        assert right <= PHONE, right
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", explorer)
        browser.save_screenshot(str(SCREENSHOTS / f"worked_example_phone_{mode}.png"))
        if mode == "dark":
            from selenium_axe_python import Axe

            axe = Axe(browser)
            axe.inject()
            violations = [v for v in axe.run(context=json.dumps('[data-explorer="worked-example"]'))["violations"]
                          if v["impact"] in ("serious", "critical")]
            assert not violations, axe.report(violations)
    finally:
        browser.execute_script("localStorage.setItem('mode', 'light');")
        browser.set_window_size(DESKTOP, 900)


def test_output_size_reaches_the_lectures_32x32_and_says_1_position(browser, site_url: str) -> None:
    """Set to N = 32, F = 5, S = 2, P = 1 (torch keeps 15 positions) and N = 4, F = 3, S = 2, P = 0 (one position):
    does the explorer say "15 positions fit" and then "1 position fits", in the singular?"""
    page = "book/02_spatial_arithmetic"
    if page not in PAGES:
        pytest.skip(f"{page} is not in this table of contents")
    open_page(browser, site_url, page)
    explorer = browser.find_element(By.CSS_SELECTOR, '[data-explorer="output-size"]')
    set_values = """
    const e = arguments[0], wanted = arguments[1];
    for (const [name, value] of Object.entries(wanted)) {
      const input = e.querySelector('[name=' + name + ']');
      input.value = input.dataset.values.split(',').indexOf(String(value));
      input.dispatchEvent(new Event('input', {bubbles: true}));
    }
    return e.querySelector('.cnn-formula').textContent;
    """
    text = browser.execute_script(set_values, explorer, {"N": 32, "F": 5, "S": 2, "P": 1, "D": 1})
    assert text.endswith("(15 positions fit; PyTorch drops the rest)"), text
    text = browser.execute_script(set_values, explorer, {"N": 4, "F": 3, "S": 2, "P": 0, "D": 1})
    assert text.endswith("(1 position fits; PyTorch drops the rest)"), text


def test_average_pooling_numbers_are_spaced(browser, site_url: str) -> None:
    """At 390 px with average pooling 3x3, stride 1 (numbers like 7.33), does every output number fit its cell with
    room to spare on each side?"""
    page = "book/05_activations_pooling_fc"
    if page not in PAGES:
        pytest.skip(f"{page} is not in this table of contents")
    browser.set_window_size(PHONE, 900)
    try:
        open_page(browser, site_url, page)
        explorer = browser.find_element(By.CSS_SELECTOR, '[data-explorer="pooling"]')
        browser.execute_script(
            "const e = arguments[0], m = e.querySelector('[name=mode]'); m.value = 'average';"
            "m.dispatchEvent(new Event('change', {bubbles: true}));"
            "for (const [n, i] of [['F', 2], ['S', 0]]) { const s = e.querySelector('[name=' + n + ']'); s.value = i;"
            "  s.dispatchEvent(new Event('input', {bubbles: true})); }", explorer)
        cramped = browser.execute_script(
            "const range = document.createRange();"
            "return [...arguments[0].querySelectorAll('td[data-k]')].map(td => { range.selectNodeContents(td);"
            "  return [td.textContent, range.getBoundingClientRect().width, td.getBoundingClientRect().width]; })"
            ".filter(([t, text, cell]) => text + 6 > cell);", explorer)
        assert browser.execute_script("return arguments[0].querySelectorAll('td[data-k]').length;", explorer) == 36
        assert not cramped, cramped
    finally:
        browser.set_window_size(DESKTOP, 900)
