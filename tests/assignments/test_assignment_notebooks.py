"""Are the assignment notebooks well-formed, released without drift, and do the solutions run and validate?"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.assignments.course import (
    ASSIGNMENTS,
    EXERCISES,
    REPO,
    SOLUTIONS,
    Course,
    nbgrader,
    notebook_of,
)

NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb")) + sorted(EXERCISES.glob("*/*.ipynb"))


def test_there_are_five_assignments() -> None:
    """Are the five assignments of the issues all in solutions/ and exercises/?"""
    expected = ["a1_convolution", "a2_pooling_and_networks", "a3_backprop_and_speed", "a4_train_a_convnet",
                "a5_inside_a_convnet"]
    assert ASSIGNMENTS == expected
    assert sorted(p.name for p in EXERCISES.iterdir() if p.is_dir()) == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    """Is every code cell free of outputs and execution counts?"""
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; strip them before committing"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_part_has_points_and_a_hidden_test(assignment: str) -> None:
    """Does every test cell carry points and hidden tests, every answer a solution region, every written answer points?"""
    nb = nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    tests = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("grade") and not m.get("solution")]
    answers = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("solution")]
    assert tests and answers
    for cell in tests:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        assert cell.metadata["nbgrader"]["points"] > 0, grade_id
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{grade_id} has no hidden tests"
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source, cell.metadata["nbgrader"]["grade_id"]
        # A written answer (graded by hand) carries its points itself.
        if cell.metadata["nbgrader"].get("grade"):
            assert cell.cell_type == "markdown" and cell.metadata["nbgrader"]["points"] > 0, cell.metadata["nbgrader"]["grade_id"]


def test_exercises_are_what_nbgrader_generates(course: Course) -> None:
    """Is exercises/ exactly nbgrader's release of solutions/ (regenerate with `make release` when not)?"""
    generated = {p.relative_to(course.root / "exercises"): p.read_bytes()
                 for p in (course.root / "exercises").rglob("*") if p.is_file()}
    committed = {p.relative_to(EXERCISES): p.read_bytes() for p in EXERCISES.rglob("*") if p.is_file()}
    assert sorted(generated) == sorted(committed), "exercises/ lists other files than nbgrader generates"
    drifted = [str(path) for path in generated if generated[path] != committed[path]]
    assert not drifted, f"exercises/ drifted from solutions/: {drifted}; run `make release` and commit exercises/"


def test_solutions_pass_nbgrader_validate() -> None:
    """Does `nbgrader validate` pass every solution notebook, with no test cell output read as partial credit?"""
    result = nbgrader("validate", *map(str, sorted(SOLUTIONS.glob("*/*.ipynb"))), cwd=REPO)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("Success! Your notebook passes all the tests.") == len(ASSIGNMENTS), output[-3000:]
    assert "cannot be converted to" not in output, "a test cell ends with an expression: nbgrader reads it as a score"


def test_released_notebooks_fail_when_unanswered() -> None:
    """Does every test cell of the student release fail before the student answers (`nbgrader validate --invert`)?"""
    result = nbgrader("validate", "--invert", *map(str, sorted(EXERCISES.glob("*/*.ipynb"))), cwd=REPO)
    output = result.stdout + result.stderr
    assert output.count("Success! The notebook does not pass any tests.") == len(ASSIGNMENTS), output[-3000:]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_executes_with_nbval(assignment: str) -> None:
    """Does nbval (--nbval-lax) execute the solution notebook without an error? (Its speed: benchmarks/assignments.py.)"""
    path = notebook_of(SOLUTIONS / assignment)
    # A dedicated pytest run: nbval's flags stay out of the main suite's configuration.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--rootdir", str(path.parent), str(path)],
        cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
