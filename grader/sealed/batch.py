"""Grade a class sealed on every core, before nbgrader records the grades.

``python -m grader.sealed.batch COURSE [ASSIGNMENT [STUDENT]]`` grades
every submission of the sealed assignments (``SealedExecute.sealed_assignments``,
graded by :mod:`.runner`, and ``kernel_assignments``, graded by :mod:`.kernel`;
``cell_seconds`` and ``submission_seconds`` in ``COURSE/nbgrader_config.py``, the instructor's notebooks
in its source folder; ASSIGNMENT may be a pattern) in ``COURSE/submitted/`` in a pool of
worker processes, one per core, with a progress bar and an estimate of the
time left, and keeps each result in ``COURSE/autograded/.sealed/``, keyed by a
hash of the answers, the instructor's notebook and the time bounds.
:class:`~grader.sealed.execute.SealedExecute` then finds the result
there instead of grading again, so ``nbgrader autograde``, which writes the
gradebook one submission after another, only records.

Each submission's notebook is the one that holds the student's work
(:mod:`.choose`: a renamed or duplicated notebook is found and flagged), its cells
found by content and position (:mod:`.match`). A submission that cannot be graded
(no notebook, unreadable JSON, not a notebook, a sandbox that cannot start) gets its reason in
``autograded/.sealed/<student>/<assignment>/problem.json``, which the class report
lists in one table; the batch never stops on one. A reason seen on an earlier run
for the same files is a known failure: the student is listed in
``autograded/.sealed/<assignment>.known``, which ``make autograde`` hands to
nbgrader to skip, so that its traceback is not printed again.
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
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from traitlets.config.loader import PyFileConfigLoader

from grader.sealed import cluster
from grader.sealed.choose import choose, link_expected, read
from grader.sealed.kernel import grade_in_kernel
from grader.sealed.match import match
from grader.sealed.runner import CellResult, Graded, grade
from grader.sealed.sandbox import check, isolation
from grader.sealed.structure import BOUNDS, Bounds, answers_of, structure

CACHE = Path("autograded") / ".sealed"
GRADERS = {"sealed": grade, "kernel": grade_in_kernel}  # tests outside the sandbox, or in its kernel


def key(source: NotebookNode, submission: NotebookNode, bounds: Bounds) -> str:
    """What a sealed result depends on: the instructor's notebook, the submission's answers, the time bounds."""
    answers, _ = answers_of(match(source, submission).notebook, structure(source, bounds.cell))
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


def others_of(course: Path, source_dir: str, assignment: str) -> dict[str, NotebookNode]:
    """The other assignments' instructor notebooks by assignment, to recognise a notebook handed in for the wrong one."""
    found = {}
    for path in sorted((course / source_dir).glob("*/*.ipynb")):
        if path.parent.name != assignment:
            nb, _ = read(path)
            if nb is not None:
                found[path.parent.name] = nb
    return found


@dataclass
class Prepared:
    """A submission ready to grade: the instructor's notebook, the student's chosen notebook and its cache key."""

    source: NotebookNode
    submission: NotebookNode
    digest: str
    others: dict[str, NotebookNode]
    flags: list[str]  # the choice of notebook's own flags, kept beside the grader's


def prepare(root: Path, source_dir: str, student: str, assignment: str, notebook: str,
            bounds: Bounds) -> tuple[Prepared | None, str]:
    """Choose the notebook with the student's work and note any problem (on this machine, wherever it is graded);
    the submission ready to grade, or None when there is nothing to grade, and the problem, if any."""
    folder = root / "submitted" / student / assignment
    source = nbformat.read(root / source_dir / assignment / f"{notebook}.ipynb", as_version=4)
    others = others_of(root, source_dir, assignment)
    choice = choose(folder, notebook, source, others)
    link_expected(folder, notebook, choice)
    record_problem(root, student, assignment, choice.problem, folder, graded=choice.path is not None)
    if choice.path is None:
        return None, choice.problem
    submission, _ = read(choice.path)
    return Prepared(source, submission, key(source, submission, bounds), others, choice.flags), choice.problem


def _grade_one(course: str, source_dir: str, student: str, assignment: str, notebook: str,
               bounds: Bounds, how: str) -> tuple[str, float, str]:
    """Grade one submission into the cache (runs in a pool worker); its student, seconds and a problem, if any."""
    start = time.perf_counter()
    root = Path(course)
    ready, problem = prepare(root, source_dir, student, assignment, notebook, bounds)
    if ready is not None and cached(root, student, assignment, notebook, ready.digest) is None:
        with tempfile.TemporaryDirectory(prefix="cnnlib-submission-") as workdir:
            graded = GRADERS[how](ready.source, ready.submission, Path(workdir), bounds=bounds, others=ready.others)
        graded.flags[:0] = ready.flags
        store(root / CACHE / student / assignment / f"{notebook}.json", ready.digest, graded,
              time.perf_counter() - start)
    return student, time.perf_counter() - start, problem


def store(path: Path, digest: str, graded: Graded, seconds: float) -> None:
    """Write a result into the cache as :func:`cached` reads it; whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"key": digest, "results": [asdict(r) for r in graded.results],
                                   "flags": graded.flags, "seconds": seconds}))
    os.replace(partial, path)


def record_problem(course: Path, student: str, assignment: str, problem: str, folder: Path, graded: bool,
                   skip: bool = False) -> None:
    """Keep (or clear) why a submission could not be graded as handed in (``graded``: whether a notebook of it is
    graded all the same), with a digest of its files and how many runs have seen it: a problem seen before for the
    same files is a known failure, and so is one nbgrader must ``skip`` at once (a sandbox that cannot start)."""
    path = course / CACHE / student / assignment / "problem.json"
    if not problem:
        path.unlink(missing_ok=True)
        return
    files = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        files.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    try:
        before = json.loads(path.read_text())
    except (OSError, ValueError):
        before = {}
    runs = before.get("runs", 0) + 1 if before.get("digest") == files.hexdigest() else 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"problem": problem, "digest": files.hexdigest(), "runs": runs, "graded": graded,
                                "skip": skip}))


def problems(course: Path, assignment: str) -> dict[str, dict]:
    """Each student's recorded problem with ``assignment``: ``{"problem": reason, "runs": runs that saw it}``."""
    found = {}
    for path in sorted((course / CACHE).glob(f"*/{assignment}/problem.json")):
        try:
            found[path.parent.parent.name] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return found


def submissions(course: Path, assignment: str, student: str | None = None,
                source_dir: str = "solutions") -> list[tuple[str, str]]:
    """(student, notebook) for each of the instructor's notebooks of ``assignment`` in each student's submission,
    or one ``student``'s."""
    notebooks = sorted(p.stem for p in (course / source_dir / assignment).glob("*.ipynb"))
    folders = sorted(p for p in (course / "submitted").glob(f"*/{assignment}") if p.is_dir())
    return [(folder.parent.name, nb) for folder in folders if student in (None, folder.parent.name) for nb in notebooks]


def run(course: Path, assignment: str, student: str | None = None, bounds: Bounds = BOUNDS,
        workers: int | None = None, source_dir: str = "solutions", how: str = "sealed") -> dict[str, float]:
    """Grade every submission of ``assignment`` in parallel into the cache, ``how`` :data:`GRADERS` says; seconds
    per student."""
    todo = submissions(course, assignment, student, source_dir)
    way = "sealed" if how == "sealed" else "in a sandboxed kernel (tests beside the answers)"
    # The local cores, or the Dask cluster GRADING_SCHEDULER names; the first line says how many grade at once there.
    with cluster.pool(course, workers or os.cpu_count() or 1) as pool:
        print(f"Grading {len(todo)} submissions of {assignment} {way}, {pool.at_a_time()}. Isolation: {isolation()}")
        times: dict[str, float] = {}
        failed: list[str] = []
        broken = check() if todo else ""
        if broken:  # every cell would fail alike: nothing is graded, and nbgrader is told to skip them all
            print(f"The sandbox cannot start here ({broken}): no submission is graded")
            for who, _ in todo:
                folder = course / "submitted" / who / assignment
                record_problem(course, who, assignment, f"sandbox failure: {broken}", folder, graded=False, skip=True)
            failed, todo = [who for who, _ in todo], []
        start = time.perf_counter()
        futures = [pool.submit(_grade_one, str(course), source_dir, s, assignment, nb, bounds, how) for s, nb in todo]
        for done, future in enumerate(pool.as_completed(futures), 1):
            who, took, problem = future.result()
            times[who] = took
            elapsed = time.perf_counter() - start
            left = elapsed / done * (len(todo) - done)
            bar = "#" * (30 * done // len(todo))
            print(f"\r[{bar:30}] {done}/{len(todo)}  {elapsed:5.0f} s, about {left:4.0f} s left", end="", flush=True)
            failed += [who] if problem else []
    if todo:
        print()
    if failed:
        print(f"{len(failed)} of them could not be graded as handed in; the table at the end gives each reason")
    known = [who for who, seen in problems(course, assignment).items()
             if (seen["runs"] > 1 or seen.get("skip")) and not seen["graded"]]
    (course / CACHE).mkdir(parents=True, exist_ok=True)
    (course / CACHE / f"{assignment}.known").write_text(",".join(known))
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
