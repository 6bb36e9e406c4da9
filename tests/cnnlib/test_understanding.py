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
