"""Does the sandbox keep student code away from the course, the network and the machine's resources?

Each test starts a small Python program as student code would run, through
:func:`sandbox.start`, and checks what it could do from outside. Without
bubblewrap (a machine where Debian's package is not installed) the isolation
tests skip and say why, except in CI, where ``make test`` installs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from grader.sealed import sandbox
from grader.sealed.sandbox import Limits
from tests.grader.sealed.planted import planted, spy

REPO = Path(__file__).resolve().parents[3]
needs_bwrap = pytest.mark.skipif(
    sandbox._bwrap() is None and not os.environ.get("CI"), reason="bubblewrap is not installed (apt-get install bubblewrap)"
)


def run(code: str, workdir: Path, limits: Limits | None = None, timeout: float = 60) -> tuple[int, str]:
    """Run ``code`` with this interpreter in the sandbox; its exit status and output (stdout and stderr)."""
    box = sandbox.start([sys.executable, "-c", textwrap.dedent(code)], workdir, limits or Limits(), stderr=subprocess.STDOUT)
    try:
        out, _ = box.process.communicate(timeout=timeout)
    finally:
        sandbox.stop(box)
    return box.process.returncode, out.decode(errors="replace")


def test_isolation_is_stated() -> None:
    """Does isolation() name bubblewrap and every folder student code sees when it is there, and say plainly when
    it is not?"""
    line = sandbox.isolation()
    assert line.startswith("bubblewrap") if sandbox._bwrap() else line.startswith("NO SANDBOX")
    if sandbox._bwrap():
        assert all(str(folder) in line for folder in sandbox.visible())


@needs_bwrap
def test_only_the_allow_list_is_visible(tmp_path: Path) -> None:
    """Does student code that searches the whole file system find only the allow-list: neither another copy of the
    course's solutions in a system folder, nor a classmate's submission in an exchange, nor this course's?"""
    with planted() as secret:
        paths = [secret.solutions, secret.classmate, REPO / "solutions" / "a1_convolution" / "a1_convolution.ipynb"]
        status, out = run(spy(paths) + "\nimport json\nprint('top', json.dumps(sorted(os.listdir('/'))))", tmp_path,
                          timeout=120)
    assert status == 0 and "searched the file system" in out, out[-3000:]
    assert secret.marker not in out and "BEGIN HIDDEN TESTS" not in out
    assert out.count("refused FileNotFoundError") == 3, out[-3000:]
    allowed = {folder.parts[1] for folder in sandbox.visible()} | {"dev", "proc", "tmp"}
    allowed |= {Path(link).name for link in sandbox.LINKS if Path(link).is_symlink()}
    top = set(json.loads(out.split("top ", 1)[1].splitlines()[0]))
    assert top <= allowed and {"srv", "home", "opt", "var", "mnt"}.isdisjoint(top), top


@needs_bwrap
def test_the_course_and_home_folders_are_hidden_and_the_submission_writable(tmp_path: Path) -> None:
    """Can student code see neither solutions/ nor the home folder, import cnnlib and the grader (whose worker runs
    there) without seeing the rest of the course folder, and write only its own folder?"""
    code = f"""
        import os, pathlib
        import numpy, cnnlib, grader.sealed.worker
        print("grader beside", sorted(os.listdir(os.path.dirname(os.path.dirname(grader.__file__)))))
        print("solutions", os.path.exists({str(REPO / "solutions")!r}))
        print("home", os.listdir(os.path.expanduser("~root")) if os.path.exists(os.path.expanduser("~root")) else [])
        pathlib.Path("answer.txt").write_text("mine")
        try:
            open({str(REPO / "nbgrader_config.py")!r}, "a").write("c.evil = 1")
        except OSError as error:
            print("config", type(error).__name__)
        print("imports ok")
    """
    status, out = run(code, tmp_path)
    assert status == 0, out
    assert "solutions False" in out and "imports ok" in out
    # The grader's worker runs in here: its package folder is visible, and nothing else of the folder it lies in.
    beside = out.split("grader beside ", 1)[1].splitlines()[0]
    assert "solutions" not in beside and "nbgrader_config.py" not in beside, beside
    assert (tmp_path / "answer.txt").read_text() == "mine"
    assert "c.evil" not in (REPO / "nbgrader_config.py").read_text()


@needs_bwrap
def test_there_is_no_network(tmp_path: Path) -> None:
    """Does a connection to any address, even this machine's loopback server, fail?"""
    status, out = run("""
        import socket
        for host in ["127.0.0.1", "10.0.0.1"]:
            try:
                socket.create_connection((host, 9), timeout=2)
            except OSError as error:
                print(host, "refused", type(error).__name__)
    """, tmp_path)
    assert out.count("refused") == 2, out


def test_a_process_left_running_is_killed(tmp_path: Path) -> None:
    """Is a background process that the student code starts (in a new session even) gone after stop()?"""
    status, out = run("""
        import subprocess, sys
        beat = "import time, pathlib\\nwhile True:\\n    pathlib.Path('alive').touch()\\n    time.sleep(0.1)"
        subprocess.Popen([sys.executable, "-c", beat], start_new_session=True)
        import os, time
        while not os.path.exists("alive"):  # the background process is running
            time.sleep(0.05)
        print("started")
    """, tmp_path)
    assert "started" in out
    stamp = (tmp_path / "alive").stat().st_mtime_ns
    time.sleep(0.5)
    assert (tmp_path / "alive").stat().st_mtime_ns == stamp, "a process of the sandbox still runs after stop()"


def test_a_large_file_is_cut_at_the_limit(tmp_path: Path) -> None:
    """Is a file written past the file-size limit stopped there?"""
    status, out = run("""
        with open("big.bin", "wb") as f:
            for _ in range(100):
                f.write(b"x" * 2**20)
    """, tmp_path, Limits(file_bytes=8 * 2**20))
    assert status != 0
    assert (tmp_path / "big.bin").stat().st_size <= 8 * 2**20


def test_memory_is_limited(tmp_path: Path) -> None:
    """Does allocating past the memory limit end the program instead of the machine?"""
    status, out = run("""
        import numpy as np
        blocks = [np.ones(2**27) for _ in range(40)]  # 40 GiB
        print("allocated")
    """, tmp_path, Limits(memory_bytes=2**30), timeout=60)
    assert status != 0 and "allocated" not in out


@pytest.mark.skipif(os.geteuid() == 0 and not sandbox._cgroup_dirs("probe"), reason="root without cgroups: no process limit")
def test_processes_are_limited(tmp_path: Path) -> None:
    """Does starting 300 processes fail past the limit, leaving none behind?"""
    status, out = run("""
        import subprocess, sys
        started = 0
        try:
            for _ in range(300):
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
                started += 1
        except OSError as error:
            print("stopped at", started, type(error).__name__)
    """, tmp_path, Limits(processes=20), timeout=120)
    assert "stopped at" in out, out
    assert int(out.split("stopped at")[1].split()[0]) < 20


def test_cpu_time_is_limited(tmp_path: Path) -> None:
    """Is an endless loop ended by the CPU limit?"""
    start = time.perf_counter()
    status, _ = run("while True: pass", tmp_path, Limits(cpu_seconds=1), timeout=30)
    assert status != 0 and time.perf_counter() - start < 10


@needs_bwrap
def test_student_code_gets_the_book_address_and_no_other_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does student code see CNNLIB_BOOK_URL (its hints link to the published book) but none of the grader's own
    environment?"""
    monkeypatch.setenv("CNNLIB_BOOK_URL", "https://example.org/course/")
    monkeypatch.setenv("GRADER_SECRET", "do-not-show")
    status, out = run("import os, json; print(json.dumps(dict(os.environ)))", tmp_path)
    seen = json.loads(out.strip().splitlines()[-1])
    assert status == 0 and seen["CNNLIB_BOOK_URL"] == "https://example.org/course/"
    assert "GRADER_SECRET" not in seen and "do-not-show" not in out
