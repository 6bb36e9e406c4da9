"""Known mistakes of gradients: max pooling's backward pass and the centred-difference gradient.

Each ``diagnose_*`` function computes the gradient the way a known mistake
would (``dx[...] = dout`` instead of ``+=``, a one-sided difference, a missing
1/2, dout ignored) and names the first one that gives the wrong output; see
:mod:`cnnlib.grading.mistakes` for the sentences and the matching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from cnnlib.grading.checks import as_float
from cnnlib.grading.mistakes import Variant, first_match
from cnnlib.ops.geometry import pool_geometry
from cnnlib.ops.pooling import max_pool2d_backward_fast


def _max_pool_backward_assigned(dout: np.ndarray, x: np.ndarray, F: int, S: int) -> np.ndarray:
    """Max pooling's backward pass written with ``dx[...] = dout`` (the last window wins), windows in row-major order."""
    g = pool_geometry(x, F, S, 0, floor=True)
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x))
    n, c = np.meshgrid(np.arange(g.N), np.arange(g.C), indexing="ij")
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            a, e = np.divmod(x[:, :, rows, cols].reshape(g.N, g.C, F * F).argmax(axis=2), F)
            dx[n, c, rows.start + a, cols.start + e] = dout[:, :, i, j]
    return dx


def diagnose_pool_backward(actual: object, dout: np.ndarray, x: np.ndarray, kernel_size: int, stride: int) -> str | None:
    """Name the known mistake of max pooling's backward pass (``=`` instead of ``+=``) that gives ``actual``, if one does.

    >>> x = np.array([[[[1.0, 5.0, 2.0], [0.0, 0.0, 0.0]]]])  # 2x2 windows at stride 1: both maxima are the 5
    >>> dout = np.array([[[[1.0, 2.0]]]])
    >>> print(diagnose_pool_backward(np.array([[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]]), dout, x, 2, 1))
    Likely mistake: your gradient matches writing dx[...] = dout instead of adding dx[...] += dout: ... See https://...
    """
    def variants() -> Iterator[Variant]:
        yield "pool_backward_assigned", {}, lambda: _max_pool_backward_assigned(dout, x, kernel_size, stride)

    dout, x = as_float(dout), as_float(x)
    expected = max_pool2d_backward_fast(dout, x, kernel_size, stride, floor=True)
    return first_match(actual, expected, variants())


def diagnose_numerical_gradient(
    actual: object, f: Callable[[np.ndarray], object], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> str | None:
    """Name the known mistake of a centred-difference gradient (one-sided, not halved, dout ignored), if one does.

    >>> x = np.array([1.0, 2.0])
    >>> print(diagnose_numerical_gradient(4 * x, lambda v: v**2, x, np.ones(2)))
    Likely mistake: your gradient is twice the right one: ...
    """

    def differences(step: Callable[[np.ndarray, tuple], tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
        grad, point = np.zeros(x.shape), x.astype(np.float64)
        for index in np.ndindex(x.shape):
            plus, minus, width = step(point, index)
            grad[index] = np.sum((plus - minus) * dout) / width
        return grad

    def shifted(point: np.ndarray, index: tuple, by: float) -> np.ndarray:
        moved = point.copy()
        moved[index] += by
        return np.asarray(f(moved), dtype=np.float64)

    def centred(point: np.ndarray, index: tuple) -> tuple[np.ndarray, np.ndarray, float]:
        return shifted(point, index, h), shifted(point, index, -h), 2 * h

    def one_sided(point: np.ndarray, index: tuple) -> tuple[np.ndarray, np.ndarray, float]:
        return shifted(point, index, h), np.asarray(f(point), dtype=np.float64), h

    def unweighted() -> np.ndarray:
        grad, point = np.zeros(x.shape), x.astype(np.float64)
        for index in np.ndindex(x.shape):
            grad[index] = np.sum(shifted(point, index, h) - shifted(point, index, -h)) / (2 * h)
        return grad

    expected = differences(centred)

    def variants() -> Iterator[Variant]:
        yield "gradient_not_halved", {}, lambda: 2 * expected
        yield "gradient_one_sided", {}, lambda: differences(one_sided)
        yield "gradient_dout_ignored", {}, unweighted

    # A one-sided difference is off by about h = 1e-5 of the gradient's scale: compare more tightly than that.
    return first_match(actual, expected, variants(), rtol=1e-8)
