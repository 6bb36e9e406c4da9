"""Assignment 5's known mistakes (inside a trained convnet), recognised from a wrong result.

Like :mod:`cnnlib.grading.layer_mistakes`: each ``diagnose_*`` function
computes the result the way a known mistake would (a ReLU misplaced in the
residual block, the jump updated before the field, the gradient of the
probability instead of the score, the absolute value after the channel max,
the model left in training mode, an occlusion map one position off at the
border, an ascent step that keeps an old gradient or skips its regularization)
and returns its sentence from :mod:`cnnlib.grading.mistakes`, or None.
:func:`reference_block` gives the residual block's trusted result: cnnlib's
``BasicBlock`` with the student's parameter values.

torch is imported inside the functions only, as in :mod:`cnnlib.grading.torch_checks`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from cnnlib.grading.mistakes import MISTAKES, Variant, first_match


def _numpy(value: object) -> object:
    """A tensor as a float64 array, anything else as it is (the matching compares numpy arrays)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    return value


def _match(actual: object, expected: Any, variants: Iterator[Variant], rtol: float = 1e-4) -> str | None:
    return first_match(_numpy(actual), np.asarray(_numpy(expected)), variants, rtol)


def reference_block(block: Any, in_channels: int, out_channels: int, stride: int) -> Any:
    """cnnlib's ``BasicBlock`` with ``block``'s parameters and batch-norm statistics, role by role.

    The student's block names its parts ``residual`` (3x3 conv, batch norm, ReLU, 3x3 conv, batch norm) and
    ``shortcut`` (nothing, or a 1x1 conv and a batch norm); within each, the convolutions and the batch
    norms are taken in the order they were registered, however they are nested.

    Raises:
        AssertionError: naming the part whose layers do not match.
    """
    from torch import nn

    from cnnlib.models.resnet import BasicBlock

    reference = BasicBlock(in_channels, out_channels, stride)
    for part in ("residual", "shortcut"):
        mine = getattr(block, part, None)
        if not isinstance(mine, nn.Module):
            raise AssertionError(f"ResidualBlock({in_channels}, {out_channels}, stride={stride}) has no module .{part}")
        for kind in (nn.Conv2d, nn.BatchNorm2d):
            ours = [m for m in mine.modules() if isinstance(m, kind)]
            theirs = [m for m in getattr(reference, part).modules() if isinstance(m, kind)]
            shapes = [tuple(m.weight.shape) for m in ours]
            expected = [tuple(m.weight.shape) for m in theirs]
            if shapes != expected:
                raise AssertionError(f"ResidualBlock({in_channels}, {out_channels}, stride={stride}).{part} has "
                                     f"{kind.__name__} weights of shapes {shapes}, expected {expected}")
            for a, b in zip(ours, theirs, strict=True):
                b.load_state_dict(a.state_dict(), strict=False)
    return reference.train(block.training)


def diagnose_residual(actual: object, block: Any, x: Any, in_channels: int, out_channels: int, stride: int) -> str | None:
    """Name a residual block whose ReLU is misplaced (missing after the sum, or on F(x) before it), from its output.

    >>> import torch
    >>> from cnnlib.models.resnet import BasicBlock
    >>> block, x = BasicBlock(4, 4).eval(), torch.randn(1, 4, 5, 5)
    >>> print(diagnose_residual(block.residual(x) + x, block, x, 4, 4, 1))
    Likely mistake: your block's output matches F(x) + shortcut(x) with no ReLU after the sum: ...
    """
    import torch

    reference = reference_block(block, in_channels, out_channels, stride)
    with torch.no_grad():
        residual, shortcut = reference.residual(x), reference.shortcut(x)

    def variants() -> Iterator[Variant]:
        yield "residual_relu_misplaced", {"how": "F(x) + shortcut(x) with no ReLU after the sum"}, lambda: residual + shortcut
        yield ("residual_relu_misplaced", {"how": "ReLU(F(x)) + shortcut(x), the ReLU before the sum"},
               lambda: torch.relu(residual) + shortcut)

    return _match(actual, torch.relu(residual + shortcut), variants())


def diagnose_receptive_field(actual: object, layers: Sequence[Sequence[int]]) -> str | None:
    """Name a receptive field computed with the jump updated before the field grows, or without the dilation.

    ``actual`` is the answer's (field, jump).

    >>> print(diagnose_receptive_field((7, 4), [(2, 2, 1), (2, 2, 1)]))
    Likely mistake: your field grows by the jump after this layer's stride: ...
    """
    def walk(jump_first: bool = False, dilated: bool = True) -> tuple[int, int]:
        field, jump = 1, 1
        for F, S, D in layers:
            if jump_first:
                jump *= S
            field += (D if dilated else 1) * (F - 1) * jump
            if not jump_first:
                jump *= S
        return field, jump

    if not isinstance(actual, tuple | list) or len(actual) != 2:
        return None
    got = tuple(int(v) if isinstance(v, int | np.integer) else v for v in actual)
    if got == walk():
        return None
    if got == walk(jump_first=True):
        return MISTAKES["receptive_jump_first"].explain()
    if got == walk(dilated=False):
        return MISTAKES["receptive_dilation_ignored"].explain()
    return None


def _input_gradient(model: Any, image: Any, label: int, *, probability: bool = False, train: bool = False) -> Any:
    """d (score or probability of ``label``) / d image, with ``model`` (a copy, so batch norm's statistics stay) in eval
    or training mode."""
    import torch

    net = copy.deepcopy(model).train(train)
    x = image[None].detach().clone().requires_grad_(True)
    scores = net(x)[0]
    target = torch.softmax(scores, 0)[label] if probability else scores[label]
    (gradient,) = torch.autograd.grad(target, x)
    return gradient[0]


def diagnose_saliency(actual: object, model: Any, image: Any, label: int) -> str | None:
    """Name the known mistake of a saliency map (probability, absolute value after the max, training mode), if one.

    >>> import torch
    >>> from torch import nn
    >>> model, image = nn.Sequential(nn.Flatten(), nn.Linear(12, 3)).eval(), torch.rand(3, 2, 2)
    >>> gradient = torch.autograd.functional.jacobian(lambda v: torch.softmax(model(v[None])[0], 0)[1], image)
    >>> print(diagnose_saliency(gradient.abs().amax(0), model, image, 1))
    Likely mistake: your map is the gradient of the probability ...
    """
    def variants() -> Iterator[Variant]:
        yield "saliency_probability", {}, lambda: _input_gradient(model, image, label, probability=True).abs().amax(0)
        yield "saliency_abs_after_max", {}, lambda: _input_gradient(model, image, label).amax(0).abs()
        yield "model_training_mode", {}, lambda: _input_gradient(model, image, label, train=True).abs().amax(0)

    return _match(actual, _input_gradient(model, image, label).abs().amax(0), variants())


def diagnose_occlusion(actual: object, image: Any, patch: int, stride: int) -> str | None:
    """Name an occlusion map with one position too few or too many along a side (the patch off by one at the border).

    >>> import torch
    >>> print(diagnose_occlusion(torch.zeros(5, 5), torch.zeros(1, 28, 28), 8, 4))
    Likely mistake: your map has 5x5 positions instead of (H - patch)//S + 1 = 6 along the rows ...
    """
    shape = getattr(actual, "shape", None)
    _, H, W = image.shape
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    if shape is None or len(shape) != 2 or tuple(shape) == (rows, cols):
        return None
    if tuple(shape) in {(rows - 1, cols - 1), (rows + 1, cols + 1)}:
        return MISTAKES["occlusion_border"].explain(got=f"{shape[0]}x{shape[1]}", rows=rows, cols=cols)
    return None


def diagnose_ascent_step(actual: object, step: Callable[..., Any], model: Any, x: Any, label: int, lr: float, l2: float,
                         sigma: float, *, calls: int = 1) -> str | None:
    """Name an ascent step that skips its regularization or adds a gradient left from earlier calls (``calls`` of
    them on the same ``x``); ``step(x, gradient)`` is the trusted regularized step (decay and blur).

    >>> import torch
    >>> from torch import nn
    >>> model, x = nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), torch.rand(1, 1, 2, 2)
    >>> g = torch.autograd.functional.jacobian(lambda v: model(v)[0, 1], x)
    >>> print(diagnose_ascent_step(x + 0.1 * g, lambda v, grad: 0.9 * (v + 0.1 * grad), model, x, 1, 0.1, 0.1, 1.0))
    Likely mistake: your step lacks the regularization: ...
    """
    import torch

    leaf = x.detach().clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(leaf)[0, label], leaf)
    plain = x.detach()

    def variants() -> Iterator[Variant]:
        yield "ascent_unregularized", {}, lambda: plain + lr * gradient
        if calls > 1:
            yield "ascent_gradient_accumulates", {"calls": calls}, lambda: step(plain, calls * gradient)

    return _match(actual, step(plain, gradient), variants(), rtol=1e-4)
