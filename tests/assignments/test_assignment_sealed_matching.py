"""Through `make autograde`: can any metadata, a renamed notebook or another assignment's notebook stop grading?

One class of assignment 1, graded twice as an instructor would: correct work with a
test cell's grade_id changed, two answers' grade_ids swapped, an answer's metadata
copied onto a scratch cell, an answer's metadata removed; assignment 2's notebook
saved under assignment 1's name; the work done in ``a1_convolution-Copy1.ipynb``
beside the untouched release, or in ``a1_convolution (1).ipynb`` alone, or in two
notebooks that differ; a file that is not JSON; a student id with a space and a
non-ASCII letter; and correct work that searches the machine for other courses'
solutions and classmates' submissions (planted in a system folder). Cells are found by content and position
(grader/sealed/match.py), the notebook with the work by its answers
(choose.py).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import nbformat
import pytest

from grader.sealed import sandbox
from tests.assignments.answers import WRONG_ANSWERS
from tests.assignments.course import A1, EXERCISES, REPO, Course, answered, cell, make, new_course, notebook_of, submit
from tests.grader.sealed.planted import Planted, planted, spy

pytestmark = pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")
A2 = "a2_pooling_and_networks"
KERNEL_FLIPPED = next(w for w in WRONG_ANSWERS if w.student == "kernel-flipped")
GINA = "gina müller"
FORMULA = r"$y = \sum_i w_i x_i + b$"


def swapped_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    first, second = cell(nb, "output_size"), cell(nb, "zero_pad")
    first.metadata["nbgrader"]["grade_id"], second.metadata["nbgrader"]["grade_id"] = "zero_pad", "output_size"
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with planted() as secret:
        yield grade_class(tmp_path_factory, secret)


def grade_class(tmp_path_factory: pytest.TempPathFactory, secret: Planted) -> dict:
    root = tmp_path_factory.mktemp("matching") / "course"
    root.mkdir()
    new_course(root, [A1])
    (root / "solutions" / A2).mkdir()  # another assignment of the course, not released yet
    (root / "solutions" / A2 / f"{A2}.ipynb").write_bytes((REPO / "solutions" / A2 / f"{A2}.ipynb").read_bytes())
    renamed = answered(root)
    cell(renamed, "test_output_size").metadata["nbgrader"]["grade_id"] = "my_test"
    submit(root, A1, "test-id-changed", renamed)
    submit(root, A1, "answer-ids-swapped", swapped_ids(answered(root)))
    copied = answered(root)
    scratch = copy.deepcopy(cell(copied, "correlate2d"))
    scratch.source, scratch.id = "print(correlate2d(np.ones((2, 2)), np.ones((1, 1))))", "scratch"
    copied.cells.insert(copied.cells.index(cell(copied, "correlate2d")) + 1, scratch)
    submit(root, A1, "metadata-copied", copied)
    stripped = answered(root)
    del cell(stripped, "conv_params").metadata["nbgrader"]
    submit(root, A1, "metadata-removed", stripped)
    submit(root, A1, "wrong-assignment", nbformat.read(notebook_of(EXERCISES / A2), as_version=4))
    release = nbformat.read(notebook_of(root / "exercises" / A1), as_version=4)
    folder = submit(root, A1, "copy1", release).parent
    nbformat.write(answered(root), folder / f"{A1}-Copy1.ipynb")
    folder = root / "submitted" / "paren1" / A1
    folder.mkdir(parents=True)
    nbformat.write(answered(root), folder / f"{A1} (1).ipynb")
    folder = submit(root, A1, "two-works", answered(root, KERNEL_FLIPPED.edits)).parent
    nbformat.write(answered(root), folder / f"{A1}-Copy1.ipynb")
    submit(root, A1, "broken-json", release).write_text('{"cells": [')
    submit(root, A1, GINA, answered(root, KERNEL_FLIPPED.edits))
    looks = answered(root)  # correct work, then a search of the machine for other people's notebooks
    cell(looks, "worked_numbers").source += "\n" + spy([secret.solutions, secret.classmate, root / "gradebook.db"])
    looks.cells.append(nbformat.v4.new_markdown_cell(f"My note: {FORMULA}"))  # shown in the feedback
    submit(root, A1, "spy", looks)
    first = make("autograde", root)
    again = make("autograde", root)
    submit(root, A1, GINA, answered(root))  # she hands in the fix; the instructor grades her again by name
    gina = make("autograde", root, STUDENT=GINA)
    feedback = make("feedback", root)
    released = make("release-feedback", root, STUDENT=GINA, EXCHANGE=root / "exchange")
    make("grades", root)
    return {"root": root, "course": Course(root), "first": first, "again": again, "gina": gina, "feedback": feedback,
            "released": released, "log": first.stdout + first.stderr, "marker": secret.marker}


@pytest.mark.parametrize(("student", "flag"), [
    ("test-id-changed", "test cell test_output_size: its grade_id was changed to 'my_test'"),
    ("answer-ids-swapped", "answer cell output_size: its grade_id was changed to 'zero_pad'"),
    ("metadata-copied", "a copy of cell correlate2d (or a cell given its metadata) was found beside the instructor's"),
    ("metadata-removed", "answer cell conv_params: its nbgrader metadata was removed"),
    ("copy1", f"graded {A1}-Copy1.ipynb, which holds the student's work, instead of {A1}.ipynb (left as released)"),
    ("paren1", f"graded {A1} (1).ipynb, which holds the student's work, instead of {A1}.ipynb (not submitted)"),
])
def test_correct_work_scores_full_marks_and_the_change_is_flagged(graded: dict, student: str, flag: str) -> None:
    """Does correct work score 17 of 17 whatever its metadata or file name, with the change named in the report?"""
    assert graded["course"].grades()[A1, student] == (17.0, 17.0), graded["log"][-3000:]
    assert f"  {student}: {flag}" in graded["log"], graded["log"][-3000:]


def test_another_assignments_notebook_is_named_never_a_traceback(graded: dict) -> None:
    """Is assignment 2's notebook handed in as assignment 1 recorded at zero, flagged as a2's, waiting for a grader?"""
    assert graded["course"].grades()[A1, "wrong-assignment"] == (0.0, 17.0)
    assert f"this is assignment {A2}'s notebook" in graded["log"]
    assert "KeyError" not in graded["log"] and "Traceback" not in graded["log"].split("wrong-assignment")[0][-200:]
    assert Course(graded["root"]).cell_scores(A1, "wrong-assignment")  # recorded in the gradebook


def test_two_notebooks_with_different_work_wait_for_a_grader(graded: dict) -> None:
    """When two notebooks hold different answers, is the expected one graded, both named, and the grade marked for
    manual grading?"""
    from nbgrader.api import Gradebook

    assert f"two-works: needs a grader: {A1}-Copy1.ipynb also hold(s) answers that differ" in graded["log"]
    with Gradebook(f"sqlite:///{graded['root'] / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(A1, "two-works").needs_manual_grade
        assert not gradebook.find_submission(A1, "copy1").needs_manual_grade


def test_the_reasons_come_once_in_a_table_and_a_rerun_repeats_no_traceback(graded: dict) -> None:
    """Does each run end with the table of what could not be graded and why, exit 1, and does the second run skip
    the known failure without its traceback?"""
    first, again = (graded[run].stdout + graded[run].stderr for run in ("first", "again"))
    table = first[first.index("Could not be graded (2)"):]
    assert "broken-json  broken-json: " not in table and "not valid JSON" in table.split("broken-json")[1].split("\n")[0]
    assert "another assignment's notebook" in table.split("wrong-assignment")[1].split("\n")[0]
    assert graded["first"].returncode == graded["again"].returncode == 2  # make reports the recipe's "Error 1"
    assert "Traceback" in first and "Traceback" not in again
    assert "Could not be graded (2)" in again


def test_a_student_id_with_a_space_and_an_umlaut_works(graded: dict) -> None:
    """Does `make autograde STUDENT="gina müller"` grade her fixed notebook again, and no one else, and does
    `make release-feedback STUDENT="gina müller"` pass her name whole?"""
    released = graded["released"].stdout + graded["released"].stderr
    assert graded["released"].returncode == 0, released[-3000:]
    assert f"{A1}: not submitted through the exchange, so not released: {GINA}" in released
    assert "unexpected operator" not in released
    output = graded["gina"].stdout + graded["gina"].stderr
    assert "unrecognized arguments" not in output and f"Creating/updating student with ID '{GINA}'" in output
    assert graded["course"].grades()[A1, GINA] == (17.0, 17.0), output[-3000:]
    assert "/copy1/" not in output


def test_an_answer_cell_reads_no_other_course_and_no_classmate(graded: dict) -> None:
    """Does an answer that searches the machine find neither another course copy's solutions in a system folder nor a
    classmate's submission in an exchange, nor the gradebook, while its correct work scores 17 of 17?"""
    assert graded["course"].grades()[A1, "spy"] == (17.0, 17.0)
    printed = "".join(o.get("text", "") for o in cell(graded["course"].autograded(A1, "spy"), "worked_numbers").outputs)
    assert "searched the file system" in printed and printed.count("refused FileNotFoundError") == 3, printed[-2000:]
    assert graded["marker"] not in printed and "BEGIN HIDDEN TESTS" not in printed


def test_make_feedback_names_what_it_left_out_and_what_is_pending(graded: dict) -> None:
    """Does `make feedback` name the submission it could not write feedback for, with the reason, and warn that a
    grade waits for a grader?"""
    output = graded["feedback"].stdout + graded["feedback"].stderr
    assert f"{A1}: no feedback for broken-json: {A1}.ipynb: not valid JSON" in output, output[-3000:]
    assert f"WARNING {A1}: two-works's feedback shows test_output_size at zero: waiting for a grader" in output


def test_the_feedback_renders_formulas_offline(graded: dict) -> None:
    """Does a feedback page typeset its formulas in a browser that can reach nothing but this machine?"""
    from tests.book.conftest import start_chromium

    page = graded["root"] / "feedback" / "spy" / A1 / f"{A1}.html"
    assert "cdnjs" not in page.read_text()
    browser = start_chromium()
    try:
        browser.get(page.as_uri())
        typeset = browser.execute_async_script(
            "const done = arguments[0];"
            "const wait = () => window.MathJax && MathJax.startup && MathJax.startup.promise;"
            "const go = () => wait() ? MathJax.startup.promise.then(() => done(document.querySelectorAll("
            "'mjx-container svg').length)) : setTimeout(go, 100); go();")
    finally:
        browser.quit()
    assert typeset >= 1
