"""Grade a class sealed on every core, before nbgrader records the grades.

``python -m cnnlib.grading.sealed.batch COURSE [ASSIGNMENT [STUDENT]]`` grades
every submission of the sealed assignments (``SealedExecute.sealed_assignments``,
graded by :mod:`.runner`, and ``kernel_assignments``, graded by :mod:`.kernel`;
``cell_seconds`` and ``submission_seconds`` in ``COURSE/nbgrader_config.py``, the instructor's notebooks
in its source folder; ASSIGNMENT may be a pattern) in ``COURSE/submitted/`` in a pool of
worker processes, one per core, with a progress bar and an estimate of the
time left, and keeps each result in ``COURSE/autograded/.sealed/``, keyed by a
hash of the answers, the instructor's notebook and the time bounds.
:class:`~cnnlib.grading.sealed.execute.SealedExecute` then finds the result
there instead of grading again, so ``nbgrader autograde``, which writes the
gradebook one submission after another, only records. A submission that
cannot be read (not a notebook, an empty file) is reported and left for
nbgrader, which flags it; the batch never stops on one.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, astuple
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from traitlets.config.loader import PyFileConfigLoader

from cnnlib.grading.sealed import cluster
from cnnlib.grading.sealed.kernel import grade_in_kernel
from cnnlib.grading.sealed.runner import CellResult, Graded, grade
from cnnlib.grading.sealed.sandbox import isolation
from cnnlib.grading.sealed.structure import BOUNDS, Bounds, answers_of, structure

CACHE = Path("autograded") / ".sealed"
GRADERS = {"sealed": grade, "kernel": grade_in_kernel}  # tests outside the sandbox, or in its kernel


def key(source: NotebookNode, submission: NotebookNode, bounds: Bounds) -> str:
    """What a sealed result depends on: the instructor's notebook, the submission's answers, the time bounds."""
    answers, _ = answers_of(submission, structure(source, bounds.cell))
    text = json.dumps([nbformat.writes(source), answers, astuple(bounds)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def cached(course: Path, student: str, assignment: str, notebook: str, digest: str) -> Graded | None:
    """The result kept for this submission, if it was graded with the same answers, notebook and bounds."""
    path = course / CACHE / student / assignment / f"{notebook}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != digest:
        return None
    return Graded([CellResult(**r) for r in data["results"]], list(data["flags"]))


def _grade_one(course: str, source_dir: str, student: str, assignment: str, notebook: str,
               bounds: Bounds, how: str) -> tuple[str, float, str]:
    """Grade one submission into the cache (runs in a pool worker); its student, seconds and a problem, if any."""
    start = time.perf_counter()
    root = Path(course)
    try:
        source = nbformat.read(root / source_dir / assignment / f"{notebook}.ipynb", as_version=4)
        submission = nbformat.read(root / "submitted" / student / assignment / f"{notebook}.ipynb", as_version=4)
    except Exception as error:  # noqa: BLE001 - an unreadable submission is reported, never fatal
        return student, time.perf_counter() - start, f"cannot be read as a notebook ({type(error).__name__}: {error})"
    digest = key(source, submission, bounds)
    if cached(root, student, assignment, notebook, digest) is None:
        with tempfile.TemporaryDirectory(prefix="cnnlib-submission-") as workdir:
            graded = GRADERS[how](source, submission, Path(workdir), bounds=bounds)
        path = root / CACHE / student / assignment / f"{notebook}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        results = [asdict(r) for r in graded.results]
        path.write_text(json.dumps({"key": digest, "results": results, "flags": graded.flags,
                                    "seconds": time.perf_counter() - start}))
    return student, time.perf_counter() - start, ""


def submissions(course: Path, assignment: str, student: str | None = None) -> list[tuple[str, str]]:
    """(student, notebook) for each submitted notebook of ``assignment``, or of one ``student``."""
    found = []
    for folder in sorted((course / "submitted").glob(f"{student or '*'}/{assignment}")):
        found += [(folder.parent.name, path.stem) for path in sorted(folder.glob("*.ipynb"))]
    return found


def run(course: Path, assignment: str, student: str | None = None, bounds: Bounds = BOUNDS,
        workers: int | None = None, source_dir: str = "solutions", how: str = "sealed") -> dict[str, float]:
    """Grade every submission of ``assignment`` in parallel into the cache, ``how`` :data:`GRADERS` says; seconds
    per student."""
    todo = submissions(course, assignment, student)
    workers = workers or os.cpu_count() or 1
    way = "sealed" if how == "sealed" else "in a sandboxed kernel (tests beside the answers)"
    print(f"Grading {len(todo)} submissions of {assignment} {way}, {workers} at a time. Isolation: {isolation()}")
    times: dict[str, float] = {}
    start = time.perf_counter()
    with cluster.pool(course, workers) as pool:  # the local cores, or the Dask cluster GRADING_SCHEDULER names
        futures = [pool.submit(_grade_one, str(course), source_dir, s, assignment, nb, bounds, how) for s, nb in todo]
        for done, future in enumerate(pool.as_completed(futures), 1):
            who, took, problem = future.result()
            times[who] = took
            elapsed = time.perf_counter() - start
            left = elapsed / done * (len(todo) - done)
            bar = "#" * (30 * done // len(todo))
            print(f"\r[{bar:30}] {done}/{len(todo)}  {elapsed:5.0f} s, about {left:4.0f} s left", end="", flush=True)
            if problem:
                print(f"\n{who}: {problem}; nbgrader will flag it")
    if todo:
        print()
    return times


def sealed_config(course: Path) -> tuple[dict[str, str], Bounds, str]:
    """How each assignment graded in the sandbox is graded (``"sealed"`` or ``"kernel"``), the time bounds and the
    source folder, as the course's nbgrader_config.py sets them."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    sealed = config.get("SealedExecute", {})
    source_dir = str(config.get("CourseDirectory", {}).get("source_directory", "source"))
    bounds = Bounds(float(sealed.get("cell_seconds", Bounds.cell)), float(sealed.get("submission_seconds", Bounds.submission)))
    how = {a: "kernel" for a in sealed.get("kernel_assignments", [])}
    how |= {a: "sealed" for a in sealed.get("sealed_assignments", [])}
    return how, bounds, source_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("assignment", nargs="?", default="*", help="an assignment or a pattern (default: every one)")
    parser.add_argument("student", nargs="?")
    parser.add_argument("--workers", type=int, help="parallel submissions (default: the number of cores)")
    options = parser.parse_args(argv)
    course = options.course.resolve()
    assignments, bounds, source_dir = sealed_config(course)
    for assignment, how in assignments.items():
        if fnmatch.fnmatch(assignment, options.assignment):
            run(course, assignment, options.student or None, bounds, options.workers, source_dir, how)
    return 0


if __name__ == "__main__":
    sys.exit(main())
