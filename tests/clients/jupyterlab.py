"""Driving JupyterLab in a real browser the way a person does: menus, the editor, toolbar buttons, dialogs."""

from __future__ import annotations

from collections.abc import Callable

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.clients.conftest import SCREENSHOTS

TIMEOUT_S = 90


def wait_for(driver, condition: Callable[[object], object], what: str, timeout: float = TIMEOUT_S, *, optional: bool = False):
    """``condition(driver)``'s first truthy value within ``timeout`` seconds, or a TimeoutException naming ``what``.

    On a timeout the page as it stood goes to ``_build/screenshots/clients_timed_out.png``,
    unless what was waited for is ``optional``.
    """
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition, message=f"waited for {what}")
    except TimeoutException:
        if not optional:
            shot(driver, "clients_timed_out")
        raise


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def xpath_text(text: str) -> str:
    return f"normalize-space(.)='{text}'"


def menu(driver, top: str, item: str) -> None:
    """Choose ``item`` from the menu bar's ``top`` menu."""
    wait_for(driver, lambda d: d.find_element(By.XPATH, f"//li[contains(@class,'lm-MenuBar-item')][{xpath_text(top)}]"),
             f"the {top} menu").click()
    wait_for(driver, lambda d: d.find_element(
        By.XPATH, f"//li[contains(@class,'lm-Menu-item')][.//div[contains(@class,'lm-Menu-itemLabel')][{xpath_text(item)}]]"),
        f"{top} > {item}").click()


def scroll_to(driver, element: WebElement) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)


def dismiss_news(driver) -> None:
    """Answer JupyterLab's first-start question about news ("No"), which would cover the screenshots."""
    try:
        wait_for(driver, lambda d: [b for b in d.find_elements(By.XPATH, "//button[normalize-space(.)='No']")
                                    if b.is_displayed()], "the news question", timeout=10, optional=True)[0].click()
    except TimeoutException:
        pass  # not asked (an older or newer JupyterLab): nothing to dismiss


def toolbar_button(driver, class_name: str) -> WebElement:
    """The open notebook's toolbar button with ``class_name`` (JupyterLab 4 draws it as a ``jp-button`` inside)."""
    item = driver.find_element(By.CSS_SELECTOR, f".jp-NotebookPanel:not(.lm-mod-hidden) .{class_name}")
    inner = item.find_elements(By.CSS_SELECTOR, "jp-button, button")
    return inner[0] if inner else item


def code_cells(driver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")


def all_ran(driver) -> bool:
    """Whether the kernel is idle and no cell waits for it (no ``[*]`` prompt)."""
    prompts = [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt")]
    idle = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook-ExecutionIndicator[data-status='idle']")
    return bool(idle) and not any("*" in p for p in prompts)


def cell_index(driver, source_start: str) -> int:
    """The index among the open notebook's code cells of the one whose first line starts with ``source_start``."""
    for i, cell in enumerate(code_cells(driver)):
        first = cell.find_elements(By.CSS_SELECTOR, ".cm-line")
        if first and first[0].text.startswith(source_start):
            return i
    raise AssertionError(f"no code cell starts with {source_start!r}")


def cell_source(cell: WebElement) -> str:
    return "\n".join(line.text for line in cell.find_elements(By.CSS_SELECTOR, ".cm-line"))


def cell_output(cell: WebElement) -> str:
    return "\n".join(o.text for o in cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))


def type_into(driver, cell: WebElement, lines: list[str]) -> None:
    """Replace the cell's source by ``lines``, typed key by key into its editor.

    The editor indents a new line itself; selecting that indentation (Shift+Home) before
    typing each line gives the line its own, as written.
    """
    editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", editor)
    editor.click()
    actions = ActionChains(driver)
    actions.key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.DELETE)
    for n, line in enumerate(lines):
        if n:
            actions.send_keys(Keys.ENTER).key_down(Keys.SHIFT).send_keys(Keys.HOME).key_up(Keys.SHIFT)
        actions.send_keys(line)
    actions.perform()


def run_selected_cell(driver, cell: WebElement) -> None:
    """Click into ``cell`` and press Ctrl+Enter (run it, stay on it)."""
    editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", editor)
    editor.click()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
