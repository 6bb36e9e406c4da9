"""The assignments' comparisons, with messages in the CS231n manner.

Visible and hidden tests make the same checks. This module compares array
results; exact values (sizes, counts, shapes) and raised errors are checked by
:mod:`cnnlib.grading.exact_checks`. :func:`check_call` (visible)
prints what it checked (``relative error 3.1e-16, should be below 1e-07: OK``)
so a student sees how close they are; :func:`check_against` (hidden) is
silent. On failure both say what is wrong, the essential first: an exception,
an input changed in place, the type, the shape, the dtype, then the relative
error, and a known mistake's sentence when a ``diagnose`` function recognises
one. Messages describe a case by shapes and dtypes only, never by its values,
so feedback gives no answers away.

The dtype rule, stated in every assignment: float inputs keep their dtype
(the result type of the array arguments), integer inputs give float64. An
``exact`` operation (padding, max pooling, ReLU) may also keep an integer
dtype, since it computes no new values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from cnnlib.gradcheck import rel_error
from cnnlib.grading.mistakes import MISTAKES
from cnnlib.grading.notebook_view import passed

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


def result_dtypes(*arrays: np.ndarray, exact: bool = False) -> set[np.dtype]:
    """The dtypes a result may have: the arrays' result type, float64 when that is an integer type.

    ``exact`` operations (padding, max pooling, ReLU) may also keep an integer result type.

    >>> sorted(map(str, result_dtypes(np.zeros(2, np.float32), np.zeros(2, np.float32))))
    ['float32']
    >>> sorted(map(str, result_dtypes(np.zeros(2, np.int64), np.zeros(2, np.float32))))
    ['float64']
    >>> sorted(map(str, result_dtypes(np.zeros(2, np.int64), exact=True)))
    ['float64', 'int64']
    """
    if not arrays:
        return {np.dtype(np.float64)}
    common = np.result_type(*arrays)
    if np.issubdtype(common, np.floating):
        return {common}
    return {np.dtype(np.float64), common} if exact else {np.dtype(np.float64)}


DTYPE_RULE = "float inputs keep their dtype, integer inputs give float64"


def scaled_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """The largest difference over the largest entry of ``expected``: a numerical gradient's error measure.

    Centred differences are accurate to about 1e-10 of the gradient's scale, not of each entry,
    so an entry near zero would have a large elementwise relative error.

    >>> scaled_error(np.array([1e-12, 2.0]), np.array([0.0, 2.0]))
    5e-13
    """
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if expected.size == 0:
        return 0.0
    return float(np.max(np.abs(actual - expected)) / max(float(np.max(np.abs(expected))), 1e-8))


def _error(actual: np.ndarray, expected: np.ndarray, scaled: bool) -> tuple[float, str]:
    return (scaled_error(actual, expected), "scaled error") if scaled else (rel_error(actual, expected), "relative error")


def _mismatch(
    actual: object, expected: np.ndarray, what: str, tol: float, dtypes: set[np.dtype], scaled: bool = False
) -> str | None:
    """Why ``actual`` is not ``expected`` (type, shape, dtype or error), or None when it is."""
    if not isinstance(actual, np.ndarray):
        return f"{what} returned {type(actual).__name__}, expected a numpy array of shape {expected.shape}"
    if actual.shape != expected.shape:
        return f"{what} returned shape {actual.shape}, expected shape {expected.shape}"
    if actual.dtype not in dtypes:
        allowed = " or ".join(sorted(map(str, dtypes)))
        return f"{what} returned dtype {actual.dtype}, expected {allowed} ({DTYPE_RULE})"
    error, measure = _error(actual, expected, scaled)
    if not error <= tol:  # also catches NaN
        return f"{what} is wrong: {measure} {error:.2e}, should be below {tol:.0e}"
    return None


def as_float(value: object) -> object:
    """Integer arrays as float64, for the references, which take floating-point input only."""
    if isinstance(value, np.ndarray) and not np.issubdtype(value.dtype, np.floating):
        return value.astype(np.float64)
    return value


def _changed(args: Mapping[str, Any], originals: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first array argument that no longer equals its copy, and how it changed, or None."""
    for key, value in args.items():
        before = originals[key]
        if isinstance(value, np.ndarray) and not np.array_equal(value, before, equal_nan=True):
            if value.shape != before.shape:
                return key, f"its shape became {value.shape}"
            differ = value != before
            largest = float(np.max(np.abs(value[differ].astype(np.float64) - before[differ])))
            return key, f"{int(differ.sum())} of its entries differ afterwards, by up to {largest:.1e}"
    return None


def check_against(
    fn: Callable[..., object],
    reference: Callable[..., object] | object,
    args: Mapping[str, Any],
    name: str,
    *,
    tol: float = 1e-7,
    diagnose: Diagnose | None = None,
    outputs: tuple[str, ...] = (),
    exact: bool = False,
    scaled: bool = False,
    show: bool = False,
) -> None:
    """``fn(*args)`` agrees with ``reference`` and leaves ``args`` unchanged (hidden tests; silent unless ``show``).

    Args:
        fn: the student's function.
        reference: the independent implementation (usually ``cnnlib``'s reference
            tier), called with integer arrays as float64; or the expected result itself.
        args: arguments by name, in ``fn``'s order.
        name: the function's name for messages.
        tol: largest relative error accepted.
        diagnose: ``diagnose(actual, *args)`` returns a sentence naming a known
            mistake (see :mod:`cnnlib.grading.mistakes`), or None; ``actual`` is
            the exception when ``fn`` raised.
        outputs: names of the results when ``fn`` returns a tuple (a list is
            accepted too), e.g. ``("dx", "dw", "db")``.
        exact: the operation computes no new values, so an integer input may
            also keep its dtype (see :func:`result_dtypes`).
        scaled: measure the error with :func:`scaled_error` (numerical gradients).
        show: print one line per result checked (visible tests).

    Raises:
        AssertionError: what is wrong first, then the case by shapes (never values),
            then a known mistake's sentence when ``diagnose`` recognises one.

    >>> check_against(np.negative, lambda x: -x, {"x": np.ones(2)}, "negate")
    >>> check_against(np.negative, np.array([-1.0, -1.0]), {"x": np.ones(2)}, "negate", show=True)
    negate: relative error 0.00e+00, should be below 1e-07: OK (x of shape (2,) float64)
    >>> check_against(np.positive, lambda x: -x, {"x": np.ones(2)}, "negate")
    Traceback (most recent call last):
    ...
    AssertionError: negate is wrong: relative error 1.00e+00, should be below 1e-07; case: x of shape (2,) float64
    """
    originals = {key: value.copy() if isinstance(value, np.ndarray) else value for key, value in args.items()}
    case = describe(args)
    try:
        actual = fn(*args.values())
    except Exception as raised:
        # A diagnosis may recognise a mistake by the error it raises (a slice that leaves the array, say).
        hint = diagnose(raised, *originals.values()) if diagnose else None
        message = f"{name} raised {type(raised).__name__}: {raised}; case: {case}"
        raise AssertionError(message if hint is None else f"{message}.\n{hint}") from None
    changed = _changed(args, originals)
    if changed:
        arg, how = changed
        hint = MISTAKES["input_changed"].explain(arg=arg, how=how)
        raise AssertionError(f"{name} changed its argument {arg}; case: {case}.\n{hint}")
    if callable(reference):
        expected = reference(*(as_float(value) for value in originals.values()))
    else:
        expected = reference
    arrays = [value for value in originals.values() if isinstance(value, np.ndarray)]
    dtypes = result_dtypes(*arrays, exact=exact)
    if outputs:
        if not isinstance(actual, tuple | list) or len(actual) != len(outputs):
            got = f"a {type(actual).__name__} of {len(actual)}" if isinstance(actual, tuple | list) else type(actual).__name__
            raise AssertionError(f"{name} should return a tuple ({', '.join(outputs)}), got {got}; case: {case}")
        pairs = [(a, np.asarray(e), f"{name}'s {out}") for a, e, out in zip(actual, expected, outputs, strict=True)]
    else:
        pairs = [(actual, np.asarray(expected), name)]
    for got, want, what in pairs:
        problem = _mismatch(got, want, what, tol, dtypes, scaled)
        if problem:
            hint = diagnose(got, *originals.values()) if diagnose else None
            message = f"{problem}; case: {case}"
            raise AssertionError(message if hint is None else f"{message}.\n{hint}")
        if show:
            error, measure = _error(got, want, scaled)
            passed(f"{what}: {measure} {error:.2e}, should be below {tol:.0e}: OK ({case})")


def check_call(
    fn: Callable[..., object], expected: Callable[..., object] | object, args: Mapping[str, Any], name: str, **options: Any
) -> None:
    """Visible test: :func:`check_against` that prints each result's relative error.

    >>> check_call(np.abs, np.array([1.0, 2.0]), {"x": np.array([-1.0, 2.0])}, "abs")
    abs: relative error 0.00e+00, should be below 1e-07: OK (x of shape (2,) float64)
    """
    check_against(fn, expected, args, name, show=True, **options)


def check_close(
    actual: object, expected: np.ndarray, name: str, tol: float = 1e-7, diagnose: Callable[[object], str | None] | None = None
) -> None:
    """Visible test: ``actual`` has ``expected``'s shape and a relative error below ``tol``.

    Prints the relative error on success; raises ``AssertionError`` with the
    shapes or the error otherwise, followed by ``diagnose(actual)``'s sentence
    when it names a known mistake. Dtypes are not compared here.

    >>> check_close(np.ones(3), np.ones(3), "relu(x)")
    relu(x): relative error 0.00e+00, should be below 1e-07: OK
    """
    expected = np.asarray(expected, dtype=np.float64)
    if isinstance(actual, np.ndarray) and actual.shape == expected.shape:
        actual = actual.astype(np.float64)
    problem = _mismatch(actual, expected, name, tol, {np.dtype(np.float64)})
    if problem:
        hint = diagnose(actual) if diagnose else None
        raise AssertionError(problem if hint is None else f"{problem}.\n{hint}")
    passed(f"{name}: relative error {rel_error(actual, expected):.2e}, should be below {tol:.0e}: OK")
