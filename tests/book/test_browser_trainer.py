"""The in-browser convnet in headless Chromium: it trains to 95% without a slow frame, its editor, links, files,
drawing and controls work from the keyboard, it trains without WebAssembly too, and it fits a phone and dark mode.

The time from pressing Start to 95% held-out accuracy and the longest frame while training are
measured here, by the test's own clock and requestAnimationFrame, and written to
``_build/screenshots/convnet_trainer_time.txt`` beside the screenshots (desktop, phone at 390 px, dark mode).
"""

from __future__ import annotations

import json
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from cnnlib.explorers.convnet_trainer import FALLBACK
from tests.book.conftest import SCREENSHOTS, toc_pages
from tests.book.test_browser import open_page

PAGE = "book/05b_convnet_in_your_browser"
LIMIT_S, FRAME_MS, WATCH_S = 10.0, 50.0, 1.2


@pytest.fixture
def trainer(browser, site_url: str):
    """The trainer's panel on a freshly loaded page (no network in the link), scrolled into view, at desktop width."""
    assert PAGE in toc_pages(), f"{PAGE} is not in the table of contents"
    browser.set_window_size(1280, 900)
    browser.get("about:blank")
    open_page(browser, site_url, PAGE)
    panel = browser.find_element(By.CSS_SELECTOR, '[data-explorer="convnet-trainer"]')
    show(browser, panel)
    yield panel
    browser.set_window_size(1280, 900)


def show(browser, element) -> None:
    """Scroll ``element``'s top into view below the page's sticky header."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -120);", element)


def state(browser, panel) -> dict:
    """What the panel reports about its training: images seen, latest accuracy and loss, running or paused."""
    return browser.execute_script(
        "const d = arguments[0].dataset; return {images: +d.images, accuracy: d.accuracy === '' ? null : +d.accuracy,"
        " loss: d.loss === '' ? null : +d.loss, state: d.state, seconds: +d.seconds, reached: d.reached};", panel)


def wait_for(browser, panel, done, timeout: float) -> dict:
    """Poll the panel every 50 ms until ``done(state)`` or ``timeout`` seconds; the last state."""
    end = time.monotonic() + timeout
    while True:
        now = state(browser, panel)
        if done(now) or time.monotonic() > end:
            return now
        time.sleep(0.05)


def button(panel, name: str):
    return panel.find_element(By.CSS_SELECTOR, f"button[name={name}]")


def rows(panel) -> list[str]:
    """Each layer row's volume line, the final FC's included."""
    return [e.text for e in panel.find_elements(By.CSS_SELECTOR, ".cnn-net-layers .cnn-net-volume")]


def no_console_errors(browser) -> None:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"console errors: {errors}"


# Presses Start (arguments[0]) and records the time between animation frames from then until
# window.framesDone is set, and the main thread's long tasks (over 50 ms) with it.
START_AND_TIME_FRAMES = """
window.frames_ = []; window.framesDone = false; window.long_ = [];
new PerformanceObserver(l => l.getEntries().forEach(e => window.long_.push(Math.round(e.duration)))).observe({type: 'longtask'});
arguments[0].click();
let last = performance.now();
const tick = now => { window.frames_.push(now - last); last = now; if (!window.framesDone) requestAnimationFrame(tick); };
requestAnimationFrame(tick);
"""


def test_it_reaches_95_percent_within_10_s_of_start_and_no_frame_takes_over_50_ms(browser, trainer) -> None:
    """Pressing Start, does the held-out accuracy reach 95% within 10 s by the test's clock, and does no animation
    frame take more than 50 ms from Start until 95% and at least 1.2 s (training pauses itself after 20 epochs;
    every view is redrawn several times)?"""
    browser.execute_script(START_AND_TIME_FRAMES, button(trainer, "run"))
    started = time.monotonic()
    final = wait_for(browser, trainer, lambda s: bool(s["reached"]), LIMIT_S)
    took = time.monotonic() - started
    news = trainer.find_element(By.CSS_SELECTOR, ".cnn-trainer-news").text
    time.sleep(max(0.0, WATCH_S - took))
    frames, long_tasks = browser.execute_script("window.framesDone = true; return [window.frames_, window.long_];")
    button(trainer, "run").send_keys(Keys.ENTER)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "convnet_trainer_time.txt").write_text(
        f"95% held-out accuracy {took:.2f} s after Start ({final['images']} images, page's clock {final['reached']} s);"
        f" {len(frames)} frames in {max(took, WATCH_S):.1f} s, the longest {max(frames):.1f} ms;"
        f" main-thread tasks over 50 ms: {long_tasks}\n")
    print(f"in-browser convnet: 95% after {took:.2f} s; {len(frames)} frames, the longest {max(frames):.1f} ms")
    assert final["reached"] and took < LIMIT_S, f"95% not reached after {took:.1f} s: {final}"
    slow = [round(f, 1) for f in frames if f > FRAME_MS]
    assert len(frames) > 30 and not slow, f"frames over {FRAME_MS} ms: {slow} of {len(frames)}; long tasks {long_tasks}"
    assert news.startswith("Held-out accuracy reached 95% after"), news
    assert not trainer.find_element(By.CSS_SELECTOR, ".cnn-trainer-fallback").is_displayed()
    browser.save_screenshot(str(SCREENSHOTS / "convnet_trainer_desktop.png"))
    no_console_errors(browser)


def test_pause_resume_and_reset_by_keyboard(browser, trainer) -> None:
    """Do Start, Pause, Resume and Reset work from the keyboard: training stops, carries on, and starts over?"""
    run = button(trainer, "run")
    run.send_keys(Keys.SPACE)
    assert wait_for(browser, trainer, lambda s: s["images"] >= 400, 20)["images"] >= 400
    run.send_keys(Keys.ENTER)
    time.sleep(0.3)
    paused = state(browser, trainer)
    time.sleep(0.5)
    assert state(browser, trainer) == paused and paused["state"] == "paused"
    assert run.text == "Resume"
    run.send_keys(Keys.SPACE)
    assert wait_for(browser, trainer, lambda s: s["images"] > paused["images"], 10)["images"] > paused["images"]
    assert run.text == "Pause"
    button(trainer, "reset").send_keys(Keys.ENTER)
    after = wait_for(browser, trainer, lambda s: s["images"] == 0, 5)
    assert (after["images"], after["accuracy"], after["state"]) == (0, None, "paused")
    time.sleep(0.3)
    assert state(browser, trainer)["images"] == 0 and run.text == "Start"
    assert trainer.find_element(By.CSS_SELECTOR, ".cnn-trainer-status").text == "Press Start to train."
    no_console_errors(browser)


# Runs before the page's own scripts: takes WebAssembly away from the page and, by wrapping Worker, from
# its Web Workers, as in a browser that has none or has it switched off.
NO_WEBASSEMBLY = """
(() => {
  delete window.WebAssembly;
  const PageWorker = window.Worker;
  window.Worker = class extends PageWorker {
    constructor(url, options) {
      const source = `delete self.WebAssembly; importScripts(${JSON.stringify(String(url))});`;
      super(URL.createObjectURL(new Blob([source], {type: 'text/javascript'})), options);
    }
  };
})();
"""


def test_without_webassembly_it_trains_in_plain_javascript_and_says_so(browser, site_url: str) -> None:
    """With no WebAssembly in the page or its worker, does the line by the controls say that training uses plain
    JavaScript, and does the network still learn, past 80% held-out accuracy?"""
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_WEBASSEMBLY})
    try:
        browser.get("about:blank")
        open_page(browser, site_url, PAGE)
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
    panel = browser.find_element(By.CSS_SELECTOR, '[data-explorer="convnet-trainer"]')
    assert browser.execute_script("return typeof WebAssembly") == "undefined"
    show(browser, panel)
    button(panel, "run").click()
    final = wait_for(browser, panel, lambda s: (s["accuracy"] or 0) >= 0.8, 30)
    button(panel, "run").click()
    assert final["accuracy"] is not None and final["accuracy"] >= 0.8, final
    fallback = panel.find_element(By.CSS_SELECTOR, ".cnn-trainer-fallback")
    assert fallback.is_displayed() and fallback.text == FALLBACK
    no_console_errors(browser)


def set_learning_rate(trainer, key: str) -> str:
    slider = trainer.find_element(By.CSS_SELECTOR, "input[name=lr]")
    slider.send_keys(key)
    return trainer.find_element(By.CSS_SELECTOR, f"#{slider.get_attribute('id')}-v").text


def test_the_learning_rate_control_changes_training(browser, trainer) -> None:
    """At the slider's ends, does training do what the page says: 0.3 sticks at chance, 0.001 learns slowly?"""
    assert set_learning_rate(trainer, Keys.END) == "0.3"
    button(trainer, "run").click()
    high = wait_for(browser, trainer, lambda s: s["images"] >= 2 * 1442, 30)
    button(trainer, "reset").click()
    assert set_learning_rate(trainer, Keys.HOME) == "0.001"
    button(trainer, "run").click()
    low = wait_for(browser, trainer, lambda s: s["images"] >= 1442, 30)
    button(trainer, "run").click()
    assert high["images"] >= 2 * 1442 and high["accuracy"] <= 0.2, high
    assert low["images"] >= 1442 and 0.2 < low["accuracy"] < 0.9 and low["loss"] > 1, low
    no_console_errors(browser)


def test_the_editor_refuses_with_the_formula_and_shares_the_network_by_link(browser, trainer, site_url: str) -> None:
    """From the keyboard: is CONV 5x5, S=2, P=0 refused with "(8 - 5 + 0)/2 + 1 = 2.50 is not an integer" and Start
    held, does fixing it train again, do adding, moving and removing layers update every volume, and does the page's
    link bring the same layers back on a fresh load?"""
    first = trainer.find_element(By.CSS_SELECTOR, ".cnn-net-layers li")
    for name, value in (("F", "5"), ("S", "2"), ("P", "0")):
        field = first.find_element(By.CSS_SELECTOR, f"input[name={name}]")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(value)
    assert rows(trainer)[0] == ("does not fit: (W - F + 2P)/S + 1 = (8 - 5 + 0)/2 + 1 = 2.50 is not an integer: "
                                "stride 2 does not fit")
    assert not button(trainer, "run").is_enabled()
    assert trainer.find_element(By.CSS_SELECTOR, ".cnn-net-total").text.startswith("Start waits: layer 1 (CONV 8 5x5, S=2, P=0)")
    field = first.find_element(By.CSS_SELECTOR, "input[name=S]")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("1")
    assert rows(trainer)[0].startswith("4x4x8, 208 parameters: (W - F + 2P)/S + 1 = (8 - 5 + 0)/1 + 1 = 4")
    assert button(trainer, "run").is_enabled()

    Select(trainer.find_element(By.CSS_SELECTOR, "select[name=add]")).select_by_value("dropout")
    button(trainer, "add-layer").send_keys(Keys.ENTER)
    assert len(rows(trainer)) == 8 and rows(trainer)[6] == "1x1x16: volume unchanged, no parameters"
    focused = browser.switch_to.active_element
    assert focused.get_attribute("aria-label") == "layer 7: kind"
    trainer.find_element(By.CSS_SELECTOR, 'button[aria-label="move layer 7 up"]').send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("aria-label") == "move layer 6 up"
    trainer.find_element(By.CSS_SELECTOR, 'button[aria-label="remove layer 2"]').send_keys(Keys.ENTER)
    link = browser.execute_script("return location.hash")
    assert link == "#net=conv:8:5:1:0,maxpool:2:2,conv:16:3:1:1,relu,dropout:0.5,maxpool:2:2", link
    assert Select(trainer.find_element(By.CSS_SELECTOR, "select[name=preset]")).first_selected_option.text == "your own"
    button(trainer, "run").send_keys(Keys.ENTER)
    assert wait_for(browser, trainer, lambda s: s["images"] >= 720, 20)["accuracy"] is not None

    browser.get("about:blank")
    browser.get(site_url + PAGE + ".html" + link)
    panel = browser.find_element(By.CSS_SELECTOR, '[data-explorer="convnet-trainer"]')
    assert [r.split(":")[0] for r in rows(panel)] == ["4x4x8, 208 parameters", "2x2x8", "2x2x16, 1,168 parameters",
                                                      "2x2x16", "2x2x16", "1x1x16", "1x1x10, 170 parameters"]
    no_console_errors(browser)


def test_a_downloaded_network_loads_back_with_its_weights_and_presets_switch(browser, trainer, tmp_path) -> None:
    """After a little training, does Download give a JSON file that Load brings back, with the same architecture
    and the same answer for the digit, and does the LeNet-like preset show its volumes?"""
    button(trainer, "run").click()
    wait_for(browser, trainer, lambda s: s["images"] >= 1442, 20)
    button(trainer, "run").click()
    time.sleep(0.3)
    # The download goes through a link's click; the test catches the file instead of the browser's save dialog.
    saved = browser.execute_async_script(
        "const done = arguments[arguments.length - 1], click = HTMLAnchorElement.prototype.click;"
        "HTMLAnchorElement.prototype.click = function () { HTMLAnchorElement.prototype.click = click;"
        " fetch(this.href).then(r => r.text()).then(t => done({name: this.download, text: t})); };"
        "arguments[0].click();", button(trainer, "download"))
    assert saved["name"] == "convnet.json"
    network = json.loads(saved["text"])
    assert network["spec"]["layers"][0] == {"kind": "conv", "K": 8, "F": 3, "S": 1, "P": 1}
    answer = trainer.find_element(By.CSS_SELECTOR, ".cnn-net-answer").text

    Select(trainer.find_element(By.CSS_SELECTOR, "select[name=preset]")).select_by_value("lenet")
    assert rows(trainer)[0].startswith("8x8x6, 156 parameters")
    assert rows(trainer)[-1].startswith("1x1x10, 330 parameters")
    file = tmp_path / "convnet.json"
    file.write_text(saved["text"])
    trainer.find_element(By.CSS_SELECTOR, "input[name=load]").send_keys(str(file))
    time.sleep(1)
    assert Select(trainer.find_element(By.CSS_SELECTOR, "select[name=preset]")).first_selected_option.text == (
        "this page's network")
    assert trainer.find_element(By.CSS_SELECTOR, ".cnn-trainer-news").text.startswith("Loaded convnet.json")
    assert trainer.find_element(By.CSS_SELECTOR, ".cnn-net-answer").text == answer
    # The loaded weights, not fresh ones: the answer's probabilities are the saved network's.
    bad = tmp_path / "bad.json"
    bad.write_text('{"spec": {"input": [1, 8, 8], "layers": [{"kind": "conv", "K": 4, "F": 5, "S": 2, "P": 0}], "classes": 10}}')
    trainer.find_element(By.CSS_SELECTOR, "input[name=load]").send_keys(str(bad))
    time.sleep(0.5)
    news = trainer.find_element(By.CSS_SELECTOR, ".cnn-trainer-news").text
    assert news.startswith("bad.json is not a network saved from this page") and "is not an integer" in news, news
    no_console_errors(browser)


def test_a_digit_drawn_with_the_keyboard_is_read_by_the_network(browser, trainer) -> None:
    """Clearing the grid and inking a vertical stroke with the arrow keys and Space, does the grid show the ink, the
    label say it is the reader's drawing, and the network give an answer for it?"""
    button(trainer, "clear").click()
    grid = trainer.find_element(By.CSS_SELECTOR, ".cnn-net-digit")
    browser.execute_script("arguments[0].focus();", grid)
    for key in [Keys.RIGHT] * 3:
        grid.send_keys(key)
    for _ in range(6):
        grid.send_keys(Keys.DOWN, Keys.SPACE)
    label = trainer.find_element(By.CSS_SELECTOR, ".cnn-net-digit-label").text
    assert label == "your drawing", label
    inked = browser.execute_script(
        "const c = arguments[0], g = c.getContext('2d'), s = c.width / 8;"
        "return [1, 2, 3, 4, 5, 6].map(r => Array.from(g.getImageData(3.5 * s, (r + 0.5) * s, 1, 1).data));", grid)
    paper = browser.execute_script(
        "const c = arguments[0], s = c.width / 8;"
        "return Array.from(c.getContext('2d').getImageData(6.5 * s, 6.5 * s, 1, 1).data);", grid)
    assert all(sum(p[:3]) < sum(paper[:3]) - 300 for p in inked), (inked, paper)
    assert trainer.find_element(By.CSS_SELECTOR, ".cnn-net-answer").text.startswith("The network reads it as ")
    no_console_errors(browser)


def luminance(colour: str, browser) -> float:
    """WCAG relative luminance of a CSS colour, as the browser parses it."""
    rgb = browser.execute_script(
        "const c = document.createElement('canvas').getContext('2d'); c.fillStyle = arguments[0]; c.fillRect(0, 0, 1, 1);"
        "return Array.from(c.getImageData(0, 0, 1, 1).data).slice(0, 3);", colour)
    linear = [(v / 255) / 12.92 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_phone_width_and_dark_mode(browser, trainer) -> None:
    """At 390 px does nothing scroll sideways, and in dark mode are the chart's text and lines readable on the page,
    with no serious accessibility violation?"""
    button(trainer, "run").click()
    wait_for(browser, trainer, lambda s: s["images"] >= 1442, 20)
    button(trainer, "run").click()
    browser.set_window_size(390, 844)
    time.sleep(0.5)
    overflow = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(), e = document.documentElement;"
        "return {page: e.scrollWidth - e.clientWidth, left: r.left, right: r.right - e.clientWidth,"
        " inside: [...arguments[0].querySelectorAll('canvas, select, input, button, li')]"
        ".map(c => c.getBoundingClientRect().right - e.clientWidth)};",
        trainer)
    assert overflow["page"] <= 0 and overflow["left"] >= 0 and overflow["right"] <= 0, overflow
    assert max(overflow["inside"]) <= 0, overflow
    show(browser, trainer)
    browser.save_screenshot(str(SCREENSHOTS / "convnet_trainer_phone.png"))

    browser.set_window_size(1280, 900)
    browser.execute_script("document.documentElement.dataset.theme = 'dark';")
    show(browser, trainer)
    time.sleep(0.5)
    colours = browser.execute_script(
        "const s = getComputedStyle(arguments[0]), v = n => s.getPropertyValue(n).trim();"
        "return {background: getComputedStyle(document.body).backgroundColor, text: v('--cnn-trainer-text'),"
        " loss: v('--cnn-trainer-loss'), accuracy: v('--cnn-trainer-accuracy'), caption:"
        " getComputedStyle(arguments[0].querySelector('figcaption')).color};", trainer)
    background = luminance(colours["background"], browser)
    assert background < 0.1, f"dark mode did not darken the page: {colours}"
    for name, minimum in (("text", 4.5), ("caption", 4.5), ("loss", 3), ("accuracy", 3)):
        ratio = (luminance(colours[name], browser) + 0.05) / (background + 0.05)
        assert ratio >= minimum, f"{name} {colours[name]} on {colours['background']}: contrast {ratio:.1f}"
    # The chart was redrawn in the dark theme's colours: its opaque pixels are mostly light now.
    bright = browser.execute_script(
        "const c = arguments[0].querySelector('.cnn-trainer-chart'), d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let on = 0, light = 0;"
        "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) { on++; if (d[i] + d[i + 1] + d[i + 2] > 384) light++; }"
        "return light / on;", trainer)
    assert bright > 0.5, f"only {bright:.0%} of the chart's pixels are light on the dark page"
    browser.save_screenshot(str(SCREENSHOTS / "convnet_trainer_dark.png"))
    no_console_errors(browser)

    from selenium_axe_python import Axe

    axe = Axe(browser)
    axe.inject()
    violations = [v for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, axe.report(violations)
