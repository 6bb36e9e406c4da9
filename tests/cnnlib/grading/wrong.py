"""Wrong implementations written the way a student writes them, for the mistakes' tests.

Each is written by hand, not derived from the variant a diagnosis computes;
torch gives the right answers.
"""

from __future__ import annotations

import numpy as np
import torch


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


def one_sided(f, x, dout, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        moved = x.copy()
        moved[index] += h
        grad[index] = np.sum((f(moved) - f(x)) * dout) / h
    return grad
