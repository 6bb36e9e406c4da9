"""Where a sliding window reads: the one geometry under convolution, pooling and their gradients.

A window of FH x FW taps, spread ``dilation`` apart, slides over the
zero-padded input in steps of ``stride``. Output neuron ``(i, j)`` reads the
window whose top-left tap sits at ``(i*S, j*S)`` of the padded input; filter
tap ``(a, c)`` reads, over all output positions, the strided grid that starts
at ``(a*d, c*d)``. Every op asks a :class:`Geometry` for these slices, so the
arithmetic is written once; the output size comes from :mod:`cnnlib.shapes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlib._checks import IntPair, array, pair
from cnnlib.shapes import check_groups, pool_output_size, spatial_output_size


@dataclass(frozen=True)
class Geometry:
    """Checked sizes of one sliding-window op; build it with :func:`conv_geometry` or :func:`pool_geometry`.

    Input (N, C, H, W), window (FH, FW), output (N, K, H2, W2). Pooling has
    K = C, one group and dilation 1: each activation map is pooled on its own.

    >>> g = pool_geometry(np.zeros((1, 1, 4, 4)), 2, None, 0, False)
    >>> g.window(1, 0)  # output (1, 0) pools rows 2-3 and columns 0-1
    (slice(2, 4, 1), slice(0, 2, 1))
    """

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
    layout: str = "(N, K, H2, W2)"  # how errors name the output's axes

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        """The output's shape (N, K, H2, W2)."""
        return (self.N, self.K, self.H2, self.W2)

    @property
    def padded_shape(self) -> tuple[int, int, int, int]:
        """The padded input's shape (N, C, H + 2P, W + 2P)."""
        (PH, PW) = self.padding
        return (self.N, self.C, self.H + 2 * PH, self.W + 2 * PW)

    def pad(self, x: np.ndarray, value: float = 0.0) -> np.ndarray:
        """``x`` with ``value`` added around its two spatial axes (``x`` itself when there is no padding)."""
        (PH, PW) = self.padding
        if not (PH or PW):
            return x
        return np.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)), constant_values=value)

    def crop(self, xp: np.ndarray) -> np.ndarray:
        """The (N, C, H, W) inside of a padded array: a gradient with respect to the padded input becomes ``dx``."""
        (PH, PW) = self.padding
        return np.ascontiguousarray(xp[:, :, PH : PH + self.H, PW : PW + self.W])

    def window(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that output neuron (i, j) reads."""
        (SH, SW), (DH, DW) = self.stride, self.dilation
        top, left = i * SH, j * SW
        return slice(top, top + DH * (self.FH - 1) + 1, DH), slice(left, left + DW * (self.FW - 1) + 1, DW)

    def tap(self, a: int, c: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that filter tap (a, c) reads, one per output position."""
        (SH, SW), (DH, DW) = self.stride, self.dilation
        return (slice(a * DH, a * DH + SH * (self.H2 - 1) + 1, SH),
                slice(c * DW, c * DW + SW * (self.W2 - 1) + 1, SW))

    def windows(self, xp: np.ndarray) -> np.ndarray:
        """Every window of the padded input at once, as a view of shape (N, C, FH, FW, H2, W2).

        No data is copied: the view reuses ``xp``'s memory with extra strides.
        """
        (SH, SW), (DH, DW) = self.stride, self.dilation
        sN, sC, sH, sW = xp.strides
        return np.lib.stride_tricks.as_strided(
            xp,
            shape=(self.N, self.C, self.FH, self.FW, self.H2, self.W2),
            strides=(sN, sC, sH * DH, sW * DW, sH * SH, sW * SW),
            writeable=False,
        )

    def group(self, k: int) -> slice:
        """The input channels that filter ``k`` sees: its group's C/groups channels."""
        size = self.C // self.groups
        first = (k // (self.K // self.groups)) * size
        return slice(first, first + size)

    def check_dout(self, dout: np.ndarray) -> None:
        """Check that an upstream gradient has the forward output's shape; raises naming both shapes."""
        array(dout, "dout", 4, self.layout)
        if dout.shape != self.out_shape:
            raise ValueError(
                f"dout must have the forward output's shape {self.layout} = {self.out_shape}, got {dout.shape}"
            )


def conv_geometry(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    stride: IntPair,
    padding: IntPair,
    dilation: IntPair,
    groups: int,
    floor: bool = False,
) -> Geometry:
    """Check a convolution's arguments, x (N, C, H, W), w (K, C/groups, FH, FW), b (K,), and return its geometry."""
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
    return Geometry(N, C, H, W, K, FH, FW, stride, padding, dilation, groups, H2, W2)


def pool_geometry(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None, padding: IntPair, floor: bool
) -> Geometry:
    """Check a pooling's arguments, x (N, C, H, W) and an F x F window, and return its geometry.

    ``stride`` None means the window size, as in ``torch.nn.MaxPool2d``.
    """
    array(x, "x", 4, "(N, C, H, W)")
    N, C, H, W = x.shape
    FH, FW = pair(kernel_size, "kernel_size")
    SH, SW = (FH, FW) if stride is None else pair(stride, "stride")
    PH, PW = pair(padding, "padding", minimum=0)
    square = (H, FH, SH, PH) == (W, FW, SW, PW)
    H2 = pool_output_size(H, FH, SH, PH, floor=floor, axis=None if square else "height")
    W2 = pool_output_size(W, FW, SW, PW, floor=floor, axis=None if square else "width")
    return Geometry(N, C, H, W, C, FH, FW, (SH, SW), (PH, PW), (1, 1), 1, H2, W2, layout="(N, C, H2, W2)")
