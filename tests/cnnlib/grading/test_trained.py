"""Is the shipped LeNet-5 of assignment 5 what its training code gives, and a network worth looking inside?"""

from __future__ import annotations

import torch

from cnnlib.data import mnist
from cnnlib.grading.trained import WEIGHTS, train_lenet5, trained_lenet5
from cnnlib.train import evaluate


def test_the_shipped_weights_are_what_the_training_code_gives() -> None:
    """Does training again (`make weights`) give the shipped file's weights, and do they classify 94% of held-out digits?"""
    shipped, again = trained_lenet5().state_dict(), train_lenet5().state_dict()
    assert list(shipped) == list(again)
    for name, weights in shipped.items():
        # The same code, seeds and one thread; 1e-5 leaves room for another CPU's rounding.
        assert torch.allclose(weights, again[name], atol=1e-5), f"{name} differs from training again: run `make weights`"
    assert WEIGHTS.stat().st_size < 300_000
    assert evaluate(trained_lenet5(), mnist()[1])[1] >= 0.94
