"""Known mistakes, recognised from a wrong output and named in one sentence.

A hidden test that fails asks a ``diagnose_*`` function whether the wrong
output is exactly what a known mistake produces: the reference op run with
the kernel flipped, another padding, stride 1, one channel only, no bias, or
another pooling window or stride. A match becomes one sentence with a link to
the book section that explains the rule, e.g.::

    Likely mistake: your output is a true convolution ... See https://.../book/01_convolution.html

The same text reaches the instructor (formgrader shows the autograded
notebook) and the student (:mod:`cnnlib.grading.feedback` turns it into a link).
Set ``CNNLIB_BOOK_URL`` to where the book is published before autograding.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from cnnlib.conv import conv2d_fast
from cnnlib.pooling import avg_pool2d_fast, max_pool2d_fast

PREFIX = "Likely mistake:"
# The book is published from the repository named in _config.yml (GitHub Pages).
DEFAULT_BOOK_URL = "https://deep-convnets-course.github.io/deep-convnets/"


@dataclass(frozen=True)
class Mistake:
    """One known mistake: a sentence (with ``{placeholders}``) and the book page that explains it."""

    key: str
    sentence: str
    page: str

    def url(self) -> str:
        """Link to the book page, under ``CNNLIB_BOOK_URL`` when set."""
        base = os.environ.get("CNNLIB_BOOK_URL", DEFAULT_BOOK_URL)
        return f"{base.rstrip('/')}/book/{self.page}.html"

    def explain(self, **details: object) -> str:
        """The message a failed test shows.

        >>> MISTAKES["bias_missing"].explain().startswith("Likely mistake: your output lacks the bias")
        True
        """
        return f"{PREFIX} {self.sentence.format(**details)} See {self.url()}"


MISTAKES = {
    m.key: m
    for m in (
        Mistake(
            "kernel_flipped",
            "your output is a true convolution with the kernel flipped, but a conv layer (like torch.nn.Conv2d) "
            "computes a cross-correlation, sum_ij W_ij x_ij, with the filter as it is.",
            "01_convolution",
        ),
        Mistake(
            "padding_off",
            "your output matches zero padding {used} instead of {padding} (off by {off}): add exactly P = {padding} "
            "rows and columns of zeros on each side, which is the 2P in (N - F + 2P)/S + 1.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "stride_ignored",
            "your output matches stride 1 instead of stride {stride}: the window of output (i, j) starts at "
            "(i*S, j*S), so the filter moves S = {stride} pixels between positions.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "channels_summed_wrong",
            "your output matches {how}: each output value is one dot product over the filter's full depth, "
            "summed over all C input channels.",
            "03_conv_layer",
        ),
        Mistake(
            "bias_missing",
            "your output lacks the bias: each output neuron is the dot product plus its filter's bias b[k].",
            "04_neuron_view",
        ),
        Mistake(
            "pool_window_wrong",
            "your output matches a {used}x{used} pooling window instead of {kernel}x{kernel}: the window size F "
            "and the stride S are separate hyperparameters.",
            "05_activations_pooling_fc",
        ),
        Mistake(
            "pool_stride_wrong",
            "your output matches pooling stride {used} instead of {stride}: the window of output (i, j) "
            "starts at (i*S, j*S).",
            "05_activations_pooling_fc",
        ),
    )
}

Variant = tuple[str, dict[str, object], Callable[[], np.ndarray]]


def _matches(actual: object, variant: np.ndarray) -> bool:
    """Whether ``actual`` equals ``variant`` or its top-left corner of ``actual``'s shape.

    The corner covers a solution that sizes its output by the right formula
    but fills it the wrong way (e.g. windows that do not move by the stride).
    """
    if not isinstance(actual, np.ndarray) or actual.ndim != variant.ndim:
        return False
    if any(a > v for a, v in zip(actual.shape, variant.shape, strict=True)):
        return False
    corner = variant[tuple(slice(0, a) for a in actual.shape)]
    return bool(np.allclose(actual, corner, rtol=1e-5, atol=1e-8))


def _first_match(actual: object, expected: np.ndarray, variants: Iterator[Variant]) -> str | None:
    for key, details, compute in variants:
        try:
            wrong = compute()
        except ValueError:  # this variant's sizes do not fit this case
            continue
        # A variant that equals the right answer here cannot explain the failure.
        if wrong.shape == expected.shape and np.allclose(wrong, expected, rtol=1e-5, atol=1e-8):
            continue
        if _matches(actual, wrong):
            return MISTAKES[key].explain(**details)
    return None


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
    Likely mistake: your output is a true convolution with the kernel flipped, ... See https://.../book/01_convolution.html
    """

    def conv(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray | None = b, s: int = stride, p: int = padding):
        return conv2d_fast(x_, w_, b_, s, p, floor=True)

    def variants() -> Iterator[Variant]:
        yield "kernel_flipped", {}, lambda: conv(x, w[:, :, ::-1, ::-1])
        yield "stride_ignored", {"stride": stride}, lambda: conv(x, w, s=1)
        for used in sorted({padding - 1, padding + 1, 2 * padding, 0} - {padding}):
            if used >= 0:
                details = {"used": used, "padding": padding, "off": abs(used - padding)}
                yield "padding_off", details, lambda used=used: conv(x, w, p=used)
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

    return _first_match(actual, conv(x, w), variants())


def diagnose_pool(
    actual: object, x: np.ndarray, kernel_size: int, stride: int | None = None, *, mode: str = "max"
) -> str | None:
    """Name the known pooling mistake (window or stride wrong) that gives ``actual``, if one does.

    >>> x = np.arange(49.0).reshape(1, 1, 7, 7)
    >>> print(diagnose_pool(max_pool2d_fast(x, 2, 2, floor=True), x, 3, 2))
    Likely mistake: your output matches a 2x2 pooling window instead of 3x3: ... See https://.../05_activations_pooling_fc.html
    """
    pool = {"max": max_pool2d_fast, "avg": avg_pool2d_fast}[mode]
    S = kernel_size if stride is None else stride

    def variants() -> Iterator[Variant]:
        for used in sorted({S, 2, kernel_size - 1, kernel_size + 1} - {kernel_size}):
            if used >= 1:
                details = {"used": used, "kernel": kernel_size}
                yield "pool_window_wrong", details, lambda used=used: pool(x, used, S, floor=True)
        for used in sorted({1, kernel_size} - {S}):
            yield "pool_stride_wrong", {"used": used, "stride": S}, lambda used=used: pool(x, kernel_size, used, floor=True)

    return _first_match(actual, pool(x, kernel_size, S, floor=True), variants())


def diagnose_linear(actual: object, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> str | None:
    """Name the known mistake of a fully connected layer (bias missing) that gives ``actual``, if one does.

    >>> x, w, b = np.ones((2, 3)), np.ones((4, 3)), np.arange(1.0, 5.0)
    >>> print(diagnose_linear(x @ w.T, x, w, b))
    Likely mistake: your output lacks the bias: ... See https://.../book/04_neuron_view.html
    """
    flat = x.reshape(x.shape[0], -1)

    def variants() -> Iterator[Variant]:
        if b is not None and np.any(b):
            yield "bias_missing", {}, lambda: flat @ w.T

    expected = flat @ w.T + (0 if b is None else b)
    return _first_match(actual, expected, variants())
