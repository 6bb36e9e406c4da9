"""Max and average pooling, forward and backward, in the same three tiers as conv.

Pooling works on each activation map independently and has no parameters:
an F x F window moves with stride S and keeps the largest value (max) or the
mean (average). As in ``torch.nn.MaxPool2d``, ``stride`` defaults to the
window size, padding may be at most half the window, max pooling pads with
-inf and average pooling counts the zero padding in its mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlib._checks import IntPair, array, pair
from cnnlib.shapes import pool_output_size


@dataclass(frozen=True)
class PoolGeometry:
    """Checked sizes of one pooling: input (N, C, H, W), window (FH, FW), output (H2, W2)."""

    N: int
    C: int
    H: int
    W: int
    FH: int
    FW: int
    stride: tuple[int, int]
    padding: tuple[int, int]
    H2: int
    W2: int

    def window(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that output (i, j) pools."""
        top, left = i * self.stride[0], j * self.stride[1]
        return slice(top, top + self.FH), slice(left, left + self.FW)

    def tap(self, a: int, c: int) -> tuple[slice, slice]:
        """Rows and columns that window tap (a, c) takes over all outputs."""
        (SH, SW) = self.stride
        return slice(a, a + SH * (self.H2 - 1) + 1, SH), slice(c, c + SW * (self.W2 - 1) + 1, SW)


def pool_geometry(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None, padding: IntPair, floor: bool
) -> PoolGeometry:
    """Check a pooling's arguments and return its sizes; raises on bad input."""
    array(x, "x", 4, "(N, C, H, W)")
    N, C, H, W = x.shape
    FH, FW = pair(kernel_size, "kernel_size")
    SH, SW = (FH, FW) if stride is None else pair(stride, "stride")
    PH, PW = pair(padding, "padding", minimum=0)
    square = (H, FH, SH, PH) == (W, FW, SW, PW)
    H2 = pool_output_size(H, FH, SH, PH, floor=floor, axis=None if square else "height")
    W2 = pool_output_size(W, FW, SW, PW, floor=floor, axis=None if square else "width")
    return PoolGeometry(N, C, H, W, FH, FW, (SH, SW), (PH, PW), H2, W2)


def _pad(x: np.ndarray, g: PoolGeometry, value: float) -> np.ndarray:
    (ph, pw) = g.padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _crop(xp: np.ndarray, g: PoolGeometry) -> np.ndarray:
    (ph, pw) = g.padding
    return xp[:, :, ph : ph + g.H, pw : pw + g.W]


def _check_dout(dout: np.ndarray, g: PoolGeometry) -> None:
    array(dout, "dout", 4, "(N, C, H2, W2)")
    if dout.shape != (g.N, g.C, g.H2, g.W2):
        raise ValueError(f"dout must have the forward output's shape {(g.N, g.C, g.H2, g.W2)}, got {dout.shape}")


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
    xp = _pad(x, g, -np.inf)
    out = np.empty((g.N, g.C, g.H2, g.W2), dtype=x.dtype)
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
    xp = _pad(x, g, -np.inf) if any(g.padding) else x
    # F*F passes over contiguous-ish slices beat a reshape-and-max by far.
    out = xp[(slice(None), slice(None), *g.tap(0, 0))].copy()
    for a in range(g.FH):
        for c in range(g.FW):
            np.maximum(out, xp[(slice(None), slice(None), *g.tap(a, c))], out=out)
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
    xp = _pad(x, g, 0.0)
    out = np.empty((g.N, g.C, g.H2, g.W2), dtype=x.dtype)
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
    xp = _pad(x, g, 0.0)
    out = np.zeros((g.N, g.C, g.H2, g.W2), dtype=x.dtype)
    for a in range(g.FH):
        for c in range(g.FW):
            out += xp[(slice(None), slice(None), *g.tap(a, c))]
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
    _check_dout(dout, g)
    xp = _pad(x, g, -np.inf)
    dxp = np.zeros(xp.shape, dtype=np.result_type(x, dout))
    for n in range(g.N):
        for ch in range(g.C):
            for i in range(g.H2):
                for j in range(g.W2):
                    rows, cols = g.window(i, j)
                    a, c = np.unravel_index(np.argmax(xp[n, ch, rows, cols]), (g.FH, g.FW))
                    dxp[n, ch, rows.start + a, cols.start + c] += dout[n, ch, i, j]
    return _crop(dxp, g)


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
    _check_dout(dout, g)
    xp = _pad(x, g, -np.inf)
    out = max_pool2d_fast(x, kernel_size, stride, padding, floor=floor)
    dxp = np.zeros(xp.shape, dtype=np.result_type(x, dout))
    unclaimed = np.ones(out.shape, dtype=bool)
    # Visit the taps in row-major order so a tie goes to the first maximum.
    for a in range(g.FH):
        for c in range(g.FW):
            tap = (slice(None), slice(None), *g.tap(a, c))
            winner = unclaimed & (xp[tap] == out)
            dxp[tap] += np.where(winner, dout, 0)
            unclaimed &= ~winner
    return _crop(dxp, g)


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
    _check_dout(dout, g)
    dxp = np.zeros((g.N, g.C, g.H + 2 * g.padding[0], g.W + 2 * g.padding[1]), dtype=np.result_type(x, dout))
    for i in range(g.H2):
        for j in range(g.W2):
            rows, cols = g.window(i, j)
            dxp[:, :, rows, cols] += dout[:, :, i, j, None, None] / (g.FH * g.FW)
    return _crop(dxp, g)


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
    _check_dout(dout, g)
    dxp = np.zeros((g.N, g.C, g.H + 2 * g.padding[0], g.W + 2 * g.padding[1]), dtype=np.result_type(x, dout))
    share = dout / (g.FH * g.FW)
    for a in range(g.FH):
        for c in range(g.FW):
            dxp[(slice(None), slice(None), *g.tap(a, c))] += share
    return _crop(dxp, g)


def _pool_torch(name: str, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None, padding: IntPair, floor: bool):
    import torch

    from cnnlib.device import device

    g = pool_geometry(x, kernel_size, stride, padding, floor)
    pool = getattr(torch.nn.functional, name)
    out = pool(torch.from_numpy(np.ascontiguousarray(x)).to(device()), (g.FH, g.FW), g.stride, g.padding)
    return out.cpu().numpy()


def max_pool2d_torch(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """:func:`torch.nn.functional.max_pool2d` on :func:`cnnlib.device`, numpy in and out.

    >>> max_pool2d_torch(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool_torch("max_pool2d", x, kernel_size, stride, padding, floor)


def avg_pool2d_torch(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """:func:`torch.nn.functional.avg_pool2d` on :func:`cnnlib.device`, numpy in and out.

    >>> avg_pool2d_torch(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _pool_torch("avg_pool2d", x, kernel_size, stride, padding, floor)
