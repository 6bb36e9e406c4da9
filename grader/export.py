"""``nbgrader export`` with each part's score and the manual-grade flag.

nbgrader's CSV has one total per (assignment, student). :class:`PartsCsvExport` writes
the same rows and columns, then one column per test cell (its grade_id: ``test_conv_forward``
...) with that part's score, and ``needs_manual_grade``: True when any cell of the
submission waits for a grader (a part the autograder could not score, or one graded by
hand and to review). A cell of another assignment, or a part of a missing submission,
is left empty. ``nbgrader_config.py`` makes it ``ExportApp.plugin_class``, so
``make grades`` writes it to ``grades.csv``.
"""

from __future__ import annotations

import csv

from nbgrader.api import Assignment, Gradebook, MissingEntry, Student
from nbgrader.plugins import ExportPlugin

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score"]  # nbgrader's CsvExportPlugin's


def cell_names(assignments: list[Assignment]) -> list[str]:
    """The test cells' grade_ids of ``assignments``, in the gradebook's order (notebook by notebook), once each."""
    names: dict[str, None] = {}
    for assignment in assignments:
        for notebook in assignment.notebooks:
            names.update(dict.fromkeys(cell.name for cell in notebook.grade_cells))
    return list(names)


class PartsCsvExport(ExportPlugin):
    """nbgrader's CSV export plus one score column per test cell and ``needs_manual_grade``."""

    def export(self, gradebook: Gradebook) -> None:
        assignments = [a for a in gradebook.assignments if not self.assignment or a.name in self.assignment]
        students = [s for s in gradebook.students if not self.student or s.id in self.student]
        parts = cell_names(assignments)
        dest = self.to or "grades.csv"
        self.log.info("Exporting grades with each part's score to %s", dest)
        with open(dest, "w", newline="") as f:
            writer = csv.DictWriter(f, [*COLUMNS, *parts, "needs_manual_grade"], restval="")
            writer.writeheader()
            for assignment in assignments:
                for student in students:
                    writer.writerow(row(gradebook, assignment, student))


def row(gradebook: Gradebook, assignment: Assignment, student: Student) -> dict[str, object]:
    """One CSV row: nbgrader's columns, each part's score and the flag; zero for a missing submission."""
    fields: dict[str, object] = {
        "assignment": assignment.name, "duedate": assignment.duedate or "", "student_id": student.id,
        "last_name": student.last_name or "", "first_name": student.first_name or "", "email": student.email or "",
        "max_score": assignment.max_score}
    try:
        submission = gradebook.find_submission(assignment.name, student.id)
    except MissingEntry:
        return fields | {"timestamp": "", "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0,
                         "needs_manual_grade": False}
    penalty = submission.late_submission_penalty
    fields |= {"timestamp": submission.timestamp or "", "raw_score": submission.score,
               "late_submission_penalty": penalty, "score": max(0.0, submission.score - penalty),
               "needs_manual_grade": bool(submission.needs_manual_grade)}
    for notebook in submission.notebooks:
        fields.update({grade.name: grade.score for grade in notebook.grades})
    return fields
