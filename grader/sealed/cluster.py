"""Grade a class on a Dask distributed cluster instead of this machine's cores.

:mod:`.batch` hands its grading jobs to :func:`pool`: by default a pool of local
processes, one per core; with a scheduler address (``GRADING_SCHEDULER=tls://host:8786``,
or ``c.GradingCluster.scheduler`` in the course's ``nbgrader_config.py``) a
:class:`ClusterPool`, which sends each job to the workers of an existing Dask
cluster and writes the results into the same cache (``autograded/.sealed/``)
that ``nbgrader autograde`` records from.

Each job is plain text out and plain text back. The instructor's notebook
travels once per assignment (a small task that every job depends on), the
submission with its outputs cleared; on the worker, :func:`grade_job` runs the
same sandboxed grader as the local pool and returns the result as a JSON text.
This machine trusts nothing from a worker but that text's data: the client
deserializes results with msgpack only (never pickle), :func:`checked` accepts a
result only when it holds one result of the right kind for every cell of the
instructor's notebook and nothing else, and the cache key and path are
computed here. The connection uses Dask's TLS security, client, scheduler and
workers each authenticated by a certificate of the course's authority
(``distributed.comm.tls.*`` in Dask's configuration), since a Dask scheduler
runs the code its clients send.

Failures are Dask's to handle: a worker that dies mid-job has its jobs run on
the others (the scheduler gives up on a job after
``distributed.scheduler.allowed-failures`` lost workers), and a job that raises
is retried once. A job that still fails, or returns a result that does not pass
:func:`checked`, is reported and left without a cached result, so ``nbgrader
autograde`` grades it on this machine: the cluster never loses a submission.
An interrupted batch resumes: the jobs whose results are cached are not sent.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from dataclasses import asdict, astuple, dataclass, fields
from pathlib import Path
from typing import Any

import nbformat
from traitlets import Unicode
from traitlets.config import Configurable
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from grader.sealed.runner import CellResult, Graded
from grader.sealed.sandbox import isolation
from grader.sealed.structure import Bounds, structure

VARIABLE = "GRADING_SCHEDULER"
RETRIES = 1  # a job that raises runs once more (Dask's retries); a lost worker's jobs are rescheduled anyway
TEXT_LIMIT = 1_000_000  # characters of one cell's output or error in a result: the sandbox's own cut is 64 KiB


class GradingCluster(Configurable):
    """Where ``make autograde`` sends sealed grading jobs; the environment's ``GRADING_SCHEDULER`` wins."""

    scheduler = Unicode(
        "", help="A Dask scheduler's address, tls://host:port, or empty to grade on this machine's cores"
    ).tag(config=True)


def scheduler_of(course: Path) -> str:
    """The scheduler address for ``course``: ``GRADING_SCHEDULER``, else its nbgrader_config.py's, else ``""``."""
    if os.environ.get(VARIABLE):
        return os.environ[VARIABLE]
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except ConfigFileNotFound:  # a course without its own configuration grades on this machine
        return ""
    return GradingCluster(config=config).scheduler


def security():  # -> distributed.Security; imported late: grading on local cores needs no Dask
    """Dask's TLS security from its configuration, required: the course authority and this client's certificate."""
    from distributed.security import Security

    secure = Security(require_encryption=True)
    if not (secure.tls_ca_file and secure.tls_client_cert):
        raise ValueError("a Dask cluster is reached only over TLS: set distributed.comm.tls.ca-file, .client.cert and "
                         ".client.key in Dask's configuration (or DASK_DISTRIBUTED__COMM__TLS__CA_FILE, "
                         "..._CLIENT__CERT and ..._CLIENT__KEY)")
    return secure


def _same(text: str) -> str:
    """The instructor's notebook as a task's result, so that it travels to each worker once."""
    return text


def grade_job(source: str, submission: str, bounds: tuple[float, float], how: str, others: str = "{}") -> str:
    """Grade one submission on a worker: the notebooks' texts in, the result as a JSON text out.

    A worker without bubblewrap refuses, rather than run student code unsandboxed on a cluster machine, and so
    does a worker with more than one thread: the tests' printed output is captured per process.
    """
    from distributed import get_worker

    from grader.sealed.batch import GRADERS  # batch imports this module

    if not isolation().startswith("bubblewrap"):
        raise RuntimeError(f"this worker does not grade: {isolation()}")
    if get_worker().state.nthreads != 1:
        raise RuntimeError(f"this worker runs {get_worker().state.nthreads} threads; start sealed grading's workers with "
                           "--nthreads 1 (one process per core)")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cnnlib-submission-") as workdir:
        graded = GRADERS[how](nbformat.reads(source, as_version=4), nbformat.reads(submission, as_version=4),
                              Path(workdir), bounds=Bounds(*bounds),
                              others={name: nbformat.reads(text, as_version=4) for name, text in json.loads(others).items()})
    return json.dumps({"results": [asdict(r) for r in graded.results], "flags": graded.flags,
                       "seconds": time.perf_counter() - start})


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > TEXT_LIMIT:
        raise ValueError(f"{what} must be a string of at most {TEXT_LIMIT:,} characters")
    return value


def checked(text: str, source: nbformat.NotebookNode, bounds: Bounds) -> tuple[Graded, float]:
    """A worker's result, checked against the instructor's notebook ``source``: the graded cells and the seconds.

    ValueError unless it holds exactly one result for each of the notebook's cells, of that cell's kind, with
    strings for outputs and errors, and a list of strings for flags.
    """
    data = json.loads(_text(text, "a result"))
    expected = {cell.grade_id: cell.kind for cell in structure(source, bounds.cell)}
    if not isinstance(data, dict) or not isinstance(data.get("results"), list) or not isinstance(data.get("flags"), list):
        raise ValueError("a result must be an object with a list of results and a list of flags")
    known = {f.name for f in fields(CellResult)}
    results = []
    for item in data["results"]:
        if not isinstance(item, dict) or not set(item) <= known:
            raise ValueError(f"each cell's result must be an object with only the fields {sorted(known)}")
        result = CellResult(**item)
        if expected.get(result.grade_id) != result.kind:
            raise ValueError(f"the result names a cell {result.grade_id!r} of kind {result.kind!r}, "
                             "which the instructor's notebook does not have")
        _text(result.output, f"cell {result.grade_id!r}'s output")
        if result.error is not None:
            if not isinstance(result.error, dict) or not all(isinstance(k, str) for k in result.error):
                raise ValueError(f"cell {result.grade_id!r}'s error must be null or an object of strings")
            for part in result.error.values():
                _text(part, f"cell {result.grade_id!r}'s error")
        if not isinstance(result.seconds, int | float):
            raise ValueError(f"cell {result.grade_id!r}'s seconds must be a number")
        results.append(result)
    ids = [r.grade_id for r in results]
    if sorted(ids) != sorted(expected):
        raise ValueError(f"the result must hold every cell of the instructor's notebook once: {len(expected)} cells, "
                         f"got {len(ids)} ({len(set(ids))} different)")
    flags = [_text(flag, "a flag") for flag in data["flags"]]
    seconds = data.get("seconds")
    if not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise ValueError("a result's seconds must be a number")
    return Graded(results, flags), float(seconds)


@dataclass
class Job:
    """One submission's grading on the cluster; :meth:`result` as the local pool's: student, seconds, a problem."""

    student: str
    outcome: tuple[str, float, str] | None = None  # set when done
    future: Any = None  # the Dask future while it runs
    finish: Callable[[str], tuple[str, float, str]] | None = None

    def result(self) -> tuple[str, float, str]:
        assert self.outcome is not None, "a job's result is read after as_completed yields it"
        return self.outcome


class LocalPool(futures.ProcessPoolExecutor):
    """The local cores' pool, with the same ``as_completed`` and ``at_a_time`` as :class:`ClusterPool`."""

    as_completed = staticmethod(futures.as_completed)

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.workers = workers

    def at_a_time(self) -> str:
        """How many submissions are graded at once, for the batch's first line: ``"4 at a time"``."""
        return f"{self.workers} at a time"


class ClusterPool:
    """The batch's jobs on the Dask cluster at ``address``, their results checked and cached here."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        if not address.startswith("tls://"):
            raise ValueError(f"{VARIABLE} (or c.GradingCluster.scheduler) must be a tls:// address, since a Dask "
                             f"scheduler runs the code its clients send; got {address!r}")
        # Results are msgpack (plain text), never pickle: a worker cannot run code here through a result.
        self.client = Client(address, security=security(), deserializers=["msgpack", "error"], set_as_default=False)
        self.sources: dict[str, Any] = {}
        self.address = address
        self.sent = self.kept = 0

    def at_a_time(self) -> str:
        """How many submissions the cluster grades at once (its workers' threads when asked), for the batch's first
        line: ``"64 at a time on the Dask cluster at tls://host:8786 (its worker threads at the start)"``."""
        threads = sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values())
        return f"{threads} at a time on the Dask cluster at {self.address} (its worker threads at the start)"

    def submit(self, local: Callable[..., tuple[str, float, str]], course: str, source_dir: str, student: str,
               assignment: str, notebook: str, bounds: Bounds, how: str) -> Job:
        """Send one submission to the cluster, once this machine has chosen the notebook with the student's work
        (:func:`.batch.prepare`); one already graded, or with nothing to grade, is answered here at no cost."""
        from grader.sealed.batch import CACHE, cached, prepare, store  # batch imports this module

        root = Path(course)
        job = Job(student)
        ready, problem = prepare(root, source_dir, student, assignment, notebook, bounds)
        if ready is None or cached(root, student, assignment, notebook, ready.digest):
            self.kept += 1
            job.outcome = (student, 0.0, problem)
            return job
        submission = ready.submission
        for cell in submission.cells:  # the answers travel; the student's outputs are of no use to the grader
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        source_text = nbformat.writes(ready.source)
        others_text = json.dumps({name: nbformat.writes(nb) for name, nb in sorted(ready.others.items())})
        for text in (source_text, others_text):
            if text not in self.sources:
                name = hashlib.sha256(text.encode()).hexdigest()[:16]
                self.sources[text] = self.client.submit(_same, text, key=f"source-{assignment}-{name}")
        job.future = self.client.submit(grade_job, self.sources[source_text], nbformat.writes(submission),
                                         astuple(bounds), how, self.sources[others_text],
                                         key=f"grade-{assignment}-{student}-{ready.digest[:16]}", retries=RETRIES)
        path = root / CACHE / student / assignment / f"{notebook}.json"

        def finish(text: str) -> tuple[str, float, str]:
            graded, seconds = checked(text, ready.source, bounds)
            graded.flags[:0] = ready.flags
            store(path, ready.digest, graded, seconds)
            return student, seconds, problem

        job.finish = finish
        self.sent += 1
        return job

    def as_completed(self, jobs: Iterable[Job]) -> Iterator[Job]:
        """Each job as it completes (Dask's ``as_completed``), its result checked and cached first."""
        from distributed import as_completed

        jobs = list(jobs)
        yield from (job for job in jobs if job.outcome is not None)
        running = {job.future.key: job for job in jobs if job.outcome is None}
        for future in as_completed([job.future for job in running.values()], loop=self.client.loop):
            job = running[future.key]
            try:
                job.outcome = job.finish(future.result())
            except Exception as error:  # noqa: BLE001 - one failed job never stops the batch
                job.outcome = (job.student, 0.0, f"not graded on the cluster ({type(error).__name__}: {error}), "
                                                 "so nbgrader autograde grades it on this machine")
            future.release()
            yield job

    def __enter__(self) -> ClusterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        print(f"\nSent {self.sent} submissions to the cluster; {self.kept} were graded already or unreadable")
        self.client.close()


def pool(course: Path, workers: int) -> LocalPool | ClusterPool:
    """Where :func:`.batch.run` grades: ``workers`` local processes, or the Dask cluster the course names."""
    address = scheduler_of(course)
    return ClusterPool(address) if address else LocalPool(workers)
