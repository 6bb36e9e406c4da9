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
from cnnlib.grading.mistakes import MISTAKES, Variant, first_match
from cnnlib.ops.conv import conv2d_backward_fast
from cnnlib.ops.geometry import pool_geometry
from cnnlib.ops.pooling import max_pool2d_backward_fast


def _max_pool_backward_variant(dout: np.ndarray, x: np.ndarray, F: int, S: int, *, assign: bool = False,
                               last: bool = False) -> np.ndarray:
    """Max pooling's backward pass, windows in row-major order, written with ``dx[...] = dout`` (``assign``: the
    last window wins) or giving each window's gradient to its last maximum (``last``: ``>=`` instead of ``>``)."""
    g = pool_geometry(x, F, S, 0, floor=True)
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x))
    n, c = np.meshgrid(np.arange(g.N), np.arange(g.C), indexing="ij")
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            flat = x[:, :, rows, cols].reshape(g.N, g.C, F * F)
            where = F * F - 1 - flat[:, :, ::-1].argmax(axis=2) if last else flat.argmax(axis=2)
            a, e = np.divmod(where, F)
            if assign:
                dx[n, c, rows.start + a, cols.start + e] = dout[:, :, i, j]
            else:
                np.add.at(dx, (n, c, rows.start + a, cols.start + e), dout[:, :, i, j])
    return dx


def diagnose_pool_backward(actual: object, dout: np.ndarray, x: np.ndarray, kernel_size: int, stride: int) -> str | None:
    """Name the known mistake of max pooling's backward pass (``=`` instead of ``+=``, the last of tied maxima)
    that gives ``actual``, if one does.

    >>> x = np.array([[[[1.0, 5.0, 2.0], [0.0, 0.0, 0.0]]]])  # 2x2 windows at stride 1: both maxima are the 5
    >>> dout = np.array([[[[1.0, 2.0]]]])
    >>> print(diagnose_pool_backward(np.array([[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]]), dout, x, 2, 1))
    Likely mistake: your gradient matches writing dx[...] = dout instead of adding dx[...] += dout: ... See https://...
    """
    def variants() -> Iterator[Variant]:
        yield "pool_backward_assigned", {}, lambda: _max_pool_backward_variant(dout, x, kernel_size, stride, assign=True)
        yield "pool_backward_last_max", {}, lambda: _max_pool_backward_variant(dout, x, kernel_size, stride, last=True)

    dout, x = as_float(dout), as_float(x)
    expected = max_pool2d_backward_fast(dout, x, kernel_size, stride, floor=True)
    return first_match(actual, expected, variants())


def diagnose_numerical_gradient(
    actual: object, f: Callable[[np.ndarray], object], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> str | None:
    """Name the known mistake of a centred-difference gradient (one-sided, not halved, sign flipped, dout ignored,
    a fixed step instead of ``h``), if one does.

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

    def with_step(used: float) -> np.ndarray:
        return differences(lambda point, index: (shifted(point, index, used), shifted(point, index, -used), 2 * used))

    def variants() -> Iterator[Variant]:
        yield "gradient_not_halved", {}, lambda: 2 * expected
        yield "gradient_sign_flipped", {}, lambda: -expected
        yield "gradient_one_sided", {}, lambda: differences(one_sided)
        yield "gradient_dout_ignored", {}, unweighted
        for used in (1e-1, 1e-2, 1e-3, 1e-4, 1e-6):
            if used != h:
                yield "gradient_step_fixed", {"used": f"{used:g}", "h": f"{h:g}"}, lambda used=used: with_step(used)

    # A one-sided difference is off by about h = 1e-5 of the gradient's scale: compare more tightly than that.
    return first_match(actual, expected, variants(), rtol=1e-8)


def diagnose_conv_backward(actual: object, dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                           padding: int = 0) -> str | None:
    """Name the known mistake of one result of ``conv_backward`` (dw on the unpadded x, dw or db averaged over the
    batch) that gives ``actual``, if one does; ``actual`` is dx, dw or db (told apart by shape), or the exception raised.

    >>> dout, x, w = np.ones((2, 1, 2, 2)), np.ones((2, 1, 3, 3)), np.ones((1, 1, 2, 2))
    >>> print(diagnose_conv_backward(np.full((1, 1, 2, 2), 4.0), dout, x, w))
    Likely mistake: your dw is divided by the batch size N = 2: ...
    """
    dout, x, w = as_float(dout), as_float(x), as_float(w)
    N, C, H, W = x.shape
    _, _, FH, FW = w.shape
    if isinstance(actual, Exception):
        # dw[k] += dout * x[n, :, rows, cols] on the unpadded x: the first window that leaves x is cut short.
        for i in range((H + 2 * padding - FH) // stride + 1):
            for j in range((W + 2 * padding - FW) // stride + 1):
                rows, cols = min(FH, H - i * stride), min(FW, W - j * stride)
                if rows not in (1, FH) or cols not in (1, FW):  # an axis cut to one entry still broadcasts
                    shape = "(" + ",".join(map(str, (C, max(rows, 0), max(cols, 0)))) + ")"
                    found = padding and shape in str(actual).replace(" ", "")
                    return MISTAKES["conv_backward_unpadded"].explain() if found else None
        return None
    _, dw, db = conv2d_backward_fast(dout, x, w, stride, padding, floor=True)

    def variants() -> Iterator[Variant]:
        if isinstance(actual, np.ndarray) and actual.shape == dw.shape:
            if padding:
                yield "conv_backward_unpadded", {}, lambda: _dw_unpadded(dout, x, w, stride)
            if N > 1:
                yield "conv_backward_averaged", {"what": "dw", "batch": N}, lambda: dw / N
        if isinstance(actual, np.ndarray) and actual.shape == db.shape and N > 1:
            yield "conv_backward_averaged", {"what": "db", "batch": N}, lambda: db / N

    target = dw if isinstance(actual, np.ndarray) and actual.shape == dw.shape else db
    return first_match(actual, target, variants())



def _dw_unpadded(dout: np.ndarray, x: np.ndarray, w: np.ndarray, S: int) -> np.ndarray:
    """dw from the windows of the unpadded x, as a student's loop computes it: a window cut short at the edge
    broadcasts where a cut axis is left with one entry (and raises ValueError otherwise, when this variant is skipped)."""
    _, K, H2, W2 = dout.shape
    _, _, FH, FW = w.shape
    dw = np.zeros(w.shape)
    for i in range(H2):
        for j in range(W2):
            window = x[:, :, i * S : i * S + FH, j * S : j * S + FW]
            for k in range(K):
                dw[k] += np.sum(dout[:, k, i, j, None, None, None] * np.broadcast_to(window, (len(x), *w.shape[1:])), axis=0)
    return dw
