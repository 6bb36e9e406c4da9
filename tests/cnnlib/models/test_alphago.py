"""AlphaGo's policy network against the lecture's layout and its parameter count."""

from __future__ import annotations

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
    assert convs[-1].bias is None and model.position_bias.shape == (361,)
    probabilities = model.move_probabilities(torch.randn(2, 48, 19, 19))
    assert probabilities.shape == (2, 19, 19)
    torch.testing.assert_close(probabilities.sum((1, 2)), torch.ones(2))


def test_alphago_policy_k192_parameter_count() -> None:
    """Are there 48*25*192+192 + 11*(192*9*192+192) + 192 + 361 parameters with k=192?"""
    expected = (48 * 25 * 192 + 192) + 11 * (192 * 9 * 192 + 192) + 192 + 361
    assert params(AlphaGoPolicy()) == expected == 3_882_793

