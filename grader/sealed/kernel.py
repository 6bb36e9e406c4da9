"""Grade a notebook in a Jupyter kernel inside the sandbox, hidden tests included.

This is the isolation for an assignment that :mod:`.runner` cannot grade from
outside yet (assignment 4 passes torch modules between its tests and answers).
The kernel and nbgrader's own ``Execute`` run inside :mod:`.sandbox` (no
network, the course and home folders hidden, a throwaway folder, limits on
memory, processes and file size), so the submission cannot touch the
gradebook, the configuration, the environment or another submission, and every
cell has its own time bound, taken from the instructor's notebook. What stays
weaker than sealed grading: the tests share the kernel with the student's code,
so a verdict could be forged from an answer cell; the tampering scan flags such
code for the instructor. As in sealed grading, :func:`grade_in_kernel` builds the
notebook it runs from the instructor's notebook, with only the answers taken
from the submission, and reports each cell as a :class:`~.runner.CellResult`.

The sandbox's side (``python -m grader.sealed.kernel``) reads the
notebook and each cell's bound as JSON on stdin and writes one JSON line per
executed cell (its index, outputs and execution count), so a run stopped at the
submission's bound keeps the cells done before it. The grader's side,
:func:`run_notebook`, takes from those lines only the outputs of the cells it
sent: the cells' sources, metadata and number never come from the sandbox.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output

from grader.sealed import sandbox
from grader.sealed.runner import CellResult, Graded, read_submission
from grader.sealed.sandbox import Limits
from grader.sealed.structure import BOUNDS, Bounds

OUTPUT_LIMIT = 64 * 2**20  # bytes of outputs a notebook may send back; nbgrader's LimitOutput trims them further


def _outputs(line: bytes, cells: list[NotebookNode]) -> tuple[int, list[NotebookNode], int | None] | None:
    """One reported cell, checked: its index among ``cells``, its outputs as nbformat outputs, its count."""
    try:
        report = json.loads(line)
        index = int(report["index"])
        cell = cells[index]
        probe = nbformat.v4.new_code_cell(outputs=[nbformat.from_dict(output) for output in report["outputs"]])
        nbformat.validate(nbformat.v4.new_notebook(cells=[probe]))
    except (ValueError, KeyError, IndexError, TypeError, nbformat.ValidationError):
        return None
    if cell.cell_type != "code":
        return None
    count = report.get("execution_count")
    return index, probe.outputs, count if isinstance(count, int) else None


def run_notebook(nb: NotebookNode, seconds: list[float], workdir: Path, wall_seconds: float,
                 limits: Limits | None = None) -> list[str]:
    """Execute ``nb`` in a kernel in the sandbox, in place; the problems to flag (empty when all went well).

    Args:
        nb: the notebook to run (a submission with the hidden tests restored); its code cells' outputs are
            replaced by what they printed and raised.
        seconds: each cell's time bound, one per cell of ``nb`` (from the instructor's notebook).
        workdir: an empty folder, the only one the notebook's code can write.
        wall_seconds: the bound of the whole run; the cells not done by then get a TimeoutError.
        limits: the sandbox's resource limits.
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    request = json.dumps({"notebook": nbformat.writes(nb), "seconds": seconds}).encode()
    limits = limits or Limits(cpu_seconds=int(wall_seconds) + 1)
    box = sandbox.start([sys.executable, "-m", "grader.sealed.kernel"], workdir, limits,
                        stderr=subprocess.DEVNULL)
    assert box.process.stdin is not None and box.process.stdout is not None

    def send() -> None:
        try:
            box.process.stdin.write(request)
            box.process.stdin.close()
        except OSError:  # the sandbox ended before reading it all; reported below as cells not run
            pass

    threading.Thread(target=send, daemon=True).start()
    done: set[int] = set()
    problems: list[str] = []
    buffer, received, deadline = b"", 0, time.monotonic() + wall_seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([box.process.stdout], [], [], left)[0]:
                problems.append(f"the notebook ran past its bound of {wall_seconds:g} s and was stopped")
                break
            chunk = os.read(box.process.stdout.fileno(), 1 << 20)
            if not chunk:
                break
            received += len(chunk)
            if received > OUTPUT_LIMIT:
                problems.append(f"the notebook sent more than {OUTPUT_LIMIT // 2**20} MiB of outputs and was stopped")
                break
            *lines, buffer = (buffer + chunk).split(b"\n")
            for line in lines:
                reported = _outputs(line, nb.cells)
                if reported is None:
                    problems.append("the kernel's report of a cell could not be read; that cell counts as not run")
                    continue
                index, outputs, count = reported
                nb.cells[index].outputs, nb.cells[index].execution_count = outputs, count
                done.add(index)
    finally:
        sandbox.stop(box)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in done:
            reason = problems[0] if problems else "the kernel ended before this cell"
            cell.outputs = [new_output("error", ename="TimeoutError", evalue=f"not run: {reason}",
                                       traceback=[f"TimeoutError: not run: {reason}"])]
    return problems


def _result(grade_id: str, kind: str, cell: NotebookNode) -> CellResult:
    """What ``cell`` printed (its stdout) and the first error it raised, as sealed grading reports a cell."""
    printed = "".join(str(o.get("text", "")) for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    error = None
    if errors:
        error = {"ename": str(errors[0].ename), "evalue": str(errors[0].evalue),
                 "traceback": "\n".join(str(line) for line in errors[0].traceback)[-8000:]}
    return CellResult(grade_id, kind, printed, error)


def grade_in_kernel(source: NotebookNode, submission: NotebookNode, workdir: Path, limits: Limits | None = None,
                    bounds: Bounds = BOUNDS, others: dict[str, NotebookNode] | None = None) -> Graded:
    """Run the instructor's notebook with ``submission``'s answers in a sandboxed kernel; each cell's result.

    Args:
        source: the instructor's notebook (solutions and hidden tests).
        submission: the student's notebook; only its answer cells' sources are used.
        workdir: an empty folder, the only one the notebook's code can write.
        limits: the sandbox's resource limits (default: CPU time up to the submission's bound).
        bounds: each cell's time bound (unless the source notebook's cell sets its own) and the whole submission's.
        others: the other assignments' instructor notebooks by name, to recognise a notebook of one of them.
    """
    cells, answers, flags = read_submission(source, submission, bounds, libraries_allowed=True, others=others)
    by_id = {cell.grade_id: cell for cell in cells}
    nb = nbformat.v4.new_notebook(metadata=source.metadata)
    ids, seconds = [], []
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in by_id:
            nb.cells.append(nbformat.v4.new_code_cell(answers.get(grade_id, cell.source)))
            ids.append(grade_id)
            seconds.append(by_id[grade_id].seconds)
    problems = run_notebook(nb, seconds, workdir, bounds.of_submission(cells), limits)
    results = [_result(grade_id, by_id[grade_id].kind, cell) for grade_id, cell in zip(ids, nb.cells, strict=True)]
    return Graded(results, flags + [f"the kernel: {problem}" for problem in problems])


def _serve() -> None:
    """The sandbox's side: execute the notebook from stdin with nbgrader's Execute, reporting each cell."""
    from nbgrader.preprocessors import Execute

    request = json.loads(sys.stdin.buffer.read())
    nb, seconds = nbformat.reads(request["notebook"], as_version=4), request["seconds"]
    # Only this process writes the reports: the kernel (and anything the student's code starts) gets /dev/null.
    report = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    index_of = {id(cell): index for index, cell in enumerate(nb.cells)}

    class Reporting(Execute):
        def on_cell_executed(self, **kwargs: Any) -> None:
            super().on_cell_executed(**kwargs)
            cell = kwargs["cell"]
            line = {"index": kwargs["cell_index"], "outputs": cell.outputs, "execution_count": cell.execution_count}
            report.write(json.dumps(line) + "\n")
            report.flush()

    execute = Reporting(timeout_func=lambda cell: seconds[index_of[id(cell)]])
    execute.preprocess(nb, {"metadata": {"path": os.getcwd()}})


if __name__ == "__main__":
    _serve()
