"""The fully connected layer against torch.nn.functional.linear and autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.ops.fully_connected import linear, linear_backward


def test_linear_matches_torch_on_a_flattened_volume() -> None:
    """Does a volume (N, C, H, W) flattened into an FC layer give torch's values and gradients?"""
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 2, 4, 4)), rng.standard_normal((5, 32)), rng.standard_normal(5)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.linear(xt.flatten(1), wt, bt)
    dout = rng.standard_normal((3, 5))
    out.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(linear(x, w, b), out.detach().numpy(), atol=1e-12)
    for ours, theirs in zip(linear_backward(dout, x, w), (xt.grad, wt.grad, bt.grad), strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-12)


def test_linear_gradient_matches_numerical_gradient() -> None:
    """Is dx within 1e-6 relative error of centred differences?"""
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 6)), rng.standard_normal((3, 6)), rng.standard_normal(3)
    dout = rng.standard_normal((2, 3))
    assert rel_error(linear_backward(dout, x, w)[0], numerical_gradient(lambda v: linear(v, w, b), x, dout)) <= 1e-6


def test_mismatched_weights_are_refused() -> None:
    """Does a weight matrix with the wrong number of columns get a message with both shapes?"""
    with pytest.raises(ValueError) as raised:
        linear(np.zeros((3, 2, 4, 4)), np.zeros((5, 30)))
    assert "w must have in_features = 32 columns to match x of shape (3, 2, 4, 4), got w of shape (5, 30)" in str(raised.value)
