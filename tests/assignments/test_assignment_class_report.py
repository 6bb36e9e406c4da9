"""Does `make autograde` grade a class on every core, never stop on a bad submission, and end with a report to act on?"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.assignments.answers import WRONG_ANSWERS
from tests.assignments.course import Course, answer, make, new_course, notebook_of, submit
from tests.book.conftest import SCREENSHOTS, browser  # noqa: F401 - the browser test's headless Chromium

A1 = "a1_convolution"
MISTAKES = {w.student: w for w in WRONG_ANSWERS if w.assignment == A1 and w.student in ("kernel-flipped", "bias-missing")}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A class of a1: the solution twice, two mistakes, a stalled cell, a cheat, a file that is no notebook, an empty one."""
    import nbformat

    root = tmp_path_factory.mktemp("class") / "course"
    root.mkdir()
    new_course(root, [A1])
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\nc.SealedExecute.cell_seconds = 3  # a1's cells take well under a second\n")
    release = nbformat.read(notebook_of(root / "exercises" / A1), as_version=4)
    solution = nbformat.read(notebook_of(root / "solutions" / A1), as_version=4)
    for student in ("ada", "bob"):
        submit(root, A1, student, answer(release, solution))
    for student, wrong in MISTAKES.items():
        submit(root, A1, student, answer(release, solution, wrong.edits))
    submit(root, A1, "stalls", answer(release, solution, (("worked_numbers", "lecture_params = conv_params(3, 10, 5)",
                                                              "while True:\n    pass"),)))
    submit(root, A1, "cheats", answer(release, solution, (("conv_forward", "    return out\n",
                                                              "    np.allclose = lambda *a, **k: True\n    return out * 0\n"),)))
    for student, content in (("not-a-notebook", "these are my answers"), ("empty", "")):
        path = submit(root, A1, student, release)
        path.write_text(content)
    result = make("autograde", root)  # fails at the end, naming the two unreadable files, after grading the rest
    make("grades", root)
    return root, result.stdout + result.stderr


def test_every_readable_submission_is_graded_and_the_rest_named(graded_class: tuple[Path, str]) -> None:
    """Are the readable submissions graded as they deserve, and the unreadable ones named, not fatal?"""
    root, output = graded_class
    grades = Course(root).grades()
    assert grades[A1, "ada"] == grades[A1, "bob"] == (17.0, 17.0)
    assert grades[A1, "stalls"][0] == 14.0  # only the worked numbers, whose cell ran past its bound
    assert grades[A1, "cheats"][0] == 8.0  # conv_forward's 6 and the worked numbers' 3 lost, nothing gained
    points = {"test_conv_forward": 6, "test_worked_numbers": 3}
    for student, wrong in MISTAKES.items():
        assert grades[A1, student][0] == 17.0 - sum(points[cell] for cell in wrong.failed)
    assert "Grading 8 submissions of a1_convolution sealed" in output


def test_the_report_says_what_to_act_on(graded_class: tuple[Path, str]) -> None:
    """Does the report give the distribution, pass rates, mistakes with counts, and each flagged submission's reason?"""
    root, output = graded_class
    page = (root / "reports" / f"{A1}.html").read_text()
    assert "== a1_convolution: 6 graded, out of 17 points" in output
    for key in ("kernel_flipped", "bias_missing"):  # one student each, counted by the whole sentence
        assert re.search(rf"^  {key} +1$", output, re.MULTILINE), output[-3000:]
    for student, reason in [("not-a-notebook", "could not be graded"), ("empty", "could not be graded"),
                            ("cheats", "possible tampering: conv_forward")]:
        assert f"  {student}: {reason}" in output, output[-3000:]
    assert "Score distribution" in page and "<svg" in page and 'aria-label="Score distribution' in page
    assert "prefers-color-scheme: dark" in page and 'name="viewport"' in page


def test_the_report_reads_in_a_browser_on_a_desk_and_a_phone(graded_class: tuple[Path, str], browser) -> None:  # noqa: F811
    """Does the report open in headless Chromium with every flagged student and reason in view, fit a 390 px
    phone without scrolling sideways, and leave a screenshot (_build/screenshots/class_report_a1*.png)?"""
    from selenium.webdriver.common.by import By

    root, _ = graded_class
    browser.set_window_size(1280, 1600)
    browser.get((root / "reports" / f"{A1}.html").as_uri())
    text = browser.find_element(By.TAG_NAME, "body").text
    for student, reason in [("cheats", "possible tampering"), ("not-a-notebook", "could not be graded")]:
        assert student in text and reason in text, text[-2000:]
    browser.save_screenshot(str(SCREENSHOTS / "class_report_a1.png"))
    browser.set_window_size(390, 1600)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    browser.save_screenshot(str(SCREENSHOTS / "class_report_a1_phone.png"))
    assert overflow <= 0, f"the report is {overflow} px wider than a 390 px phone"


def test_a_flag_shows_in_the_formgrader_beside_its_answer(graded_class: tuple[Path, str]) -> None:
    """Is the cheat's flag in the automatic comment of its conv_forward cell (which the formgrader shows beside the
    cell and the feedback under it), and no honest student's cell flagged?"""
    from nbgrader.api import Gradebook

    root, _ = graded_class
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        comment = gradebook.find_comment("conv_forward", A1, A1, "cheats").comment or ""
        honest = [gradebook.find_comment(cell, A1, A1, "ada").comment for cell in ("conv_forward", "conv_params")]
    assert comment.startswith("Flagged by the grader") and "assigns to np.allclose" in comment, comment
    assert honest == [None, None]
