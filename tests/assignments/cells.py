"""An assignment's cells as code: setup, answers and tests, with the names each defines and uses.

The independence and tolerance tests read the instructor's notebook through
this module, with sealed grading's :func:`free_names` (what a cell takes from
earlier cells) and :func:`defined_names` (what an answer gives to later ones), and
:func:`depends_on` which test cells must lose their points when one answer is
missing, by the closure the issue asks for (directly, or through answers built
on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.sealed.structure import defined_names, free_names
from tests.assignments.course import SOLUTIONS, notebook_of


@dataclass(frozen=True)
class Cell:
    grade_id: str
    kind: str  # "setup" (locked code), "answer" (solution code), "test" (graded code) or "other"
    source: str


def cells(assignment: str) -> list[Cell]:
    """The code cells of ``assignment``'s instructor notebook, in order."""
    nb = nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4)
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        kind = "test" if meta.get("grade") else "answer" if meta.get("solution") else "setup" if meta.get("locked") else "other"
        found.append(Cell(meta.get("grade_id", ""), kind, cell.source))
    return found


def hidden_part(source: str) -> str:
    """The hidden-test region of a test cell's source ('' when it has none)."""
    if "### BEGIN HIDDEN TESTS" not in source:
        return ""
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


def depends_on(assignment: str, answer_id: str) -> set[str]:
    """The test cells that must fail when answer ``answer_id`` is missing.

    A test cell fails when it uses a name the answer defines, or a name of an
    answer that uses one of those (the functions the task builds on it), and so on.
    """
    all_cells = cells(assignment)
    answers = {c.grade_id: c for c in all_cells if c.kind == "answer"}
    missing, names = {answer_id}, set(defined_names(answers[answer_id].source))
    grew = True
    while grew:
        grew = False
        for grade_id, cell in answers.items():
            if grade_id not in missing and free_names(cell.source) & names:
                missing.add(grade_id)
                names |= defined_names(cell.source)
                grew = True
    return {c.grade_id for c in all_cells if c.kind == "test" and free_names(c.source) & names}


def source_dir(assignment: str) -> Path:
    return SOLUTIONS / assignment
