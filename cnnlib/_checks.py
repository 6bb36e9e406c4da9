"""Argument checks shared by every op: one place for the error messages.

Each check raises ``TypeError`` or ``ValueError`` naming the argument, the
rule it broke and the value given, the way ``torch.nn`` does.
"""

from __future__ import annotations

import numbers

import numpy as np

IntPair = int | tuple[int, int]


def pair(value: IntPair, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Normalise an ``int`` or ``(height, width)`` tuple, as ``torch.nn`` does.

    >>> pair(3, "kernel_size")
    (3, 3)
    >>> pair((1, 2), "stride")
    (1, 2)
    """
    items = value if isinstance(value, tuple | list) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a (height, width) pair, got {value!r}")
    return (
        integer(items[0], name, minimum=minimum),
        integer(items[1], name, minimum=minimum),
    )


def integer(value: object, name: str, *, minimum: int) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {rule}, got {value}")
    return int(value)


def array(x: object, name: str, ndim: int, layout: str) -> np.ndarray:
    """Check that ``x`` is a real numpy array of rank ``ndim`` (``layout`` names the axes)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray of shape {layout}, got {type(x).__name__}")
    if x.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout} ({ndim} dimensions), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must hold floating-point numbers, got dtype {x.dtype}")
    return x
