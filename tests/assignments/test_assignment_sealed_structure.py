"""Through `make autograde`: are edited, duplicated, re-typed or re-ordered cells graded as what they are, and flagged?

The grading structure comes from the instructor's notebook only (grader/sealed/structure.py);
nbgrader puts locked cells, their points and cell types back, and names each change in its log. A
student who edits a test, raises its points, copies it, turns an answer into Markdown, moves cells
around or installs an AST transformer that deletes asserts gains nothing, and correct work keeps
its points; each change is named (grader/sealed/match.py finds the cells by content).
"""

from __future__ import annotations

import copy

import nbformat
import pytest

from grader.sealed import sandbox
from tests.assignments.answers import WRONG_ANSWERS
from tests.assignments.course import A1, Course, answered, cell, make, new_course, submit

pytestmark = pytest.mark.skipif(sandbox._bwrap() is None, reason="bubblewrap is not installed (apt-get install bubblewrap)")
BIAS_MISSING = next(w for w in WRONG_ANSWERS if w.student == "bias-missing")
TRANSFORMER = '''
import ast


class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return None


get_ipython().ast_transformers.append(NoAsserts())
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    root = tmp_path_factory.mktemp("structure") / "course"
    root.mkdir()
    new_course(root, [A1])
    raised = answered(root)
    test = cell(raised, "test_conv_params")
    test.metadata["nbgrader"]["points"] = 100
    test.source = "pass"
    submit(root, A1, "points-raised", raised)
    duplicated = answered(root)
    test = cell(duplicated, "test_conv_forward")
    twin = copy.deepcopy(test)
    twin.id = "pasted-twice"  # a copy-paste in JupyterLab gets a cell id of its own
    duplicated.cells.insert(duplicated.cells.index(test), twin)
    submit(root, A1, "test-duplicated", duplicated)
    retyped = answered(root)
    answer = cell(retyped, "conv_params")
    retyped.cells[retyped.cells.index(answer)] = nbformat.v4.new_markdown_cell(answer.source, metadata=answer.metadata)
    submit(root, A1, "answer-retyped", retyped)
    reordered = answered(root)
    moved = cell(reordered, "conv_params")
    reordered.cells.remove(moved)
    reordered.cells.insert(1, moved)
    submit(root, A1, "cells-reordered", reordered)
    transformer = answered(root, BIAS_MISSING.edits)
    cell(transformer, "output_size").source += "\n" + TRANSFORMER
    submit(root, A1, "ast-transformer", transformer)
    result = make("autograde", root)
    make("grades", root)
    return Course(root).grades(), result.stdout + result.stderr


@pytest.mark.parametrize(("student", "score"), [
    ("points-raised", 17.0),  # the test and its point are put back, and the answer is right
    ("test-duplicated", 17.0),  # counted once
    ("cells-reordered", 17.0),  # graded in the instructor's order
    ("answer-retyped", 17.0),  # nbgrader turns the answer back into code, as the instructor's notebook has it
    ("ast-transformer", 11.0),  # the asserts stay: the missing bias still costs conv_forward's 6 points
])
def test_the_structure_comes_from_the_instructor(graded: tuple[dict, str], student: str, score: float) -> None:
    """Is each tampered submission graded as what it is, out of the assignment's 17 points?"""
    grades, output = graded
    assert grades[A1, student] == (score, 17.0), output[-3000:]


def test_the_tampering_is_flagged(graded: tuple[dict, str]) -> None:
    """Do the log and the report name the re-typed answer, the duplicated and edited tests and the transformer?"""
    _, output = graded
    assert "Attribute 'cell_type' for cell conv_params has changed" in output
    assert ("test-duplicated: a copy of cell test_conv_forward (or a cell given its metadata) was found beside the "
            "instructor's") in output
    assert "points-raised: test cell test_conv_params: its nbgrader metadata was changed (points)" in output
    assert "Attribute 'checksum' for cell test_conv_params has changed" in output
    assert "ast-transformer: possible tampering: output_size" in output
