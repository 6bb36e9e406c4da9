"""Does a class graded on a Dask cluster get the scores local grading gives, once each, and nothing more?

The cluster is real: a scheduler and two single-threaded workers started here as
separate processes on localhost, with temporary TLS certificates, and ``make
autograde`` reaching them through ``GRADING_SCHEDULER`` as an instructor would.
The reference is local grading (``make autograde`` without a scheduler) of each
kind of submission once. The checks on a worker's result (:func:`cluster.checked`)
are tested on forged results, without a cluster.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import nbformat
import psutil
import pytest

from grader.sealed import batch, cluster, report
from grader.sealed.batch import CACHE
from grader.sealed.structure import Bounds, structure
from tests.assignments.answers import STYLES, WRONG_ANSWERS
from tests.assignments.course import A1, answer, course_env, make_command, nbgrader, new_course, notebook_of, submit

CLASS_SIZE = 40
FAULTY = {  # edits of the solution (as in benchmarks/grading.py), and the blank release
    "exits": (("conv_params", "return F * F * C * K + K", "import os\n    os._exit(1)"),),
    "raises": (("zero_pad", "N, C, H, W = x.shape", "raise RuntimeError('unfinished')"),),
}


def kinds(root: Path) -> dict[str, nbformat.NotebookNode]:
    """Every kind of a1 submission the test course has: correct (three styles), wrong, faulty; by name."""
    release = nbformat.read(notebook_of(root / "exercises" / A1), as_version=4)
    solution = nbformat.read(notebook_of(root / "solutions" / A1), as_version=4)
    found = {"solution": answer(release, solution), "blank": release}
    found |= {f"style-{name}": answer(release, solution, sources=s) for name, s in STYLES[A1].items()}
    found |= {w.student: answer(release, solution, w.edits) for w in WRONG_ANSWERS if w.assignment == A1}
    return found | {name: answer(release, solution, edits) for name, edits in FAULTY.items()}


def gradebook(root: Path) -> tuple[Counter, dict[str, float]]:
    """How many a1 submissions the gradebook holds per student, and each one's score."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        rows = [(s.student.id, s.score) for s in gb.assignment_submissions(A1)]
    return Counter(student for student, _ in rows), dict(rows)


class Cluster:
    """A Dask scheduler and ``workers`` single-threaded workers on localhost, TLS only, as separate processes.

    Every process they start is noted while they run (:meth:`note`); on leaving, all of them are stopped.
    """

    def __init__(self, folder: Path, workers: int = 2) -> None:
        from distributed.security import Security

        self.folder, self.size = folder, workers
        folder.mkdir()
        temporary = Security.temporary()  # one self-signed authority and certificate, held in memory
        self.ca, self.cert, self.key = (folder / name for name in ("ca.pem", "cert.pem", "key.pem"))
        for path, text in zip((self.ca, self.cert, self.key),
                              (temporary.tls_ca_file, temporary.tls_client_cert, temporary.tls_client_key), strict=True):
            path.write_text(text)
        self.processes: list[subprocess.Popen] = []
        self.seen: set[tuple[int, float]] = set()  # (pid, start time) of every process noted

    def _start(self, name: str, module: str, *args: str) -> subprocess.Popen:
        tls = ["--tls-ca-file", str(self.ca), "--tls-cert", str(self.cert), "--tls-key", str(self.key)]
        (self.folder / name).mkdir()
        env = dict(os.environ, TMPDIR=str(self.folder / name))  # the sandboxes' folders, named in their commands
        process = subprocess.Popen([sys.executable, "-m", module, *args, *tls], cwd=self.folder / name, env=env,
                                   stdout=open(self.folder / f"{name}.log", "w"), stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes.append(process)
        return process

    def _wait(self, what: str, ready, seconds: float = 60, beside: subprocess.Popen | None = None) -> None:
        """Wait until ``ready()``; TimeoutError after ``seconds`` or once the process ``beside`` has ended."""
        until = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > until or (beside and beside.poll() is not None):
                logs = "\n".join(p.read_text()[-1500:] for p in self.folder.glob("*.log"))
                raise TimeoutError(f"{what} did not happen within {seconds} s; the logs:\n{logs}")
            self.note()
            time.sleep(0.2)

    def __enter__(self) -> Cluster:
        try:
            scheduler_file = self.folder / "scheduler.json"
            self._start("scheduler", "distributed.cli.dask_scheduler", "--protocol", "tls", "--host", "127.0.0.1",
                        "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file))
            self._wait("the scheduler's start", scheduler_file.exists)
            self.address = json.loads(scheduler_file.read_text())["address"]
            for index in range(self.size):
                self._start(f"worker-{index}", "distributed.cli.dask_worker", self.address, "--nthreads", "1",
                            "--no-nanny", "--no-dashboard", "--name", f"worker-{index}")
            logs = [self.folder / f"worker-{index}.log" for index in range(self.size)]
            self._wait("the workers' registration", lambda: all("Registered to" in log.read_text() for log in logs))
        except BaseException:
            self.__exit__()
            raise
        return self

    def env(self) -> dict[str, str]:
        """A client's environment: Dask's TLS settings, with the course's certificate, and the scheduler's address."""
        return {"DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(self.ca), "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(self.cert),
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(self.key), cluster.VARIABLE: self.address}

    def note(self) -> None:
        """Note every process the cluster's processes have started by now (bubblewrap and the sandboxed ones too)."""
        for process in self.processes:
            try:
                found = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
                self.seen |= {(p.pid, p.create_time()) for p in found}
            except psutil.NoSuchProcess:
                pass

    def busy(self, index: int) -> bool:
        """Is worker ``index`` grading a submission (has it a sandbox running)?"""
        self.note()
        try:
            return any(p.name() == "bwrap" for p in psutil.Process(self.processes[1 + index].pid).children(recursive=True))
        except psutil.NoSuchProcess:
            return False

    def kill_worker(self, index: int) -> None:
        os.killpg(self.processes[1 + index].pid, signal.SIGKILL)
        self.processes[1 + index].wait()

    def left(self) -> list[str]:
        """The processes noted, or naming the cluster's folder, that are still running."""
        alive = []
        for process in psutil.process_iter(["pid", "cmdline", "create_time"]):
            try:
                named = str(self.folder) in " ".join(process.info["cmdline"] or [])
                if named or (process.info["pid"], process.info["create_time"]) in self.seen:
                    alive.append(f"{process.info['pid']}: {' '.join(process.info['cmdline'] or [])[:200]}")
            except psutil.Error:
                pass
        return alive

    def __exit__(self, *exc: object) -> None:
        self.note()
        for process in reversed(self.processes):  # the workers first, then the scheduler
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                process.wait()


def cached(course: Path) -> dict[Path, int]:
    """The cache's results of a1, with their modification times."""
    return {path: path.stat().st_mtime_ns for path in (course / CACHE).glob(f"*/{A1}/*.json")}


@pytest.mark.slow
def test_a_class_graded_on_the_cluster_scores_as_graded_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a worker killed mid-job and the batch interrupted and run again, does each of 40 students get the score
    and flags local grading gives, once, in the gradebook and in the class report?"""
    monkeypatch.delenv(cluster.VARIABLE, raising=False)
    course, local = tmp_path / "course", tmp_path / "local"
    course.mkdir()
    new_course(course, [A1])
    shutil.copytree(course, local)
    every = kinds(course)
    for name, nb in every.items():  # the reference: each kind of submission once, graded locally
        submit(local, A1, name, nb)
    names = list(every)
    students = {f"{names[i % len(names)]}-{i}": names[i % len(names)] for i in range(CLASS_SIZE)}
    for student, name in students.items():
        submit(course, A1, student, every[name])
    how, bounds, source_dir = batch.sealed_config(course)
    batch.run(local, A1, None, bounds, 2, source_dir, how[A1])  # no scheduler: the local cores
    reference = local_scores(local, every)

    with Cluster(tmp_path / "cluster") as dask:
        env = course_env(**dask.env())
        with open(dask.folder / "batch.log", "w") as log:  # make autograde, as the instructor runs it
            interrupted = subprocess.Popen(make_command("autograde", course, ASSIGNMENT=A1), env=env, stdout=log,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                dask._wait("worker 0 grading after 4 results", lambda: len(cached(course)) >= 4 and dask.busy(0), 120,
                           interrupted)
                dask.kill_worker(0)
                dask._wait("15 results", lambda: len(cached(course)) >= 15, 120, interrupted)
            finally:
                os.killpg(interrupted.pid, signal.SIGKILL)
                interrupted.wait()
        kept = cached(course)
        assert 15 <= len(kept) < CLASS_SIZE, "the batch was interrupted with part of the class graded"
        resumed = subprocess.run([sys.executable, "-m", "grader.sealed.batch", str(course), A1], env=env,
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=400)
        dask.note()
    assert not dask.left(), f"processes left running: {dask.left()}"
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    sent = re.search(r"Sent (\d+) submissions to the cluster; (\d+) were graded already", resumed.stdout)
    assert sent, resumed.stdout[-3000:]
    assert (int(sent[1]), int(sent[2])) == (CLASS_SIZE - len(kept), len(kept)), "the resumed batch sends only the rest"
    assert {path: cached(course)[path] for path in kept} == kept, "the results kept before the interruption stay"
    first = (dask.folder / "batch.log").read_text()
    for log in (first, resumed.stdout):
        assert "not graded on the cluster" not in log, "every job is graded on the cluster, none left for nbgrader"
        assert log.count(" at a time") == 1, log[-3000:]
    # How many grade at once is the cluster's count of worker threads (two, then one after the kill), not this machine's.
    for log, threads in ((first, 2), (resumed.stdout, 1)):
        line = f"Grading {CLASS_SIZE} submissions of {A1} sealed, {threads} at a time on the Dask cluster at {dask.address}"
        assert line in log, log[-3000:]
    recorded = nbgrader("autograde", A1, cwd=course)  # records from the cache (the Makefile's next step)
    assert recorded.returncode == 0, recorded.stderr[-3000:]
    counts, scores = gradebook(course)
    assert counts == Counter(list(students)), "one submission per student in the gradebook"
    differ = {s: (scores[s], reference[kind]) for s, kind in students.items() if scores[s] != reference[kind]}
    assert not differ, f"scores on the cluster differ from local grading: {differ}"
    assert len(set(reference.values())) > 3, "the class's kinds of submission score differently"
    # The class report (the Makefile's last step) reads the gradebook and the cache the cluster wrote.
    assert report.main([str(course), A1]) == 0, "no submission is in the table of those that could not be graded"
    read = report.collect(course, A1)
    assert read.scores == {s: reference[kind] for s, kind in students.items()}
    assert set(read.seconds) == set(students) and all(t > 0 for t in read.seconds.values()), read.seconds
    flags = local_flags(local, every)
    assert {s: read.flags.get(s, []) for s in students} == {s: flags[kind] for s, kind in students.items()}
    assert any(flags.values()), "some kinds of submission are flagged"
    assert f"{CLASS_SIZE} submissions graded" in (course / "reports" / f"{A1}.html").read_text()


def local_scores(root: Path, every: dict[str, nbformat.NotebookNode]) -> dict[str, float]:
    """Each kind's score from the local batch's results: the points of the test cells it passed."""
    source = nbformat.read(notebook_of(root / "solutions" / A1), as_version=4)
    points = {cell.grade_id: cell.points for cell in structure(source) if cell.kind == "test"}
    scores = {}
    for name in every:
        (path,) = (root / CACHE / name / A1).glob("*.json")
        failed = {r["grade_id"] for r in json.loads(path.read_text())["results"] if r["error"]}
        scores[name] = sum(p for grade_id, p in points.items() if grade_id not in failed)
    return scores


def local_flags(root: Path, every: dict[str, nbformat.NotebookNode]) -> dict[str, list[str]]:
    """Each kind's flags from the local batch's results."""
    return {name: json.loads(next((root / CACHE / name / A1).glob("*.json")).read_text())["flags"] for name in every}


def test_the_scheduler_refuses_a_client_without_the_course_certificate(tmp_path: Path) -> None:
    """Can a client holding another authority's certificate reach the course's scheduler?"""
    from distributed import Client
    from distributed.security import Security

    with Cluster(tmp_path / "cluster", workers=0) as dask:
        course = Security(tls_ca_file=str(dask.ca), tls_client_cert=str(dask.cert), tls_client_key=str(dask.key),
                          require_encryption=True)
        with Client(dask.address, security=course, timeout="10s", set_as_default=False) as client:
            assert client.scheduler_info()["address"] == dask.address  # the course's own certificate gets in
        with pytest.raises((OSError, TimeoutError)):
            Client(dask.address, security=Security.temporary(), timeout="3s", set_as_default=False)
    assert not dask.left(), f"processes left running: {dask.left()}"


def test_a_plain_tcp_scheduler_is_refused_before_connecting() -> None:
    """Does the cluster pool refuse a scheduler address without TLS, naming the setting?"""
    with pytest.raises(ValueError, match=r"GRADING_SCHEDULER .* must be a tls:// address"):
        cluster.ClusterPool("tcp://127.0.0.1:8786")


def test_the_scheduler_comes_from_the_environment_before_the_configuration(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Does GRADING_SCHEDULER win over c.GradingCluster.scheduler, and does an unset one grade locally?"""
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.GradingCluster.scheduler = "tls://course:8786"\n')
    monkeypatch.delenv(cluster.VARIABLE, raising=False)
    assert cluster.scheduler_of(tmp_path) == "tls://course:8786"
    monkeypatch.setenv(cluster.VARIABLE, "tls://elsewhere:8786")
    assert cluster.scheduler_of(tmp_path) == "tls://elsewhere:8786"
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    monkeypatch.delenv(cluster.VARIABLE)
    assert cluster.scheduler_of(tmp_path) == ""


# A worker's result, forged: each of these must be refused, since a missing or unknown cell would move points.
SOURCE = nbformat.read(notebook_of(Path(__file__).resolve().parents[3] / "solutions" / A1), as_version=4)
BOUNDS = Bounds(10, 60)


def honest() -> dict:
    """A result as a worker sends it: every cell of a1 passed."""
    results = [{"grade_id": c.grade_id, "kind": c.kind, "output": "", "error": None, "seconds": 0.1}
               for c in structure(SOURCE, BOUNDS.cell)]
    return {"results": results, "flags": [], "seconds": 1.5}


def test_an_honest_result_is_taken_as_sent() -> None:
    """Does a well-formed result come through with every cell, its failed tests and its seconds?"""
    data = honest()
    failing = next(r for r in data["results"] if r["kind"] == "test")
    failing["error"] = {"ename": "AssertionError", "evalue": "wrong shape", "traceback": ""}
    graded, seconds = cluster.checked(json.dumps(data), SOURCE, BOUNDS)
    assert [r.grade_id for r in graded.results] == [r["grade_id"] for r in data["results"]]
    assert graded.failed() == {failing["grade_id"]} and seconds == 1.5


def forged(change) -> str:
    data = copy.deepcopy(honest())
    change(data)
    return json.dumps(data)


def _drop_a_test(data: dict) -> None:
    tests = [r for r in data["results"] if r["kind"] == "test"]
    data["results"].remove(tests[0])


@pytest.mark.parametrize("change", [
    _drop_a_test,  # a failing test left out would score as passed
    lambda d: d["results"].append(dict(d["results"][0], grade_id="extra-test", kind="test")),
    lambda d: d["results"].append(copy.deepcopy(d["results"][-1])),  # a cell twice
    lambda d: d["results"][0].update(kind="test" if d["results"][0]["kind"] != "test" else "answer"),
    lambda d: d["results"][0].update(output={"not": "text"}),
    lambda d: d["results"][0].update(error={"ename": 1}),
    lambda d: d["results"][0].update(path="/etc/passwd"),  # a field the grader does not have
    lambda d: d.update(flags=[{"not": "text"}]),
    lambda d: d.update(seconds="soon"),
], ids=["test-dropped", "unknown-cell", "cell-twice", "kind-changed", "output-not-text", "error-not-text",
        "unknown-field", "flag-not-text", "seconds-not-a-number"])
def test_a_forged_result_is_refused(change) -> None:
    """Is a result that does not match the instructor's notebook, or holds anything but text, refused?"""
    with pytest.raises((ValueError, TypeError)):
        cluster.checked(forged(change), SOURCE, BOUNDS)


@pytest.mark.parametrize(("threads", "sandbox", "refusal"), [
    (2, "bubblewrap (/usr/bin/bwrap): ...", "--nthreads 1"),  # two jobs would share one process's printed output
    (1, "NO SANDBOX: bubblewrap is not installed", "this worker does not grade: NO SANDBOX"),
], ids=["two-threads", "no-bubblewrap"])
def test_a_worker_that_cannot_grade_safely_refuses(threads: int, sandbox: str, refusal: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a worker with two threads, or without bubblewrap, refuse a job instead of grading it?"""
    from distributed import Client, LocalCluster

    monkeypatch.setattr(cluster, "isolation", lambda: sandbox)  # the worker runs in this process (processes=False)
    with LocalCluster(n_workers=1, threads_per_worker=threads, processes=False, dashboard_address=None) as local, \
            Client(local, set_as_default=False) as client:
        job = client.submit(cluster.grade_job, nbformat.writes(SOURCE), nbformat.writes(SOURCE), (10.0, 60.0), "sealed")
        with pytest.raises(RuntimeError, match=re.escape(refusal)):
            job.result()


def test_the_client_refuses_to_start_without_the_course_certificate() -> None:
    """Without a CA file and a client certificate in Dask's configuration, does the pool refuse before connecting?"""
    import dask

    with dask.config.set({"distributed.comm.tls.ca-file": None, "distributed.comm.tls.client.cert": None}):
        with pytest.raises(ValueError, match="distributed.comm.tls.ca-file"):
            cluster.ClusterPool("tls://127.0.0.1:8786")
