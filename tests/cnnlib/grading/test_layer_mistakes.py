"""Are the known mistakes of conv, pooling and the fully connected layer named from a wrong output, and never from a right one?"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.grading.layer_mistakes import diagnose_conv, diagnose_linear, diagnose_pool
from cnnlib.grading.mistakes import MISTAKES
from tests.cnnlib.grading.wrong import student_conv, torch_conv

RNG = np.random.default_rng(7)
X, W, B = RNG.standard_normal((2, 3, 7, 7)), RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)


def test_a_right_conv_is_never_diagnosed() -> None:
    """Does the right output (torch's) match no mistake, at every stride and padding?"""
    for S, P in [(1, 0), (1, 1), (2, 1), (2, 2), (3, 0)]:
        assert diagnose_conv(torch_conv(X, W, B, S, P), X, W, B, S, P) is None


@pytest.mark.parametrize(
    ("wrong", "key"),
    [({"pad_rows": (2, 0)}, "padding_shifted"), ({"pad_rows": (0, 2)}, "padding_one_sided"),
     ({"channels": slice(0, 1)}, "channels_summed_wrong"), ({"bias": False}, "bias_missing")],
)
def test_conv_mistakes_are_named(wrong: dict, key: str) -> None:
    """Is padding on one side, the first channel only, or the bias left out named by its own sentence?"""
    assert np.allclose(student_conv(X, W, B, 2, 1), torch_conv(X, W, B, 2, 1))  # the student's loops are right otherwise
    message = diagnose_conv(student_conv(X, W, B, 2, 1, **wrong), X, W, B, 2, 1)
    assert message is not None and message.startswith("Likely mistake: " + MISTAKES[key].sentence.split("{")[0])


def test_a_fully_connected_layer_without_bias_is_named() -> None:
    """Is x @ w.T without + b named as the missing bias?"""
    x, w, b = RNG.standard_normal((3, 5)), RNG.standard_normal((2, 5)), RNG.standard_normal(2)
    assert "lacks the bias" in diagnose_linear(x @ w.T, x, w, b)
    assert diagnose_linear(torch.nn.functional.linear(*map(torch.from_numpy, (x, w, b))).numpy(), x, w, b) is None


@pytest.mark.parametrize(("kernel_size", "stride"), [(2, 2), (3, 2), (3, 1), (2, 1)])
def test_a_right_pooling_is_never_diagnosed(kernel_size: int, stride: int) -> None:
    """Does torch's max pooling match no mistake, overlapping windows or not?"""
    right = torch.nn.functional.max_pool2d(torch.from_numpy(X), kernel_size, stride).numpy()
    assert diagnose_pool(right, X, kernel_size, stride) is None
