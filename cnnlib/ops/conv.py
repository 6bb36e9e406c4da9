"""Convolution, forward and backward, in two tiers that share one signature.

* ``conv2d_reference``: four loops that mirror the lecture's formula, one
  output neuron at a time: the dot product of the filter with one local patch,
  plus the bias. ``conv2d_backward_reference`` walks the same neurons and sends
  each upstream gradient back to the patch and the filter it came from.
* ``conv2d_fast`` and ``conv2d_backward_fast``: the same numbers from one
  matrix product per group (im2col, laid out as ``w @ cols`` so BLAS does the
  work) and a col2im that loops only over the FH*FW filter taps.

Both take PyTorch's arguments and NCHW layout, and, like
``torch.nn.functional.conv2d``, compute a cross-correlation (the filter is not
flipped). The third tier, ``conv2d_torch``, is in :mod:`cnnlib.torch_ops`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cnnlib._checks import IntPair
from cnnlib.ops.geometry import Geometry, conv_geometry

Gradients = tuple[np.ndarray, np.ndarray, np.ndarray]


def conv2d_reference(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
    *,
    floor: bool = False,
) -> np.ndarray:
    """2D convolution (cross-correlation) as loops over output neurons.

    Args:
        x: input of shape (N, C, H, W).
        w: filters of shape (K, C/groups, FH, FW).
        b: biases of shape (K,), or None.
        stride, padding, dilation: an int or an (height, width) pair.
        groups: split channels into this many independent convolutions.
        floor: when the stride does not fit, drop the last rows and columns
            as PyTorch does instead of raising ``ValueError``.

    Returns:
        Output of shape (N, K, H2, W2) with ``H2 = (H - FH + 2P)/S + 1``
        (see :func:`cnnlib.shapes.conv_output_size`).

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_reference(x, np.ones((1, 1, 3, 3))).shape  # 4x4 input, 3x3 kernel -> 2x2
    (1, 1, 2, 2)
    """
    g = conv_geometry(x, w, b, stride, padding, dilation, groups, floor)
    xp = g.pad(x)
    out = np.zeros(g.out_shape, dtype=np.result_type(x, w))
    for n in range(g.N):
        for k in range(g.K):
            channels = g.group(k)  # all C input channels, or filter k's group of them
            for i in range(g.H2):
                for j in range(g.W2):
                    # Neuron (i, j) sees one FH x FW patch, over its group's full depth.
                    rows, cols = g.window(i, j)
                    patch = xp[n, channels, rows, cols]
                    out[n, k, i, j] = np.sum(w[k] * patch) + (0 if b is None else b[k])
    return out


# Bytes of im2col columns built at a time. A few MB stay in cache between the
# copy that builds them and the matrix product that reads them, which measured
# faster than building the whole batch's columns at once.
CHUNK_BYTES = 8 << 20


def im2col_chunks(x: np.ndarray, g: Geometry) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield ``(images, cols)``: the receptive fields of a few images at a time as columns.

    ``cols`` has shape (groups, C/groups*FH*FW, n*H2*W2) for the ``n`` images
    of the chunk: row ``(c, a, b)`` holds input channel ``c`` at filter tap
    ``(a, b)`` for every output position of every image, so one matrix product
    per group covers the chunk. The buffer is reused: use each chunk before
    asking for the next.
    """
    view = g.windows(g.pad(x)).transpose(1, 2, 3, 0, 4, 5)  # (C, FH, FW, N, H2, W2)
    per_image = g.C * g.FH * g.FW * g.H2 * g.W2 * x.itemsize
    chunk = max(1, min(g.N, CHUNK_BYTES // per_image))
    buffer = np.empty(g.C * g.FH * g.FW * chunk * g.H2 * g.W2, dtype=x.dtype)
    for start in range(0, g.N, chunk):
        images = slice(start, min(start + chunk, g.N))
        n = images.stop - start
        cols = buffer[: g.C * g.FH * g.FW * n * g.H2 * g.W2].reshape(g.C, g.FH, g.FW, n, g.H2, g.W2)
        cols[...] = view[:, :, :, images]
        yield images, cols.reshape(g.groups, -1, n * g.H2 * g.W2)


def _filter_rows(w: np.ndarray, g: Geometry, dtype: np.dtype) -> np.ndarray:
    """The filters as matrix rows, one matrix per group: (groups, K/groups, C/groups*FH*FW)."""
    return w.astype(dtype, copy=False).reshape(g.groups, g.K // g.groups, -1)


def conv2d_fast(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
    *,
    floor: bool = False,
) -> np.ndarray:
    """Vectorized 2D convolution: same arguments and result as :func:`conv2d_reference`.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_fast(x, np.ones((1, 1, 3, 3)))
    array([[[[45., 54.],
             [81., 90.]]]])
    """
    g = conv_geometry(x, w, b, stride, padding, dilation, groups, floor)
    dtype = np.result_type(x, w)
    w_rows = _filter_rows(w, g, dtype)
    out = np.empty(g.out_shape, dtype=dtype)
    for images, cols in im2col_chunks(x.astype(dtype, copy=False), g):
        # (groups, K/groups, C/groups*FH*FW) @ (groups, C/groups*FH*FW, n*H2*W2): BLAS does the work.
        rows = np.matmul(w_rows, cols).reshape(g.K, -1, g.H2, g.W2)
        out[images] = rows.transpose(1, 0, 2, 3)
    if b is not None:
        out += b.astype(dtype, copy=False).reshape(1, g.K, 1, 1)
    return out


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
    """Gradients of a convolution with respect to x, w and b, one output neuron at a time.

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
    g.check_dout(dout)
    dtype = np.result_type(x, w, dout)
    xp = g.pad(x)
    dxp, dw = np.zeros(g.padded_shape, dtype=dtype), np.zeros_like(w, dtype=dtype)
    for n in range(g.N):
        for k in range(g.K):
            channels = g.group(k)
            for i in range(g.H2):
                for j in range(g.W2):
                    rows, cols = g.window(i, j)
                    # out[n, k, i, j] = sum(w[k] * patch) + b[k]: each factor's gradient is the other.
                    dw[k] += dout[n, k, i, j] * xp[n, channels, rows, cols]
                    dxp[n, channels, rows, cols] += dout[n, k, i, j] * w[k]
    return g.crop(dxp), dw, dout.sum(axis=(0, 2, 3))


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
    g.check_dout(dout)
    dtype = np.result_type(x, w, dout)
    w_rows = _filter_rows(w, g, dtype)
    dw = np.zeros(w_rows.shape, dtype=dtype)
    dxp = np.zeros(g.padded_shape, dtype=dtype)
    for images, cols in im2col_chunks(x.astype(dtype, copy=False), g):
        # Lay dout out as the forward pass's rows: (groups, K/groups, n*H2*W2).
        n = images.stop - images.start
        dout_rows = dout[images].astype(dtype, copy=False).transpose(1, 0, 2, 3).reshape(g.groups, g.K // g.groups, -1)
        dw += np.matmul(dout_rows, cols.swapaxes(-1, -2))
        dcols = np.matmul(w_rows.swapaxes(-1, -2), dout_rows).reshape(g.C, g.FH, g.FW, n, g.H2, g.W2)
        # col2im: each filter tap (a, c) touched a strided grid of the padded input.
        for a in range(g.FH):
            for c in range(g.FW):
                rows, columns = g.tap(a, c)
                dxp[images, :, rows, columns] += dcols[:, a, c].transpose(1, 0, 2, 3)
    return g.crop(dxp), dw.reshape(w.shape), dout.sum(axis=(0, 2, 3))
