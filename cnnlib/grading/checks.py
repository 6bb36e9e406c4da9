"""The assignments' comparisons, with messages in the CS231n manner.

Visible tests print what they checked (``relative error 3.1e-16, should be
below 1e-07: OK``) so a student sees how close they are. Hidden tests call
:func:`check_against`, which compares a solution with a ``cnnlib`` reference
and describes a failure by shapes, dtypes and the relative error only: the
message never prints the inputs or the expected values, so feedback gives no
answers away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from cnnlib.gradcheck import rel_error

Diagnose = Callable[..., str | None]


def describe(args: Mapping[str, Any]) -> str:
    """Arguments by name, arrays by shape and dtype only (never their values).

    >>> describe({"x": np.zeros((2, 3, 7, 9)), "stride": 2})
    'x of shape (2, 3, 7, 9) float64, stride=2'
    """
    parts = []
    for name, value in args.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{name} of shape {value.shape} {value.dtype}")
        elif callable(value):
            parts.append(f"{name}={getattr(value, '__name__', 'a function')}")
        else:
            parts.append(f"{name}={value!r}")
    return ", ".join(parts)


def _mismatch(actual: object, expected: np.ndarray, what: str, tol: float) -> str | None:
    """Why ``actual`` is not ``expected`` (shape, dtype or relative error), or None when it is."""
    if not isinstance(actual, np.ndarray):
        return f"{what} returned {type(actual).__name__}, expected a numpy array of shape {expected.shape}"
    if actual.shape != expected.shape:
        return f"{what} returned shape {actual.shape}, expected shape {expected.shape}"
    if actual.dtype != expected.dtype:
        return f"{what} returned dtype {actual.dtype}, expected {expected.dtype} (keep the input's dtype)"
    error = rel_error(actual, expected)
    if not error <= tol:  # also catches NaN
        return f"{what} is wrong: relative error {error:.2e}, should be below {tol:.0e}"
    return None


def check_close(actual: object, expected: np.ndarray, name: str, tol: float = 1e-7) -> None:
    """Visible test: ``actual`` has ``expected``'s shape and a relative error below ``tol``.

    Prints the relative error on success; raises ``AssertionError`` with the
    shapes or the error otherwise. Dtypes are not compared here.

    >>> check_close(np.ones(3), np.ones(3), "relu(x)")
    relu(x): relative error 0.00e+00, should be below 1e-07: OK
    """
    expected = np.asarray(expected, dtype=np.float64)
    if isinstance(actual, np.ndarray) and actual.shape == expected.shape:
        actual = actual.astype(np.float64)
    problem = _mismatch(actual, expected, name, tol)
    if problem:
        raise AssertionError(problem)
    print(f"{name}: relative error {rel_error(actual, expected):.2e}, should be below {tol:.0e}: OK")


def check_equal(actual: object, expected: object, name: str) -> None:
    """Visible test for exact values (sizes, counts, shapes).

    >>> check_equal(5, 5, "output_size(7, 3)")
    output_size(7, 3) = 5: OK
    """
    # 5.0 == 5 in Python, but an output size or a parameter count must be an integer.
    if isinstance(expected, int) and (isinstance(actual, bool) or not isinstance(actual, int | np.integer)):
        raise AssertionError(f"{name} returned {type(actual).__name__} {actual!r}, expected the int {expected}")
    if actual != expected:
        raise AssertionError(f"{name} returned {actual!r}, expected {expected!r}")
    print(f"{name} = {actual!r}: OK")


def check_raises(fn: Callable[..., object], args: Mapping[str, Any], name: str, error: type[Exception] = ValueError,
                 match: str = "") -> None:
    """``fn(*args)`` raises ``error`` whose message contains ``match``.

    >>> check_raises(int, {"x": "seven"}, "int")
    int(x='seven') raised ValueError: OK
    """
    call = f"{name}({describe(args)})"
    try:
        fn(*args.values())
    except error as raised:
        if match not in str(raised):
            message = f"{call} raised {error.__name__}({str(raised)!r}); its message should contain {match!r}"
            raise AssertionError(message) from None
        print(f"{call} raised {error.__name__}: OK")
        return
    except Exception as raised:
        raise AssertionError(f"{call} raised {type(raised).__name__}: {raised}; expected {error.__name__}") from None
    raise AssertionError(f"{call} returned without raising; expected {error.__name__}")


def check_against(
    fn: Callable[..., object],
    reference: Callable[..., object],
    args: Mapping[str, Any],
    name: str,
    *,
    tol: float = 1e-7,
    diagnose: Diagnose | None = None,
    outputs: tuple[str, ...] = (),
) -> None:
    """Hidden test: ``fn(*args)`` agrees with ``reference(*args)`` and leaves ``args`` unchanged.

    Args:
        fn: the student's function.
        reference: the independent implementation (usually ``cnnlib``'s reference tier).
        args: arguments by name, in ``fn``'s order.
        name: the function's name for messages.
        tol: largest relative error accepted.
        diagnose: ``diagnose(actual, *args)`` returns a sentence naming a known
            mistake (see :mod:`cnnlib.grading.mistakes`), or None.
        outputs: names of the results when ``fn`` returns a tuple, e.g. ``("dx", "dw", "db")``.

    Raises:
        AssertionError: naming the case by shapes, and what is wrong (an
            exception raised, an input modified, the shape, dtype or relative error).

    >>> check_against(np.negative, lambda x: -x, {"x": np.ones(2)}, "negate")
    """
    originals = {key: value.copy() if isinstance(value, np.ndarray) else value for key, value in args.items()}
    call = f"{name}({describe(args)})"
    try:
        actual = fn(*args.values())
    except Exception as raised:
        raise AssertionError(f"{call} raised {type(raised).__name__}: {raised}") from None
    for key, value in args.items():
        if isinstance(value, np.ndarray) and not np.array_equal(value, originals[key], equal_nan=True):
            raise AssertionError(f"{call} changed its argument {key} in place; leave the inputs unchanged")
    expected = reference(*originals.values())
    if outputs:
        if not isinstance(actual, tuple) or len(actual) != len(outputs):
            raise AssertionError(f"{call} should return a tuple ({', '.join(outputs)}), got {type(actual).__name__}")
        pairs = [(a, e, f"{call}'s {out}") for a, e, out in zip(actual, expected, outputs, strict=True)]
    else:
        pairs = [(actual, expected, call)]
    for got, want, what in pairs:
        problem = _mismatch(got, want, what, tol)
        if problem:
            hint = diagnose(got, *originals.values()) if diagnose else None
            raise AssertionError(problem if hint is None else f"{problem}.\n{hint}")
