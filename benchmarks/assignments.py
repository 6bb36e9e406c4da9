"""Time the assignments: each solution's execution, and nbgrader's autograding against a minimal peer notebook.

Run from the repository root:

    .venv/bin/python benchmarks/assignments.py [--submissions 20]

1. Each solution notebook (answers and hidden tests) runs in a fresh kernel
   through nbclient, as nbgrader's ``Execute`` runs a submission, kernel
   start-up included; the issue's targets are 20 s (a4: 60 s).
2. ``nbgrader autograde`` in a temporary course, for a batch of 1 and a batch
   of N copies of a1's solution as a student submits it (the release with the
   answers filled in). The peer, timed the same way in the same run, is a
   minimal numpy-only notebook with one graded cell. The batch of 1 shows
   nbgrader's start-up; "marginal" is the cost of each further submission.
   The issue's target is 2 s per submission for a1 in a batch.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

# The course's helpers (nbgrader's environment, a temporary course, a student's answers) live with its tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.assignments.course import (  # noqa: E402
    ASSIGNMENTS,
    SOLUTIONS,
    answer,
    checked,
    nbgrader,
    new_course,
    notebook_of,
    submit,
)

EXECUTION_TARGET_S = {"a4_train_a_convnet": 60.0}
DEFAULT_EXECUTION_TARGET_S = 20.0
AUTOGRADE_TARGET_S = 2.0  # per a1 submission in a batch
GRADED = "a1_convolution"
PEER = "peer_numpy"


def execution_seconds(path: Path) -> float:
    """Wall time to execute the notebook at ``path`` in a fresh kernel, in its folder, as nbgrader does."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    # The kernel's stderr holds only its start-up notices; errors in cells still raise here.
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peer_notebook() -> nbformat.NotebookNode:
    """The peer: numpy imported, one answer cell and one graded test cell worth one point."""
    def meta(grade_id: str, **flags: object) -> dict:
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "task": False, "grade": False,
                             "solution": False, "locked": False, **flags}}

    answer_cell = "import numpy as np\n\n\ndef double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    test_cell = "assert np.allclose(double(np.arange(3)), [0, 2, 4])"
    return new_notebook(
        cells=[new_code_cell(answer_cell, metadata=meta("double", solution=True)),
               new_code_cell(test_cell, metadata=meta("test_double", grade=True, locked=True, points=1))],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def autograde_seconds(root: Path, assignment: str, *args: str) -> float:
    start = time.perf_counter()
    checked(nbgrader("autograde", assignment, *args, cwd=root), f"nbgrader autograde {assignment}")
    return time.perf_counter() - start


def time_autograding(submissions: int) -> None:
    print(f"\nnbgrader autograde in a temporary course: a batch of 1, then of {submissions} identical submissions")
    print(f"  {'notebook':<34}{'batch of 1':>12}{f'batch of {submissions}':>14}{'per submission':>16}{'marginal':>10}")
    per_submission = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "solutions" / PEER).mkdir(parents=True)
        nbformat.write(peer_notebook(), root / "solutions" / PEER / f"{PEER}.ipynb")
        new_course(root, [GRADED])
        for assignment, label in ((GRADED, f"{GRADED} (solution)"), (PEER, "peer: numpy, one graded cell")):
            release = nbformat.read(notebook_of(root / "exercises" / assignment), as_version=4)
            solution = nbformat.read(notebook_of(root / "solutions" / assignment), as_version=4)
            submitted = answer(release, solution)
            for i in range(submissions):
                submit(root, assignment, f"student{i:03d}", submitted)
            one = autograde_seconds(root, assignment, "--student=student000")
            batch = autograde_seconds(root, assignment, "--force")
            per_submission[assignment] = batch / submissions
            marginal = (batch - one) / (submissions - 1) if submissions > 1 else float("nan")
            print(f"  {label:<34}{one:>10.2f} s{batch:>12.2f} s{batch / submissions:>14.2f} s{marginal:>8.2f} s")
    a1 = per_submission[GRADED]
    print(f"  {GRADED} / peer per submission: {a1 / per_submission[PEER]:.2f}x; "
          f"target {AUTOGRADE_TARGET_S:.0f} s per a1 submission: {'met' if a1 <= AUTOGRADE_TARGET_S else 'MISSED'}")


def time_execution() -> None:
    print("Solution notebooks executed in a fresh kernel (nbclient, as nbgrader's Execute), kernel start-up included")
    for assignment in ASSIGNMENTS:
        seconds = execution_seconds(notebook_of(SOLUTIONS / assignment))
        target = EXECUTION_TARGET_S.get(assignment, DEFAULT_EXECUTION_TARGET_S)
        print(f"  {assignment:<26}{seconds:>7.2f} s   target {target:>3.0f} s   {'met' if seconds <= target else 'MISSED'}"
              f"   ({seconds / target:.2f} of it)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20, help="submissions per autograde batch (default 20)")
    options = parser.parse_args()
    if options.submissions < 1:
        parser.error(f"--submissions must be at least 1, got {options.submissions}")
    time_execution()
    time_autograding(options.submissions)
