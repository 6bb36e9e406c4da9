"""The assignments, their realistic wrong answers and a throw-away nbgrader course to grade them in.

:func:`build_course` runs nbgrader's real pipeline in a temporary folder:
``generate_assignment`` (the release), submissions under ``submitted/``,
``autograde``, ``generate_feedback`` and ``export``. The tests in this folder
share one such run through the session fixture in ``conftest.py``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tests.assignments.answers import ALL_WRONG_ANSWERS, STYLES, Edits

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
ASSIGNMENTS = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and list(p.glob("*.ipynb")))
# The feedback's book links are built from this during the test run.
BOOK_URL = "https://book.example.org/deep-convnets/"


def course_env(**extra: str) -> dict[str, str]:
    """This process's environment with the venv's bin first on PATH (nbgrader calls ``alembic`` from there)."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                CNNLIB_BOOK_URL=BOOK_URL, PYTHONHASHSEED="0", **extra)


def nbgrader(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in ``cwd`` with :func:`course_env` plus the variables ``env``."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=course_env(**env),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)


def make_command(target: str, root: Path, **variables: str | Path) -> list[str]:
    """The command that runs the repository Makefile's ``target`` on the course in ``root``, with this interpreter's venv.

    The Makefile sets nbgrader's environment itself; ``-o`` takes the venv's set-up as done, since
    the course folder has no requirements.txt to compare it with.
    """
    venv = Path(sys.prefix)
    return ["make", "--no-print-directory", "-f", str(REPO / "Makefile"), "-C", str(root),
            "-o", str(venv / ".installed"), f"VENV={venv}", *(f"{k}={v}" for k, v in variables.items()), target]


def make(target: str, root: Path, **variables: str | Path) -> subprocess.CompletedProcess:
    """Run :func:`make_command` to its end."""
    return subprocess.run(make_command(target, root, **variables), env=dict(os.environ, CNNLIB_BOOK_URL=BOOK_URL),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)


def checked(result: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    """``result``, or RuntimeError with the end of its output when the command failed."""
    if result.returncode:
        raise RuntimeError(f"{what} failed (exit status {result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}")
    return result


def new_course(root: Path, assignments: Iterable[str] = ASSIGNMENTS) -> None:
    """Make ``root`` a course with this repository's configuration and ``assignments``, released into exercises/."""
    shutil.copy(REPO / "nbgrader_config.py", root)
    for assignment in assignments:
        shutil.copytree(SOLUTIONS / assignment, root / "solutions" / assignment)
    checked(nbgrader("generate_assignment", "*", "--force", cwd=root), "nbgrader generate_assignment")


def submit(root: Path, assignment: str, student: str, nb: nbformat.NotebookNode) -> Path:
    """Put ``nb`` in ``root``'s submitted/ as ``student``'s notebook of ``assignment``; returns its path."""
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / notebook_of(root / "solutions" / assignment).name
    nbformat.write(nb, path)
    return path


def notebook_of(folder: Path) -> Path:
    """The single notebook of an assignment folder."""
    (path,) = folder.glob("*.ipynb")
    return path


A1 = "a1_convolution"  # the assignment the collection and operations tests use: it grades fastest


def answered(root: Path, edits: Edits = (), assignment: str = A1) -> nbformat.NotebookNode:
    """``assignment``'s release in the course ``root`` answered with the solution, then ``edits`` applied."""
    release = nbformat.read(notebook_of(root / "exercises" / assignment), as_version=4)
    return answer(release, nbformat.read(notebook_of(root / "solutions" / assignment), as_version=4), edits)


@dataclass(frozen=True)
class ExchangeStudent:
    """A student who fetched a1 from the exchange and submitted it: her folder, environment and notebook."""

    home: Path
    env: dict[str, str]
    notebook: Path


def submit_through_exchange(root: Path, exchange: Path, home: Path, student: str = "alice") -> ExchangeStudent:
    """`make release-exchange`, then ``student`` fetches a1 into ``home``, answers it and submits it, then `make collect`."""
    checked(make("release-exchange", root, EXCHANGE=exchange), "make release-exchange")
    home.mkdir()
    # The student's side as `make lab` sets it up: the course's configuration and exchange, her own data folder.
    env = {"JUPYTER_CONFIG_PATH": str(root), "NBGRADER_EXCHANGE": str(exchange), "JUPYTER_DATA_DIR": str(home / ".data")}
    checked(nbgrader("fetch_assignment", A1, cwd=home, **env), "nbgrader fetch_assignment")
    fetched = notebook_of(home / A1)
    nbformat.write(answered(root), fetched)
    # On a JupyterHub the student is her login name; this machine's user is someone else, so --student names her.
    checked(nbgrader("submit", A1, f"--student={student}", cwd=home, **env), "nbgrader submit")
    checked(make("collect", root, EXCHANGE=exchange), "make collect")
    return ExchangeStudent(home, env, fetched)


def answer(release: nbformat.NotebookNode, solution: nbformat.NotebookNode, edits: Edits = (),
           sources: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A student's submission: the release with its answer cells filled from the solution, then ``edits`` applied.

    ``sources`` replaces whole answer cells by grade_id (a style of :data:`answers.STYLES`).
    """
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    answers.update({grade_id: source.strip("\n") for grade_id, source in (sources or {}).items()})
    for grade_id, old, new in edits:
        if answers[grade_id].count(old) != 1:
            raise ValueError(f"edit {old!r} must occur exactly once in solution cell {grade_id!r}")
        answers[grade_id] = answers[grade_id].replace(old, new)
    submission = nbformat.from_dict(release)
    for cell in submission.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
    return submission


@dataclass
class Course:
    """Results of one run of nbgrader's pipeline over every assignment."""

    root: Path
    submissions: dict[str, list[str]] = field(default_factory=dict)  # students per assignment
    logs: dict[str, str] = field(default_factory=dict)

    def grades(self) -> dict[tuple[str, str], tuple[float, float]]:
        """(assignment, student) -> (score, max_score) from ``nbgrader export``'s CSV."""
        with open(self.root / "grades.csv", newline="") as f:
            return {(r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"]))
                    for r in csv.DictReader(f)}

    def cell_scores(self, assignment: str, student: str) -> dict[str, tuple[float, float]]:
        """Test cell grade_id -> (score, max_score) from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            notebook = notebook_of(SOLUTIONS / assignment).stem
            nb = gb.find_submission_notebook(notebook, assignment, student)
            return {g.name: (g.score, g.max_score) for g in nb.grades}

    def feedback_html(self, assignment: str, student: str) -> str:
        (page,) = (self.root / "feedback" / student / assignment).glob("*.html")
        return page.read_text()

    def autograded(self, assignment: str, student: str) -> nbformat.NotebookNode:
        return nbformat.read(notebook_of(self.root / "autograded" / student / assignment), as_version=4)


def cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The one cell of ``nb`` with nbgrader grade_id ``grade_id``."""
    (found,) = (c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return found


def failed_cells(nb: nbformat.NotebookNode) -> set[str]:
    """grade_ids of the test cells of an executed notebook that raised."""
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
            and any(o.output_type == "error" for o in c.get("outputs", []))}


def build_course(root: Path) -> Course:
    """Release every assignment, submit the solution, the other styles, the blank release and the wrong answers, grade
    them with `make autograde`."""
    course = Course(root)
    new_course(root)
    for assignment in ASSIGNMENTS:
        release = nbformat.read(notebook_of(root / "exercises" / assignment), as_version=4)
        solution = nbformat.read(notebook_of(SOLUTIONS / assignment), as_version=4)
        students = {"solution": answer(release, solution), "blank": release}
        students.update({f"style-{name}": answer(release, solution, sources=sources)
                         for name, sources in STYLES.get(assignment, {}).items()})
        students.update({w.student: answer(release, solution, w.edits) for w in ALL_WRONG_ANSWERS
                         if w.assignment == assignment})
        for student, nb in students.items():
            submit(root, assignment, student, nb)
        course.submissions[assignment] = sorted(students)
    # As an instructor grades: one batch over every assignment on all cores, then nbgrader records each.
    result = checked(make("autograde", root), "make autograde")
    course.logs["autograde"] = result.stdout + result.stderr
    for step in (("generate_feedback", "*"), ("export", "--to", "grades.csv")):
        result = checked(nbgrader(*step, cwd=root), f"nbgrader {' '.join(step)}")
        course.logs[step[0]] = result.stdout + result.stderr
    return course


def hidden_lines(assignment: str) -> set[str]:
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
    # A hidden line that is part of a visible one (a call's closing argument, say) gives nothing away.
    return {line for line in hidden - visible if len(line) >= 25 and not any(line in seen for seen in visible)}
