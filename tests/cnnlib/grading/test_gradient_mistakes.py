"""Are the known mistakes of gradients named from a wrong gradient, and never from the right one?"""

from __future__ import annotations

import numpy as np
import torch

from cnnlib.grading.gradient_mistakes import diagnose_conv_backward, diagnose_numerical_gradient, diagnose_pool_backward
from tests.cnnlib.grading.wrong import max_pool_backward, one_sided

RNG = np.random.default_rng(7)


def test_a_max_pool_gradient_assigned_instead_of_added_is_named() -> None:
    """With overlapping windows, is `dx[...] = dout` named, and the right gradient (torch's autograd) not?"""
    x = torch.from_numpy(RNG.standard_normal((2, 2, 9, 9))).requires_grad_()
    out = torch.nn.functional.max_pool2d(x, 3, 2)
    dout = RNG.standard_normal(out.shape)
    out.backward(torch.from_numpy(dout))
    x_np = x.detach().numpy()
    assert np.allclose(max_pool_backward(dout, x_np, 3, 2), x.grad.numpy())
    assert diagnose_pool_backward(x.grad.numpy(), dout, x_np, 3, 2) is None
    assert "dx[...] = dout" in diagnose_pool_backward(max_pool_backward(dout, x_np, 3, 2, assign=True), dout, x_np, 3, 2)


def test_numerical_gradient_mistakes_are_named() -> None:
    """Are a one-sided difference, a missing 1/2 and an ignored dout named, and the exact gradient not?"""
    x, dout = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    exact = 3 * (1 - np.tanh(x) ** 2) * dout
    f = lambda v: 3 * np.tanh(v)  # noqa: E731
    assert diagnose_numerical_gradient(exact, f, x, dout) is None
    assert "one-sided" in diagnose_numerical_gradient(one_sided(f, x, dout), f, x, dout)
    assert "twice the right one" in diagnose_numerical_gradient(2 * exact, f, x, dout)
    assert "ignores dout" in diagnose_numerical_gradient(3 * (1 - np.tanh(x) ** 2), f, x, dout)



def test_tied_maxima_name_the_last_maximum_and_never_the_first() -> None:
    """With windows of few values (ties), is the last maximum named, and torch's gradient (the first) not?"""
    x = torch.from_numpy(RNG.integers(0, 3, (2, 2, 7, 7)).astype(float)).requires_grad_()
    out = torch.nn.functional.max_pool2d(x, 3, 2)
    dout = RNG.standard_normal(out.shape)
    out.backward(torch.from_numpy(dout))
    x_np = x.detach().numpy()
    assert diagnose_pool_backward(x.grad.numpy(), dout, x_np, 3, 2) is None
    assert "last maximum" in diagnose_pool_backward(max_pool_backward(dout, x_np, 3, 2, last=True), dout, x_np, 3, 2)


def test_conv_backward_mistakes_are_not_named_on_the_right_gradients() -> None:
    """Are torch's dw and db, and an unrelated error, free of any diagnosis?"""
    x = torch.from_numpy(RNG.standard_normal((2, 3, 5, 5))).requires_grad_()
    w = torch.from_numpy(RNG.standard_normal((4, 3, 3, 3))).requires_grad_()
    out = torch.nn.functional.conv2d(x, w, stride=2, padding=1)
    dout = RNG.standard_normal(out.shape)
    out.backward(torch.from_numpy(dout))
    args = (dout, x.detach().numpy(), w.detach().numpy(), 2, 1)
    assert diagnose_conv_backward(w.grad.numpy(), *args) is None
    assert diagnose_conv_backward(dout.sum(axis=(0, 2, 3)), *args) is None
    assert diagnose_conv_backward(ValueError("operands could not be broadcast together with shapes (7,) (2,)"), *args) is None
