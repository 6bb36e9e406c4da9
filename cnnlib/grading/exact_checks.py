"""The assignments' checks of exact answers: sizes, counts and shapes, and the errors a function raises.

Lists pass where tuples are asked for and numpy integers where Python ones
are, but a count must be an integer: ``5.0 == 5`` in Python, yet an output size
of 5.0 is a mistake. As in :mod:`cnnlib.grading.checks`, a message says what
is wrong first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from cnnlib.grading.checks import describe
from cnnlib.grading.notebook_view import order_of, passed


def plain(value: object) -> object:
    """``value`` with lists as tuples and numpy scalars as Python numbers, recursively, for comparisons.

    >>> plain(["CONV1", [np.int64(55), 55, 96], 34944])
    ('CONV1', (55, 55, 96), 34944)
    """
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _exact_type_problem(actual: object, expected: object) -> bool:
    """Whether ``actual`` is not an integer where ``expected`` is one (5.0 == 5 in Python, but a count is an int)."""
    if isinstance(expected, bool) or not isinstance(expected, int):
        return False
    return isinstance(actual, bool) or not isinstance(actual, int | np.integer)


def equal_problem(actual: object, expected: object, name: str) -> str | None:
    """Why ``actual`` is not ``expected`` (lists accepted for tuples, ints required for ints), or None.

    >>> equal_problem([27, 27, 96], (27, 27, 96), "volume")
    >>> equal_problem(5.0, 5, "output_size(7, 3)")
    'output_size(7, 3) returned float 5.0, expected the int 5'
    """
    if isinstance(expected, tuple) and isinstance(actual, Sequence) and not isinstance(actual, str):
        if len(actual) != len(expected):
            return f"{name} has {len(actual)} items, expected {len(expected)}"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            problem = equal_problem(a, e, f"{name}[{index}]")
            if problem:
                return shape_problem(actual, expected, name) if _is_shape(expected, actual) else problem
        return None
    if _exact_type_problem(actual, expected):
        return f"{name} returned {type(actual).__name__} {actual!r}, expected the int {expected}"
    if plain(actual) != expected:
        return f"{name} returned {plain(actual)!r}, expected {expected!r}"
    return None


def _is_shape(expected: tuple, actual: Sequence) -> bool:
    """Whether ``expected`` is a tuple of ints and ``actual`` holds ints too (a shape whose values are wrong)."""
    return all(isinstance(e, int) and not isinstance(e, bool) for e in expected) and not any(
        _exact_type_problem(a, e) for a, e in zip(actual, expected, strict=True))


def shape_problem(actual: Sequence, expected: tuple, name: str) -> str:
    """A wrong shape shown whole, with its order when the notebook names it ("(height, width, depth)").

    >>> shape_problem([10, 32, 32], (32, 32, 10), "lecture_shape")
    'lecture_shape is (10, 32, 32), expected (32, 32, 10)'
    """
    order = order_of(name, len(expected))
    return f"{name} is {plain(actual)!r}, expected {f'{order} = ' if order else ''}{expected!r}"


def check_equal(actual: object, expected: object, name: str,
                diagnose: Callable[[object], str | None] | None = None) -> None:
    """Visible test for exact values (sizes, counts, shapes); lists pass for tuples, integers must be ints.

    ``diagnose(actual)`` may name a known mistake (see :mod:`cnnlib.grading.mistakes`) when they differ.

    >>> check_equal(5, 5, "output_size(7, 3)")
    output_size(7, 3) = 5: OK
    >>> check_equal([55, 55, 96], (55, 55, 96), "volume")
    volume = (55, 55, 96): OK
    """
    problem = equal_problem(actual, expected, name)
    if problem:
        hint = diagnose(actual) if diagnose else None
        raise AssertionError(problem if hint is None else f"{problem}.\n{hint}")
    passed(f"{name} = {plain(actual)!r}: OK")


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
        passed(f"{call} raised {error.__name__}: OK")
        return
    except Exception as raised:
        raise AssertionError(f"{call} raised {type(raised).__name__}: {raised}; expected {error.__name__}") from None
    raise AssertionError(f"{call} returned without raising; expected {error.__name__}")
