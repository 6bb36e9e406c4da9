"""LeNet-5 against its published parameter total and MNIST-sized images."""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.models import LeNet5
from tests.cnnlib.models.meta import meta, params


def test_parameter_total_matches_the_published_one() -> None:
    """Does LeNet-5 have exactly the published 61,706 parameters?"""
    assert params(meta(LeNet5)) == 61_706


def test_lenet5_runs_on_mnist_sized_images_with_tanh_too() -> None:
    """Does LeNet-5 map (N, 1, 28, 28) to (N, 10) and accept another activation?"""
    model = LeNet5(activation=nn.Tanh)
    assert any(isinstance(m, nn.Tanh) for m in model.modules())
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert LeNet5(num_classes=5, in_channels=3)(torch.zeros(1, 3, 28, 28)).shape == (1, 5)


def test_c5_as_a_5x5_conv_computes_what_the_fc_layer_computes() -> None:
    """With the FC layer's weights reshaped into 120 filters of 5x5x16, does the conv form give the same scores?"""
    torch.manual_seed(0)
    fc_form, conv_form = LeNet5(), LeNet5(c5_conv=True)
    assert [p.numel() for p in conv_form.parameters()] == [p.numel() for p in fc_form.parameters()]
    with torch.no_grad():
        for mine, theirs in zip(conv_form.parameters(), fc_form.parameters(), strict=True):
            mine.copy_(theirs.reshape(mine.shape))  # flatten's order (D, H, W) is the filter's
    x = torch.randn(4, 1, 28, 28)
    assert conv_form.features(x).shape == (4, 120, 1, 1)
    torch.testing.assert_close(conv_form(x), fc_form(x))
