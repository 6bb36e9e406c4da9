"""Activations and their gradients against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from cnnlib.ops import activations

PAIRS = [
    (activations.relu, activations.relu_backward, torch.relu),
    (activations.sigmoid, activations.sigmoid_backward, torch.sigmoid),
    (activations.tanh, activations.tanh_backward, torch.tanh),
]
X = np.concatenate([np.linspace(-30, 30, 121), np.random.default_rng(0).standard_normal(50), [0.0]])


@pytest.mark.parametrize(("forward", "backward", "reference"), PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_forward_and_gradient_match_torch(forward, backward, reference) -> None:
    """Do the activation and its gradient equal torch's values and autograd gradient (ReLU'(0) = 0 included)?"""
    xt = torch.tensor(X, requires_grad=True)
    out = reference(xt)
    dout = np.random.default_rng(1).standard_normal(X.shape)
    out.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(forward(X), out.detach().numpy(), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(backward(dout, X), xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_sigmoid_does_not_overflow() -> None:
    """Is the sigmoid exactly 0 and 1 far out, without overflow warnings?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert activations.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


def test_saturated_sigmoid_and_tanh_kill_gradients() -> None:
    """Do sigmoid and tanh pass almost no gradient at |x| = 10 while ReLU passes all of it for x > 0?"""
    x, ones = np.array([10.0]), np.ones(1)
    assert activations.sigmoid_backward(ones, x)[0] < 1e-4
    assert activations.tanh_backward(ones, x)[0] < 1e-8
    assert activations.relu_backward(ones, x)[0] == 1.0


def test_sigmoid_gradient_is_at_most_a_quarter() -> None:
    """Is the sigmoid's largest slope 0.25, at x = 0?"""
    slopes = activations.sigmoid_backward(np.ones_like(X), X)
    assert slopes.max() == pytest.approx(0.25) and X[np.argmax(slopes)] == 0.0
