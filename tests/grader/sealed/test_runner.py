"""Does sealed grading give the same verdicts as nbgrader, and do cheats, crashes and stalls gain nothing?

The instructor's notebooks of assignments 1 to 3 are graded sealed
(:func:`runner.grade`): the solutions and the other correct styles must pass
every test, each realistic mistake must fail exactly the test cells it fails
under nbgrader (``tests/assignments/answers.py``), and each attack below must
gain nothing while the parts it leaves correct keep their points.
"""

from __future__ import annotations

import ast
import copy
import subprocess
from pathlib import Path

import nbformat
import pytest

from grader.sealed.runner import grade
from grader.sealed.structure import Bounds
from tests.assignments.answers import STYLES, WRONG_ANSWERS, WrongAnswer
from tests.assignments.course import EXERCISES, SOLUTIONS, answer, notebook_of

NUMPY_ASSIGNMENTS = ["a1_convolution", "a2_pooling_and_networks", "a3_backprop_and_speed"]
A1 = "a1_convolution"
REPO = Path(__file__).resolve().parents[3]


def notebooks(assignment: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """The instructor's notebook and the student release."""
    return (nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4),
            nbformat.read(notebook_of(EXERCISES / assignment), as_version=4))


def graded_cells(source: nbformat.NotebookNode) -> set[str]:
    return {c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}


CORRECT = [(a, style) for a in NUMPY_ASSIGNMENTS for style in ["solution", *STYLES[a]]]


@pytest.mark.parametrize(("assignment", "style"), CORRECT, ids=[f"{a}-{s}" for a, s in CORRECT])
def test_correct_answers_pass_every_test_sealed(assignment: str, style: str, tmp_path: Path) -> None:
    """Does a correct answer, in any style, pass every test cell when its code runs in the sandbox?"""
    source, release = notebooks(assignment)
    graded = grade(source, answer(release, source, sources=STYLES[assignment].get(style, {})), tmp_path)
    assert graded.failed() == set(), [r.error for r in graded.results if r.error]
    assert not graded.flags


@pytest.mark.parametrize("assignment", NUMPY_ASSIGNMENTS)
def test_the_blank_release_fails_every_test_sealed(assignment: str, tmp_path: Path) -> None:
    """Does the unanswered release fail every test cell?"""
    source, release = notebooks(assignment)
    assert grade(source, release, tmp_path).failed() == graded_cells(source)


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_a_mistake_fails_the_same_cells_as_under_nbgrader(wrong: WrongAnswer, tmp_path: Path) -> None:
    """Does each realistic mistake fail exactly the test cells it fails under nbgrader, with the same message?"""
    source, release = notebooks(wrong.assignment)
    graded = grade(source, answer(release, source, wrong.edits), tmp_path)
    assert graded.failed() == wrong.failed
    (caught,) = [r for r in graded.results if r.grade_id == wrong.caught_by]
    if "_" not in wrong.says:  # a phrase, not a known mistake's key
        assert wrong.says in caught.error["evalue"]


Notebooks = tuple[nbformat.NotebookNode, nbformat.NotebookNode]


def cheat(sources: dict[str, str], *, bound: dict[str, float] | None = None) -> Notebooks:
    """a1's instructor notebook (``bound``'s cells limited to so many seconds) and the solution with ``sources``."""
    source, release = notebooks(A1)
    source = copy.deepcopy(source)
    for cell in source.cells:
        seconds = (bound or {}).get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if seconds:
            cell.metadata["cnnlib"] = {"seconds": seconds}
    return source, answer(release, source, sources=sources)


WRONG_CONV = '''
def conv_forward(x, w, b, stride=1, padding=0):
    return np.zeros((x.shape[0], w.shape[0], output_size(x.shape[2], w.shape[2], stride, padding),
                     output_size(x.shape[3], w.shape[3], stride, padding)))
'''

ATTACKS = {
    # Same-process tests could be defeated from an answer cell; here each trick stays in the sandbox.
    "patched-allclose": WRONG_CONV + '''
import cnnlib.gradcheck, cnnlib.grading.checks
np.allclose = lambda *args, **kwargs: True
cnnlib.gradcheck.rel_error = cnnlib.grading.checks.rel_error = lambda *args: 0.0
''',
    "numpy-replaced": WRONG_CONV + '''
import sys, types
fake = types.ModuleType("numpy")
fake.allclose = lambda *args, **kwargs: True
sys.modules["numpy"] = fake
''',
    "frame-inspection": '''
import inspect
def conv_forward(x, w, b, stride=1, padding=0):
    frame = inspect.currentframe().f_back
    while frame is not None:  # look for the test's globals and neuter its checks
        for name in ("check_against", "check_call", "_mismatch"):
            if name in frame.f_globals:
                frame.f_globals[name] = lambda *args, **kwargs: None
        frame = frame.f_back
    return np.zeros((1,))
''',
    "solution-read-from-disk": f'''
import json
cells = json.load(open({str(SOLUTIONS / A1 / "a1_convolution.ipynb")!r}))["cells"]
exec("".join(next(c["source"] for c in cells if "def conv_forward" in "".join(c["source"]))))
''',
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_cheat_gains_nothing_and_costs_only_its_part(attack: str, tmp_path: Path) -> None:
    """Does an answer that attacks the tests (patching numpy or the checks, inspecting frames, reading the
    solution) still fail conv_forward's tests, while the other parts keep their points?"""
    source, submission = cheat({"conv_forward": ATTACKS[attack]})
    graded = grade(source, submission, tmp_path)
    assert graded.failed() == {"test_conv_forward", "test_worked_numbers"}
    assert any(flag.startswith("possible tampering: conv_forward") for flag in graded.flags), graded.flags


def cheat_failed(source: nbformat.NotebookNode, submission: nbformat.NotebookNode, workdir: Path) -> set[str]:
    return grade(source, submission, workdir).failed()


SOLUTION_PARAMS = "def conv_params(C, K, F):\n    return F * F * C * K + K\n"


@pytest.mark.parametrize(
    ("name", "code"),
    [("endless-loop", "while True:\n    pass"),
     ("sigint-ignored", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
     ("exit", "import os\nos._exit(1)")],
)
def test_a_stall_or_exit_after_the_answer_costs_only_the_parts_that_use_it(name: str, code: str, tmp_path: Path) -> None:
    """Does an answer that loops forever, ignores Ctrl-C or exits after defining conv_params fail only the cells
    that need it, within its bound plus a few seconds?"""
    import time

    source, submission = cheat({"conv_params": SOLUTION_PARAMS + code}, bound={"conv_params": 2})
    start = time.perf_counter()
    assert cheat_failed(source, submission, tmp_path) == {"test_conv_params", "test_worked_numbers"}
    assert time.perf_counter() - start < 2 + 5 + 5  # the bound, the restart, the rest of the grading


def test_correct_code_that_warns_keeps_its_points(tmp_path: Path) -> None:
    """Does correct code that prints a RuntimeWarning (a log of zero) keep every point?"""
    warns = "np.log(np.zeros(1))\nimport warnings\nwarnings.warn('careful', RuntimeWarning)\n"
    source, submission = cheat({"conv_params": SOLUTION_PARAMS + warns})
    assert cheat_failed(source, submission, tmp_path) == set()


def test_no_process_outlives_the_grading(tmp_path: Path) -> None:
    """Is a background process that an answer starts (in its own session) gone when grading ends?"""
    marker = "cnnlib-sealed-left-behind"
    sleeper = f"[sys.executable, '-c', 'import time; time.sleep(300)', '{marker}']"
    code = SOLUTION_PARAMS + f"import subprocess, sys\nsubprocess.Popen({sleeper}, start_new_session=True)\n"
    source, submission = cheat({"conv_params": code})
    assert cheat_failed(source, submission, tmp_path) == set()
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    assert not left, f"processes left: {left}"


def stalling(code: str) -> str:
    """``code`` with every function it defines made to loop forever when called."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.body.insert(0, ast.parse("while True:\n    pass").body[0])
    return ast.unparse(tree)


def test_a_submission_that_stalls_in_every_cell_costs_its_bound_not_one_per_cell(tmp_path: Path) -> None:
    """Do functions that all loop forever cost the submission's bound (6 s here) plus a few seconds, not a
    cell's bound (2 s) for each of a1's test cells, with every test failed and the cells left unrun named?"""
    import time

    source, release = notebooks(A1)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    submission = answer(release, source, sources={k: stalling(v) for k, v in solutions.items()})
    start = time.perf_counter()
    graded = grade(source, submission, tmp_path, bounds=Bounds(cell=2, submission=6))
    took = time.perf_counter() - start
    assert graded.failed() == graded_cells(source)
    assert took < 6 + 5, f"graded in {took:.1f} s"
    assert len(graded_cells(source)) * 2 > 6 + 5  # one bound per cell would have been longer
    messages = [r.error["evalue"] for r in graded.results if r.kind == "test"]
    assert any("not run: the submission used up its time bound of 6 s" in m for m in messages), messages
