"""Max and average pooling, forward and backward, in the same two tiers as conv.

Pooling works on each activation map independently and has no parameters:
an F x F window moves with stride S and keeps the largest value (max) or the
mean (average). As in ``torch.nn.MaxPool2d``, ``stride`` defaults to the
window size, padding may be at most half the window, max pooling pads with
-inf and average pooling counts the zero padding in its mean. The torch tier
is in :mod:`cnnlib.torch_ops`.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import IntPair
from cnnlib.ops.geometry import pool_geometry


def max_pool2d_reference(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """Max pooling with loops over every output position.

    Args:
        x: input of shape (N, C, H, W).
        kernel_size: F, the window (an int or a (height, width) pair).
        stride: S, defaults to ``kernel_size``.
        padding: P, at most half the window.
        floor: drop the last rows/columns when the stride does not fit, as PyTorch does.

    Returns:
        Output of shape (N, C, H2, W2) with ``H2 = (H - F + 2P)/S + 1``.

    >>> x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4.0]])
    >>> max_pool2d_reference(x[None, None], 2, 2)[0, 0]  # the lecture's example
    array([[6., 8.],
           [3., 4.]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    xp = g.pad(x, -np.inf)
    out = np.empty(g.out_shape, dtype=x.dtype)
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            out[:, :, i, j] = xp[:, :, rows, cols].max(axis=(2, 3))
    return out


def max_pool2d_fast(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """Max pooling as an elementwise maximum over the F*F strided slices of the input.

    >>> x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4.0]])
    >>> max_pool2d_fast(x[None, None], 2)[0, 0]
    array([[6., 8.],
           [3., 4.]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    xp = g.pad(x, -np.inf)
    # F*F passes over contiguous-ish slices beat a reshape-and-max by far.
    rows, cols = g.tap(0, 0)
    out = xp[:, :, rows, cols].copy()
    for a in range(g.FH):
        for c in range(g.FW):
            rows, cols = g.tap(a, c)
            np.maximum(out, xp[:, :, rows, cols], out=out)
    return out


def avg_pool2d_reference(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """Average pooling with loops; arguments as :func:`max_pool2d_reference`.

    >>> avg_pool2d_reference(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    xp = g.pad(x)
    out = np.empty(g.out_shape, dtype=x.dtype)
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            out[:, :, i, j] = xp[:, :, rows, cols].mean(axis=(2, 3))
    return out


def avg_pool2d_fast(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """Average pooling as a sum over the F*F strided slices; arguments as above.

    >>> avg_pool2d_fast(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    xp = g.pad(x)
    out = np.zeros(g.out_shape, dtype=x.dtype)
    for a in range(g.FH):
        for c in range(g.FW):
            rows, cols = g.tap(a, c)
            out += xp[:, :, rows, cols]
    return out / (g.FH * g.FW)


def max_pool2d_backward_reference(
    dout: np.ndarray, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
    *, floor: bool = False,
) -> np.ndarray:
    """Gradient of max pooling: each window's gradient goes to its (first) maximum.

    Returns ``dx`` of shape (N, C, H, W). Ties go to the first maximum in
    row-major order, as in PyTorch.

    >>> x = np.array([[[[1.0, 3.0], [2.0, 0.0]]]])
    >>> max_pool2d_backward_reference(np.ones((1, 1, 1, 1)), x, 2)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    g.check_dout(dout)
    xp = g.pad(x, -np.inf)
    dxp = np.zeros(g.padded_shape, dtype=np.result_type(x, dout))
    for n in range(g.N):
        for ch in range(g.C):
            for i in range(g.H2):
                for j in range(g.W2):
                    rows, cols = g.window(i, j)
                    a, c = np.unravel_index(np.argmax(xp[n, ch, rows, cols]), (g.FH, g.FW))
                    dxp[n, ch, rows.start + a, cols.start + c] += dout[n, ch, i, j]
    return g.crop(dxp)


def max_pool2d_backward_fast(
    dout: np.ndarray, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
    *, floor: bool = False,
) -> np.ndarray:
    """Vectorized gradient of max pooling; same arguments and result as the reference.

    >>> x = np.array([[[[1.0, 3.0], [2.0, 0.0]]]])
    >>> max_pool2d_backward_fast(np.ones((1, 1, 1, 1)), x, 2)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    g.check_dout(dout)
    xp = g.pad(x, -np.inf)
    out = max_pool2d_fast(x, kernel_size, stride, padding, floor=floor)
    dxp = np.zeros(g.padded_shape, dtype=np.result_type(x, dout))
    unclaimed = np.ones(out.shape, dtype=bool)
    # Visit the taps in row-major order so a tie goes to the first maximum.
    for a in range(g.FH):
        for c in range(g.FW):
            rows, cols = g.tap(a, c)
            winner = unclaimed & (xp[:, :, rows, cols] == out)
            dxp[:, :, rows, cols] += np.where(winner, dout, 0)
            unclaimed &= ~winner
    return g.crop(dxp)


def avg_pool2d_backward_reference(
    dout: np.ndarray, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
    *, floor: bool = False,
) -> np.ndarray:
    """Gradient of average pooling: each window shares its gradient equally.

    >>> avg_pool2d_backward_reference(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 2, 2)), 2)[0, 0]
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    g.check_dout(dout)
    dxp = np.zeros(g.padded_shape, dtype=np.result_type(x, dout))
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            dxp[:, :, rows, cols] += dout[:, :, i, j, None, None] / (g.FH * g.FW)
    return g.crop(dxp)


def avg_pool2d_backward_fast(
    dout: np.ndarray, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0,
    *, floor: bool = False,
) -> np.ndarray:
    """Vectorized gradient of average pooling; same arguments and result as the reference.

    >>> avg_pool2d_backward_fast(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 2, 2)), 2)[0, 0]
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    g = pool_geometry(x, kernel_size, stride, padding, floor)
    g.check_dout(dout)
    dxp = np.zeros(g.padded_shape, dtype=np.result_type(x, dout))
    share = dout / (g.FH * g.FW)
    for a in range(g.FH):
        for c in range(g.FW):
            rows, cols = g.tap(a, c)
            dxp[:, :, rows, cols] += share
    return g.crop(dxp)
