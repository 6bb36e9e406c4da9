"""Understanding convnets: every layer's output for an input, and images that excite a unit.

:func:`layer_outputs` records what each layer of a sequential network computes
(the activation explorer and page 8 draw them). :func:`strongest_activations`
finds the inputs where a unit fires most, and :func:`guided_backprop` marks
the pixels that made it fire (Springenberg et al.'s refinement of Zeiler &
Fergus's deconvnet projection). :func:`maximize_activation` is
the regularized optimization of Yosinski et al.'s Deep Visualization Toolbox:
gradient ascent on the input, with L2 decay and blurring so that the image
stays natural-looking. The drawn views of Zeiler & Fergus (filters, occlusion,
saliency) live in :mod:`cnnlib.viz`.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional
from torch.utils.data import TensorDataset

from cnnlib.modules import eval_mode, submodule


def leaf_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The layers that compute something, in the order they were registered: (name, module).

    Containers such as ``nn.Sequential`` are left out; for the networks of this
    course (a ``features`` block, then a ``classifier``) registration order is
    the order of the forward pass.

    >>> from cnnlib.models import LeNet5
    >>> [name for name, _ in leaf_layers(LeNet5())][:3]
    ['features.0', 'features.1', 'features.2']
    """
    return [(name, module) for name, module in model.named_modules() if name and not list(module.children())]


@torch.no_grad()
def layer_outputs(model: nn.Module, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """What every leaf layer of ``model`` outputs for the batch ``x``, in forward order, in eval mode.

    Args:
        model: a network whose leaf layers run once each per forward pass.
        x: input batch of shape (N, C, H, W).

    Returns:
        ``{layer name: output}`` on the CPU, e.g. (N, 6, 28, 28) for LeNet-5's
        first conv layer and (N, 10) class scores for its last layer.

    >>> from cnnlib.models import LeNet5
    >>> outputs = layer_outputs(LeNet5(), torch.zeros(2, 1, 28, 28))
    >>> tuple(outputs["features.0"].shape), tuple(outputs["classifier.5"].shape)
    ((2, 6, 28, 28), (2, 10))
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (N, C, H, W), got {getattr(x, 'shape', type(x).__name__)}")
    outputs: dict[str, torch.Tensor] = {}
    handles = [
        module.register_forward_hook(lambda m, i, out, name=name: outputs.__setitem__(name, out.detach().cpu()))
        for name, module in leaf_layers(model)
    ]
    try:
        with eval_mode(model):
            model(x.to(next(model.parameters()).device))
    finally:
        for handle in handles:
            handle.remove()
    return outputs


def _unit_map(model: nn.Module, layer: str, x: torch.Tensor) -> torch.Tensor:
    """The output of ``layer`` for the batch ``x``, recorded by a forward hook (gradients kept)."""
    captured: list[torch.Tensor] = []
    handle = submodule(model, layer, "layer").register_forward_hook(lambda m, i, out: captured.append(out))
    try:
        model(x)
    finally:
        handle.remove()
    return captured[0]


@torch.no_grad()
def strongest_activations(
    model: nn.Module, layer: str, unit: int, data: TensorDataset, k: int = 9
) -> list[tuple[float, int, int, int]]:
    """The ``k`` images of ``data`` where channel ``unit`` of a conv ``layer`` fires most (Zeiler & Fergus).

    Each image counts once, at the position of its strongest neuron in the
    unit's map.

    Args:
        model: the trained network.
        layer: a conv (or ReLU, or pooling) layer's name, whose output is (N, D, H, W).
        unit: the channel.
        data: images (N, C, H, W) and labels.
        k: how many images.

    Returns:
        ``[(activation, image index, row, column), ...]``, strongest first.

    >>> from cnnlib.models import LeNet5
    >>> data = TensorDataset(torch.rand(5, 1, 28, 28), torch.zeros(5))
    >>> len(strongest_activations(LeNet5(), "features.3", 0, data, k=2))
    2
    """
    x = data.tensors[0].to(next(model.parameters()).device)
    with eval_mode(model):
        maps = _unit_map(model, layer, x)
    if maps.ndim != 4 or not 0 <= unit < maps.shape[1]:
        raise ValueError(f"unit must be a channel of {layer!r}'s (N, D, H, W) output, got {unit} for {tuple(maps.shape)}")
    values, positions = maps[:, unit].flatten(1).max(1)
    order = values.argsort(descending=True)[:k].tolist()
    width = maps.shape[-1]
    return [(float(values[i]), i, *divmod(int(positions[i]), width)) for i in order]


def receptive_field(
    model: nn.Module, layer: str, position: tuple[int, int], shape: tuple[int, int]
) -> tuple[slice, slice]:
    """The rows and columns of the input that the neuron at ``position`` of ``layer``'s output sees.

    Walks the leaf layers up to ``layer``: each conv or pooling layer of kernel
    F, stride S and padding P widens the field by (F - 1) times the jump (the
    product of the strides below) and moves its first pixel by -P times the
    jump. The field is clipped to the input's ``shape`` (H, W).

    >>> from cnnlib.models import LeNet5
    >>> receptive_field(LeNet5(), "features.3", (4, 4), (28, 28))
    (slice(6, 20, None), slice(6, 20, None))
    """
    spans = []
    for axis in range(2):
        first, jump, size = 0, 1, 1
        for name, module in leaf_layers(model):
            if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
                pick = [(v if isinstance(v, int) else v[axis]) for v in (module.kernel_size, module.stride, module.padding)]
                kernel, stride, padding = pick
                dilation = getattr(module, "dilation", 1)
                dilation = dilation if isinstance(dilation, int) else dilation[axis]
                first -= padding * jump
                size += (kernel - 1) * dilation * jump
                jump *= stride
            if name == layer:
                break
        else:
            raise ValueError(f"layer must name a leaf layer of the model, got {layer!r}")
        start = first + position[axis] * jump
        spans.append(slice(max(start, 0), min(start + size, shape[axis])))
    return spans[0], spans[1]


def guided_backprop(
    model: nn.Module, image: torch.Tensor, layer: str, unit: int, position: tuple[int, int] | None = None
) -> torch.Tensor:
    """What made one neuron fire: its gradient with respect to the input, guided (Springenberg et al. 2015).

    On the way back every ``nn.ReLU`` passes only positive gradient, and only
    where its input was positive: the pixels kept are those whose increase
    would raise the neuron through units that were on. Zeiler & Fergus's
    deconvnet projection keeps the first rule only; the plain gradient keeps
    the second only, and is noisy with negative evidence.

    Args:
        model: the trained network; its non-linearities must be ``nn.ReLU`` modules.
        image: one input (C, H, W).
        layer: the neuron's layer, e.g. ``"features.3"``; unit: its channel (or FC unit).
        position: (row, column) of the neuron in the channel's map; None for an FC unit.

    Returns:
        The guided gradient, shape (C, H, W); zero outside the neuron's receptive field.

    >>> from cnnlib.models import LeNet5
    >>> guided_backprop(LeNet5(), torch.rand(1, 28, 28), "features.3", 0, (4, 4)).shape
    torch.Size([1, 28, 28])
    """
    def guide(module: nn.Module, grad_input: tuple, grad_output: tuple) -> tuple:
        return (grad_input[0].clamp(min=0),)

    hooks = [m.register_full_backward_hook(guide) for m in model.modules() if isinstance(m, nn.ReLU)]
    x = image[None].to(next(model.parameters()).device).requires_grad_(True)
    try:
        with eval_mode(model):
            out = _unit_map(model, layer, x)[0, unit]
            neuron = out if position is None else out[position]
            (gradient,) = torch.autograd.grad(neuron, x)
    finally:
        for hook in hooks:
            hook.remove()
    return gradient[0].cpu()


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, round(2 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    g = torch.exp(-(t**2) / (2 * sigma**2))
    g = g / g.sum()
    C = x.shape[1]
    x = functional.conv2d(x, g.view(1, 1, 1, -1).repeat(C, 1, 1, 1), padding=(0, radius), groups=C)
    return functional.conv2d(x, g.view(1, 1, -1, 1).repeat(C, 1, 1, 1), padding=(radius, 0), groups=C)


def maximize_activation(
    model: nn.Module,
    layer: str,
    unit: int,
    shape: tuple[int, int, int],
    steps: int = 100,
    lr: float = 0.1,
    l2: float = 1e-2,
    blur_sigma: float = 0.5,
    bounds: tuple[float, float] | None = None,
    seed: int = 0,
) -> tuple[torch.Tensor, list[float]]:
    """An input that strongly activates ``unit`` of ``layer``: regularized gradient ascent (Yosinski et al.).

    Starting from small noise, each step moves the image up the gradient of the
    unit's mean activation (a channel of a conv layer, or one score of an FC
    layer), decays it towards 0 (L2) and blurs it slightly, so that high
    frequencies the eye would not call a pattern die out.

    Args:
        model: the trained network.
        layer: a submodule name, e.g. ``"features.3"`` or ``"classifier.5"``.
        unit: the channel (conv) or neuron (FC) to excite.
        shape: the input's (C, H, W).
        steps, lr: gradient-ascent steps and step size.
        l2: decay per step, a fraction of the image.
        blur_sigma: Gaussian blur (pixels) after each step; 0 switches it off.
        bounds: keep every pixel in this range, e.g. (0, 1) for MNIST digits; None: unbounded.

    Returns:
        ``(image, trace)``: the image of shape ``shape`` and the unit's mean
        activation before the first step and after each one.

    >>> from cnnlib.models import LeNet5
    >>> image, trace = maximize_activation(LeNet5(), "classifier.5", 3, (1, 28, 28), steps=5)
    >>> tuple(image.shape), len(trace)
    ((1, 28, 28), 6)
    """
    if steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if not 0 <= l2 < 1:
        raise ValueError(f"l2 must be in [0, 1), got {l2!r}")
    where = next(model.parameters()).device
    target = submodule(model, layer, "layer")
    captured: list[torch.Tensor] = []
    handle = target.register_forward_hook(lambda m, i, out: captured.append(out))
    generator = torch.Generator().manual_seed(seed)
    x = (0.01 * torch.randn(1, *shape, generator=generator)).to(where).requires_grad_(True)
    trace: list[float] = []
    try:
        with eval_mode(model):
            for step in range(steps + 1):
                captured.clear()
                model(x)
                out = captured[0][0]
                if not 0 <= unit < out.shape[0]:
                    raise ValueError(f"unit must be in [0, {out.shape[0]}) for layer {layer!r}, got {unit}")
                activation = out[unit].mean()
                trace.append(float(activation.detach()))
                if step == steps:
                    break
                (gradient,) = torch.autograd.grad(activation, x)
                with torch.no_grad():
                    # A normalized step: the same size whatever the scale of the unit's gradient.
                    x += lr * gradient / (gradient.abs().mean() + 1e-12)
                    x *= 1 - l2
                    if blur_sigma > 0:
                        x.copy_(_blur(x, blur_sigma))
                    if bounds is not None:
                        x.clamp_(*bounds)
    finally:
        handle.remove()
    return x.detach()[0].cpu(), trace
