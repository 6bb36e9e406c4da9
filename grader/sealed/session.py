"""The grader's side of one submission's sandbox: run its cells there, fetch its answers from there.

>>> import tempfile, pathlib
>>> with Session(pathlib.Path(tempfile.mkdtemp())) as session:
...     session.exec("def double(x):\\n    return 2 * x", seconds=30)["error"] is None
...     session.get("double", seconds=10)(21)
True
42
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from grader.sealed import sandbox
from grader.sealed.endpoint import Endpoint
from grader.sealed.sandbox import Limits

WORKER = [sys.executable, "-m", "grader.sealed.worker"]


class Session:
    """A worker started in a sandbox in ``workdir``; stopped, with every process it started, on ``close()``.

    ``until`` (a ``time.monotonic()`` instant) cuts every request's time bound short at that instant.
    """

    def __init__(self, workdir: Path, limits: Limits | None = None, until: float = math.inf) -> None:
        self.workdir, self.until = workdir, until
        self.box = sandbox.start(WORKER, workdir, limits or Limits(), stderr=subprocess.DEVNULL)
        assert self.box.process.stdout is not None and self.box.process.stdin is not None
        self.endpoint = Endpoint(self.box.process.stdout, self.box.process.stdin)

    def _within(self, seconds: float, op: str, **fields: Any) -> Any:
        self.endpoint.deadline = min(time.monotonic() + seconds, self.until)
        try:
            return self.endpoint.request(op, **fields)
        finally:
            self.endpoint.deadline = None

    def exec(self, source: str, seconds: float) -> dict[str, Any]:
        """Run a cell in the sandbox within ``seconds``: ``{"output": text, "error": {ename, evalue, traceback} | None}``."""
        return self._within(seconds, "exec", source=source)

    def get(self, name: str, seconds: float) -> Any:
        """The value of the submission's ``name``: plain data, or a proxy for a function or other object."""
        return self._within(seconds, "get", name=name)

    def close(self) -> None:
        sandbox.stop(self.box)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
