"""Does nbgrader's whole pipeline grade the solutions, the blank release and realistic wrong answers as intended?"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlib.grading.mistakes import MISTAKES
from tests.assignments.course import (
    ASSIGNMENTS,
    BOOK_URL,
    SOLUTIONS,
    WRONG_ANSWERS,
    Course,
    failed_cells,
    notebook_of,
)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(course: Course, assignment: str) -> None:
    """Does the solution score every point?"""
    score, max_score = course.grades()[assignment, "solution"]
    assert max_score > 0 and score == max_score, course.cell_scores(assignment, "solution")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_gets_zero(course: Course, assignment: str) -> None:
    """Does the unanswered release score zero?"""
    assert course.grades()[assignment, "blank"][0] == 0, course.cell_scores(assignment, "blank")


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_wrong_answer_gets_the_expected_partial_marks(course: Course, wrong) -> None:
    """Does a realistic wrong answer lose exactly the points of the parts it gets wrong?"""
    scores = course.cell_scores(wrong.assignment, wrong.student)
    assert {name for name, (score, top) in scores.items() if score < top} == wrong.failed
    expected = sum(top for name, (_, top) in scores.items() if name not in wrong.failed)
    assert course.grades()[wrong.assignment, wrong.student][0] == expected


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_wrong_answer_passes_the_visible_tests_and_is_caught_by_hidden_ones(course: Course, wrong) -> None:
    """Does the student see the visible tests of the catching cell pass, while the hidden ones fail it?"""
    submitted = notebook_of(course.root / "submitted" / wrong.student / wrong.assignment)
    nb = nbformat.read(submitted, as_version=4)
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(submitted.parent)}}).execute()
    assert wrong.caught_by not in failed_cells(nb), "the visible tests already catch this mistake"
    assert wrong.caught_by in failed_cells(course.autograded(wrong.assignment, wrong.student))


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_feedback_and_formgrader_name_the_mistake_with_a_book_link(course: Course, wrong) -> None:
    """Do the student's feedback (with a link) and the instructor's autograded notebook name the known mistake?"""
    mistake = MISTAKES[wrong.mistake]
    opening = mistake.sentence.split("{")[0]
    page = html.unescape(course.feedback_html(wrong.assignment, wrong.student))
    link = f'<a href="{BOOK_URL}book/{mistake.page}.html">'
    assert re.search(r'class="cnnlib-diagnosis"><strong>Likely mistake:</strong> ' + re.escape(opening), page)
    assert link in page
    errors = [o.evalue for c in course.autograded(wrong.assignment, wrong.student).cells
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert any(f"Likely mistake: {opening}" in e for e in errors), errors


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _hidden_lines(assignment: str) -> set[str]:
    """Distinctive lines of an assignment's hidden tests (long enough not to occur elsewhere by chance)."""
    nb = nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4)
    hidden, visible = set(), set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif line.strip():
                (hidden if inside else visible).add(line.strip())
    return {line for line in hidden - visible if len(line) >= 25}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_never_shows_hidden_tests(course: Course, assignment: str) -> None:
    """Is no line of the hidden tests in any student's feedback HTML, while their placeholder is?"""
    hidden = _hidden_lines(assignment)
    assert hidden
    for student in course.submissions[assignment]:
        parser = _Text()
        parser.feed(course.feedback_html(assignment, student))
        text = "".join(parser.parts)
        assert "Hidden tests ran here" in text
        shown = [line for line in hidden if line in text]
        assert not shown, f"{student}'s feedback shows hidden test lines: {shown[:3]}"

