"""An assignment's grading structure, read from the instructor's notebook only.

Which cells are set-up, answers and tests, their points and time bounds, and
the names each answer gives to the tests: all of it comes from the source
notebook in ``solutions/``, never from a submission's metadata, which a
student can edit. :func:`answers_of` then takes each answer from a submission
whose cells :mod:`.match` has found, and says what looks wrong (a missing or
re-typed answer cell) without ever stopping the grading.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from nbformat import NotebookNode

DEFAULT_SECONDS = 30.0  # a cell's time bound unless the source notebook sets metadata cnnlib.seconds
SUBMISSION_SECONDS = 60.0  # all of a submission's cells together, besides what its long cells add


@dataclass(frozen=True)
class Bounds:
    """Time bounds: ``cell`` for each cell unless its metadata sets ``cnnlib.seconds``, and ``submission`` for
    all of a submission's cells together (plus the extra seconds its long cells are given)."""

    cell: float = DEFAULT_SECONDS
    submission: float = SUBMISSION_SECONDS

    def of_submission(self, cells: list[Cell]) -> float:
        """The whole submission's bound: ``submission`` plus what cells with a longer bound than ``cell`` add.

        >>> Bounds(10, 60).of_submission([Cell("train", "test", "", seconds=120), Cell("t", "test", "", seconds=10)])
        170.0
        """
        return self.submission + sum(max(0.0, cell.seconds - self.cell) for cell in cells)


BOUNDS = Bounds()  # the defaults


@dataclass(frozen=True)
class Cell:
    """One code cell of the instructor's notebook."""

    grade_id: str
    kind: str  # "setup" (locked code), "info" (locked code using the answers), "answer" (the student's), "test" (graded)
    source: str
    points: float = 0.0
    seconds: float = DEFAULT_SECONDS


class _Names(ast.NodeVisitor):
    """Names a piece of code loads and binds, anywhere in it (function bodies and comprehensions included)."""

    def __init__(self) -> None:
        self.loaded: set[str] = set()
        self.bound: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        (self.loaded if isinstance(node.ctx, ast.Load) else self.bound).add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self.bound.add(node.name)
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]:
            if arg:
                self.bound.add(arg.arg)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef  # noqa: N815 - ast.NodeVisitor's method names

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    def visit_alias(self, node: ast.alias) -> None:
        self.bound.add((node.asname or node.name).split(".")[0])

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)


def free_names(source: str) -> set[str]:
    """Names the code uses but never binds itself: what it takes from earlier cells.

    >>> sorted(free_names("def f(v):\\n    return conv(v) + b\\nx = f(1)"))
    ['b', 'conv']
    """
    names = _Names()
    names.visit(ast.parse(source))
    return names.loaded - names.bound - set(dir(builtins))


def defined_names(source: str) -> set[str]:
    """Names a cell binds at its top level: what later cells can use.

    >>> sorted(defined_names("import numpy as np\\ndef f(x):\\n    y = 1\\nz, w = 1, 2"))
    ['f', 'np', 'w', 'z']
    """
    found: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        else:
            names = _Names()
            names.visit(node)
            found |= names.bound
    return found


def structure(source: NotebookNode, seconds: float = DEFAULT_SECONDS) -> list[Cell]:
    """The code cells of the instructor's notebook that grading runs, in order (markdown answers are graded by hand).

    A locked cell that is neither an answer nor a test is set-up, or "info" when it
    uses a name an answer defines (it then runs with the student's code only). Each
    cell's time bound is its metadata's ``cnnlib.seconds``, or ``seconds``.
    """
    cells, given = [], set()
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or "grade_id" not in meta:
            continue
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "setup" if meta.get("locked") else ""
        if kind == "setup" and free_names(cell.source) & given:
            kind = "info"
        if kind == "answer":
            given |= defined_names(cell.source)
        if kind:
            bound = float(cell.metadata.get("cnnlib", {}).get("seconds", seconds))
            cells.append(Cell(meta["grade_id"], kind, cell.source, float(meta.get("points", 0) or 0), bound))
    return cells


def answers_of(submission: NotebookNode, cells: list[Cell]) -> tuple[dict[str, str], list[str]]:
    """Each answer's source in ``submission`` by grade_id, and the flags for the instructor.

    ``submission`` has its cells found already (:func:`~.match.match`): each answer is
    in the cell with its grade_id. One that is missing counts as empty and is flagged;
    one turned into a Markdown cell is graded as code, as the instructor's notebook has
    it, and flagged; a duplicated grade_id is flagged and its first cell used.
    """
    found: dict[str, list[NotebookNode]] = {}
    for cell in submission.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if isinstance(grade_id, str):
            found.setdefault(grade_id, []).append(cell)
    answers, flags = {}, []
    for cell in cells:
        if cell.kind != "answer":
            continue
        candidates = found.get(cell.grade_id, [])
        if len(candidates) > 1:
            flags.append(f"answer cell {cell.grade_id} appears {len(candidates)} times; the first is graded")
        if not candidates:
            flags.append(f"answer cell {cell.grade_id} is missing; it is graded as empty")
            answers[cell.grade_id] = ""
            continue
        if candidates[0].get("cell_type") != "code":
            flags.append(f"answer cell {cell.grade_id} was made a {candidates[0].get('cell_type')} cell; it is graded "
                         "as code, as the instructor's notebook has it")
        source = candidates[0].get("source", "")
        answers[cell.grade_id] = "".join(source) if isinstance(source, list) else str(source)
    return answers, flags
