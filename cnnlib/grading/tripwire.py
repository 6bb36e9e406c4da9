"""Notice a solution that calls a library's convolution or pooling instead of writing it.

:func:`no_library_calls` runs the solution under :func:`sys.setprofile` and
records every call into a forbidden package, however it was imported
(``import torch``, ``from scipy.signal import correlate2d``, an alias, or an
import inside the function). Numpy is allowed, except its 1-D
``convolve``/``correlate``; the test cells themselves may use anything.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from functools import cache
from types import FrameType
from typing import Any

import numpy as np

from cnnlib.grading.hooks import run_hooked

# Packages that ship a convolution or pooling (cnnlib is the course's own reference).
FORBIDDEN = ("torch", "scipy", "cnnlib", "skimage", "cv2", "tensorflow", "jax", "keras")


@cache
def _package_dirs() -> dict[str, str]:
    """Directory of each installed forbidden package, found without importing it (importing torch takes seconds)."""
    dirs = {}
    for name in FORBIDDEN:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs[os.path.join(os.path.realpath(location), "")] = name
    return dirs


# numpy's 1-D convolve/correlate: their Python implementations behind the C dispatchers.
NUMPY_CONVOLUTIONS = {np.convolve._implementation.__code__, np.correlate._implementation.__code__}


def _python_offender(frame: FrameType) -> str | None:
    code = frame.f_code
    if code in NUMPY_CONVOLUTIONS:
        return f"numpy.{code.co_name}"
    filename = os.path.realpath(code.co_filename)
    for directory, package in _package_dirs().items():
        if filename.startswith(directory):
            return f"{package} ({code.co_name} in {os.path.relpath(filename, os.path.dirname(directory[:-1]))})"
    return None


def _builtin_offender(function: object) -> str | None:
    module = getattr(function, "__module__", None)
    if not isinstance(module, str):  # a method: name the type of the object it is bound to
        module = type(getattr(function, "__self__", None)).__module__
    if module.split(".")[0] in FORBIDDEN:
        return f"{module}.{getattr(function, '__qualname__', function)}"
    return None


def no_library_calls(fn: Callable[..., Any], *args: Any, name: str | None = None) -> None:
    """Call ``fn(*args)`` and fail if it calls into torch, scipy, cnnlib or another library's conv/pool.

    Returns nothing, so that a test cell ending with it shows no output (nbgrader
    would read an output as partial credit). Exceptions of ``fn`` propagate.

    Raises:
        AssertionError: naming the first library function called.

    >>> no_library_calls(np.maximum, np.zeros(2), 1.0)
    >>> no_library_calls(lambda x: np.convolve(x, x), np.ones(2), name="conv")
    Traceback (most recent call last):
    ...
    AssertionError: conv calls numpy.convolve; this part asks you to write it yourself ...
    """
    label = name or getattr(fn, "__name__", "your function")
    sealed = getattr(fn, "__sealed_watch__", None)
    if sealed is not None:  # a sandboxed student function: the tripwire runs where it runs (grader.sealed)
        complaint = sealed("library_calls", *args)
        if complaint:
            raise AssertionError(complaint)
        return
    offenders: list[str] = []

    def profile(frame: FrameType, event: str, arg: object) -> None:
        found = None
        if event == "call":
            found = _python_offender(frame)
        elif event == "c_call":
            found = _builtin_offender(arg)
        if found and not offenders:
            offenders.append(found)

    _package_dirs()  # found before the profiler starts, so its own calls are not traced
    run_hooked(fn, args, profile, profile=True)
    if offenders:
        raise AssertionError(
            f"{label} calls {offenders[0]}; this part asks you to write it yourself with numpy arrays and loops, "
            "not to call a library's convolution or pooling"
        )
