"""Running a student's function under one of Python's hooks: the line tracer or the call profiler.

:mod:`~cnnlib.grading.loops` counts lines under :func:`sys.settrace`;
:mod:`~cnnlib.grading.tripwire` watches calls under :func:`sys.setprofile`.
Both put back whatever hook was there before (a debugger's, a coverage tool's),
also when the function raises.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def run_hooked(fn: Callable[..., Any], args: tuple, hook: Callable[..., Any], *, profile: bool = False) -> Any:
    """``fn(*args)`` with ``hook`` as the trace function (the profile function with ``profile``), then the old one back.

    The hook sees the call of ``fn`` and what it runs, and nothing of this module:
    the hook is set in this frame, which is already running (a context manager's
    frame would be re-entered when the block ends, and the profiler would report it).

    >>> events = []
    >>> run_hooked(len, ("abc",), lambda frame, event, arg: events.append(event), profile=True)
    3
    >>> events[0], sys.getprofile() is None
    ('c_call', True)
    """
    get, put = (sys.getprofile, sys.setprofile) if profile else (sys.gettrace, sys.settrace)
    previous = get()
    put(hook)
    try:
        return fn(*args)
    finally:
        put(previous)
