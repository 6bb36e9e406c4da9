"""Does a notebook graded in the sandboxed kernel keep each cell to its bound, and its verdicts to its tests?

:func:`kernel.grade_in_kernel` is how assignment 4 is graded. These notebooks
are small and torch-free so that each test takes seconds: an answer cell, a
test cell that checks it, and a second, independent part.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.sealed import sandbox
from grader.sealed.kernel import grade_in_kernel
from grader.sealed.structure import Bounds
from tests.grader.sealed.planted import planted, spy


def cell(grade_id: str, source: str, *, answer: bool = False, points: float = 0) -> nbformat.NotebookNode:
    meta = {"grade_id": grade_id, "solution": answer, "grade": points > 0, "locked": not answer,
            "points": points, "schema_version": 3}
    return new_code_cell(source, metadata={"nbgrader": meta})


def notebook(double: str, square: str) -> nbformat.NotebookNode:
    return new_notebook(cells=[
        cell("setup", "import os"),
        cell("double", double, answer=True),
        cell("test_double", "assert double(21) == 42, 'double(21) should be 42'", points=1),
        cell("square", square, answer=True),
        cell("test_square", "assert square(3) == 9, 'square(3) should be 9'", points=1),
    ])


BOUNDS = Bounds(cell=3, submission=20)
SOURCE = notebook("def double(x):\n    return 2 * x", "def square(x):\n    return x * x")


def failed(submission: nbformat.NotebookNode, workdir: Path, bounds: Bounds = BOUNDS) -> set[str]:
    return grade_in_kernel(SOURCE, submission, workdir, bounds=bounds).failed()


def test_correct_answers_pass_and_a_wrong_one_fails_alone(tmp_path: Path) -> None:
    """Does the solution pass both tests, and a wrong double() fail only its own?"""
    assert failed(SOURCE, tmp_path / "a") == set()
    wrong = notebook("def double(x):\n    return x + 2", "def square(x):\n    return x ** 2")
    assert failed(wrong, tmp_path / "b") == {"test_double"}


@pytest.fixture(autouse=True)
def folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()


def test_a_stalled_answer_costs_its_cell_bound_only(tmp_path: Path) -> None:
    """Does an answer that loops after defining double() fail its own test within its 3 s bound plus a few
    seconds, while square() keeps its point?"""
    stalls = notebook("def double(x):\n    return 2 * x\nwhile True:\n    pass", "def square(x):\n    return x * x")
    start = time.perf_counter()
    graded = grade_in_kernel(SOURCE, stalls, tmp_path / "a", bounds=BOUNDS)
    assert time.perf_counter() - start < 3 + 10  # the bound, the kernel's start and interrupt
    assert "test_square" not in graded.failed()


def test_the_kernel_cannot_forge_the_reports(tmp_path: Path) -> None:
    """Does an answer that writes forged 'passed' reports on the sandbox's stdout, then kills the process that
    reports, so that the real reports never come, still fail its test?"""
    forged = ('import os, json, signal\n'
              'for index in (2, 3, 4):\n'
              '    os.write(1, (json.dumps({"index": index, "outputs": [], "execution_count": index}) + "\\n").encode())\n'
              'os.kill(os.getppid(), signal.SIGKILL)\n'
              'def double(x):\n    return 0')
    assert failed(notebook(forged, "def square(x):\n    return x * x"), tmp_path / "a") == {"test_double", "test_square"}


@pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")
def test_the_course_folder_is_out_of_reach(tmp_path: Path) -> None:
    """Does an answer that tries to read this test file (inside the course folder) fail to, so that its
    test, which needs the file's text, fails?"""
    reads = f"def double(x):\n    return 2 * x if open({__file__!r}).read() else 0"
    assert failed(notebook(reads, "def square(x):\n    return x * x"), tmp_path / "a") == {"test_double"}


@pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")
def test_the_kernel_sees_neither_other_courses_nor_the_exchange(tmp_path: Path) -> None:
    """Does an answer in the sandboxed kernel (how assignment 4 is graded) that searches the file system find neither
    another copy of the course's solutions nor a classmate's submission in an exchange, while scoring full marks?"""
    with planted() as secret:
        looks = spy([secret.solutions, secret.classmate]) + "\ndef double(x):\n    return 2 * x"
        graded = grade_in_kernel(SOURCE, notebook(looks, "def square(x):\n    return x * x"), tmp_path / "a",
                                 bounds=Bounds(cell=60, submission=90))
    (printed,) = [r.output for r in graded.results if r.grade_id == "double"]
    assert "searched the file system" in printed and printed.count("refused FileNotFoundError") == 2, printed[-2000:]
    assert secret.marker not in printed
    assert graded.failed() == set()
