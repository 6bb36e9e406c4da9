"""Are the known mistakes recognised from the output of a wrong implementation, and never from a right one?

Each wrong implementation below is written the way a student writes it, not
derived from the variant the diagnosis computes; torch gives the right answers.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.grading.mistakes import (
    MISTAKES,
    diagnose_conv,
    diagnose_linear,
    diagnose_numerical_gradient,
    diagnose_pool_backward,
)

RNG = np.random.default_rng(7)
X, W, B = RNG.standard_normal((2, 3, 7, 7)), RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)


def student_conv(x, w, b, stride, padding, *, pad_rows=None, channels=None, bias=True):
    """A loop conv a student writes; the keyword arguments make it wrong in one way each."""
    N, C, H, W_ = x.shape
    K, _, F, _ = w.shape
    H2 = (H - F + 2 * padding) // stride + 1
    rows = pad_rows or (padding, padding)
    xp = np.pad(x, ((0, 0), (0, 0), rows, rows))
    out = np.zeros((N, K, H2, H2))
    for n in range(N):
        for k in range(K):
            for i in range(H2):
                for j in range(H2):
                    patch = xp[n, :, i * stride : i * stride + F, j * stride : j * stride + F]
                    c = slice(None) if channels is None else channels
                    out[n, k, i, j] = np.sum(patch[c] * w[k][c]) + (b[k] if bias else 0)
    return out


def torch_conv(x, w, b, stride, padding):
    t = torch.from_numpy
    return torch.nn.functional.conv2d(t(x), t(w), t(b), stride=stride, padding=padding).numpy()


def test_a_right_conv_is_never_diagnosed() -> None:
    """Does the right output (torch's) match no mistake, at every stride and padding?"""
    for S, P in [(1, 0), (1, 1), (2, 1), (2, 2), (3, 0)]:
        assert diagnose_conv(torch_conv(X, W, B, S, P), X, W, B, S, P) is None


@pytest.mark.parametrize(
    ("wrong", "key"),
    [({"pad_rows": (2, 0)}, "padding_one_sided"), ({"pad_rows": (0, 2)}, "padding_one_sided"),
     ({"channels": slice(0, 1)}, "channels_summed_wrong"), ({"bias": False}, "bias_missing")],
)
def test_conv_mistakes_are_named(wrong: dict, key: str) -> None:
    """Is one-sided padding, the first channel only, or the bias left out named by its own sentence?"""
    assert np.allclose(student_conv(X, W, B, 2, 1), torch_conv(X, W, B, 2, 1))  # the student's loops are right otherwise
    message = diagnose_conv(student_conv(X, W, B, 2, 1, **wrong), X, W, B, 2, 1)
    assert message is not None and message.startswith("Likely mistake: " + MISTAKES[key].sentence.split("{")[0])


def test_a_fully_connected_layer_without_bias_is_named() -> None:
    """Is x @ w.T without + b named as the missing bias?"""
    x, w, b = RNG.standard_normal((3, 5)), RNG.standard_normal((2, 5)), RNG.standard_normal(2)
    assert "lacks the bias" in diagnose_linear(x @ w.T, x, w, b)
    assert diagnose_linear(torch.nn.functional.linear(*map(torch.from_numpy, (x, w, b))).numpy(), x, w, b) is None


def max_pool_backward(dout, x, F, S, *, assign=False):
    N, C, H2, W2 = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    window = x[n, c, i * S : i * S + F, j * S : j * S + F]
                    a, e = np.unravel_index(np.argmax(window), window.shape)
                    if assign:
                        dx[n, c, i * S + a, j * S + e] = dout[n, c, i, j]
                    else:
                        dx[n, c, i * S + a, j * S + e] += dout[n, c, i, j]
    return dx


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


def one_sided(f, x, dout, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        moved = x.copy()
        moved[index] += h
        grad[index] = np.sum((f(moved) - f(x)) * dout) / h
    return grad


def test_numerical_gradient_mistakes_are_named() -> None:
    """Are a one-sided difference, a missing 1/2 and an ignored dout named, and the exact gradient not?"""
    x, dout = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    exact = 3 * (1 - np.tanh(x) ** 2) * dout
    f = lambda v: 3 * np.tanh(v)  # noqa: E731
    assert diagnose_numerical_gradient(exact, f, x, dout) is None
    assert "one-sided" in diagnose_numerical_gradient(one_sided(f, x, dout), f, x, dout)
    assert "twice the right one" in diagnose_numerical_gradient(2 * exact, f, x, dout)
    assert "ignores dout" in diagnose_numerical_gradient(3 * (1 - np.tanh(x) ** 2), f, x, dout)
