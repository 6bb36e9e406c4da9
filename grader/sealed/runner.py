"""Grade one submission sealed: its answers run in the sandbox, the tests and their verdicts outside it.

:func:`grade` walks the instructor's notebook (:mod:`.structure`). Set-up cells
run on both sides (a locked cell that uses the answers, like a timing shown to the
student, runs in the sandbox only). Each answer runs in the sandbox, and the names the
instructor's answer defines come back into the grader's namespace as plain
data or as proxies; the student's other names, modules and monkeypatches stay
in the sandbox. Each test cell runs in the grader's own process, in that
namespace, so ``np.allclose``, ``cnnlib`` and the assertions that judge an
answer are the grader's, not the student's. Every cell has its own time bound:
a cell that runs past it fails alone, the sandbox is restarted and the answers
before it are run again for the cells after it. All the cells of a submission
share its bound too (:class:`~.structure.Bounds`): once a submission has spent it,
stalling cell after cell, its remaining cells fail at once, so no submission
costs the batch more than its bound.
"""

from __future__ import annotations

import contextlib
import io
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from grader.sealed.endpoint import RemoteError, TimeoutReached
from grader.sealed.match import match
from grader.sealed.sandbox import Limits
from grader.sealed.scan import scan
from grader.sealed.session import Session
from grader.sealed.structure import BOUNDS, Bounds, Cell, answers_of, defined_names, structure
from grader.sealed.wire import WireError

SANDBOX_FAILURES = (TimeoutReached, EOFError, WireError, BrokenPipeError)


@dataclass
class CellResult:
    """What one cell did: its printed output and its error (``ename``, ``evalue``, ``traceback``) or None."""

    grade_id: str
    kind: str
    output: str = ""
    error: dict[str, str] | None = None
    seconds: float = 0.0


@dataclass
class Graded:
    """A submission's results, cell by cell, and what the instructor should look at (cells missing or
    duplicated, code that looks like tampering: flagged, never scored)."""

    results: list[CellResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def failed(self) -> set[str]:
        """The grade_ids of the test cells that failed."""
        return {r.grade_id for r in self.results if r.kind == "test" and r.error}


def _error(ename: str, evalue: str, tb: str = "") -> dict[str, str]:
    return {"ename": ename, "evalue": evalue, "traceback": tb}


class _Grading:
    """The state of one submission's grading: the sandbox, the grader's namespace, the answers run so far."""

    def __init__(self, cells: list[Cell], answers: dict[str, str], workdir: Path, limits: Limits | None,
                 seconds: float) -> None:
        self.cells, self.answers, self.workdir, self.limits = cells, answers, workdir, limits
        self.seconds = seconds
        self.until = time.monotonic() + seconds  # the submission's bound, for all its cells together
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        self.given = {c.grade_id: defined_names(c.source) for c in cells if c.kind == "answer"}
        self.done: list[Cell] = []  # set-up and answer cells run, in order, to replay after a restart
        self.session = Session(workdir, limits, self.until)

    def spent(self) -> bool:
        """Has the submission used up its bound?"""
        return time.monotonic() >= self.until

    def restart(self) -> None:
        """A new sandbox with the set-up and answers run so far (each within its bound; failures are ignored)."""
        self.session.close()
        self.session = Session(self.workdir, self.limits, self.until)
        for cell in self.done:
            try:
                self.session.exec(self.answers.get(cell.grade_id, cell.source), cell.seconds)
            except SANDBOX_FAILURES:
                self.session.close()
                self.session = Session(self.workdir, self.limits, self.until)
        for cell in self.done:
            if cell.kind == "answer":
                self.fetch(cell)

    def fetch(self, cell: Cell) -> None:
        """Bring the names that the instructor's answer ``cell`` defines from the sandbox into the grader's namespace."""
        for name in sorted(self.given[cell.grade_id]):
            try:
                self.namespace[name] = self.session.get(name, cell.seconds)
            except (NameError, RemoteError):  # not defined there: the tests that use it fail with NameError
                self.namespace.pop(name, None)

    def run_setup(self, cell: Cell) -> CellResult:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), self.namespace)  # noqa: S102 - instructor's code
        self.done.append(cell)
        if not self.spent():  # else no answer runs any more: the sandbox needs no set-up
            try:
                self.session.exec(cell.source, cell.seconds)
            except SANDBOX_FAILURES as failure:
                return CellResult(cell.grade_id, cell.kind, out.getvalue(), self.stopped(cell, failure))
        return CellResult(cell.grade_id, cell.kind, out.getvalue())

    def run_info(self, cell: Cell) -> CellResult:
        """A locked cell that uses the answers (a timing for the student, say): in the sandbox only, never graded."""
        try:
            ran = self.session.exec(cell.source, cell.seconds)
        except SANDBOX_FAILURES as failure:
            return CellResult(cell.grade_id, cell.kind, error=self.stopped(cell, failure))
        return CellResult(cell.grade_id, cell.kind, ran["output"], ran["error"])

    def run_answer(self, cell: Cell) -> CellResult:
        try:
            ran = self.session.exec(self.answers[cell.grade_id], cell.seconds)
        except SANDBOX_FAILURES as failure:
            return CellResult(cell.grade_id, cell.kind, error=self.stopped(cell, failure))
        self.done.append(cell)
        self.fetch(cell)
        return CellResult(cell.grade_id, cell.kind, ran["output"], ran["error"])

    def run_test(self, cell: Cell) -> CellResult:
        out = io.StringIO()
        self.session.endpoint.deadline = min(time.monotonic() + cell.seconds, self.until)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), self.namespace)  # noqa: S102 - instructor's code
        except SANDBOX_FAILURES as failure:
            return CellResult(cell.grade_id, cell.kind, out.getvalue(), self.stopped(cell, failure))
        except RemoteError as raised:
            return CellResult(cell.grade_id, cell.kind, out.getvalue(), _error(raised.ename, raised.evalue))
        except Exception as raised:
            lines = traceback.format_exception(type(raised), raised, raised.__traceback__)
            error = _error(type(raised).__name__, str(raised), "".join(lines[-3:]))
            return CellResult(cell.grade_id, cell.kind, out.getvalue(), error)
        finally:
            self.session.endpoint.deadline = None
        return CellResult(cell.grade_id, cell.kind, out.getvalue())


    def stopped(self, cell: Cell, failure: BaseException) -> dict[str, str]:
        """The error of a cell whose sandbox stalled or broke; a new sandbox for the cells after it."""
        if self.spent():
            return _error("TimeoutError", f"the submission ran out of its time bound of {self.seconds:g} s "
                                          "(all its cells together) in this cell, which was stopped")
        self.restart()
        if isinstance(failure, TimeoutReached):
            return _error("TimeoutError", f"the cell ran longer than its bound of {cell.seconds:g} s and was stopped")
        return _error("SandboxError", f"the submission's process ended or broke the protocol while this cell ran ({failure})")

    def out_of_time(self, cell: Cell) -> CellResult:
        """A cell not run: the submission spent its bound on the cells before it."""
        return CellResult(cell.grade_id, cell.kind, error=_error(
            "TimeoutError", f"not run: the submission used up its time bound of {self.seconds:g} s "
                            "(all its cells together) before this cell"))


def read_submission(source: NotebookNode, submission: NotebookNode, bounds: Bounds, *, libraries_allowed: bool = False,
                    others: dict[str, NotebookNode] | None = None) -> tuple[list[Cell], dict[str, str], list[str]]:
    """The grading structure from ``source``, ``submission``'s answers (its cells found by content and position,
    :func:`~.match.match`; ``others``: the other assignments' notebooks, to recognise one of them), and the flags
    for the instructor (cells changed, missing or copied, code that looks like tampering)."""
    cells = structure(source, bounds.cell)
    matched = match(source, submission, others)
    answers, flags = answers_of(matched.notebook, cells)
    flags = matched.flags + flags
    flags += [f"possible tampering: {finding}" for grade_id, code in answers.items()
              for finding in scan(grade_id, code, libraries_allowed=libraries_allowed)]
    return cells, answers, flags


def grade(source: NotebookNode, submission: NotebookNode, workdir: Path, limits: Limits | None = None,
          bounds: Bounds = BOUNDS, others: dict[str, NotebookNode] | None = None) -> Graded:
    """Run ``submission``'s answers sealed against ``source``'s tests; the result of every cell.

    Args:
        source: the instructor's notebook (solutions and hidden tests).
        submission: the student's notebook; only its answer cells' sources are used.
        workdir: an empty folder, the only one the submission's code can write.
        limits: the sandbox's resource limits.
        bounds: each cell's time bound (unless the source notebook's cell sets its own) and the whole submission's.
        others: the other assignments' instructor notebooks by name, to recognise a notebook of one of them.
    """
    cells, answers, flags = read_submission(source, submission, bounds, others=others)
    graded = Graded(flags=flags)
    grading = _Grading(cells, answers, workdir, limits, bounds.of_submission(cells))
    try:
        for cell in cells:
            start = time.perf_counter()
            run = {"setup": grading.run_setup, "info": grading.run_info, "answer": grading.run_answer,
                   "test": grading.run_test}[cell.kind]
            if grading.spent() and cell.kind != "setup":
                run = grading.out_of_time
            result = run(cell)
            result.seconds = time.perf_counter() - start
            graded.results.append(result)
    finally:
        grading.session.close()
    return graded
