"""The blocks the networks share: each keeps the size it should and holds the parameters it should."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models.blocks import classifier, conv_bn, conv_relu, local_response_norm
from tests.cnnlib.models.meta import params


@pytest.mark.parametrize("block", [conv_relu, conv_bn], ids=lambda f: f.__name__)
@pytest.mark.parametrize("kernel_size", [1, 3, 5, 7])
def test_conv_blocks_keep_the_size_at_stride_1_and_halve_it_at_stride_2(block, kernel_size: int) -> None:
    """Does the (F - 1)/2 padding keep 28x28 at stride 1, and give 14x14 at stride 2?"""
    x = torch.zeros(1, 3, 28, 28)
    assert block(3, 8, kernel_size)(x).shape == (1, 8, 28, 28)
    assert block(3, 8, kernel_size, stride=2)(x).shape == (1, 8, 14, 14)


def test_conv_bn_leaves_the_bias_to_batch_norm() -> None:
    """Does conv-BN hold F*F*C*K conv weights and no conv bias, plus batch norm's scale and shift per map?"""
    conv, norm = conv_bn(64, 128, 3)
    assert conv.bias is None and isinstance(norm, nn.BatchNorm2d)
    assert params(conv_bn(64, 128, 3)) == 3 * 3 * 64 * 128 + 2 * 128


def test_local_response_norm_has_alexnets_constants() -> None:
    """Is the NORM layer n=5, alpha=1e-4, beta=0.75, k=2, as in the AlexNet paper?"""
    norm = local_response_norm()
    assert (norm.size, norm.alpha, norm.beta, norm.k) == (5, 1e-4, 0.75, 2.0)


def test_classifier_is_fc6_fc7_fc8_with_dropout_before_the_first_two() -> None:
    """Is the head Flatten, Dropout, FC-4096, ReLU, Dropout, FC-4096, ReLU, FC-classes, with dropout 0.5?"""
    head = classifier(256 * 6 * 6, 10)
    assert [type(layer).__name__ for layer in head] == [
        "Flatten", "Dropout", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Linear"]
    assert [layer.p for layer in head if isinstance(layer, nn.Dropout)] == [0.5, 0.5]
    assert (head[2].in_features, head[-1].out_features) == (9216, 10)
