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

Then the grading step alone (the batch that ``make autograde`` runs before
nbgrader records) is timed three more times on fresh copies of the class: in
the local pool of 2 processes, and on a local Dask cluster (TLS, as a real
one) of 1 and of 2 single-threaded workers through ``GRADING_SCHEDULER``. It
prints each one's submissions per minute, the scaling efficiency (2-worker
throughput / 2 x 1-worker throughput), and the cluster's own cost per job
(scheduler round trip, shipping the notebook and the result, checking and
caching it), with what that means for 100 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from grader.sealed import batch, cluster  # noqa: E402
from grader.sealed.sandbox import isolation  # noqa: E402
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


def grading_alone(course: Path, workers: int, scheduler: str = "") -> float:
    """Seconds of the batch alone on ``course`` (a fresh copy of the class): the local pool, or the cluster."""
    how, bounds, source_dir = batch.sealed_config(course)
    os.environ[cluster.VARIABLE] = scheduler
    start = time.perf_counter()
    batch.run(course, A1, None, bounds, workers, source_dir, how[A1])
    return time.perf_counter() - start


def _echo(source: str, submission: str, result: str) -> str:
    """A job that grades nothing: what is left of a job's cost is the cluster's."""
    return result


def job_overhead(client, course: Path, jobs: int = 200) -> tuple[float, float, int]:
    """The cluster's own cost per job, pipelined (seconds, ``jobs`` in flight together) and alone (a round trip's
    seconds), and the bytes one job ships: the notebooks of a real job out, a real result back, checked and cached."""
    from distributed import as_completed

    source = nbformat.read(notebook_of(course / "solutions" / A1), as_version=4)
    path = next((course / batch.CACHE).glob(f"*/{A1}/*.json"))
    submission = nbformat.writes(nbformat.read(course / "submitted" / path.parent.parent.name / A1 / f"{A1}.ipynb", 4))
    kept = json.loads(path.read_text())
    result = json.dumps({"results": kept["results"], "flags": kept["flags"], "seconds": kept["seconds"]})
    shipped = client.submit(cluster._same, nbformat.writes(source), key="bench-source")
    bounds = batch.Bounds(10, 60)
    out = Path(tempfile.mkdtemp(prefix="cnnlib-overhead-"))

    def finish(text: str, index: int) -> None:  # what the client does with each result
        graded, seconds = cluster.checked(text, source, bounds)
        batch.store(out / f"{index}.json", "key", graded, seconds)

    start = time.perf_counter()
    futures = [client.submit(_echo, shipped, submission, result, key=f"bench-{i}") for i in range(jobs)]
    for index, future in enumerate(as_completed(futures, loop=client.loop)):
        finish(future.result(), index)
    pipelined = (time.perf_counter() - start) / jobs
    alone = []
    for i in range(20):
        start = time.perf_counter()
        finish(client.submit(_echo, shipped, submission, result, key=f"bench-alone-{i}").result(), i)
        alone.append(time.perf_counter() - start)
    shutil.rmtree(out)
    return pipelined, statistics.median(alone), len(submission) + len(result)


def dask_figures(base: Path, sealed: Path, size: int, local_s: float) -> None:
    """The batch on a local Dask cluster of 1 and of 2 single-threaded workers, beside the local pool's ``local_s``."""
    import dask
    from distributed import Client, LocalCluster
    from distributed.security import Security

    temporary = Security.temporary()
    pems = {}
    for name, text in (("ca", temporary.tls_ca_file), ("cert", temporary.tls_client_cert), ("key", temporary.tls_client_key)):
        pems[name] = base / f"{name}.pem"
        pems[name].write_text(text)
    settings = {"distributed.comm.tls.ca-file": str(pems["ca"]), "distributed.comm.tls.client.cert": str(pems["cert"]),
                "distributed.comm.tls.client.key": str(pems["key"])}
    seconds = {}
    with dask.config.set(settings):
        for workers in (1, 2):
            course = base / f"dask-{workers}"
            shutil.copytree(sealed, course, ignore=shutil.ignore_patterns("autograded", "gradebook.db", "reports", "feedback"))
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, security=temporary,
                              dashboard_address=None, protocol="tls") as local:
                seconds[workers] = grading_alone(course, workers, local.scheduler_address)
                print(f"  batch on a Dask cluster of {workers} single-threaded worker(s): {seconds[workers]:.1f} s")
                if workers == 1:
                    with Client(local.scheduler_address, security=Security(), set_as_default=False) as client:
                        pipelined, alone, shipped = job_overhead(client, course)
    os.environ.pop(cluster.VARIABLE, None)
    rate = {name: 60 * size / s for name, s in (("local", local_s), (1, seconds[1]), (2, seconds[2]))}
    print(f"grading alone: local pool of 2 {rate['local']:6.1f}, Dask 1 worker {rate[1]:6.1f}, "
          f"Dask 2 workers {rate[2]:6.1f} submissions a minute")
    print(f"Dask scaling efficiency 1 -> 2 workers: {rate[2] / (2 * rate[1]):.2f} (target 0.8); "
          f"Dask 2 workers / local pool of 2: {rate[2] / rate['local']:.2f}")
    per_job = seconds[1] / size  # a worker's seconds per submission, this class's mix
    print(f"cluster cost per job: {1000 * pipelined:.1f} ms pipelined (200 in flight), {1000 * alone:.1f} ms for one "
          f"alone (round trip); {shipped / 1024:.0f} KiB shipped per job (submission out, result back; the "
          f"instructor's notebook once); a worker spends {per_job:.2f} s per submission here")
    demand = 100 / per_job
    print(f"100 workers on paper: they finish {demand:.0f} jobs a second; the client and scheduler, at "
          f"{1000 * pipelined:.1f} ms a job, keep up with {1 / pipelined:.0f} a second, so they would be busy "
          f"{100 * demand * pipelined:.0f}% of the time (at most {per_job / pipelined:.0f} workers before they are "
          f"the bottleneck), shipping {demand * shipped / 2**20:.1f} MiB/s")


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
    print(f"sealed {per_minute[1]:6.1f} submissions a minute: {per_minute[1] / per_minute[0]:.1f}x stock (target 10x)")
    differ = sorted(s for s in students if old.get((A1, s)) != new.get((A1, s)))
    same = len(students) - len(differ)
    print(f"same score in both: {same} of {len(students)}; different:")
    for student in differ:
        print(f"  {student:28} stock {old.get((A1, student), ('-',))[0]}  sealed {new.get((A1, student), ('-',))[0]}")
    records = {p.parent.parent.name: json.loads(p.read_text())["seconds"]
               for p in (sealed / "autograded" / ".sealed").glob(f"*/{A1}/*.json")}
    slowest = max(records, key=records.__getitem__)
    print(f"slowest sealed submission: {slowest}, {records[slowest]:.1f} s (bound: each cell 10 s, all cells 60 s)")
    local_alone = base / "local-alone"
    shutil.copytree(sealed, local_alone, ignore=shutil.ignore_patterns("autograded", "gradebook.db", "reports", "feedback"))
    local_s = timed("batch in the local pool of 2 processes", lambda: grading_alone(local_alone, 2))
    dask_figures(base, sealed, len(students), local_s)
    if options.report:
        options.report.mkdir(parents=True, exist_ok=True)
        shutil.copy(sealed / "reports" / f"{A1}.html", options.report)
        print(f"class report: {options.report / f'{A1}.html'}")
    shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
