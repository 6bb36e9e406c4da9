"""Does a mistake in one answer cost only its own part and the parts the task builds on it?

Each answer cell of every assignment is replaced in turn by ``raise
NotImplementedError`` and the instructor's notebook (hidden tests included) is
run as the autograder runs it. Exactly the test cells that use the answer's
names, directly or through answers built on it (:func:`cells.depends_on`),
must fail; every other part keeps its points.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.assignments.cells import cells, defined_names, depends_on, free_names
from tests.assignments.course import ASSIGNMENTS, SOLUTIONS, failed_cells, notebook_of

KNOCKOUTS = [(a, c.grade_id) for a in ASSIGNMENTS for c in cells(a) if c.kind == "answer"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_test_cell_defines_what_a_later_cell_needs(assignment: str) -> None:
    """Does every later cell find its names in setup and answer cells, never in a test cell?"""
    ordered = cells(assignment)
    for index, cell in enumerate(ordered):
        if cell.kind != "test":
            continue
        given = defined_names(cell.source)
        for later in ordered[index + 1 :]:
            # A name the later cell binds itself is its own; a name a setup or answer cell binds in between is theirs.
            taken = free_names(later.source) & given
            assert not taken, f"{later.grade_id} uses {sorted(taken)} from test cell {cell.grade_id}: move them to a setup cell"
            if later.kind != "test":
                given -= defined_names(later.source)


@pytest.mark.parametrize(("assignment", "answer_id"), KNOCKOUTS, ids=[f"{a}-{g}" for a, g in KNOCKOUTS])
def test_a_missing_answer_costs_only_the_parts_built_on_it(assignment: str, answer_id: str) -> None:
    """With this answer missing, do exactly the test cells that use it, directly or through other answers, fail?"""
    path = notebook_of(SOLUTIONS / assignment)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == answer_id:
            cell.source = "raise NotImplementedError"
    NotebookClient(nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}).execute()
    expected = depends_on(assignment, answer_id)
    assert expected, f"no test cell uses {answer_id}"
    assert failed_cells(nb) == expected
