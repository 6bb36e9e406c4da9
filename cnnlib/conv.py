"""Convolution forward pass in three tiers that share one signature.

* ``conv2d_reference``: four loops that mirror the lecture's formula, one
  output neuron at a time: the dot product of the filter with one local patch,
  plus the bias.
* ``conv2d_fast``: the same numbers from one matrix product per group
  (im2col, laid out as ``w @ cols`` so BLAS does the work).
* ``conv2d_torch``: ``torch.nn.functional.conv2d`` on :func:`cnnlib.device`.

All three take PyTorch's arguments and NCHW layout, and, like
``torch.nn.functional.conv2d``, compute a cross-correlation (the filter is
not flipped). The backward passes live in :mod:`cnnlib.conv_backward`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from cnnlib._checks import IntPair, array, pair
from cnnlib.shapes import check_groups, spatial_output_size


@dataclass(frozen=True)
class ConvGeometry:
    """Checked sizes of one convolution: inputs (N, C, H, W), filters (K, C/groups, FH, FW)."""

    N: int
    C: int
    H: int
    W: int
    K: int
    FH: int
    FW: int
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    H2: int
    W2: int


def conv_geometry(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    stride: IntPair,
    padding: IntPair,
    dilation: IntPair,
    groups: int,
    floor: bool = False,
) -> ConvGeometry:
    """Check a convolution's arguments and return its sizes; raises on bad input."""
    array(x, "x", 4, "(N, C, H, W)")
    array(w, "w", 4, "(K, C/groups, FH, FW)")
    N, C, H, W = x.shape
    K, Cg, FH, FW = w.shape
    groups = check_groups(C, K, groups)
    if Cg * groups != C:
        raise ValueError(
            f"w must have C/groups = {C}/{groups} = {C // groups} input channels to match x, "
            f"got w of shape {w.shape} (x has C={C})"
        )
    if b is not None:
        array(b, "b", 1, "(K,)")
        if b.shape != (K,):
            raise ValueError(f"b must have shape (K,) = ({K},), one bias per filter, got {b.shape}")
    stride, padding = pair(stride, "stride"), pair(padding, "padding", minimum=0)
    dilation = pair(dilation, "dilation")
    H2, W2 = spatial_output_size((H, W), (FH, FW), stride, padding, dilation, floor=floor)
    return ConvGeometry(N, C, H, W, K, FH, FW, stride, padding, dilation, groups, H2, W2)


def pad(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    """Zero-pad the two spatial axes of an (N, C, H, W) array."""
    ph, pw = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


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
    (SH, SW), (DH, DW) = g.stride, g.dilation
    xp = pad(x, g.padding)
    out = np.zeros((g.N, g.K, g.H2, g.W2), dtype=np.result_type(x, w))
    filters_per_group, channels_per_group = g.K // g.groups, g.C // g.groups
    for n in range(g.N):
        for k in range(g.K):
            first = (k // filters_per_group) * channels_per_group
            channels = slice(first, first + channels_per_group)
            for i in range(g.H2):
                for j in range(g.W2):
                    # Neuron (i, j) sees one FH x FW patch, over its group's full depth.
                    top, left = i * SH, j * SW
                    rows = slice(top, top + DH * (g.FH - 1) + 1, DH)
                    cols = slice(left, left + DW * (g.FW - 1) + 1, DW)
                    patch = xp[n, channels, rows, cols]
                    out[n, k, i, j] = np.sum(w[k] * patch) + (0 if b is None else b[k])
    return out


def windows(xp: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """View of every filter position of a padded input, shape (N, C, FH, FW, H2, W2).

    No data is copied: the view reuses ``xp``'s memory with extra strides.
    """
    (SH, SW), (DH, DW) = g.stride, g.dilation
    sN, sC, sH, sW = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp,
        shape=(g.N, g.C, g.FH, g.FW, g.H2, g.W2),
        strides=(sN, sC, sH * DH, sW * DW, sH * SH, sW * SW),
        writeable=False,
    )


# Bytes of im2col columns built at a time. A few MB stay in cache between the
# copy that builds them and the matrix product that reads them, which measured
# faster than building the whole batch's columns at once.
CHUNK_BYTES = 8 << 20


def im2col_chunks(x: np.ndarray, g: ConvGeometry) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield ``(images, cols)``: the receptive fields of a few images at a time as columns.

    ``cols`` has shape (groups, C/groups*FH*FW, n*H2*W2) for the ``n`` images
    of the chunk: row ``(c, a, b)`` holds input channel ``c`` at filter tap
    ``(a, b)`` for every output position of every image, so one matrix product
    per group covers the chunk. The buffer is reused: use each chunk before
    asking for the next.
    """
    view = windows(pad(x, g.padding), g).transpose(1, 2, 3, 0, 4, 5)  # (C, FH, FW, N, H2, W2)
    per_image = g.C * g.FH * g.FW * g.H2 * g.W2 * x.itemsize
    chunk = max(1, min(g.N, CHUNK_BYTES // per_image))
    buffer = np.empty(g.C * g.FH * g.FW * chunk * g.H2 * g.W2, dtype=x.dtype)
    for start in range(0, g.N, chunk):
        images = slice(start, min(start + chunk, g.N))
        n = images.stop - start
        cols = buffer[: g.C * g.FH * g.FW * n * g.H2 * g.W2].reshape(g.C, g.FH, g.FW, n, g.H2, g.W2)
        cols[...] = view[:, :, :, images]
        yield images, cols.reshape(g.groups, -1, n * g.H2 * g.W2)


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
    w_rows = w.astype(dtype, copy=False).reshape(g.groups, g.K // g.groups, -1)
    out = np.empty((g.N, g.K, g.H2, g.W2), dtype=dtype)
    for images, cols in im2col_chunks(x.astype(dtype, copy=False), g):
        # (groups, K/groups, C/groups*FH*FW) @ (groups, C/groups*FH*FW, n*H2*W2): BLAS does the work.
        rows = np.matmul(w_rows, cols).reshape(g.K, -1, g.H2, g.W2)
        out[images] = rows.transpose(1, 0, 2, 3)
    if b is not None:
        out += b.astype(dtype, copy=False).reshape(1, g.K, 1, 1)
    return out


def conv2d_torch(
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
    """:func:`torch.nn.functional.conv2d` on :func:`cnnlib.device`, numpy in and out.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_torch(x, np.ones((1, 1, 3, 3))).shape
    (1, 1, 2, 2)
    """
    import torch

    from cnnlib.device import device

    g = conv_geometry(x, w, b, stride, padding, dilation, groups, floor)
    on = device()
    tensors = [None if a is None else torch.from_numpy(np.ascontiguousarray(a)).to(on) for a in (x, w, b)]
    out = torch.nn.functional.conv2d(*tensors, stride=g.stride, padding=g.padding, dilation=g.dilation, groups=g.groups)
    return out.cpu().numpy()
