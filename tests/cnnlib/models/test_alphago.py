"""AlphaGo's policy network against the lecture's layout and its parameter count."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import AlphaGoPolicy
from tests.cnnlib.models.meta import params


def test_alphago_policy_follows_the_lecture() -> None:
    """Does the policy net have 13 convs (5x5, 11 3x3, final 1x1), 361 position biases and a softmax map?"""
    model = AlphaGoPolicy(filters=128)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert [c.kernel_size[0] for c in convs] == [5] + [3] * 11 + [1]
    assert all(c.out_channels == 128 for c in convs[:-1]) and convs[-1].out_channels == 1
    assert convs[-1].bias is None and model.position_bias.shape == (19, 19)
    probabilities = model.move_probabilities(torch.randn(2, 48, 19, 19))
    assert probabilities.shape == (2, 19, 19)
    torch.testing.assert_close(probabilities.sum((1, 2)), torch.ones(2))


def test_alphago_policy_k192_parameter_count() -> None:
    """Are there 48*25*192+192 + 11*(192*9*192+192) + 192 + 361 parameters with k=192?"""
    expected = (48 * 25 * 192 + 192) + 11 * (192 * 9 * 192 + 192) + 192 + 361
    assert params(AlphaGoPolicy()) == expected == 3_882_793



@pytest.mark.parametrize(("k", "expected"), [(128, 1_777_641), (192, 3_882_793), (256, 6_798_953), (384, 15_064_297)])
def test_alphago_policy_parameter_count_for_each_k(k: int, expected: int) -> None:
    """For the k = 128, 192, 256, 384 the paper tried, is the count the lecture's layers add up to?"""
    by_hand = (5 * 5 * 48 * k + k) + 11 * (3 * 3 * k * k + k) + k + 19 * 19
    assert params(AlphaGoPolicy(filters=k)) == by_hand == expected


def test_alphago_policy_keeps_the_board_size_through_every_layer() -> None:
    """Is every conv's output 19x19 (5x5 pad 2, 3x3 pad 1, 1x1 pad 0), as the lecture's shape walk says?"""
    x = torch.zeros(1, 48, 19, 19)
    for layer in AlphaGoPolicy(filters=128).features:
        x = layer(x)
        assert x.shape[-2:] == (19, 19)
    assert x.shape == (1, 1, 19, 19)


def test_last_layer_adds_a_different_bias_at_each_position() -> None:
    """Is the last layer a 1x1 conv with one shared-weight filter plus its own bias at each of the 361 positions?"""
    model = AlphaGoPolicy(filters=8)
    with torch.no_grad():
        model.position_bias.copy_(torch.randn(19, 19))
    x = torch.randn(2, 48, 19, 19)
    hidden = model.features[:-1](x)
    weight = model.features[-1].weight
    expected = torch.nn.functional.conv2d(hidden, weight) + model.position_bias
    torch.testing.assert_close(model(x), expected.flatten(1))


def test_summary_counts_the_position_biases_in_the_last_row() -> None:
    """Does the last row of the table hold 192 weights and 361 biases, so that the rows add up to the total?"""
    from cnnlib.summary import summary

    with torch.device("meta"):
        table = summary(AlphaGoPolicy(), (48, 19, 19))
    assert (table.rows[-1].weights, table.rows[-1].params) == (192, 192 + 19 * 19)
    assert sum(row.params for row in table.rows) == table.params == 3_882_793
