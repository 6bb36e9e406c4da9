"""Known mistakes, recognised from a wrong output and named in one sentence.

A visible or hidden test that fails asks a ``diagnose_*`` function whether
the wrong output is exactly what a known mistake produces: the reference op
run with the kernel flipped, another or one-sided padding, stride 1, one
channel only, no bias, another pooling window or stride, a pooling gradient
assigned instead of added, a one-sided or unhalved numerical gradient. A
match becomes one sentence with a link to the book section that explains the
rule, e.g.::

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
from cnnlib.pooling import avg_pool2d_fast, max_pool2d_backward_fast, max_pool2d_fast

PREFIX = "Likely mistake:"
# The book is published from the repository named in _config.yml (GitHub Pages).
DEFAULT_BOOK_URL = "https://deep-convnets-course.github.io/deep-convnets/"


@dataclass(frozen=True)
class Mistake:
    """One known mistake: a sentence (with ``{placeholders}``) and the book page that explains it."""

    key: str
    sentence: str
    page: str = ""  # the book page that explains the rule; "" when no page does yet

    def url(self) -> str:
        """Link to the book page, under ``CNNLIB_BOOK_URL`` when set."""
        base = os.environ.get("CNNLIB_BOOK_URL", DEFAULT_BOOK_URL)
        return f"{base.rstrip('/')}/book/{self.page}.html"

    def explain(self, **details: object) -> str:
        """The message a failed test shows.

        >>> MISTAKES["bias_missing"].explain().startswith("Likely mistake: your output lacks the bias")
        True
        """
        link = f" See {self.url()}" if self.page else ""
        return f"{PREFIX} {self.sentence.format(**details)}{link}"


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
            "padding_one_sided",
            "your output matches {where} only: zero padding adds P = {padding} rows and columns "
            "on each side, above and below, left and right.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "pool_backward_assigned",
            "your gradient matches writing dx[...] = dout instead of adding dx[...] += dout: where windows overlap "
            "(stride < F), an input that is the maximum of several windows receives the sum of their gradients.",
            "05_activations_pooling_fc",
        ),
        Mistake(
            "input_changed",
            "your function changes its argument {arg} in place ({how}): leave the inputs as they were. Work on "
            "a copy, or put back each entry you change (in a numerical gradient, x[index] = old after calling f).",
        ),
        Mistake(
            "gradient_one_sided",
            "your gradient matches the one-sided difference (f(x + h) - f(x)) / h: use the centred difference "
            "(f(x + h) - f(x - h)) / 2h, whose error shrinks like h squared instead of h.",
        ),
        Mistake(
            "gradient_not_halved",
            "your gradient is twice the right one: the centred difference divides by 2h, the distance between x - h and x + h.",
        ),
        Mistake(
            "gradient_dout_ignored",
            "your gradient ignores dout: it is the gradient of sum(f(x) * dout), so weight each difference "
            "f(x + h) - f(x - h) by dout before summing.",
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


def _float(a: np.ndarray) -> np.ndarray:
    """``a`` as float64 when it holds integers (cnnlib's ops take floating-point arrays only)."""
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _matches(actual: object, variant: np.ndarray, rtol: float = 1e-5) -> bool:
    """Whether ``actual`` equals ``variant`` or its top-left corner of ``actual``'s shape.

    The corner covers a solution that sizes its output by the right formula
    but fills it the wrong way (e.g. windows that do not move by the stride).
    """
    if not isinstance(actual, np.ndarray) or actual.ndim != variant.ndim:
        return False
    if any(a > v for a, v in zip(actual.shape, variant.shape, strict=True)):
        return False
    corner = variant[tuple(slice(0, a) for a in actual.shape)]
    return bool(np.allclose(actual, corner, rtol=rtol, atol=rtol / 1000))  # atol: a floor for entries near zero


def _first_match(actual: object, expected: np.ndarray, variants: Iterator[Variant], rtol: float = 1e-5) -> str | None:
    """The first variant that ``actual`` equals (to ``rtol``) and the right answer does not, explained."""
    for key, details, compute in variants:
        try:
            wrong = compute()
        except (ValueError, TypeError):  # this variant's sizes do not fit this case
            continue
        # A variant that equals the right answer here cannot explain the failure.
        if wrong.shape == expected.shape and _matches(expected, wrong, rtol):
            continue
        if _matches(actual, wrong, rtol):
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

    x, w = _float(x), _float(w)
    b = None if b is None else _float(b)

    def conv(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray | None = b, s: int = stride, p: int = padding):
        return conv2d_fast(x_, w_, b_, s, p, floor=True)

    def variants() -> Iterator[Variant]:
        yield "kernel_flipped", {}, lambda: conv(x, w[:, :, ::-1, ::-1])
        yield "stride_ignored", {"stride": stride}, lambda: conv(x, w, s=1)
        for used in sorted({padding - 1, padding + 1, 2 * padding, 0} - {padding}):
            if used >= 0:
                details = {"used": used, "padding": padding, "off": abs(used - padding)}
                yield "padding_off", details, lambda used=used: conv(x, w, p=used)
        if padding:
            for where, before in (("2P zeros above and left", True), ("2P zeros below and right", False)):
                rows = (2 * padding, 0) if before else (0, 2 * padding)
                padded = lambda rows=rows: np.pad(x, ((0, 0), (0, 0), rows, rows))  # noqa: E731
                yield "padding_one_sided", {"where": where, "padding": padding}, lambda p=padded: conv(p(), w, p=0)
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


def diagnose_correlate2d(actual: object, x: np.ndarray, w: np.ndarray) -> str | None:
    """:func:`diagnose_conv` for one filter over one image: x (H, W), w (FH, FW), actual (H2, W2).

    >>> x, w = np.arange(25.0).reshape(5, 5), np.arange(9.0).reshape(3, 3)
    >>> print(diagnose_correlate2d(conv2d_fast(x[None, None], w[None, None, ::-1, ::-1])[0, 0], x, w))
    Likely mistake: your output is a true convolution with the kernel flipped, ... See https://.../book/01_convolution.html
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
    Likely mistake: your output matches a 2x2 pooling window instead of 3x3: ... See https://.../05_activations_pooling_fc.html
    """
    pool = {"max": max_pool2d_fast, "avg": avg_pool2d_fast}[mode]
    x = _float(x)
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
    flat = _float(x).reshape(x.shape[0], -1)

    def variants() -> Iterator[Variant]:
        if b is not None and np.any(b):
            yield "bias_missing", {}, lambda: flat @ w.T

    expected = flat @ w.T + (0 if b is None else b)
    return _first_match(actual, expected, variants())


def _max_pool_backward_assigned(dout: np.ndarray, x: np.ndarray, F: int, S: int) -> np.ndarray:
    """Max pooling's backward pass written with ``dx[...] = dout`` (the last window wins), windows in row-major order."""
    N, C, H2, W2 = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x))
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(H2):
        for j in range(W2):
            window = x[:, :, i * S : i * S + F, j * S : j * S + F].reshape(N, C, F * F)
            a, e = np.divmod(window.argmax(axis=2), F)
            dx[n, c, i * S + a, j * S + e] = dout[:, :, i, j]
    return dx


def diagnose_pool_backward(actual: object, dout: np.ndarray, x: np.ndarray, kernel_size: int, stride: int) -> str | None:
    """Name the known mistake of max pooling's backward pass (``=`` instead of ``+=``) that gives ``actual``, if one does.

    >>> x = np.array([[[[1.0, 5.0, 2.0], [0.0, 0.0, 0.0]]]])  # 2x2 windows at stride 1: both maxima are the 5
    >>> dout = np.array([[[[1.0, 2.0]]]])
    >>> print(diagnose_pool_backward(np.array([[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]]), dout, x, 2, 1))
    Likely mistake: your gradient matches writing dx[...] = dout instead of adding dx[...] += dout: ... See https://...
    """
    def variants() -> Iterator[Variant]:
        yield "pool_backward_assigned", {}, lambda: _max_pool_backward_assigned(dout, x, kernel_size, stride)

    dout, x = _float(dout), _float(x)
    expected = max_pool2d_backward_fast(dout, x, kernel_size, stride, floor=True)
    return _first_match(actual, expected, variants())


def diagnose_numerical_gradient(
    actual: object, f: Callable[[np.ndarray], object], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> str | None:
    """Name the known mistake of a centred-difference gradient (one-sided, not halved, dout ignored), if one does.

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

    def variants() -> Iterator[Variant]:
        yield "gradient_not_halved", {}, lambda: 2 * expected
        yield "gradient_one_sided", {}, lambda: differences(one_sided)
        yield "gradient_dout_ignored", {}, unweighted

    # A one-sided difference is off by about h = 1e-5 of the gradient's scale: compare more tightly than that.
    return _first_match(actual, expected, variants(), rtol=1e-8)
