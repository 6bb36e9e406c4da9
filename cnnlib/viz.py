"""Looking inside a convnet: filters, activation maps, top patches, occlusion, saliency, learning curves.

Every plotting function returns a matplotlib ``Figure`` (it draws nothing on
screen by itself); the numbers behind the occlusion and saliency maps come
from :func:`occlusion_sensitivity` and :func:`saliency_map`, which return
arrays.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn
from torch.utils.data import Dataset

from cnnlib.modules import eval_mode, submodule
from cnnlib.shapes import conv_output_size

if TYPE_CHECKING:
    from cnnlib.train import History


def _grid(count: int, columns: int | None = None, size: float = 1.2) -> tuple[Figure, np.ndarray]:
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(columns * size, rows * size), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False).ravel())
    for ax in axes:
        ax.set_axis_off()
    return figure, axes


def _image(x: torch.Tensor | np.ndarray) -> np.ndarray:
    """(C, H, W) -> (H, W) for one channel or (H, W, 3) for three, rescaled to [0, 1] for display."""
    a = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    a = a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0)
    low, high = a.min(), a.max()
    return (a - low) / (high - low) if high > low else np.zeros_like(a)


def _activations(model: nn.Module, layer: str, x: torch.Tensor, *, grad: bool = False) -> torch.Tensor:
    """Output of submodule ``layer`` for the batch ``x`` in eval mode; with ``grad``, still in the graph."""
    captured: list[torch.Tensor] = []
    handle = submodule(model, layer, "layer").register_forward_hook(lambda m, i, out: captured.append(out))
    try:
        with eval_mode(model), torch.set_grad_enabled(grad):
            model(x)
    finally:
        handle.remove()
    return captured[0]


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def filter_grid(weights: torch.Tensor | np.ndarray, columns: int | None = None) -> Figure:
    """Layer-1 filters as small images: RGB when they have 3 input channels, grey otherwise.

    Args:
        weights: conv weights of shape (K, C, F, F), e.g. ``model.features[0].weight``.

    >>> filter_grid(torch.randn(6, 1, 5, 5)).axes[0].images[0].get_array().shape
    (5, 5)
    """
    if weights.ndim != 4:
        raise ValueError(f"weights must have shape (K, C, F, F), got {tuple(weights.shape)}")
    figure, axes = _grid(len(weights), columns)
    for ax, w in zip(axes, weights, strict=False):
        ax.imshow(_image(w if w.shape[0] == 3 else w[:1]), cmap="gray", interpolation="nearest")
    figure.suptitle(f"{len(weights)} filters of {weights.shape[2]}x{weights.shape[3]}x{weights.shape[1]}")
    return figure


def activation_maps(model: nn.Module, layer: str, image: torch.Tensor, max_maps: int = 32) -> Figure:
    """The activation maps that submodule ``layer`` produces for one image (C, H, W).

    >>> from cnnlib.models import LeNet5
    >>> len(activation_maps(LeNet5(), "features.0", torch.rand(1, 28, 28)).axes)  # six maps on a 3x2 grid
    6
    """
    maps = _activations(model, layer, image[None].to(_device(model)))[0]
    if maps.ndim != 3:
        raise ValueError(f"layer must output maps (N, D, H, W), {layer!r} gives shape {tuple(maps.shape)} per image")
    maps = maps[:max_maps]
    figure, axes = _grid(len(maps))
    for d, (ax, m) in enumerate(zip(axes, maps, strict=False)):
        ax.imshow(m.cpu().numpy(), cmap="viridis")
        ax.set_title(str(d), fontsize=8)
    figure.suptitle(f"{layer}: {len(maps)} activation maps of {maps.shape[1]}x{maps.shape[2]}")
    return figure


def top_patches(
    model: nn.Module, layer: str, unit: int, data: Dataset, k: int = 9, batch_size: int = 256
) -> Figure:
    """The ``k`` image patches of ``data`` that most activate channel ``unit`` of ``layer`` (Zeiler & Fergus).

    For each image the strongest position of the unit's map is found; the
    patch shown is that neuron's receptive field, found as the input pixels
    its gradient reaches, and beside it the gradient itself: the part of the
    patch that triggered the neuron.

    >>> from cnnlib.data import mnist
    >>> from cnnlib.models import LeNet5
    >>> _, test = mnist()
    >>> len(top_patches(LeNet5(), "features.3", unit=0, data=test, k=4).axes)
    8
    """
    where = _device(model)
    best: list[tuple[float, int, int, int]] = []  # (activation, image index, row, column)
    for start in range(0, len(data), batch_size):
        x = torch.stack([data[i][0] for i in range(start, min(start + batch_size, len(data)))]).to(where)
        maps = _activations(model, layer, x)[:, unit]
        values, positions = maps.flatten(1).max(1)
        for i, (value, position) in enumerate(zip(values.tolist(), positions.tolist(), strict=True)):
            best.append((value, start + i, *divmod(position, maps.shape[-1])))
    best = sorted(best, reverse=True)[:k]
    figure, axes = _grid(2 * len(best), columns=2 * math.ceil(math.sqrt(len(best))))
    for n, (value, index, row, column) in enumerate(best):
        image = data[index][0].to(where)[None].requires_grad_(True)
        _activations(model, layer, image, grad=True)[0, unit, row, column].backward()
        reach = image.grad[0].abs().sum(0)
        rows, cols = torch.nonzero(reach, as_tuple=True)
        if len(rows) == 0:  # a dead neuron: show the whole image
            rows, cols = torch.tensor([0, reach.shape[0] - 1]), torch.tensor([0, reach.shape[1] - 1])
        box = (slice(int(rows.min()), int(rows.max()) + 1), slice(int(cols.min()), int(cols.max()) + 1))
        axes[2 * n].imshow(_image(image.detach()[0][:, box[0], box[1]]), cmap="gray")
        axes[2 * n].set_title(f"{value:.2f}", fontsize=8)
        axes[2 * n + 1].imshow(reach[box].cpu().numpy(), cmap="hot")
    figure.suptitle(f"{layer} unit {unit}: top {len(best)} patches and what triggered them")
    return figure


def occlusion_sensitivity(
    model: nn.Module, image: torch.Tensor, label: int, patch: int = 8, stride: int = 4, fill: float = 0.0
) -> np.ndarray:
    """Probability of ``label`` as a ``patch`` x ``patch`` square of ``fill`` slides over the image.

    Low values mark the regions the classification depends on (Zeiler & Fergus's occlusion experiment).

    Args:
        image: (C, H, W).

    Returns:
        Array of shape (H2, W2) with ``H2 = (H - patch) // stride + 1``.

    >>> from cnnlib.models import LeNet5
    >>> occlusion_sensitivity(LeNet5(), torch.rand(1, 28, 28), label=3).shape
    (6, 6)
    """
    C, H, W = image.shape
    rows = conv_output_size(H, patch, stride, floor=True)
    cols = conv_output_size(W, patch, stride, floor=True)
    occluded = image[None].repeat(rows * cols, 1, 1, 1)
    for i in range(rows):
        for j in range(cols):
            occluded[i * cols + j, :, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
    with eval_mode(model), torch.no_grad():
        probabilities = torch.softmax(model(occluded.to(_device(model))), dim=1)[:, label]
    return probabilities.view(rows, cols).cpu().numpy()


def occlusion_map(
    model: nn.Module, image: torch.Tensor, label: int, patch: int = 8, stride: int = 4, fill: float = 0.0
) -> Figure:
    """The image beside its :func:`occlusion_sensitivity` map.

    >>> from cnnlib.models import LeNet5
    >>> len(occlusion_map(LeNet5(), torch.rand(1, 28, 28), label=3).axes)
    3
    """
    sensitivity = occlusion_sensitivity(model, image, label, patch, stride, fill)
    figure = Figure(figsize=(7, 3.2), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.imshow(_image(image), cmap="gray")
    left.set_title("image")
    shown = right.imshow(sensitivity, cmap="viridis", vmin=0, vmax=1)
    right.set_title(f"p(class {label}) with a {patch}x{patch} square occluding")
    figure.colorbar(shown, ax=right)
    for ax in (left, right):
        ax.set_axis_off()
    return figure


def saliency_map(model: nn.Module, image: torch.Tensor, label: int | None = None) -> np.ndarray:
    """Input-gradient saliency: ``|d score_label / d x|``, the largest over channels, shape (H, W).

    ``label`` defaults to the predicted class.

    >>> from cnnlib.models import LeNet5
    >>> saliency_map(LeNet5(), torch.rand(1, 28, 28)).shape
    (28, 28)
    """
    x = image[None].to(_device(model)).requires_grad_(True)
    with eval_mode(model):
        scores = model(x)[0]
    target = int(scores.argmax()) if label is None else label
    scores[target].backward()
    return x.grad[0].abs().amax(0).cpu().numpy()


def saliency(model: nn.Module, image: torch.Tensor, label: int | None = None) -> Figure:
    """The image beside its :func:`saliency_map`.

    >>> from cnnlib.models import LeNet5
    >>> len(saliency(LeNet5(), torch.rand(1, 28, 28)).axes)
    2
    """
    figure = Figure(figsize=(6, 3), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.imshow(_image(image), cmap="gray")
    left.set_title("image")
    right.imshow(saliency_map(model, image, label), cmap="hot")
    right.set_title("|d score / d pixel|")
    for ax in (left, right):
        ax.set_axis_off()
    return figure


def learning_curves(history: History) -> Figure:
    """Loss and accuracy per epoch, training against held-out.

    >>> from cnnlib.train import History
    >>> history = History(train_loss=[1.0, 0.5], train_accuracy=[0.7, 0.9], val_loss=[0.9, 0.6],
    ...                   val_accuracy=[0.72, 0.88])
    >>> [ax.get_ylabel() for ax in learning_curves(history).axes]
    ['loss', 'accuracy']
    """
    figure = Figure(figsize=(8, 3), layout="constrained")
    loss, accuracy = figure.subplots(1, 2)
    epochs = range(1, len(history.train_loss) + 1)
    loss.plot(epochs, history.train_loss, "o-", label="training")
    if history.val_loss:
        loss.plot(epochs, history.val_loss, "s--", label="held-out")
    accuracy.plot(epochs, history.train_accuracy, "o-", label="training")
    accuracy.plot(epochs, history.val_accuracy, "s--", label="held-out")
    for ax, name in ((loss, "loss"), (accuracy, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        # Epochs are whole numbers: no 1.5 ticks between them.
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
    return figure
