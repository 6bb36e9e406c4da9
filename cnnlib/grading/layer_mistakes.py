"""Known mistakes of the layers' forward passes: convolution, pooling, the fully connected layer.

Each ``diagnose_*`` function computes the reference op the way a known mistake
would (the kernel flipped, other padding, stride 1, one channel, no bias,
another pooling window or stride) and names the first one that gives the wrong
output; see :mod:`cnnlib.grading.mistakes` for the sentences and the matching.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cnnlib.grading.checks import as_float
from cnnlib.grading.mistakes import MISTAKES, Variant, first_match
from cnnlib.ops.conv import conv2d_fast
from cnnlib.ops.pooling import avg_pool2d_fast, max_pool2d_fast


def diagnose_conv(
    actual: object, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1, padding: int = 0
) -> str | None:
    """Name the known mistake that turns ``conv2d(x, w, b, stride, padding)`` into ``actual``, if one does.

    Args:
        actual: the wrong output.
        x: input of shape (N, C, H, W); w: filters (K, C, F, F); b: biases (K,) or None.
        stride, padding: the case's S and P (ints).

    >>> x, w = np.arange(25.0).reshape(1, 1, 5, 5), np.arange(9.0).reshape(1, 1, 3, 3)
    >>> print(diagnose_conv(conv2d_fast(x, w[..., ::-1, ::-1]), x, w))
    Likely mistake: your output is a true convolution with the kernel flipped, ... See https://.../book/01_convolution.html#...
    """

    x, w = as_float(x), as_float(w)
    b = as_float(b)

    def conv(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray | None = b, s: int = stride, p: int = padding):
        return conv2d_fast(x_, w_, b_, s, p, floor=True)

    def variants() -> Iterator[Variant]:
        yield "kernel_flipped", {}, lambda: conv(x, w[:, :, ::-1, ::-1])
        yield "stride_ignored", {"stride": stride}, lambda: conv(x, w, s=1)
        # The windows starting 2P into the zeros: 2P zeros on the top and left only, or padding 2P (or P + 1 = 2P)
        # on every side with the output sized for P. The output alone cannot tell these apart, so one sentence names both.
        shifted = lambda: np.pad(x, ((0, 0), (0, 0), (2 * padding, 0), (2 * padding, 0)))  # noqa: E731
        if padding:
            yield "padding_shifted", {"shift": 2 * padding, "padding": padding}, lambda: conv(shifted(), w, p=0)
        for used in sorted({padding - 1, padding + 1, 2 * padding, 0} - {padding}):
            if used >= 0:
                details = {"used": used, "padding": padding, "off": abs(used - padding)}
                yield "padding_off", details, lambda used=used: conv(x, w, p=used)
        if padding:
            below = lambda: np.pad(x, ((0, 0), (0, 0), (0, 2 * padding), (0, 2 * padding)))  # noqa: E731
            yield "padding_one_sided", {"padding": padding}, lambda: conv(below(), w, p=0)
        if x.shape[1] > 1:
            yield "channels_summed_wrong", {"how": "the first input channel only"}, lambda: conv(x[:, :1], w[:, :1])
            yield "channels_summed_wrong", {"how": "the last input channel only"}, lambda: conv(x[:, -1:], w[:, -1:])
            yield (
                "channels_summed_wrong",
                {"how": "summing the channels of x and of w before the products"},
                lambda: conv(x.sum(1, keepdims=True), w.sum(1, keepdims=True)),
            )
        if b is not None and np.any(b):
            yield "bias_missing", {}, lambda: conv(x, w, None)
            if x.shape[1] > 1:
                yield "bias_per_channel", {"channels": x.shape[1]}, lambda: conv(x, w) + (x.shape[1] - 1) * b[:, None, None]
        if stride > 1:
            yield "stride_on_taps", {"stride": stride}, lambda: _taps_strided(x, w, b, stride, padding)

    if isinstance(actual, Exception):
        clipped = _first_clipped_window(x.shape, w.shape, stride, padding)
        if stride > 1 and clipped and _names_shape(actual, clipped):
            return MISTAKES["stride_on_taps"].explain(stride=stride)
        return None
    return first_match(actual, conv(x, w), variants())


def _taps_strided(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, S: int, P: int) -> np.ndarray:
    """The conv whose filter taps are S apart too, written as a student's loop: a window cut short at the edge
    broadcasts where a cut axis is left with one entry (and raises ValueError otherwise, when this variant is skipped)."""
    N, _, H, W = x.shape
    K, _, FH, FW = w.shape
    H2, W2 = (H + 2 * P - FH) // S + 1, (W + 2 * P - FW) // S + 1
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    out = np.zeros((N, K, H2, W2))
    for i in range(H2):
        for j in range(W2):
            patch = xp[:, None, :, i * S : i * S + S * FH : S, j * S : j * S + S * FW : S]
            out[:, :, i, j] = np.sum(np.broadcast_to(patch, (N, K, *w.shape[1:])) * w, axis=(2, 3, 4))
    return out + (0 if b is None else b[:, None, None])


def _first_clipped_window(x_shape: tuple, w_shape: tuple, S: int, P: int) -> tuple[int, int, int] | None:
    """The (C, rows, columns) of the first window, in row-major order, that a filter with taps S apart cuts at
    the padded input's edge so that numpy cannot broadcast it against the filter (a slice that leaves the array
    is shorter)."""
    _, C, H, W = x_shape
    _, _, FH, FW = w_shape
    Hp, Wp = H + 2 * P, W + 2 * P
    H2, W2 = (Hp - FH) // S + 1, (Wp - FW) // S + 1
    for i in range(H2):
        for j in range(W2):
            rows, cols = len(range(i * S, min(i * S + S * FH, Hp), S)), len(range(j * S, min(j * S + S * FW, Wp), S))
            if rows not in (1, FH) or cols not in (1, FW):  # an axis cut to one entry still broadcasts
                return C, rows, cols
    return None


def _names_shape(error: Exception, shape: tuple[int, ...]) -> bool:
    """Whether numpy's message in ``error`` names ``shape`` (numpy writes shapes without spaces)."""
    return "(" + ",".join(map(str, shape)) + ")" in str(error).replace(" ", "")


def diagnose_pad(actual: object, x: np.ndarray, padding: int) -> str | None:
    """Name the known mistake of zero padding (one side only, every axis padded, shifted) that gives ``actual``.

    ``actual`` may be the exception the padding raised, as numpy's "could not broadcast" of one side only.

    >>> x = np.ones((1, 1, 2, 2))
    >>> print(diagnose_pad(np.pad(x, 1), x, 1))
    Likely mistake: your zero padding also pads the batch and channel axes (shape (3, 3, 4, 4)): ...
    """
    N, C, H, W = x.shape
    P = padding
    one_side = {"padding": P, "got": f"{H + P}x{W + P}", "expected": f"{H + 2 * P}x{W + 2 * P}"}
    if isinstance(actual, Exception):
        return MISTAKES["padding_one_side"].explain(**one_side) if P and _names_shape(actual, (N, C, H + P, W + P)) else None
    if not isinstance(actual, np.ndarray) or not P:
        return None
    if actual.shape == (N, C, H + P, W + P):
        return MISTAKES["padding_one_side"].explain(**one_side)
    if actual.shape == (N + 2 * P, C + 2 * P, H + 2 * P, W + 2 * P):
        return MISTAKES["padding_every_axis"].explain(got=actual.shape)

    def variants() -> Iterator[Variant]:
        spatial = lambda before, after: np.pad(as_float(x), ((0, 0), (0, 0), (before, after), (before, after)))  # noqa: E731
        yield "padding_one_sided", {"padding": P}, lambda: spatial(0, 2 * P)
        yield "padding_shifted", {"shift": 2 * P, "padding": P}, lambda: spatial(2 * P, 0)

    return first_match(actual, np.pad(as_float(x), ((0, 0), (0, 0), (P, P), (P, P))), variants())


def diagnose_params(actual: object, C: int, K: int, F: int) -> str | None:
    """Name a conv layer's parameter count without its biases, F*F*C*K; ``actual`` may end with the count
    (a layer's (volume, params) or a table row (name, volume, params)).

    >>> print(diagnose_params(750, 3, 10, 5))
    Likely mistake: your count lacks the biases: ... (750 weights and 10 biases here). See https://...
    """
    if isinstance(actual, tuple | list) and actual:
        actual = actual[-1]
    weights = F * F * C * K
    if isinstance(actual, int | np.integer) and not isinstance(actual, bool) and actual == weights:
        return MISTAKES["params_bias_missing"].explain(weights=weights, biases=K)
    return None


def diagnose_correlate2d(actual: object, x: np.ndarray, w: np.ndarray) -> str | None:
    """:func:`diagnose_conv` for one filter over one image: x (H, W), w (FH, FW), actual (H2, W2).

    >>> x, w = np.arange(25.0).reshape(5, 5), np.arange(9.0).reshape(3, 3)
    >>> print(diagnose_correlate2d(conv2d_fast(x[None, None], w[None, None, ::-1, ::-1])[0, 0], x, w))
    Likely mistake: your output is a true convolution with the kernel flipped, ... See https://.../book/01_convolution.html#...
    """
    if not isinstance(actual, np.ndarray) or x.ndim != 2 or w.ndim != 2:
        return None
    return diagnose_conv(actual[None, None], x[None, None], w[None, None])


def diagnose_pool(
    actual: object, x: np.ndarray, kernel_size: int, stride: int | None = None, *, mode: str = "max"
) -> str | None:
    """Name the known pooling mistake (window or stride wrong) that gives ``actual``, if one does.

    >>> x = np.arange(49.0).reshape(1, 1, 7, 7)
    >>> print(diagnose_pool(max_pool2d_fast(x, 2, 2, floor=True), x, 3, 2))
    Likely mistake: your output matches a 2x2 pooling window instead of 3x3: ... See https://.../05_activations_pooling_fc.html#...
    """
    pool = {"max": max_pool2d_fast, "avg": avg_pool2d_fast}[mode]
    x = as_float(x)
    S = kernel_size if stride is None else stride

    def variants() -> Iterator[Variant]:
        for used in sorted({S, 2, kernel_size - 1, kernel_size + 1} - {kernel_size}):
            if used >= 1:
                details = {"used": used, "kernel": kernel_size}
                yield "pool_window_wrong", details, lambda used=used: pool(x, used, S, floor=True)
        for used in sorted({1, kernel_size} - {S}):
            yield "pool_stride_wrong", {"used": used, "stride": S}, lambda used=used: pool(x, kernel_size, used, floor=True)

    return first_match(actual, pool(x, kernel_size, S, floor=True), variants())


def diagnose_linear(actual: object, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> str | None:
    """Name the known mistake of a fully connected layer (bias missing) that gives ``actual``, if one does.

    >>> x, w, b = np.ones((2, 3)), np.ones((4, 3)), np.arange(1.0, 5.0)
    >>> print(diagnose_linear(x @ w.T, x, w, b))
    Likely mistake: your output lacks the bias: ... See https://.../book/04_neuron_view.html#...
    """
    flat = as_float(x).reshape(x.shape[0], -1)

    def variants() -> Iterator[Variant]:
        if b is not None and np.any(b):
            yield "bias_missing", {}, lambda: flat @ w.T

    expected = flat @ w.T + (0 if b is None else b)
    return first_match(actual, expected, variants())
