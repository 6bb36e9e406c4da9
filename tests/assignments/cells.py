"""An assignment's cells as code: setup, answers and tests, with the names each defines and uses.

The independence and tolerance tests read the instructor's notebook through
this module: :func:`free_names` finds what a cell takes from earlier cells,
:func:`defined_names` what an answer cell gives to later ones, and
:func:`depends_on` which test cells must lose their points when one answer is
missing, by the closure the issue asks for (directly, or through answers built
on it).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from pathlib import Path

import nbformat

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
        for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs:
            self.bound.add(arg.arg)
        for arg in (arguments.vararg, arguments.kwarg):
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


def _names(source: str) -> _Names:
    names = _Names()
    names.visit(ast.parse(source))
    return names


def free_names(source: str) -> set[str]:
    """Names the code uses but never binds itself: what it takes from earlier cells.

    >>> sorted(free_names("def f(v):\\n    return conv(v) + b\\nx = f(1)"))
    ['b', 'conv']
    """
    names = _names(source)
    return names.loaded - names.bound - set(dir(builtins))


def defined_names(source: str) -> set[str]:
    """Names an answer cell binds at its top level: what later cells can use.

    >>> sorted(defined_names("import numpy as np\\ndef f(x):\\n    y = 1\\nz, w = 1, 2"))
    ['f', 'np', 'w', 'z']
    """
    found: set[str] = set()
    for node in ast.parse(source).body:
        names = _Names()
        names.visit(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        else:
            found |= names.bound
    return found


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
