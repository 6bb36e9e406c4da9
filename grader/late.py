"""Due dates and a late penalty per assignment, for ``nbgrader autograde``.

``nbgrader_config.py`` holds one table, ``c.LatePenalty.deadlines``::

    {"a1_convolution": {"due": "2025-10-13 23:59:00 Europe/Berlin", "percent_per_day": 10, "max_percent": 50}}

:class:`RecordDueDate` runs first in autograde and writes each listed assignment's due
date into the gradebook, where nbgrader compares it with the submission's
``timestamp.txt`` (written by ``nbgrader submit``). For a late submission nbgrader asks
:class:`LatePenalty`, which takes ``percent_per_day`` of the notebook's points for each
day late, a started day counting as a whole one, and at most ``max_percent``. nbgrader
never takes more than the score, and an on-time submission loses nothing.
"""

from __future__ import annotations

import math

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict

DAY = 24 * 60 * 60  # seconds


class LatePenalty(LateSubmissionPlugin):
    """A percentage of the notebook's points per started day late, capped (``penalty_method`` is not used)."""

    deadlines = Dict(
        help="Per assignment: 'due' (nbgrader's date format, e.g. '2025-10-13 23:59:00 Europe/Berlin', or None), "
             "'percent_per_day' and 'max_percent' of the points lost when late",
    ).tag(config=True)

    def penalty(self, assignment: str, max_score: float, seconds_late: float) -> float:
        """Points lost by a submission of ``assignment`` worth ``max_score`` handed in ``seconds_late`` after its due date.

        >>> LatePenalty(deadlines={"a1": {"percent_per_day": 10, "max_percent": 25}}).penalty("a1", 20, 1.5 * DAY)
        4.0
        >>> LatePenalty(deadlines={"a1": {"percent_per_day": 10, "max_percent": 25}}).penalty("a1", 20, 9 * DAY)
        5.0
        """
        rule = self.deadlines.get(assignment, {})
        days = math.ceil(seconds_late / DAY)
        percent = min(days * rule.get("percent_per_day", 0), rule.get("max_percent", 100))
        return max_score * percent / 100

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        # The parent is nbgrader's AssignLatePenalties, in the middle of its preprocess(): it has
        # set the notebook's and assignment's ids and holds the gradebook open.
        grader = self.parent
        notebook = grader.gradebook.find_notebook(grader.notebook_id, grader.assignment_id)
        points = self.penalty(grader.assignment_id, notebook.max_score, total_seconds_late)
        self.log.warning("%s is %.1f days late on %s: %g of %g points off",
                         student_id, total_seconds_late / DAY, grader.assignment_id, points, notebook.max_score)
        return points


class RecordDueDate(NbGraderPreprocessor):
    """Writes the assignment's due date from ``LatePenalty.deadlines`` into the gradebook before grading.

    An assignment that the table does not list, or lists with ``"due": None``, keeps the
    gradebook's due date (none, or one set in the formgrader).
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources["nbgrader"]["assignment"]
        due = LatePenalty(parent=self).deadlines.get(assignment, {}).get("due")
        if due is not None:
            with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
                gradebook.update_or_create_assignment(assignment, duedate=due)
        return nb, resources
