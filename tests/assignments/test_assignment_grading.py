"""Does nbgrader's pipeline grade the solutions, correct answers in other styles, the blank release and mistakes as intended?"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlib.grading.book_sections import anchor
from cnnlib.grading.mistakes import MISTAKES
from tests.assignments.answers import ALL_WRONG_ANSWERS, STYLES, WrongAnswer
from tests.assignments.course import (
    ASSIGNMENTS,
    BOOK_URL,
    SOLUTIONS,
    Course,
    hidden_lines,
    notebook_of,
)

STYLED = [(a, name) for a in ASSIGNMENTS for name in STYLES.get(a, {})]


def written_answers(assignment: str) -> dict[str, float]:
    """The answers graded by hand (markdown cells with points), by grade_id, with their points."""
    nb = nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(course: Course, assignment: str) -> None:
    """Does the solution score every point the autograder gives, its written answers waiting for a grader?"""
    score, max_score = course.grades()[assignment, "solution"]
    by_hand = sum(written_answers(assignment).values())
    assert max_score > 0 and score == max_score - by_hand, course.cell_scores(assignment, "solution")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_gets_zero(course: Course, assignment: str) -> None:
    """Does the unanswered release score zero?"""
    assert course.grades()[assignment, "blank"][0] == 0, course.cell_scores(assignment, "blank")


@pytest.mark.parametrize(("assignment", "style"), STYLED, ids=[f"{a}-{s}" for a, s in STYLED])
def test_correct_answers_in_other_styles_get_full_marks(course: Course, assignment: str, style: str) -> None:
    """Does a correct answer written another way (vectorized, literal loops, lists for tuples) score every point?"""
    score, max_score = course.grades()[assignment, f"style-{style}"]
    by_hand = sum(written_answers(assignment).values())
    assert score == max_score - by_hand, course.cell_scores(assignment, f"style-{style}")


def _message(wrong: WrongAnswer) -> str:
    """What the catching cell's error must contain: the known mistake's opening words, or the phrase itself."""
    return f"Likely mistake: {MISTAKES[wrong.says].sentence.split('{')[0]}" if wrong.says in MISTAKES else wrong.says


@pytest.mark.parametrize("wrong", ALL_WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_wrong_answer_loses_exactly_its_parts(course: Course, wrong: WrongAnswer) -> None:
    """Does a realistic mistake lose the points of the parts it gets wrong (and of those built on them), and no others?"""
    written = written_answers(wrong.assignment)  # graded by hand later: no points from autograde
    scores = {name: score for name, score in course.cell_scores(wrong.assignment, wrong.student).items() if name not in written}
    assert {name for name, (score, top) in scores.items() if score < top} == wrong.failed
    expected = sum(top for name, (_, top) in scores.items() if name not in wrong.failed)
    assert course.grades()[wrong.assignment, wrong.student][0] == expected


@pytest.mark.parametrize("wrong", ALL_WRONG_ANSWERS, ids=lambda w: f"{w.assignment}-{w.student}")
def test_wrong_answer_is_named_where_the_student_looks(course: Course, wrong: WrongAnswer) -> None:
    """Do the student's own run of the visible tests and the autograded notebook both say what is wrong?"""
    submitted = notebook_of(course.root / "submitted" / wrong.student / wrong.assignment)
    nb = nbformat.read(submitted, as_version=4)
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(submitted.parent)}}).execute()
    graded = course.autograded(wrong.assignment, wrong.student)
    for notebook, where in ((nb, "the visible tests"), (graded, "the autograded notebook")):
        if notebook is nb and not wrong.visible:
            continue
        errors = [o.evalue for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == wrong.caught_by
                  for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors and _message(wrong) in errors[0], f"{where} of {wrong.caught_by} say {errors}"


NAMED = [w for w in ALL_WRONG_ANSWERS if w.says in MISTAKES]


@pytest.mark.parametrize("wrong", NAMED, ids=lambda w: f"{w.assignment}-{w.student}")
def test_feedback_names_the_mistake_once_with_a_book_link(course: Course, wrong: WrongAnswer) -> None:
    """Does the student's feedback name the known mistake once, as a paragraph with a link to its book section?"""
    mistake = MISTAKES[wrong.says]
    opening = mistake.sentence.split("{")[0]
    page = html.unescape(course.feedback_html(wrong.assignment, wrong.student))
    named = re.findall(r'class="cnnlib-diagnosis"><strong>Likely mistake:</strong> ' + re.escape(opening), page)
    assert len(named) == 1, f"named {len(named)} times"
    if mistake.page:  # the section's anchor when the mistake has one (cnnlib.grading.book_sections)
        assert f'<a href="{BOOK_URL}book/{mistake.page}.html{anchor(wrong.says)}">' in page


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_never_shows_hidden_tests(course: Course, assignment: str) -> None:
    """Is no line of the hidden tests in any student's feedback HTML, while their placeholder is?"""
    hidden = hidden_lines(assignment)
    assert hidden
    for student in course.submissions[assignment]:
        parser = _Text()
        parser.feed(course.feedback_html(assignment, student))
        text = "".join(parser.parts)
        assert "Hidden tests ran here" in text
        shown = [line for line in hidden if line in text]
        assert not shown, f"{student}'s feedback shows hidden test lines: {shown[:3]}"

