"""Show the grading's flags in nbgrader's own places: the formgrader and the feedback.

:class:`~.execute.SealedExecute` leaves each submission's flags (an answer cell
missing, duplicated or re-typed, code that looks like tampering, a kernel
stopped at its bound) in the notebook's resources. :class:`SaveAutoGradesAndFlags`,
in place of nbgrader's ``SaveAutoGrades``, records the scores as nbgrader does
and adds each flag to the automatic comment of the answer cell it names (the
notebook's first answer cell when it names none), where the formgrader shows it
beside the cell and the feedback under it. The score never changes, but a flag
that says a grader must decide (:data:`~.choose.MANUAL`: two notebooks with
different work, another assignment's notebook) marks the notebook's first grade
as needing a manual grade, so that the formgrader and ``make grades`` show it.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades

from grader.sealed.choose import MANUAL

PREFIX = "Flagged by the grader (the score is not changed by it): "


def by_cell(flags: list[str], answer_ids: list[str]) -> dict[str, list[str]]:
    """Each flag under the first answer cell whose grade_id it names as a word, else under the first answer cell.

    >>> by_cell(["answer cell pool is missing", "the kernel stopped"], ["conv", "pool"])
    {'pool': ['answer cell pool is missing'], 'conv': ['the kernel stopped']}
    """
    placed: dict[str, list[str]] = {}
    for flag in flags:
        named = [grade_id for grade_id in answer_ids if re.search(rf"(?<![\w]){re.escape(grade_id)}(?![\w])", flag)]
        target = named[0] if named else (answer_ids[0] if answer_ids else None)
        if target is not None:
            placed.setdefault(target, []).append(flag)
    return placed


class SaveAutoGradesAndFlags(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, with the sealed grading's flags added to the answer cells' automatic comments."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        answer_ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells if utils.is_solution(cell)]
        self._flags = by_cell(list(resources.get("cnnlib_flags", [])), answer_ids)
        nb, resources = super().preprocess(nb, resources)
        if any(flag.startswith(MANUAL) for flag in resources.get("cnnlib_flags", [])):
            names = resources["nbgrader"]
            with Gradebook(self.db_url) as gradebook:
                notebook = gradebook.find_submission_notebook(names["notebook"], names["assignment"], names["student"])
                if notebook.grades:
                    notebook.grades[0].needs_manual_grade = True
                    gradebook.db.commit()
        return nb, resources

    def _add_comment(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        super()._add_comment(cell, resources)
        flags = self._flags.get(cell.metadata["nbgrader"]["grade_id"])
        if not flags:
            return
        comment = self.gradebook.find_comment(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                              self.assignment_id, self.student_id)
        lines = [comment.auto_comment] if comment.auto_comment else []
        comment.auto_comment = "\n".join(lines + [PREFIX + flag for flag in flags])
        self.gradebook.db.commit()
