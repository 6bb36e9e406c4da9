"""Spatial arithmetic: output sizes, parameters, memory and FLOPs of conv layers.

Every other part of the course (the ops, the model summaries, the book and the
assignments' hidden tests) calls these functions instead of repeating the
formulas, so a fix here reaches all of them.

The lecture's rule for one spatial axis is ``(N - F + 2P) / S + 1``. With a
dilation ``d`` the filter covers ``d * (F - 1) + 1`` input positions, which
replaces ``F`` in the rule, exactly as in ``torch.nn.Conv2d``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from cnnlib._checks import IntPair, integer, pair


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Number of input positions a dilated filter spans along one axis.

    >>> effective_kernel_size(3, dilation=2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def conv_output_size(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    *,
    floor: bool = False,
    axis: str | None = None,
) -> int:
    """Output length along one axis: ``(N - F + 2P) / S + 1``.

    Args:
        input_size: N, the input's height or width.
        kernel_size: F, the filter's height or width.
        stride: S, the step between two filter positions.
        padding: P, zeros added on each side.
        dilation: spacing between filter taps (1 is a plain filter).
        floor: when the filter does not fit a whole number of times, drop the
            last rows or columns as PyTorch does instead of raising.
        axis: "height" or "width" to name the axis in errors about a
            non-square layer; None describes a square one, as the lecture does.

    Raises:
        ValueError: the filter is larger than the padded input, or (unless
            ``floor``) the stride does not fit.

    >>> [conv_output_size(7, 3, stride=s) for s in (1, 2)]
    [5, 3]
    >>> conv_output_size(7, 3, stride=3)
    Traceback (most recent call last):
    ...
    ValueError: stride 3 does not fit: cannot apply a 3x3 filter on a 7x7 input with stride 3 and padding 0, ...
    ... = 2.33 is not an integer; ...
    >>> conv_output_size(7, 3, stride=3, floor=True)
    2
    """
    n = integer(input_size, "input_size", minimum=1)
    f = integer(kernel_size, "kernel_size", minimum=1)
    s = integer(stride, "stride", minimum=1)
    p = integer(padding, "padding", minimum=0)
    d = integer(dilation, "dilation", minimum=1)
    extent = effective_kernel_size(f, d)
    if extent > n + 2 * p:
        spans = f"{f}" if d == 1 else f"{f} (spanning {extent} with dilation {d})"
        raise ValueError(
            f"kernel_size {spans} is larger than the padded input size "
            f"{n} + 2*{p} = {n + 2 * p}"
        )
    steps, leftover = divmod(n + 2 * p - extent, s)
    if leftover and not floor:
        size = f"{f}x{f}" if d == 1 else f"{f}x{f} (dilation {d}, spanning {extent})"
        layer = f"a {size} filter on a {n}x{n} input"
        if axis is not None:
            size = f"{f}" if d == 1 else f"{f} (dilation {d}, spanning {extent})"
            layer = f"a filter of {axis} {size} on an input of {axis} {n}"
        raise ValueError(
            f"stride {s} does not fit: cannot apply {layer} "
            f"with stride {s} and padding {p}, since (N - F + 2P)/S + 1 = "
            f"({n} - {extent} + 2*{p})/{s} + 1 = {(n + 2 * p - extent) / s + 1:.2f} "
            "is not an integer; choose another stride or padding, or pass floor=True "
            "to drop the last positions as PyTorch does"
        )
    return steps + 1


def spatial_output_size(
    input_size: tuple[int, int],
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    *,
    floor: bool = False,
) -> tuple[int, int]:
    """Output (height, width) from (height, width) pairs; errors name the axis when the layer is not square.

    >>> spatial_output_size((7, 9), (3, 3), (2, 2), (0, 0))
    (3, 4)
    """
    pairs = list(zip(input_size, kernel_size, stride, padding, dilation, strict=True))
    square = pairs[0] == pairs[1]
    return tuple(
        conv_output_size(*args, floor=floor, axis=None if square else name)
        for name, args in zip(("height", "width"), pairs, strict=True)
    )


def same_padding(kernel_size: int) -> int:
    """Zero padding ``(F - 1) / 2`` that keeps the size at stride 1 (odd F only).

    >>> [same_padding(f) for f in (3, 5, 7)]
    [1, 2, 3]
    """
    f = integer(kernel_size, "kernel_size", minimum=1)
    if f % 2 == 0:
        raise ValueError(f"kernel_size must be odd for (F - 1)/2 padding to keep the size, got {f}")
    return (f - 1) // 2


def pool_output_size(
    input_size: int,
    kernel_size: int,
    stride: int | None = None,
    padding: int = 0,
    *,
    floor: bool = False,
    axis: str | None = None,
) -> int:
    """Output length of a pooling window along one axis: ``(N - F + 2P) / S + 1``.

    ``stride`` defaults to ``kernel_size`` as in ``torch.nn.MaxPool2d``; as
    there, ``padding`` may be at most half the window.

    >>> pool_output_size(4, 2, 2)
    2
    >>> pool_output_size(55, 3, 2)
    27
    """
    f = integer(kernel_size, "kernel_size", minimum=1)
    p = integer(padding, "padding", minimum=0)
    if p > f // 2:
        raise ValueError(f"padding must be at most half of kernel_size {f}, got {p}")
    return conv_output_size(input_size, f, f if stride is None else stride, p, floor=floor, axis=axis)


def conv_output_shape(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: IntPair,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    *,
    floor: bool = False,
) -> tuple[int, ...]:
    """Output shape of a conv layer for an input of shape (C, H, W) or (N, C, H, W).

    >>> conv_output_shape((3, 32, 32), 10, 5, padding=2)
    (10, 32, 32)
    >>> conv_output_shape((1, 3, 227, 227), 96, 11, stride=4)
    (1, 96, 55, 55)
    """
    if len(input_shape) not in (3, 4):
        raise ValueError(f"input_shape must be (C, H, W) or (N, C, H, W), got {tuple(input_shape)}")
    *lead, h, w = input_shape
    (fh, fw), (sh, sw) = pair(kernel_size, "kernel_size"), pair(stride, "stride")
    (ph, pw), (dh, dw) = pair(padding, "padding", minimum=0), pair(dilation, "dilation")
    out_h, out_w = spatial_output_size((h, w), (fh, fw), (sh, sw), (ph, pw), (dh, dw), floor=floor)
    return (*lead[:-1], integer(out_channels, "out_channels", minimum=1), out_h, out_w)


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntPair,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """Learnable parameters of a conv layer: ``F*F*(D1/groups)*K + K``.

    >>> conv_params(3, 10, 5)  # the lecture's 32x32x3 layer with ten 5x5 filters
    760
    >>> conv_params(3, 96, 11)  # AlexNet's CONV1
    34944
    """
    c_in = integer(in_channels, "in_channels", minimum=1)
    k = integer(out_channels, "out_channels", minimum=1)
    fh, fw = pair(kernel_size, "kernel_size")
    check_groups(c_in, k, groups)
    return fh * fw * (c_in // groups) * k + (k if bias else 0)


def check_groups(in_channels: int, out_channels: int, groups: int) -> int:
    """Check that ``groups`` divides both channel counts, as ``Conv2d`` requires."""
    g = integer(groups, "groups", minimum=1)
    for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % g:
            raise ValueError(f"groups must divide {name}: {name}={channels} is not divisible by groups={g}")
    return g


def linear_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Parameters of a fully connected layer: ``in * out + out``.

    >>> linear_params(7 * 7 * 512, 4096)  # VGG-16's first FC layer
    102764544
    """
    n_in = integer(in_features, "in_features", minimum=1)
    n_out = integer(out_features, "out_features", minimum=1)
    return n_in * n_out + (n_out if bias else 0)


def activation_count(shape: Sequence[int]) -> int:
    """Number of values in an activation volume, e.g. (H, W, D) or (N, C, H, W).

    >>> activation_count((224, 224, 64))
    3211264
    """
    return math.prod(integer(s, "shape", minimum=0) for s in shape)


def activation_bytes(shape: Sequence[int], dtype: np.dtype | str = "float32") -> int:
    """Memory of an activation volume in bytes (4 per value in float32).

    >>> activation_bytes((224, 224, 3))
    602112
    """
    return activation_count(shape) * np.dtype(dtype).itemsize


def conv_flops(
    output_shape: Sequence[int],
    in_channels: int,
    kernel_size: IntPair,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """Floating-point operations of a conv layer's forward pass.

    Each output value is a dot product of ``n = F*F*D1/groups`` terms: ``n``
    multiplications and ``n - 1`` additions, plus one for the bias, so ``2n``
    with a bias and ``2n - 1`` without. ``output_shape`` is (K, H2, W2) or
    (N, K, H2, W2).

    >>> conv_flops((10, 32, 32), 3, 5)
    1536000
    """
    fh, fw = pair(kernel_size, "kernel_size")
    out_channels = output_shape[-3]
    check_groups(in_channels, out_channels, groups)
    n = fh * fw * (in_channels // groups)
    return activation_count(output_shape) * (2 * n if bias else 2 * n - 1)


def linear_flops(in_features: int, out_features: int, bias: bool = True) -> int:
    """Floating-point operations of a fully connected layer for one input.

    >>> linear_flops(4096, 1000)
    8192000
    """
    return out_features * (2 * in_features if bias else 2 * in_features - 1)


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Receptive field of one output neuron after a stack of layers.

    Each layer is ``(kernel_size, stride)`` or ``(kernel_size, stride,
    dilation)``, first layer first. A layer widens the field by
    ``dilation * (F - 1)`` times the product of all earlier strides.

    >>> receptive_field([(3, 1), (3, 1), (3, 1)])  # three 3x3 convs see 7x7
    7
    >>> receptive_field([(11, 4), (3, 2)])  # AlexNet's CONV1 then POOL1
    19
    """
    field, jump = 1, 1
    for i, layer in enumerate(layers):
        if len(layer) not in (2, 3):
            raise ValueError(
                f"layers[{i}] must be (kernel_size, stride) or (kernel_size, stride, dilation), got {layer!r}"
            )
        f = integer(layer[0], f"layers[{i}] kernel_size", minimum=1)
        s = integer(layer[1], f"layers[{i}] stride", minimum=1)
        d = integer(layer[2], f"layers[{i}] dilation", minimum=1) if len(layer) == 3 else 1
        field += d * (f - 1) * jump
        jump *= s
    return field
