"""Known mistakes, recognised from a wrong output and named in one sentence.

A visible or hidden test that fails asks a ``diagnose_*`` function whether
the wrong output is exactly what a known mistake produces: the reference op
run with the kernel flipped, another, shifted or one-sided padding, stride 1, one
channel only, no bias, another pooling window or stride, a pooling gradient
assigned instead of added, a one-sided or unhalved numerical gradient. A
match becomes one sentence with a link to the book section that explains the
rule, e.g.::

    Likely mistake: your output is a true convolution ... See https://.../book/01_convolution.html

This module holds the catalogue and the matching; the ``diagnose_*``
functions are in :mod:`~cnnlib.grading.layer_mistakes` (conv, pooling, fully
connected) and :mod:`~cnnlib.grading.gradient_mistakes` (backward passes,
numerical gradients).

The same text reaches the instructor (formgrader shows the autograded
notebook) and the student (:mod:`grader.feedback` turns it into a link).
Set ``CNNLIB_BOOK_URL`` to where the book is published before autograding.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from cnnlib.grading.book_sections import anchor

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
        """Link to the book section (:mod:`~cnnlib.grading.book_sections`), under ``CNNLIB_BOOK_URL`` when set."""
        base = os.environ.get("CNNLIB_BOOK_URL", DEFAULT_BOOK_URL)
        return f"{base.rstrip('/')}/book/{self.page}.html{anchor(self.key)}"

    def pattern(self) -> re.Pattern[str]:
        """A regular expression that finds this mistake's message, whatever its placeholders were.

        >>> bool(MISTAKES["padding_off"].pattern().search(MISTAKES["padding_off"].explain(used=0, padding=1, off=-1)))
        True
        >>> bool(MISTAKES["stride_ignored"].pattern().search(MISTAKES["padding_off"].explain(used=0, padding=1, off=-1)))
        False
        """
        literals = re.split(r"\{[^}]*\}", self.sentence)
        return re.compile(re.escape(PREFIX + " ") + ".+?".join(re.escape(part) for part in literals), re.DOTALL)

    def summary(self) -> str:
        """The sentence up to its first colon, placeholders as "…": a mistake's name in a class report.

        >>> MISTAKES["stride_ignored"].summary()
        'your output matches stride 1 instead of stride …'
        >>> MISTAKES["channels_summed_wrong"].summary()
        'your output matches …'
        """
        return re.sub(r"\{[^}]*\}", "…", self.sentence.split(": ")[0].rstrip("."))

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
            "padding_shifted",
            "your output matches an input that starts 2P = {shift} rows and columns into the zeros, as with padding "
            "{shift} on every side or 2P zeros on the top and left only: add exactly P = {padding} rows and columns "
            "of zeros on each side, so that the input starts at row and column P.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "padding_one_sided",
            "your output matches 2P zeros below and right of the input and none above and left: zero padding adds "
            "P = {padding} rows and columns on each side, above and below, left and right.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "pool_backward_assigned",
            "your gradient matches writing dx[...] = dout instead of adding dx[...] += dout: where windows overlap "
            "(stride < F), an input that is the maximum of several windows receives the sum of their gradients.",
            "05a_backprop",
        ),
        Mistake(
            "input_changed",
            "your function changes its argument {arg} in place ({how}): leave the inputs as they were. Work on "
            "a copy, or put back each entry you change (in a numerical gradient, x[index] = old after calling f).",
            "05a_backprop",
        ),
        Mistake(
            "gradient_one_sided",
            "your gradient matches the one-sided difference (f(x + h) - f(x)) / h: use the centred difference "
            "(f(x + h) - f(x - h)) / 2h, whose error shrinks like h squared instead of h.",
            "05a_backprop",
        ),
        Mistake(
            "gradient_not_halved",
            "your gradient is twice the right one: the centred difference divides by 2h, the distance between x - h and x + h.",
            "05a_backprop",
        ),
        Mistake(
            "gradient_dout_ignored",
            "your gradient ignores dout: it is the gradient of sum(f(x) * dout), so weight each difference "
            "f(x + h) - f(x - h) by dout before summing.",
            "05a_backprop",
        ),
        Mistake(
            "pool_stride_wrong",
            "your output matches pooling stride {used} instead of {stride}: the window of output (i, j) "
            "starts at (i*S, j*S).",
            "05_activations_pooling_fc",
        ),
        Mistake(
            "pool_backward_last_max",
            "your gradient goes to the last maximum of a window where several entries tie: give it to the first "
            "maximum in row-major order, as np.argmax and PyTorch do (replace only on a strictly larger value).",
            "05a_backprop",
        ),
        Mistake(
            "params_bias_missing",
            "your count lacks the biases: a conv layer has F*F*C weights per filter plus one bias per filter, "
            "(F*F*C + 1)*K parameters in all ({weights} weights and {biases} biases here).",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "padding_one_side",
            "your zero padding adds P = {padding} rows and columns on one side only, giving {got} instead of "
            "{expected}: pad both sides, putting x at out[:, :, P : P + H, P : P + W] of an (H + 2P) x (W + 2P) array.",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "padding_every_axis",
            "your zero padding also pads the batch and channel axes (shape {got}): pad only the two spatial axes, "
            "np.pad(x, ((0, 0), (0, 0), (P, P), (P, P))).",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "stride_on_taps",
            "your output matches a filter whose taps are also S = {stride} apart: the stride moves the window "
            "between output positions only, and the window itself stays F x F contiguous pixels, "
            "x[i*S : i*S + F, j*S : j*S + F].",
            "02_spatial_arithmetic",
        ),
        Mistake(
            "bias_per_channel",
            "your output adds the bias once per input channel (C = {channels} times): each filter adds its bias "
            "b[k] once, after the dot product over all channels.",
            "04_neuron_view",
        ),
        Mistake(
            "gradient_sign_flipped",
            "your gradient has the wrong sign: the centred difference is (f(x + h) - f(x - h)) / 2h, the value "
            "at x + h minus the value at x - h.",
            "05a_backprop",
        ),
        Mistake(
            "gradient_step_fixed",
            "your gradient matches centred differences with h = {used} instead of the h given ({h}): use the "
            "argument h, since the error of centred differences grows like h squared.",
            "05a_backprop",
        ),
        Mistake(
            "conv_backward_unpadded",
            "your dw slides the window over the unpadded x: dw[k] sums dout times the windows of the padded input "
            "xp, the same windows the forward pass used (and dx is xp's gradient with the padding cut off).",
            "05a_backprop",
        ),
        Mistake(
            "conv_backward_averaged",
            "your {what} is divided by the batch size N = {batch}: the loss's gradient is a sum over the images of "
            "the batch, so dw and db add the contribution of every image (any averaging belongs to dout).",
            "05a_backprop",
        ),
        Mistake(
            "lenet_no_padding",
            "your first conv has no padding: a 28x28 digit shrinks to 24x24, and 16*4*4 = 256 values reach the first "
            "FC layer instead of 16*5*5 = 400; pad it by 2, so that (28 - 5 + 2*2)/1 + 1 = 28.",
            "06_case_studies",
        ),
        Mistake(
            "crop_bounds_swapped",
            "your crop matches drawing top with W and left with H: top runs over the rows, 0 to H - size, and left "
            "over the columns, 0 to W - size, so on a non-square image the swapped bounds leave the image.",
            "09_tips_and_tricks",
        ),
        Mistake(
            "optimizer_per_epoch",
            "a new optimizer each epoch starts its momentum (or Adam's running averages) from zero again: create "
            "one optimizer before the loop over epochs and use it for the whole run.",
            "09_tips_and_tricks",
        ),
        Mistake(
            "residual_relu_misplaced",
            "your block's output matches {how}: the ReLU comes after the sum, out = ReLU(F(x) + shortcut(x)), "
            "so that a block whose F(x) is 0 passes its (non-negative) input on unchanged.",
            "06_case_studies",
        ),
        Mistake(
            "receptive_jump_first",
            "your field grows by the jump after this layer's stride: a layer widens the field by D*(F - 1) times the "
            "jump of the layers below it, so add to the field first, then multiply the jump by S.",
            "04_neuron_view",
        ),
        Mistake(
            "receptive_dilation_ignored",
            "your field ignores the dilation: a filter of F taps D apart spans D*(F - 1) + 1 pixels of its input, "
            "so it widens the field by D*(F - 1) times the jump.",
            "04_neuron_view",
        ),
        Mistake(
            "saliency_probability",
            "your map is the gradient of the probability (after the softmax), not of the class score: take the "
            "gradient of the score model(x)[0, label], which the other classes' scores do not pull down.",
            "08_understanding_convnets",
        ),
        Mistake(
            "saliency_abs_after_max",
            "your map takes the largest signed gradient over the channels, then its absolute value: take the "
            "absolute value of each channel's gradient first, then the largest over the channels.",
            "08_understanding_convnets",
        ),
        Mistake(
            "model_training_mode",
            "your result matches the model in training mode: call model.eval() first, so that batch norm uses "
            "its running statistics and dropout keeps every unit, as when the network classifies.",
            "09_tips_and_tricks",
        ),
        Mistake(
            "occlusion_border",
            "your map has {got} positions instead of (H - patch)//S + 1 = {rows} along the rows (and {cols} along "
            "the columns): the patch starts at 0, S, 2S, ... up to the last start whose patch still fits the image.",
            "08_understanding_convnets",
        ),
        Mistake(
            "ascent_unregularized",
            "your step lacks the regularization: after moving up the gradient, decay the image by (1 - l2) and "
            "blur it (Yosinski et al.), or the image fills with high-frequency patterns no digit has.",
            "08_understanding_convnets",
        ),
        Mistake(
            "ascent_gradient_accumulates",
            "your step adds the gradients of all {calls} calls on the same x: backward() adds to x.grad, so take "
            "the gradient with torch.autograd.grad, or of a fresh copy, x.detach().requires_grad_().",
            "08_understanding_convnets",
        ),
    )
}

# One way to get a case wrong: the mistake's key, the details its sentence names, and how to compute its output.
Variant = tuple[str, dict[str, object], Callable[[], np.ndarray]]


def matches(actual: object, variant: np.ndarray, rtol: float = 1e-5) -> bool:
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


def first_match(actual: object, expected: np.ndarray, variants: Iterator[Variant], rtol: float = 1e-5) -> str | None:
    """The first variant that ``actual`` equals (to ``rtol``) and the right answer does not, explained."""
    for key, details, compute in variants:
        try:
            wrong = compute()
        except (ValueError, TypeError):  # this variant's sizes do not fit this case
            continue
        # A variant that equals the right answer here cannot explain the failure.
        if wrong.shape == expected.shape and matches(expected, wrong, rtol):
            continue
        if matches(actual, wrong, rtol):
            return MISTAKES[key].explain(**details)
    return None
