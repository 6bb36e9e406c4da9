"""Visualizations return figures under Agg, and the maps behind them are the right numbers."""

from __future__ import annotations

import matplotlib
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from cnnlib import viz
from cnnlib.data import digits
from cnnlib.models import LeNet5
from cnnlib.shapes import receptive_field
from cnnlib.train import History


@pytest.fixture(autouse=True)
def agg() -> None:
    matplotlib.use("Agg")


@pytest.fixture(scope="module")
def lenet() -> nn.Module:
    torch.manual_seed(0)
    return LeNet5()


HISTORY = History([1.0, 0.5], [0.6, 0.8], [0.9, 0.7], [0.7, 0.75], [1.0, 1.0], [100.0, 100.0], [0.1, 0.1])
IMAGE = torch.rand(1, 28, 28)
PLOTS = {
    "filter_grid, grey": lambda model: viz.filter_grid(model.features[0].weight),
    "filter_grid, RGB": lambda model: viz.filter_grid(torch.randn(8, 3, 11, 11)),
    "activation_maps": lambda model: viz.activation_maps(model, "features.0", IMAGE),
    "occlusion_map": lambda model: viz.occlusion_map(model, IMAGE, label=3),
    "saliency": lambda model: viz.saliency(model, IMAGE),
    "learning_curves": lambda model: viz.learning_curves(HISTORY),
}


@pytest.mark.parametrize("plot", PLOTS.values(), ids=PLOTS.keys())
def test_every_plot_is_a_figure(lenet: nn.Module, plot) -> None:
    """Does the plotting function return a matplotlib Figure that renders under Agg?"""
    figure = plot(lenet)
    assert isinstance(figure, Figure)
    figure.canvas.draw()


def test_learning_curves_plot_the_history_per_epoch() -> None:
    """Do the curves show each epoch's training and held-out loss and accuracy, epochs counted from 1?"""
    loss, accuracy = viz.learning_curves(HISTORY).axes
    assert [list(line.get_xdata()) for line in loss.lines] == [[1, 2], [1, 2]]
    assert [list(line.get_ydata()) for line in loss.lines] == [HISTORY.train_loss, HISTORY.val_loss]
    assert [list(line.get_ydata()) for line in accuracy.lines] == [HISTORY.train_accuracy, HISTORY.val_accuracy]


def test_learning_curves_tick_whole_epochs_only() -> None:
    """Are the epoch ticks of a two-epoch history whole numbers (no 1.5 between epochs 1 and 2)?"""
    figure = viz.learning_curves(HISTORY)
    figure.canvas.draw()
    for ax in figure.axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize("inspect", [
    lambda model: viz.activation_maps(model, "features.0", IMAGE),
    lambda model: viz.occlusion_sensitivity(model, IMAGE, label=3),
    lambda model: viz.saliency_map(model, IMAGE),
], ids=["activation_maps", "occlusion_sensitivity", "saliency_map"])
def test_inspecting_leaves_the_model_in_training_mode(inspect) -> None:
    """After running the model in eval mode to inspect it, is a model in training mode put back into it?"""
    model = LeNet5().train()
    inspect(model)
    assert all(m.training for m in model.modules())


def test_saliency_map_is_the_input_gradient(lenet: nn.Module) -> None:
    """Is the saliency map |d score / d x| of the given class, as torch.autograd.grad computes it?"""
    image = torch.rand(1, 28, 28)
    x = image[None].clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(lenet.eval()(x)[0, 4], x)
    torch.testing.assert_close(torch.from_numpy(viz.saliency_map(lenet, image, label=4)), gradient[0].abs()[0])


def test_occlusion_changes_only_where_the_model_looks() -> None:
    """For a model that reads only the top-left 8x8 pixels, does occluding elsewhere leave p unchanged?"""
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 2))
    with torch.no_grad():
        model[1].weight.zero_()
        mask = torch.zeros(28, 28)
        mask[:8, :8] = 1
        model[1].weight[0] = 0.02 * mask.flatten()  # small, so the softmax does not saturate
    sensitivity = viz.occlusion_sensitivity(model, torch.ones(1, 28, 28), label=0, patch=8, stride=4)
    assert sensitivity.shape == (6, 6)
    assert sensitivity[0, 0] < sensitivity[0, 1] < sensitivity[5, 5]
    assert (sensitivity[2:, 2:] == sensitivity[5, 5]).all()


def test_top_patches_are_receptive_fields() -> None:
    """Are LeNet-5's conv2 patches at most its 14x14 receptive field, with interior ones exactly that?"""
    torch.manual_seed(0)
    model = LeNet5()
    training, _ = digits()  # 8x8 images are too small for LeNet; embed them in 28x28
    x = torch.nn.functional.pad(training.tensors[0][:64], (10, 10, 10, 10))
    data = torch.utils.data.TensorDataset(x, training.tensors[1][:64])
    figure = viz.top_patches(model, "features.3", unit=0, data=data, k=4)
    field = receptive_field([(5, 1), (2, 2), (5, 1)])
    sizes = [ax.images[0].get_array().shape for ax in figure.axes[::2] if ax.images]
    assert field == 14 and len(sizes) == 4
    assert all(h <= field and w <= field for h, w in sizes)


def test_activation_maps_refuse_a_layer_without_maps(lenet: nn.Module) -> None:
    """Is a fully connected layer refused, since it has no maps to show?"""
    with pytest.raises(ValueError, match=r"layer must output maps \(N, D, H, W\), 'classifier.1' gives shape \(120,\) per image"):
        viz.activation_maps(lenet, "classifier.1", torch.rand(1, 28, 28))


def test_unknown_layer_is_refused(lenet: nn.Module) -> None:
    """Is an unknown layer name refused with the list of names?"""
    with pytest.raises(ValueError, match="layer must name a submodule of the model, one of .*got 'conv7'"):
        viz.activation_maps(lenet, "conv7", torch.rand(1, 28, 28))
