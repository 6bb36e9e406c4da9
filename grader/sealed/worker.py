"""The sandbox's side: runs a submission's cells and serves the grader's calls into them.

Started by :mod:`grader.sealed.session` inside the sandbox as
``python -m grader.sealed.worker``. The protocol runs over copies of
stdin and stdout that student code is not handed; its prints go to a bounded
buffer returned with each cell, and anything written to the file descriptors
1 and 2 goes nowhere.

Operations served: ``exec`` (run a cell's source; its printed output and
error), ``get`` (a name's value, as data or a reference), ``watch`` (call a
function under the library-call tripwire or the line counter, and report what
it saw), and every endpoint's ``call`` and ``getattr``.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from typing import Any

from cnnlib.grading.loops import count_as_library, python_lines
from cnnlib.grading.tripwire import no_library_calls
from grader.sealed.endpoint import Endpoint

OUTPUT_LIMIT = 64 * 1024  # characters of a cell's printed output kept


class BoundedOutput(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def write(self, text: str) -> int:
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        cut = f"\n[{self.dropped:,} more characters of output cut]" if self.dropped else ""
        return "".join(self.parts) + cut


class Worker:
    """The submission's namespace and the operations the grader may ask for."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"__name__": "__main__"}

    def exec(self, source: str) -> dict[str, Any]:
        """Run ``source`` in the namespace: its printed output, and its error as (name, message, traceback) or None."""
        out = BoundedOutput()
        sys.stdout = sys.stderr = out
        error = None
        try:
            exec(compile(str(source), "<cell>", "exec"), self.namespace)  # noqa: S102 - running the cell is the point
        except BaseException as raised:  # noqa: BLE001 - SystemExit and KeyboardInterrupt from a cell are its error
            lines = traceback.format_exception(type(raised), raised, raised.__traceback__)
            error = {"ename": type(raised).__name__, "evalue": str(raised)[:4000], "traceback": "".join(lines[-6:])[-8000:]}
        finally:
            sys.stdout, sys.stderr = _QUIET, _QUIET
        return {"output": out.text(), "error": error}

    def get(self, name: str) -> Any:
        """The value of ``name`` in the namespace (NameError when the submission does not define it)."""
        if str(name) not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return self.namespace[str(name)]

    def watch(self, endpoint: Endpoint, ref: int, watch: str, args: Any) -> Any:
        """Call object ``ref`` with ``args`` under ``watch``: the tripwire's complaint (or None), or the line count."""
        fn, values = endpoint.codec.objects[int(ref)], endpoint.codec.decode(args)
        if watch == "python_lines":
            return python_lines(fn, *values)
        if watch == "library_calls":
            try:
                no_library_calls(fn, *values, name=getattr(fn, "__name__", None))
            except AssertionError as complaint:
                return str(complaint)
            return None
        raise ValueError(f"no watch {watch!r}")


_QUIET = BoundedOutput(0)


def main() -> None:
    # The protocol keeps private copies of stdin and stdout; the cells see empty ones.
    reader = os.fdopen(os.dup(0), "rb", buffering=0)
    writer = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), _QUIET, _QUIET
    count_as_library(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this package: the line counter skips it
    worker = Worker()
    endpoint = Endpoint(reader, writer)
    endpoint.handlers.update({
        "exec": worker.exec,
        "get": worker.get,
        "watch": lambda ref, watch, args: worker.watch(endpoint, ref, watch, args),
        "ping": lambda: "pong",
    })
    endpoint.serve_forever()


if __name__ == "__main__":
    main()
