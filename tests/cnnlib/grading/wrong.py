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


def max_pool_backward(dout, x, F, S, *, assign=False, last=False):
    """A loop backward pass; ``assign`` writes dx[...] = dout, ``last`` sends ties to the last maximum."""
    N, C, H2, W2 = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    window = x[n, c, i * S : i * S + F, j * S : j * S + F]
                    first = window.size - 1 - np.argmax(window.ravel()[::-1]) if last else np.argmax(window)
                    a, e = np.unravel_index(first, window.shape)
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


def zero_pad_one_side(x, padding):
    """Zeros above and left only, into an array sized for both sides: numpy cannot broadcast."""
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    out[:, :, padding:, padding:] = x
    return out


def conv_taps_strided(x, w, b, stride, padding):
    """The stride applied to the filter's taps as well as to the positions."""
    N, C, H, W_ = x.shape
    K, _, F, _ = w.shape
    H2, W2 = (H - F + 2 * padding) // stride + 1, (W_ - F + 2 * padding) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, K, H2, W2))
    for n in range(N):
        for k in range(K):
            for i in range(H2):
                for j in range(W2):
                    patch = xp[n, :, i * stride : i * stride + stride * F : stride, j * stride : j * stride + stride * F : stride]
                    out[n, k, i, j] = np.sum(patch * w[k]) + b[k]
    return out


def conv_backward(dout, x, w, stride, padding, *, unpadded=False, average=False):
    """A loop backward pass; ``unpadded`` takes dw's windows from x instead of the padded xp, ``average`` divides by N."""
    N, K, H2, W2 = dout.shape
    _, _, F, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    source = x if unpadded else xp
    for n in range(N):
        for k in range(K):
            for i in range(H2):
                for j in range(W2):
                    rows, cols = slice(i * stride, i * stride + F), slice(j * stride, j * stride + F)
                    dw[k] += dout[n, k, i, j] * source[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, k, i, j] * w[k]
    db = dout.sum(axis=(0, 2, 3))
    if average:
        dw, db = dw / N, db / N
    return dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]], dw, db


def centred(f, x, dout, h):
    """Centred differences with the step ``h`` (a student who fixed it ignores the argument)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = np.sum((f(up) - f(down)) * dout) / (2 * h)
    return grad
