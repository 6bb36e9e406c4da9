"""What a student sees when a1's notebook runs in a Jupyter kernel (nbclient, as JupyterLab and Validate run it).

Two students' notebooks, built from the release with the instructor's answers: one leaves
part 5 unanswered (the lecture's numbers in part 6 need it), the other pads with a slice
that breaks for padding 0 and writes part 6's volume in the wrong order.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlib.grading.part_summary import HEADING, add_summary
from tests.assignments.course import EXERCISES, REPO, SOLUTIONS, notebook_of

A1 = "a1_convolution"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Padding by slicing: out[P:-P] is empty when P = 0, so numpy cannot broadcast x into it.
SLICED_PAD = """def zero_pad(x, padding):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
    out[:, :, padding:-padding, padding:-padding] = x
    return out"""
WRONG_ORDER = """worked = conv_forward(x_lecture[None, None], w_lecture[None, None], np.zeros(1), stride=2, padding=1)[0, 0]
lecture_shape = (10, output_size(32, 5, stride=1, padding=2), output_size(32, 5, stride=1, padding=2))
lecture_params = conv_params(3, 10, 5)"""


def student_notebook(folder: Path, unanswered: set[str], answers: dict[str, str]) -> nbformat.NotebookNode:
    """a1's release answered with the instructor's code, except the ``unanswered`` parts and those in ``answers``,
    run in a kernel in ``folder`` (its only notebook, as in exercises/a1_convolution)."""
    solution = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(notebook_of(SOLUTIONS / A1), 4).cells
                if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(notebook_of(EXERCISES / A1), 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id not in unanswered:
            written = answers.get(grade_id, solution[grade_id])
            cell.source = "\n".join(line for line in written.split("\n") if " SOLUTION" not in line)
    folder.mkdir()
    nbformat.write(nb, folder / f"{A1}.ipynb")
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def shown(nb: nbformat.NotebookNode, grade_id: str) -> str:
    """What the cell ``grade_id`` shows: its printed text and its traceback, as plain text."""
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return "\n".join(ANSI.sub("", o.text if o.output_type == "stream" else "\n".join(o.traceback)) for o in cell.outputs)


@pytest.fixture(scope="module")
def part5_missing(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    return student_notebook(tmp_path_factory.mktemp("a1") / "part5_missing", {"conv_params"}, {})


@pytest.fixture(scope="module")
def two_mistakes(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    return student_notebook(tmp_path_factory.mktemp("a1") / "two_mistakes", set(),
                            {"zero_pad": SLICED_PAD, "worked_numbers": WRONG_ORDER})


def test_a_passing_part_prints_one_line(part5_missing: nbformat.NotebookNode) -> None:
    """Do part 1's seven visible checks, all passing, print the single line "Part 1: all visible checks pass"?"""
    assert shown(part5_missing, "test_output_size") == "Part 1: all visible checks pass (7 checks)\n"


def test_an_unanswered_part_says_so(part5_missing: nbformat.NotebookNode) -> None:
    """Does part 5's test say "Part 5 is not answered yet" instead of a bare NotImplementedError?"""
    text = shown(part5_missing, "test_conv_params")
    assert text.rstrip().endswith("NotAnsweredError: Part 5 is not answered yet: `conv_params` still raises "
                                  "NotImplementedError: write your answer in place of that line"), text


def test_failures_that_follow_from_an_unanswered_part_are_marked(part5_missing: nbformat.NotebookNode) -> None:
    """Do part 6's answer (it calls conv_params) and its test (a NameError for lecture_params) blame part 5?"""
    answer, test = shown(part5_missing, "worked_numbers"), shown(part5_missing, "test_worked_numbers")
    assert "Part 6 fails only because Part 5 is not answered yet: it calls `conv_params`" in answer, answer
    assert "Part 6 fails only because Part 5 is not answered yet: `lecture_params` is not defined" in test, test
    assert "NameError" not in test


def test_validate_summarises_the_parts(part5_missing: nbformat.NotebookNode) -> None:
    """Does Validate's first failure start with one line per part: 1 to 4 pass, 5 unanswered, 6 only because of 5?"""
    nb = nbformat.from_dict(part5_missing)
    add_summary(nb.cells)
    (summary,) = [o.text for c in nb.cells for o in c.get("outputs", []) if o.get("text", "").startswith(HEADING)]
    assert summary.splitlines()[1:7] == [
        "  Part 1: all visible checks pass", "  Part 2: all visible checks pass", "  Part 3: all visible checks pass",
        "  Part 4: all visible checks pass", "  Part 5: not answered yet",
        "  Part 6: fails only because Part 5 is not answered yet"]


def test_the_message_comes_first_with_the_students_frames_only(two_mistakes: nbformat.NotebookNode) -> None:
    """Does zero_pad's failure show the test's line, the student's slice and the message, and no grading source?"""
    text = shown(two_mistakes, "test_zero_pad")
    assert "cnnlib/grading" not in text and "Visible test" not in text and "check_against(" not in text, text
    assert "out[:, :, padding:-padding, padding:-padding] = x" in text, text
    assert text.rstrip().splitlines()[-1].startswith("AssertionError: zero_pad raised ValueError: could not broadcast")
    assert len(text.splitlines()) < 30, text


def test_a_wrong_shape_is_shown_whole_with_its_order(two_mistakes: nbformat.NotebookNode) -> None:
    """Is part 6's (10, 32, 32) shown whole, against (height, width, depth) = (32, 32, 10) as the part names it?"""
    text = shown(two_mistakes, "test_worked_numbers")
    assert text.rstrip().endswith(
        "AssertionError: lecture_shape is (10, 32, 32), expected (height, width, depth) = (32, 32, 10)"), text


def test_validate_in_the_students_lab_puts_the_summary_first(tmp_path: Path) -> None:
    """Does nbgrader's Validate, configured as `make lab` configures it, show the summary by part before any error?"""
    from nbgrader.validator import Validator
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", str(REPO / "tools" / "student_lab")).load_config()
    nbformat.write(nbformat.read(notebook_of(EXERCISES / A1), 4), tmp_path / f"{A1}.ipynb")
    failed = Validator(config=config).validate(str(tmp_path / f"{A1}.ipynb"))["failed"]
    first = ANSI.sub("", failed[0]["raw_error"])
    assert first.startswith(f"{HEADING}\n  Part 1: not answered yet\n  Part 2: not answered yet\n"), first
    assert len(failed) == 6 and all(ANSI.sub("", f["raw_error"]).count("Traceback") == 1 for f in failed)
