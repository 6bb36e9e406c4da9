"""Notice a Python loop over output positions, whatever the machine's speed.

A vectorized function runs the same Python lines however large its input;
one that loops over output positions runs more lines for a larger output.
:func:`python_lines` counts the line events (:func:`sys.settrace`) in the
student's own code, helper functions, lambdas and comprehensions included,
but not in numpy or the standard library; :func:`check_no_position_loops`
compares the counts on two inputs whose outputs differ only in height and
width. Unlike a wall-clock ratio, the verdict does not depend on how fast or
busy the machine is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from types import FrameType
from typing import Any

import cnnlib
from cnnlib.grading.hooks import run_hooked
from cnnlib.grading.notebook_view import passed

# Code under these folders is a library's, not the student's: the interpreter's and the venv's
# (numpy, the standard library) and cnnlib's own (the tests' helpers); count_as_library adds more.
_LIBRARY_DIRS = tuple(
    os.path.join(os.path.realpath(folder), "")
    for folder in {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(cnnlib.__file__)}
)


def count_as_library(folder: str) -> None:
    """From now on, count the lines of code under ``folder`` as a library's, not the student's.

    The sealed grader's worker calls it with its own package folder: its plumbing runs beside the student's
    code in the sandbox, outside the venv when the grader is installed editable from the course folder.
    """
    global _LIBRARY_DIRS
    _LIBRARY_DIRS = tuple(dict.fromkeys((*_LIBRARY_DIRS, os.path.join(os.path.realpath(folder), ""))))


def _is_library(filename: str) -> bool:
    return filename.startswith("<frozen") or os.path.realpath(filename).startswith(_LIBRARY_DIRS)


def python_lines(fn: Callable[..., object], *args: Any) -> int:
    """The number of Python lines that ``fn(*args)`` runs in code outside the libraries.

    A line counts each time it runs, so a loop's body counts once per iteration
    (a one-line comprehension too: each jump back is a line event).

    >>> def loop(n):
    ...     total = 0
    ...     for i in range(n):
    ...         total += i
    ...     return total
    >>> python_lines(loop, 10) - python_lines(loop, 5)
    10
    """
    sealed = getattr(fn, "__sealed_watch__", None)
    if sealed is not None:  # a sandboxed student function: count where it runs (grader.sealed)
        return int(sealed("python_lines", *args))
    count = 0
    library: dict[str, bool] = {}

    def local(frame: FrameType, event: str, arg: object) -> Callable | None:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Callable | None:
        filename = frame.f_code.co_filename
        if filename not in library:
            library[filename] = _is_library(filename)
        return None if library[filename] else local

    run_hooked(fn, args, calls)
    return count


def check_no_position_loops(
    fn: Callable[..., object], small: Mapping[str, Any], large: Mapping[str, Any], name: str, *, show: bool = False
) -> None:
    """``fn`` runs as many Python lines on ``large`` as on ``small``: no Python loop over output positions.

    ``small`` and ``large`` are arguments by name whose outputs differ in height
    and width only (the same batch, channels and filters), so loops over filters,
    channels or the filter's taps are allowed and loops over positions are not.

    Raises:
        AssertionError: with both counts when the larger output runs more lines.

    >>> import numpy as np
    >>> check_no_position_loops(np.negative, {"x": np.ones(4)}, {"x": np.ones(40)}, "negate", show=True)
    negate runs 0 Python lines on the smaller output and 0 on the larger: no loop over output positions: OK
    """
    counts = [python_lines(fn, *args.values()) for args in (small, large)]
    if counts[1] > counts[0]:
        raise AssertionError(
            f"{name} loops in Python over output positions: it runs {counts[0]} Python lines on the smaller output "
            f"and {counts[1]} on the larger; compute all positions with a few array operations instead"
        )
    if show:
        passed(f"{name} runs {counts[0]} Python lines on the smaller output and {counts[1]} on the larger: "
              "no loop over output positions: OK")
