"""Numerical gradients and relative error: one checker for tests and assignments.

A backward pass is right when it agrees with centred differences
``(f(x + h) - f(x - h)) / 2h`` to a small relative error (about 1e-7 or less
in float64 for smooth functions).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def rel_error(x: np.ndarray, y: np.ndarray) -> float:
    """Largest relative error ``|x - y| / max(1e-8, |x| + |y|)`` between two arrays.

    >>> rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(rel_error(np.array([1.0]), np.array([1.1])), 4)
    0.0476
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray | None = None, h: float = 1e-5
) -> np.ndarray:
    """Centred-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    ``x`` is changed in place one entry at a time and restored, so ``f`` must
    read it afresh on each call (a closure over ``x`` does). Use float64.

    Args:
        f: function of ``x`` returning an array (a scalar loss if ``dout`` is None).
        x: the point, any shape, float64.
        dout: upstream gradient of ``f(x)``'s shape; None means ones.
        h: step size.

    Returns:
        An array of ``x``'s shape.

    >>> x = np.array([1.0, 2.0, 3.0])
    >>> numerical_gradient(lambda v: v ** 2, x).round(6)
    array([2., 4., 6.])
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array for centred differences, got {getattr(x, 'dtype', type(x))}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.asarray(f(x), dtype=np.float64).copy()
        x[i] = old - h
        minus = np.asarray(f(x), dtype=np.float64).copy()
        x[i] = old
        weight = 1.0 if dout is None else dout
        grad[i] = np.sum((plus - minus) * weight) / (2 * h)
    return grad
