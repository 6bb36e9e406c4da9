"""Do correct answers, written in several styles, pass every visible and hidden test on every seed?

The hidden tests of the numpy assignments draw their cases from a seed
(``hidden_<part>(seed)``). Here they run in this process on 100 seeds against
the solution and against each style of :data:`answers.STYLES` (vectorized,
literal loops, lists for tuples): a tolerance that a correct float64
implementation can miss, or a requirement that only one way of writing meets,
fails this test.
"""

from __future__ import annotations

import ast
import contextlib
import io

import pytest

from tests.assignments.answers import STYLES
from tests.assignments.cells import cells, hidden_part

SEEDS = range(100)
NUMPY_ASSIGNMENTS = ["a1_convolution", "a2_pooling_and_networks", "a3_backprop_and_speed"]
CASES = [(a, style) for a in NUMPY_ASSIGNMENTS for style in ["solution", *STYLES[a]]]


def seeded_function(hidden: str) -> str | None:
    """The name of the hidden region's ``def hidden_...(seed)``, or None when its cases are fixed."""
    for node in ast.parse(hidden).body:
        if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args] == ["seed"]:
            return node.name
    return None


@pytest.mark.parametrize(("assignment", "style"), CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_correct_answers_pass_on_every_seed(assignment: str, style: str) -> None:
    """Does this style of correct answer pass each test cell, and each seeded hidden test on 100 seeds?"""
    sources = STYLES.get(assignment, {}).get(style, {})
    namespace: dict = {"__name__": "__main__"}
    seeded = 0
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells(assignment):
            if cell.kind in ("setup", "answer"):
                exec(compile(sources.get(cell.grade_id, cell.source), f"<{cell.grade_id}>", "exec"), namespace)
            elif cell.kind == "test":
                exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), namespace)
                name = seeded_function(hidden_part(cell.source))
                if name:
                    seeded += 1
                    for seed in SEEDS:
                        try:
                            namespace[name](seed)
                        except AssertionError as error:
                            raise AssertionError(f"{cell.grade_id}, seed {seed}: {error}") from None
    assert seeded >= 3, "the hidden tests should draw their cases from a seed"
