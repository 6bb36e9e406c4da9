"""The Makefile's servers (`make lab`, `make formgrader`) started on a temporary course, as the tests need them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tests.assignments.course import make_command

START_TIMEOUT_S = 90.0
T = TypeVar("T")
# What Jupyter prints once it serves: http://localhost:PORT/lab?token=... (or 127.0.0.1).
URL = re.compile(r"http://(?:localhost|127\.0\.0\.1):(\d+)/lab\?token=([0-9a-f]+)")


@dataclass(frozen=True)
class Server:
    url: str  # the URL the target printed, token included
    token: str
    base: str  # http://127.0.0.1:PORT
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@contextmanager
def make_server(target: str, root: Path, port: int, scratch: Path, **variables: str | Path) -> Iterator[Server]:
    """`make target` on the course ``root``, serving on ``port``, until the end of the block.

    No token is given: the test opens the URL the target prints, as a student would.
    """
    log = scratch / f"{target}.log"
    # JUPYTER_PORT is the server's own variable; BROWSER=true opens no browser.
    env = dict(os.environ, JUPYTER_PORT=str(port), BROWSER="true", JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTER_DATA_DIR=str(scratch / "data"))
    env.pop("JUPYTER_TOKEN", None)
    with open(log, "w") as out:
        process = subprocess.Popen(make_command(target, root, **variables), env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S

        def wait_for(ready: Callable[[], T], what: str) -> T:
            while not (done := ready()):
                if process.poll() is not None:
                    raise RuntimeError(f"make {target} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"make {target} {what} within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            return done

        found = wait_for(lambda: URL.search(log.read_text()), "printed no URL")
        # Jupyter prints its URL before its event loop binds the port: wait until it listens.
        wait_for(lambda: _listens(int(found[1])), "printed its URL but did not listen")
        yield Server(found[0], found[2], f"http://127.0.0.1:{found[1]}", log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _listens(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(url: str, token: str) -> str:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode()


