"""Convolution backward pass: the gradients of the loss with respect to x, w and b.

Two tiers with one signature, as for the forward pass in :mod:`cnnlib.conv`:
``conv2d_backward_reference`` walks the output neurons one by one and sends
each upstream gradient back to the patch and the filter it came from;
``conv2d_backward_fast`` does the same with matrix products and a
col2im that loops only over the FH*FW filter taps.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import IntPair, array
from cnnlib.conv import ConvGeometry, conv_geometry, im2col_chunks, pad

Gradients = tuple[np.ndarray, np.ndarray, np.ndarray]


def _check_dout(dout: np.ndarray, g: ConvGeometry) -> None:
    array(dout, "dout", 4, "(N, K, H2, W2)")
    expected = (g.N, g.K, g.H2, g.W2)
    if dout.shape != expected:
        raise ValueError(f"dout must have the forward output's shape (N, K, H2, W2) = {expected}, got {dout.shape}")


def conv2d_backward_reference(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
    *,
    floor: bool = False,
) -> Gradients:
    """Gradients of a convolution, one output neuron at a time.

    Args:
        dout: upstream gradient of shape (N, K, H2, W2).
        x, w, stride, padding, dilation, groups, floor: as given to the forward pass.

    Returns:
        ``(dx, dw, db)`` of shapes (N, C, H, W), (K, C/groups, FH, FW) and (K,).

    >>> x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    >>> dx, dw, db = conv2d_backward_reference(np.ones((1, 1, 2, 2)), x, w)
    >>> dx[0, 0]  # the centre pixel is in all four patches
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    g = conv_geometry(x, w, None, stride, padding, dilation, groups, floor)
    _check_dout(dout, g)
    (SH, SW), (DH, DW) = g.stride, g.dilation
    xp = pad(x, g.padding)
    dxp, dw = np.zeros_like(xp, dtype=np.result_type(x, w, dout)), np.zeros_like(w, dtype=np.result_type(x, w, dout))
    filters_per_group, channels_per_group = g.K // g.groups, g.C // g.groups
    for n in range(g.N):
        for k in range(g.K):
            first = (k // filters_per_group) * channels_per_group
            channels = slice(first, first + channels_per_group)
            for i in range(g.H2):
                for j in range(g.W2):
                    rows = slice(i * SH, i * SH + DH * (g.FH - 1) + 1, DH)
                    cols = slice(j * SW, j * SW + DW * (g.FW - 1) + 1, DW)
                    # out[n, k, i, j] = sum(w[k] * patch) + b[k]: each factor's gradient is the other.
                    dw[k] += dout[n, k, i, j] * xp[n, channels, rows, cols]
                    dxp[n, channels, rows, cols] += dout[n, k, i, j] * w[k]
    ph, pw = g.padding
    return dxp[:, :, ph : ph + g.H, pw : pw + g.W].copy(), dw, dout.sum(axis=(0, 2, 3))


def conv2d_backward_fast(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
    *,
    floor: bool = False,
) -> Gradients:
    """Vectorized gradients: same arguments and results as :func:`conv2d_backward_reference`.

    >>> x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    >>> conv2d_backward_fast(np.ones((1, 1, 2, 2)), x, w)[1]
    array([[[[4., 4.],
             [4., 4.]]]])
    """
    g = conv_geometry(x, w, None, stride, padding, dilation, groups, floor)
    _check_dout(dout, g)
    dtype = np.result_type(x, w, dout)
    w_rows = w.astype(dtype, copy=False).reshape(g.groups, g.K // g.groups, -1)
    (SH, SW), (DH, DW), (ph, pw) = g.stride, g.dilation, g.padding
    dw = np.zeros(w_rows.shape, dtype=dtype)
    dxp = np.zeros((g.N, g.C, g.H + 2 * ph, g.W + 2 * pw), dtype=dtype)
    for images, cols in im2col_chunks(x.astype(dtype, copy=False), g):
        # Lay dout out as the forward pass's rows: (groups, K/groups, n*H2*W2).
        n = images.stop - images.start
        dout_rows = dout[images].astype(dtype, copy=False).transpose(1, 0, 2, 3).reshape(g.groups, g.K // g.groups, -1)
        dw += np.matmul(dout_rows, cols.swapaxes(-1, -2))
        dcols = np.matmul(w_rows.swapaxes(-1, -2), dout_rows).reshape(g.C, g.FH, g.FW, n, g.H2, g.W2)
        # col2im: each filter tap (a, c) touched a strided grid of the padded input.
        for a in range(g.FH):
            for c in range(g.FW):
                rows = slice(a * DH, a * DH + SH * (g.H2 - 1) + 1, SH)
                columns = slice(c * DW, c * DW + SW * (g.W2 - 1) + 1, SW)
                dxp[images, :, rows, columns] += dcols[:, a, c].transpose(1, 0, 2, 3)
    return dxp[:, :, ph : ph + g.H, pw : pw + g.W].copy(), dw.reshape(w.shape), dout.sum(axis=(0, 2, 3))
