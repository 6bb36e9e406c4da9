"""A student's JupyterLab and the instructor's formgrader, in a real browser (headless chromium).

A course of its own in a temporary folder releases a1 to a temporary exchange, beside a
stand-in for the book's build. `make lab` serves exercises/ without the instructor's tools;
the test opens the URL it prints, opens a1 from nbgrader's Assignments list, runs every
cell, answers part 1 by typing into its editor, runs it again, answers part 3 with the
kernel flipped and follows the hint's link to the book, presses Validate and Submit. Then
`make collect` and `make autograde`, and `make formgrader` shows the graded submission with
the score the gradebook holds. Screenshots of each step go to ``_build/screenshots/lab_*.png``
and ``formgrader_*.png``.
"""

from __future__ import annotations

import getpass
import json
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from selenium.webdriver.common.by import By

from tests.assignments.course import A1, checked, make, nbgrader, new_course, notebook_of
from tests.clients import jupyterlab as lab
from tests.clients.conftest import free_port
from tests.clients.servers import Server, get, make_server

pytestmark = pytest.mark.slow

COURSE_ID = "deep-convnets"
# Part 1, as a student types it: the lecture's rule and its "does not fit" error.
PART_1 = [
    "def output_size(N: int, F: int, stride: int = 1, padding: int = 0) -> int:",
    "    span = N - F + 2 * padding",
    "    if span < 0 or span % stride:",
    '        raise ValueError(f"the filter does not fit: (N - F + 2P)/S + 1 = {span / stride + 1}")',
    "    return span // stride + 1",
]
# Part 3 with the classic mistake: the kernel flipped, a true convolution.
PART_3_FLIPPED = [
    "def correlate2d(x, w):",
    "    FH, FW = w.shape",
    "    H2, W2 = x.shape[0] - FH + 1, x.shape[1] - FW + 1",
    "    out = np.zeros((H2, W2), dtype=np.result_type(x, w, 1.0))",
    "    for i in range(H2):",
    "        for j in range(W2):",
    "            out[i, j] = np.sum(w[::-1, ::-1] * x[i:i + FH, j:j + FW])",
    "    return out",
]
# The section the hint for a flipped kernel links to (tests/cnnlib/grading/test_book_sections.py checks the real page).
SECTION = "book/01_convolution.html#convolution-or-cross-correlation"


@dataclass
class Course:
    root: Path
    exchange: Path
    scratch: Path


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A course with a1 alone, released to its own exchange (what `make release-exchange` runs, without generating it again)."""
    scratch = tmp_path_factory.mktemp("lab-course")
    root, exchange = scratch / "course", scratch / "exchange"
    root.mkdir()
    new_course(root, [A1])
    # A stand-in for `make book`'s output: `make lab` serves it and links the hints to it.
    page = root / "_build" / "html" / SECTION.split("#")[0]
    page.parent.mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("<html><body>The course</body></html>")
    page.write_text(f'<html><body><section id="{SECTION.split("#")[1]}"><h2>Convolution or cross-correlation?</h2>'
                    "</section></body></html>")
    checked(nbgrader("release_assignment", A1, cwd=root, NBGRADER_EXCHANGE=str(exchange)), "nbgrader release_assignment")
    return Course(root, exchange, scratch)


@pytest.fixture(scope="module")
def student_lab(course: Course) -> Iterator[Server]:
    with make_server("lab", course.root, free_port(), course.scratch, EXCHANGE=course.exchange) as server:
        yield server


def test_make_lab_prints_its_url_and_serves_exercises_with_nbgrader(student_lab: Server) -> None:
    """Does `make lab` print a URL that opens JupyterLab on exercises/, with nbgrader's extensions, as this user (root too)?"""
    listing = json.loads(get(student_lab.base + "/api/contents", student_lab.token))
    assert [item["name"] for item in listing["content"]] == [A1]  # exercises/ holds a1 alone in this course
    page = get(student_lab.url, student_lab.token)
    assert '"@jupyter/nbgrader"' in page
    assert json.loads(get(student_lab.base + "/nbgrader_version?version=0.9.6", student_lab.token))["success"]
    assert "JupyterLab serves exercises/ at" in student_lab.output()


def test_the_students_lab_has_no_instructor_tools(browser, student_lab: Server) -> None:
    """Does the student's lab leave out Create Assignment and the Formgrader (page and server), keeping the Assignments list?"""
    browser.get(student_lab.url)
    lab.wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-DirListing-item[title*='a1_convolution']"),
                 "the file browser showing exercises/a1_convolution")
    lab.dismiss_news(browser)
    menu = f"//li[contains(@class,'lm-MenuBar-item')][{lab.xpath_text('Nbgrader')}]"
    lab.wait_for(browser, lambda d: d.find_element(By.XPATH, menu), "the Nbgrader menu").click()
    items = lab.wait_for(browser, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".lm-Menu .lm-Menu-itemLabel")
                                             if e.is_displayed() and e.text], "the Nbgrader menu's items")
    lab.shot(browser, "lab_0_nbgrader_menu")
    assert items == ["Assignment List"], items
    tabs = [tab.get_attribute("title") or tab.text for tab in browser.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab")]
    assert not browser.find_elements(By.ID, "nbgrader-create_assignemnt"), tabs  # nbgrader's own id, spelled so
    assert not any("Create Assignment" in tab for tab in tabs), tabs
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(student_lab.base + "/formgrader", student_lab.token)
    assert refused.value.code == 404


def test_a_student_works_on_a1_in_jupyterlab(browser, course: Course, student_lab: Server) -> None:
    """Open a1 from the Assignments list, run it, answer part 1 in the editor, validate, submit: does each step show?"""
    browser.get(student_lab.url)
    lab.wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-DirListing-item[title*='a1_convolution']"),
                 "the file browser showing exercises/a1_convolution")
    lab.dismiss_news(browser)
    lab.menu(browser, "Nbgrader", "Assignment List")
    row = lab.wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#fetched_assignments_list .list_item"),
                       "a1 in the Assignments list's downloaded assignments")
    assert A1 in row.text
    lab.shot(browser, "lab_1_assignments_list")

    row.find_element(By.CSS_SELECTOR, "a.assignment-notebooks-link").click()
    # The notebook's own link (href "#"), not the row's toggle, which bears the assignment's name too.
    notebook_link = f"//div[@id='fetched_assignments_list']//a[@href='#'][{lab.xpath_text(A1)}]"
    lab.wait_for(browser, lambda d: [a for a in d.find_elements(By.XPATH, notebook_link) if a.is_displayed()],
                 "a1's notebook in its row")[0].click()
    lab.wait_for(browser, lambda d: len(lab.code_cells(d)) > 5, "a1's notebook open")
    lab.wait_for(browser, lab.all_ran, "the kernel to start")

    lab.menu(browser, "Run", "Run All Cells")
    errors = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"  # how JupyterLab shows a traceback
    lab.wait_for(browser, lambda d: lab.all_ran(d) and d.find_elements(By.CSS_SELECTOR, errors),
                 "Run All to stop at the first failing test")
    cells = lab.code_cells(browser)
    answer, test = lab.cell_index(browser, "def output_size("), lab.cell_index(browser, "check_equal(output_size(7, 3")
    failed = lab.cell_output(cells[test])
    assert "Part 1 is not answered yet" in failed and "cnnlib/grading" not in failed, failed
    lab.scroll_to(browser, cells[test])
    lab.shot(browser, "lab_2_run_all_unanswered")

    lab.type_into(browser, cells[answer], PART_1)
    assert lab.cell_source(cells[answer]) == "\n".join(PART_1)
    lab.run_selected_cell(browser, cells[answer])
    lab.run_selected_cell(browser, cells[test])
    lab.wait_for(browser, lab.all_ran, "part 1 and its tests to run")
    tests = lab.code_cells(browser)[test]
    assert not tests.find_elements(By.CSS_SELECTOR, errors), f"part 1's visible tests still fail: {lab.cell_output(tests)}"
    assert lab.cell_output(tests) == "Part 1: all visible checks pass (7 checks)"
    lab.scroll_to(browser, tests)
    lab.shot(browser, "lab_3_part1_answered_tests_pass")

    answer, test = lab.cell_index(browser, "def correlate2d("), lab.cell_index(browser, "# The lecture's left-to-right")
    lab.type_into(browser, lab.code_cells(browser)[answer], PART_3_FLIPPED)
    lab.run_selected_cell(browser, lab.code_cells(browser)[answer])
    lab.run_selected_cell(browser, lab.code_cells(browser)[test])
    lab.wait_for(browser, lambda d: lab.all_ran(d) and d.find_elements(By.CSS_SELECTOR, errors), "part 3's tests to fail")
    tests = lab.code_cells(browser)[test]
    failed = lab.cell_output(tests)
    # The message right under the test's line: no grading library source between them.
    assert "cnnlib/grading" not in failed and "Visible test" not in failed, failed
    assert "correlate2d is wrong" in failed and "Likely mistake: your output is a true convolution" in failed, failed
    (link,) = [a.get_attribute("href") for a in tests.find_elements(By.CSS_SELECTOR, "a") if SECTION in a.get_attribute("href")]
    assert link == f"http://localhost:{student_lab.base.rsplit(':', 1)[1]}/static/{SECTION}"
    assert 'id="convolution-or-cross-correlation"' in get(link.replace("localhost", "127.0.0.1"), student_lab.token)
    lab.scroll_to(browser, tests)
    lab.shot(browser, "lab_3b_part3_hint_links_the_local_book")

    lab.toolbar_button(browser, "validate-button").click()
    verdict = lab.wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".jp-Dialog #validation-message"),
                           "Validate's verdict", timeout=180)
    text = verdict.text
    lab.shot(browser, "lab_4_validate_verdict")
    # Part 1 passes now; part 2 (zero_pad) is still unanswered and is named as failing, under a summary by part.
    assert "zero_pad" in text and "failed" in text.lower(), text
    assert "check_equal(output_size" not in text, text
    assert ("Your notebook, part by part:\n  Part 1: all visible checks pass\n  Part 2: not answered yet\n"
            "  Part 3: fails: correlate2d is wrong") in text, text
    browser.find_element(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept").click()

    browser.find_element(By.XPATH, "//li[contains(@class,'lm-TabBar-tab')][.//div[normalize-space(.)='Assignments']]").click()
    submit = lab.wait_for(browser, lambda d: d.find_element(
        By.XPATH, "//div[@id='fetched_assignments_list']//button[normalize-space(.)='Submit']"), "the Submit button")
    submit.click()
    lab.wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#submitted_assignments_list .list_item"),
                 "the submission in the Assignments list", timeout=120)
    lab.shot(browser, "lab_5_submitted")

    (submission,) = (course.exchange / COURSE_ID / "inbound").glob(f"{getpass.getuser()}+{A1}+*")
    submitted = nbformat.read(submission / f"{A1}.ipynb", as_version=4)
    typed = [c.source for c in submitted.cells if c.source.startswith("def output_size(")]
    assert typed == ["\n".join(PART_1)]


def test_the_formgrader_shows_the_graded_submission(browser, course: Course) -> None:
    """After `make collect` and `make autograde`: does the formgrader list a1 and the submission, with the gradebook's score?"""
    student = getpass.getuser()
    checked(make("collect", course.root, EXCHANGE=course.exchange, ASSIGNMENT=A1), "make collect")
    checked(make("autograde", course.root, ASSIGNMENT=A1), "make autograde")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        held = gb.find_submission(A1, student)
        score, max_score = held.score, held.max_score
    # Part 1's 2 points, and none of the unanswered parts' (an independent count from the release's points).
    release = nbformat.read(notebook_of(course.root / "exercises" / A1), as_version=4)
    assert max_score == sum(c.metadata["nbgrader"].get("points", 0) for c in release.cells
                            if c.metadata.get("nbgrader", {}).get("grade"))
    assert score == 2

    with make_server("formgrader", course.root, free_port(), course.scratch) as grader:
        # The instructor keeps what the student's lab leaves out.
        assert "@jupyter/nbgrader:create-assignment" not in get(grader.base + "/lab", grader.token)
        browser.get(grader.base + f"/formgrader/manage_assignments?token={grader.token}")
        lab.wait_for(browser, lambda d: d.find_element(By.XPATH, f"//td//a[normalize-space(.)='{A1}']"),
                     "a1 in Manage Assignments")
        lab.shot(browser, "formgrader_1_assignments")
        browser.get(grader.base + f"/formgrader/gradebook/{A1}/{A1}")
        row = lab.wait_for(browser, lambda d: d.find_element(By.XPATH, f"//tr[.//a[contains(@href, '/formgrader/submissions/')]]"
                                                                        f"[contains(., '{student}')]"),
                           "the submission in the gradebook's list")
        listed = lab.wait_for(browser, lambda d: row.find_element(By.CSS_SELECTOR, ".score").text, "its score")
        lab.shot(browser, "formgrader_2_submissions")
        assert listed == f"{score:g} / {max_score:g}"
        [a for a in row.find_elements(By.TAG_NAME, "a") if a.is_displayed()][0].click()
        # The grading view: one score box per test cell, showing the autograder's score (until a grader types another).
        def filled(d) -> list:
            boxes = d.find_elements(By.CSS_SELECTOR, "input.score")
            return boxes if boxes and all(b.get_attribute("placeholder") for b in boxes) else []

        boxes = lab.wait_for(browser, filled, "the grading view's scores")
        given = {b.get_attribute("id"): float(b.get_attribute("placeholder")) for b in boxes}
        lab.scroll_to(browser, next(b for b in boxes if b.get_attribute("id") == "test_output_size"))
        lab.shot(browser, "formgrader_3_grading_view")
        assert given["test_output_size"] == 2 and sum(given.values()) == score, given
