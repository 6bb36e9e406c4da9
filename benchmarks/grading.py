"""Grade one class twice, with stock nbgrader and sealed: throughput, isolation, and the scores compared.

Run from the repository root:

    .venv/bin/python benchmarks/grading.py [--stock-timeout 300]

The class holds 60 submissions of assignment 1: correct ones in three styles,
the realistic mistakes of ``tests/assignments/answers.py``, faulty ones (an
exit, an exception, empty answers), two that stall in an endless loop, and
cheats that patch the checks. The same submissions are graded in two
temporary courses with this repository's configuration: once with stock
``nbgrader autograde`` (every cell in one kernel, ``Execute.timeout`` per cell,
as the course graded before), once with ``make autograde`` (sealed, on every
core, each cell within ``cell_seconds``). It prints submissions per minute for
each, their ratio and the isolation in force, and the students whose scores
differ, with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnnlib.grading.sealed.sandbox import isolation  # noqa: E402
from tests.assignments.answers import STYLES, WRONG_ANSWERS  # noqa: E402
from tests.assignments.course import Course, answer, checked, make, nbgrader, new_course, notebook_of, submit  # noqa: E402

A1 = "a1_convolution"
FAULTY = {
    "exits": (("conv_params", "return F * F * C * K + K", "import os\n    os._exit(1)"),),
    "raises": (("zero_pad", "N, C, H, W = x.shape", "raise RuntimeError('unfinished')"),),
    "stalls-1": (("worked_numbers", "lecture_params = conv_params(3, 10, 5)", "while True:\n    pass"),),
    "stalls-2": (("conv_params", "return F * F * C * K + K", "while True:\n        pass"),),
    "cheats-allclose": (("conv_forward", "    return out\n", "    np.allclose = lambda *a, **k: True\n    return out * 0\n"),),
}


def build_class(root: Path, size: int) -> list[str]:
    """A course in ``root`` with ``size`` submissions of a1; the students' names."""
    new_course(root, [A1])
    release = nbformat.read(notebook_of(root / "exercises" / A1), as_version=4)
    solution = nbformat.read(notebook_of(root / "solutions" / A1), as_version=4)
    kinds = [("solution", answer(release, solution))]
    kinds += [(f"style-{name}", answer(release, solution, sources=sources)) for name, sources in STYLES[A1].items()]
    mistakes = [(w.student, answer(release, solution, w.edits)) for w in WRONG_ANSWERS if w.assignment == A1]
    faulty = [(name, answer(release, solution, edits)) for name, edits in FAULTY.items()]
    faulty.append(("blank", release))
    students = []
    for name, nb in mistakes + faulty:
        students.append(name)
        submit(root, A1, name, nb)
    for index in range(size - len(students)):
        name, nb = kinds[index % len(kinds)]
        students.append(f"{name}-{index}")
        submit(root, A1, students[-1], nb)
    return students


def timed(step: str, run) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"  {step}: {seconds:.1f} s")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=60, help="submissions in the class (default 60)")
    parser.add_argument("--stock-timeout", type=int, default=300, help="stock nbgrader's Execute.timeout (the course's: 300)")
    parser.add_argument("--report", type=Path, help="a folder to keep the sealed run's class report in")
    options = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cnnlib-grading-bench-"))
    stock, sealed = base / "stock", base / "sealed"
    stock.mkdir()
    students = build_class(stock, options.size)
    shutil.copytree(stock, sealed)
    with open(stock / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.SealedExecute.sealed_assignments = []\nc.Execute.timeout = {options.stock_timeout}\n")
    print(f"{len(students)} submissions of {A1} on {os.cpu_count()} cores; sealed isolation: {isolation()}")
    stock_s = timed("stock nbgrader autograde", lambda: nbgrader("autograde", A1, cwd=stock))
    sealed_s = timed("sealed make autograde", lambda: make("autograde", sealed, ASSIGNMENT=A1))
    for course in (stock, sealed):
        checked(nbgrader("export", "--to", "grades.csv", cwd=course), "nbgrader export")
    old, new = Course(stock).grades(), Course(sealed).grades()
    per_minute = [60 * len(students) / seconds for seconds in (stock_s, sealed_s)]
    print(f"stock  {per_minute[0]:6.1f} submissions a minute")
    print(f"sealed {per_minute[1]:6.1f} submissions a minute: {per_minute[1] / per_minute[0]:.1f}x stock (target 4x)")
    differ = sorted(s for s in students if old.get((A1, s)) != new.get((A1, s)))
    same = len(students) - len(differ)
    print(f"same score in both: {same} of {len(students)}; different:")
    for student in differ:
        print(f"  {student:28} stock {old.get((A1, student), ('-',))[0]}  sealed {new.get((A1, student), ('-',))[0]}")
    records = {p.parent.parent.name: json.loads(p.read_text())["seconds"]
               for p in (sealed / "autograded" / ".sealed").glob(f"*/{A1}/*.json")}
    slowest = max(records, key=records.__getitem__)
    print(f"slowest sealed submission: {slowest}, {records[slowest]:.1f} s (bound: each cell 10 s, all cells 60 s)")
    if options.report:
        options.report.mkdir(parents=True, exist_ok=True)
        shutil.copy(sealed / "reports" / f"{A1}.html", options.report)
        print(f"class report: {options.report / f'{A1}.html'}")
    shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
