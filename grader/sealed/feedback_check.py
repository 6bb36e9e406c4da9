"""What ``make feedback`` did not do, said after it: the submissions left out, and the grades still pending.

``python -m grader.sealed.feedback_check COURSE [ASSIGNMENT [STUDENT]]``
names each submission in ``submitted/`` that has no feedback page (it could not be
graded: the class report's table says why), and warns about each one whose feedback
shows parts at zero because they wait for a grader (assignment 4's written answers):
grade them in the formgrader, then run ``make feedback`` again. Exit status 0: the
feedback is complete and final; 1: something was left out or is pending.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from grader.sealed.batch import problems


def left_out(course: Path, assignment: str, student: str | None = None) -> dict[str, str]:
    """Each student with a submission of ``assignment`` but no feedback page, and why, as far as it is known."""
    why = {who: seen["problem"] for who, seen in problems(course, assignment).items()}
    found = {}
    for folder in sorted((course / "submitted").glob(f"*/{assignment}")):
        who = folder.parent.name
        if student in (None, who) and not any((course / "feedback" / who / assignment).glob("*.html")):
            found[who] = why.get(who, "not autograded yet: run make autograde")
    return found


def pending(course: Path, assignment: str, student: str | None = None) -> dict[str, list[str]]:
    """Each student whose graded ``assignment`` has parts waiting for a grader, with their names."""
    found: dict[str, list[str]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        try:
            submissions = gradebook.assignment_submissions(assignment)
        except MissingEntry:
            return found
        for submission in submissions:
            if student not in (None, submission.student.id):
                continue
            parts = [grade.name for notebook in submission.notebooks for grade in notebook.grades
                     if grade.needs_manual_grade]
            if parts:
                found[submission.student.id] = parts
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("assignment", nargs="?", default="*", help="an assignment or a pattern (default: every one)")
    parser.add_argument("student", nargs="?")
    options = parser.parse_args(argv)
    course = options.course.resolve()
    assignments = sorted({p.name for p in (course / "submitted").glob("*/*")
                          if p.is_dir() and fnmatch.fnmatch(p.name, options.assignment)})
    complete = True
    for assignment in assignments:
        for who, why in left_out(course, assignment, options.student).items():
            print(f"{assignment}: no feedback for {who}: {why}")
            complete = False
        for who, parts in pending(course, assignment, options.student).items():
            print(f"WARNING {assignment}: {who}'s feedback shows {', '.join(parts)} at zero: waiting for a grader. "
                  "Grade them in the formgrader (make formgrader), then run make feedback again.")
            complete = False
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
