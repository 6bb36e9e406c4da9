"""Tests for cnnlib.understanding: layer outputs against torch's functional ops, activation maximization."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional

from cnnlib.models import LeNet5
from cnnlib.understanding import layer_outputs, leaf_layers, maximize_activation


@pytest.fixture(scope="module")
def model() -> LeNet5:
    torch.manual_seed(0)
    return LeNet5()


def test_leaf_layers_skip_containers(model) -> None:
    """Are only computing layers listed, twelve of them for LeNet-5, conv first?"""
    layers = leaf_layers(model)
    assert len(layers) == 12 and isinstance(layers[0][1], torch.nn.Conv2d)
    assert all(not list(m.children()) for _, m in layers)


def test_layer_outputs_follow_the_forward_pass(model) -> None:
    """Does each recorded output equal torch.nn.functional applied by hand, and the last one the model's scores?"""
    x = torch.rand(3, 1, 28, 28)
    outputs = layer_outputs(model, x)
    conv1 = model.features[0]
    by_hand = functional.conv2d(x, conv1.weight, conv1.bias, padding=2)
    torch.testing.assert_close(outputs["features.0"], by_hand.detach())
    pooled = functional.max_pool2d(functional.relu(by_hand), 2)
    torch.testing.assert_close(outputs["features.2"], pooled.detach())
    with torch.no_grad():
        torch.testing.assert_close(outputs["classifier.5"], model(x))
    assert list(outputs) == [name for name, _ in leaf_layers(model)]


def test_layer_outputs_refuse_a_single_image(model) -> None:
    """Is an image without a batch axis refused with its shape?"""
    with pytest.raises(ValueError, match=r"x must be a batch of shape \(N, C, H, W\), got torch.Size\(\[1, 28, 28\]\)"):
        layer_outputs(model, torch.rand(1, 28, 28))


def test_maximize_activation_beats_real_digits(model) -> None:
    """Does the optimized image excite a layer-2 channel more than its start and than every one of 64 random inputs?"""
    image, trace = maximize_activation(model, "features.3", unit=5, shape=(1, 28, 28), steps=40)
    assert trace[-1] > trace[0]
    with torch.no_grad():
        found = functional.conv2d(
            functional.max_pool2d(functional.relu(model.features[0](image[None])), 2),
            model.features[3].weight, model.features[3].bias)[0, 5].mean()
        others = model.features[3](model.features[2](model.features[1](model.features[0](torch.rand(64, 1, 28, 28)))))
    assert float(found) == pytest.approx(trace[-1], rel=1e-4)
    assert float(found) > float(others[:, 5].mean((1, 2)).max())


def test_maximize_activation_checks_its_arguments(model) -> None:
    """Are a unit out of range and a non-positive step count refused with the rule?"""
    with pytest.raises(ValueError, match=r"unit must be in \[0, 10\) for layer 'classifier.5', got 10"):
        maximize_activation(model, "classifier.5", 10, (1, 28, 28), steps=1)
    with pytest.raises(ValueError, match="steps must be a positive integer, got 0"):
        maximize_activation(model, "classifier.5", 1, (1, 28, 28), steps=0)


def test_guided_backprop_matches_the_rule_worked_by_hand() -> None:
    """On conv-ReLU-conv, is the guided map the backward pass with negative gradients and off ReLUs zeroed, by hand?"""
    from cnnlib.understanding import guided_backprop

    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.ReLU(), torch.nn.Conv2d(3, 2, 3))
    x = torch.randn(1, 7, 7)
    # By hand: d neuron / d hidden is the second conv's weights at the neuron's window,
    # kept where the hidden unit was on and the gradient positive, then back through conv 1.
    hidden = net[0](x[None])
    grad_hidden = torch.zeros_like(hidden)
    grad_hidden[0, :, 1:4, 2:5] = net[2].weight[1]
    guided_hidden = (grad_hidden * (hidden > 0)).clamp(min=0)
    x_leaf = x[None].clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(net[0](x_leaf), x_leaf, guided_hidden)
    found = guided_backprop(net, x, "2", 1, (1, 2))
    torch.testing.assert_close(found, expected[0])
    # The plain gradient differs: it keeps the negative evidence.
    x_leaf = x[None].clone().requires_grad_(True)
    net(x_leaf)[0, 1, 1, 2].backward()
    assert not torch.allclose(x_leaf.grad[0], found)


def test_receptive_field_is_where_the_gradient_reaches(model) -> None:
    """For neurons of LeNet-5's second conv, centre and corner, is the field the box a linear path's gradient reaches?"""
    from cnnlib.understanding import receptive_field

    linear_path = torch.nn.Sequential(model.features[0], torch.nn.AvgPool2d(2), model.features[3])
    for position in ((5, 5), (0, 0), (9, 3)):
        probe = torch.zeros(1, 1, 28, 28, requires_grad=True)
        linear_path(probe)[0, 0][position].backward()
        rows, cols = torch.nonzero(probe.grad[0, 0], as_tuple=True)
        box = receptive_field(model, "features.3", position, (28, 28))
        assert (box[0].start, box[0].stop) == (int(rows.min()), int(rows.max()) + 1), position
        assert (box[1].start, box[1].stop) == (int(cols.min()), int(cols.max()) + 1), position


def test_strongest_activations_are_the_top_of_a_brute_force_search(model) -> None:
    """Are the strongest images those with the largest map maximum, at that maximum's position?"""
    from torch.utils.data import TensorDataset

    from cnnlib.understanding import strongest_activations

    torch.manual_seed(2)
    x = torch.rand(20, 1, 28, 28)
    found = strongest_activations(model, "features.3", 4, TensorDataset(x, torch.zeros(20)), k=3)
    with torch.no_grad():
        maps = model.features[:4](x)[:, 4]
    peaks = maps.flatten(1).max(1).values
    assert [i for _, i, _, _ in found] == peaks.argsort(descending=True)[:3].tolist()
    for value, index, row, col in found:
        assert value == pytest.approx(float(maps[index, row, col])) == pytest.approx(float(peaks[index]))
