"""Do the Makefile's grading operations treat every student fairly, and say what the instructor needs to know?

Each test runs the real targets (``make autograde``, ``make grades``, ``make release-feedback``) with
this repository's ``nbgrader_config.py`` on a small course of its own in a temporary folder, holding
assignment 1 only (17 points): late penalties, grading one student again, deleted or altered test
cells, the checksum warnings, the per-part export, feedback through the exchange and validate's width.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

import nbformat
import pytest

from tests.assignments.answers import WRONG_ANSWERS
from tests.assignments.course import (
    A1,
    Course,
    answered,
    cell,
    checked,
    make,
    nbgrader,
    notebook_of,
    submit,
    submit_through_exchange,
)

POINTS = {"test_output_size": 2.0, "test_zero_pad": 2.0, "test_correlate2d": 3.0, "test_conv_forward": 6.0,
          "test_conv_params": 1.0, "test_worked_numbers": 3.0}
KERNEL_FLIPPED = next(w for w in WRONG_ANSWERS if w.student == "kernel-flipped")
# The columns of nbgrader's own CSV export, which `make grades` keeps first.
NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]


def submitted_at(root: Path, student: str, nb: nbformat.NotebookNode, when: datetime.datetime) -> None:
    """Submit ``nb`` for ``student`` with the timestamp.txt that `nbgrader submit` writes (UTC, nbgrader's format)."""
    folder = submit(root, A1, student, nb).parent
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def grades_csv(root: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """`make grades`'s columns and its rows by student."""
    checked(make("grades", root), "make grades")
    with open(root / "grades.csv", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), {row["student_id"]: row for row in reader}


def parts(row: dict[str, str]) -> dict[str, float]:
    return {name: float(row[name]) for name in POINTS}


def test_late_submission_loses_exactly_the_configured_penalty(a1_course: Path) -> None:
    """Does a late submission lose exactly the configured penalty per started day, capped, and one on time nothing?"""
    with open(a1_course / "nbgrader_config.py", "a") as config:
        # Noon in Berlin in January is 11:00 UTC.
        config.write('\nc.LatePenalty.deadlines = {"a1_convolution": {"due": "2030-01-10 12:00:00 Europe/Berlin", '
                     '"percent_per_day": 10, "max_percent": 50}}\n')
    utc = datetime.datetime
    solution = answered(a1_course)
    submitted_at(a1_course, "on-time", solution, utc(2030, 1, 10, 10, 59))
    submitted_at(a1_course, "half-hour-late", solution, utc(2030, 1, 10, 11, 30))  # on time, were the zone ignored
    submitted_at(a1_course, "a-day-and-an-hour-late", solution, utc(2030, 1, 11, 12, 0))
    submitted_at(a1_course, "nine-days-late", solution, utc(2030, 1, 19, 11, 0))
    checked(make("autograde", a1_course), "make autograde")
    _, rows = grades_csv(a1_course)
    penalties = {"on-time": 0.0, "half-hour-late": 1.7, "a-day-and-an-hour-late": 3.4, "nine-days-late": 8.5}
    for student, penalty in penalties.items():
        row = rows[student]
        assert row["duedate"] == "2030-01-10 11:00:00"
        assert float(row["raw_score"]) == 17.0, student
        assert float(row["late_submission_penalty"]) == pytest.approx(penalty), student
        assert float(row["score"]) == pytest.approx(17.0 - penalty), student


def test_make_autograde_student_grades_that_student_again_and_no_one_else(a1_course: Path) -> None:
    """Does `make autograde STUDENT=id` grade that student's changed submission again and leave the others alone?"""
    submit(a1_course, A1, "resubmits", answered(a1_course, KERNEL_FLIPPED.edits))
    submit(a1_course, A1, "other", answered(a1_course))
    checked(make("autograde", a1_course), "make autograde")
    course = Course(a1_course)
    assert course.cell_scores(A1, "resubmits")["test_conv_forward"] == (0.0, 6.0)
    other = notebook_of(a1_course / "autograded" / "other" / A1)
    graded_once = other.stat().st_mtime_ns
    submit(a1_course, A1, "resubmits", answered(a1_course))  # the fixed notebook, e.g. after a regrade request
    again = checked(make("autograde", a1_course), "make autograde")
    assert "Skipping existing assignment" in again.stdout + again.stderr
    assert course.cell_scores(A1, "resubmits")["test_conv_forward"] == (0.0, 6.0), "plain autograde grades no one again"
    result = checked(make("autograde", a1_course, STUDENT="resubmits"), "make autograde STUDENT=resubmits")
    assert "/other/" not in result.stdout + result.stderr
    assert course.cell_scores(A1, "resubmits") == {name: (top, top) for name, top in POINTS.items()}
    assert other.stat().st_mtime_ns == graded_once


def test_deleted_or_altered_test_cells_cost_no_points_and_the_export_shows_each_part(a1_course: Path) -> None:
    """Does correct work keep its points when its test cell is deleted, made Markdown or stripped of its metadata,
    and does `make grades` show each part's score and which submission waits for a grader?"""
    submit(a1_course, A1, "intact", answered(a1_course))
    deleted = answered(a1_course)
    deleted.cells.remove(cell(deleted, "test_conv_forward"))
    submit(a1_course, A1, "deleted", deleted)
    wrong = answered(a1_course, KERNEL_FLIPPED.edits)  # the put-back cell grades: a wrong answer still fails it
    wrong.cells.remove(cell(wrong, "test_conv_forward"))
    submit(a1_course, A1, "deleted-wrong", wrong)
    markdown = answered(a1_course)
    test = cell(markdown, "test_conv_forward")
    markdown.cells[markdown.cells.index(test)] = nbformat.v4.new_markdown_cell(test.source, metadata=test.metadata)
    submit(a1_course, A1, "made-markdown", markdown)
    stripped = answered(a1_course)
    del cell(stripped, "test_conv_forward").metadata["nbgrader"]
    submit(a1_course, A1, "stripped", stripped)
    submit(a1_course, A1, "waits", answered(a1_course))
    checked(make("autograde", a1_course), "make autograde")
    # A part that waits for a grader (a written answer, or a cell the autograder could not score): set one by hand.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{a1_course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("test_conv_params", "a1_convolution", A1, "waits")
        grade.needs_manual_grade = True
        gradebook.db.commit()
    columns, rows = grades_csv(a1_course)
    assert columns == [*NBGRADER_COLUMNS, *POINTS, "needs_manual_grade"]
    for student in ("intact", "deleted", "made-markdown", "stripped"):
        assert parts(rows[student]) == POINTS, student
        assert float(rows[student]["score"]) == 17.0, student
        assert rows[student]["needs_manual_grade"] == "False", student
    assert parts(rows["deleted-wrong"]) == POINTS | {"test_conv_forward": 0.0, "test_worked_numbers": 0.0}
    assert rows["deleted-wrong"]["needs_manual_grade"] == "False"
    assert rows["waits"]["needs_manual_grade"] == "True"


def test_checksum_warnings_name_only_edited_test_cells(a1_course: Path) -> None:
    """Does autograde stay quiet about hidden tests put back into untouched test cells, and still name an edited visible test?"""
    submit(a1_course, A1, "untouched", answered(a1_course))
    edited = answered(a1_course)
    test = cell(edited, "test_output_size")
    test.source = test.source.replace("output_size(7, 3, stride=1), 5,", "output_size(7, 3, stride=1), 4 + 1,", 1)
    submit(a1_course, A1, "edited", edited)
    quiet = checked(make("autograde", a1_course, STUDENT="untouched"), "make autograde STUDENT=untouched")
    assert "Attribute 'checksum'" not in quiet.stdout + quiet.stderr
    loud = checked(make("autograde", a1_course, STUDENT="edited"), "make autograde STUDENT=edited")
    warnings = re.findall(r"Attribute '(\w+)' for cell (\w+) has changed!", loud.stdout + loud.stderr)
    assert warnings == [("checksum", "test_output_size")]
    # The edit is undone: the instructor's test, hidden part included, graded the submission.
    assert "4 + 1" not in cell(Course(a1_course).autograded(A1, "edited"), "test_output_size").source
    assert Course(a1_course).cell_scores(A1, "edited")["test_output_size"] == (2.0, 2.0)


def test_feedback_reaches_the_student_through_the_exchange(a1_course: Path, tmp_path: Path) -> None:
    """Does `make release-feedback` return feedback through the exchange for `nbgrader fetch_feedback`, skipping LMS uploads?"""
    exchange = tmp_path / "exchange"
    alice = submit_through_exchange(a1_course, exchange, tmp_path / "alice")
    submit(a1_course, A1, "bob", answered(a1_course))  # from an LMS: no way back through the exchange
    checked(make("autograde", a1_course), "make autograde")
    released = checked(make("release-feedback", a1_course, EXCHANGE=exchange), "make release-feedback")
    assert f"{A1}: not submitted through the exchange, so not released: bob" in released.stdout
    assert len(list((exchange / "deep-convnets" / "feedback").glob("*.html"))) == 1
    checked(nbgrader("fetch_feedback", A1, "--student=alice", cwd=alice.home, **alice.env), "nbgrader fetch_feedback")
    (fetched,) = (alice.home / A1 / "feedback").glob(f"*/{A1}.html")  # one folder per submission, named by its timestamp
    assert fetched.read_text() == (a1_course / "feedback" / "alice" / A1 / f"{A1}.html").read_text()
    assert "Score: 17.0 / 17.0" in fetched.read_text()


def test_validate_shows_the_grading_messages_whole(a1_course: Path, tmp_path: Path) -> None:
    """Does `nbgrader validate` print a failing check's message longer than nbgrader's default 90 characters uncut?"""
    notebook = tmp_path / f"{A1}.ipynb"
    nbformat.write(answered(a1_course, KERNEL_FLIPPED.edits), notebook)
    result = nbgrader("validate", str(notebook), cwd=a1_course, JUPYTER_CONFIG_PATH=str(a1_course))
    errors = [line for line in result.stdout.splitlines() if "AssertionError:" in line and "Traceback" not in line]
    assert errors and any(len(line) > 90 for line in errors), result.stdout[-3000:]
    assert not any(line.endswith("...") for line in errors), result.stdout[-3000:]
