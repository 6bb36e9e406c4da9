"""Convnets beyond images: a 1-D convnet that tells noisy waveforms apart.

A signal is a 1-D image: the same filter slides along time instead of across
rows and columns (``nn.Conv1d``). :func:`waveforms` generates the data (nothing
is downloaded); :func:`conv1d_net` is the network; global max pooling at its top
makes the answer the same wherever in the window a pattern occurs.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset

WAVEFORMS = ("sine", "square", "sawtooth", "triangle")


def waveform(kind: str, t: np.ndarray) -> np.ndarray:
    """One period-1 waveform of ``kind`` at times ``t`` (in periods), amplitude 1.

    >>> waveform("square", np.array([0.25, 0.75])).tolist()
    [1.0, -1.0]
    """
    phase = np.mod(t, 1.0)
    if kind == "sine":
        return np.sin(2 * np.pi * t)
    if kind == "square":
        return np.where(phase < 0.5, 1.0, -1.0)
    if kind == "sawtooth":
        return 2 * phase - 1
    if kind == "triangle":
        return 1 - 4 * np.abs(phase - 0.5)
    raise ValueError(f"kind must be one of {list(WAVEFORMS)}, got {kind!r}")


def waveforms(n_per_class: int, length: int = 128, noise: float = 0.3, seed: int = 0) -> TensorDataset:
    """Noisy waveforms of the four ``WAVEFORMS`` kinds, with random frequency, phase and amplitude.

    Each signal holds 2 to 6 periods, starts at a random phase, has an
    amplitude in [0.5, 1.5] and Gaussian noise of std ``noise`` added.

    Returns:
        a dataset of ``(signal, label)``: signal of shape (1, length), label the
        index of its kind in ``WAVEFORMS``; the classes are interleaved.

    >>> data = waveforms(3, length=64)
    >>> len(data), tuple(data[0][0].shape), data.tensors[1][:4].tolist()
    (12, (1, 64), [0, 1, 2, 3])
    """
    if not isinstance(n_per_class, int) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    rng = np.random.default_rng(seed)
    n = n_per_class * len(WAVEFORMS)
    labels = np.tile(np.arange(len(WAVEFORMS)), n_per_class)
    periods = rng.uniform(2, 6, n)
    phase = rng.uniform(0, 1, n)
    amplitude = rng.uniform(0.5, 1.5, n)
    t = periods[:, None] * np.arange(length)[None] / length + phase[:, None]
    clean = np.stack([waveform(WAVEFORMS[k], row) for k, row in zip(labels, t, strict=True)])
    x = amplitude[:, None] * clean + noise * rng.standard_normal((n, length))
    return TensorDataset(torch.from_numpy(x[:, None].astype(np.float32)), torch.from_numpy(labels))


def conv1d_net(num_classes: int = len(WAVEFORMS), width: int = 8, seed: int = 0) -> nn.Sequential:
    """CONV1D-RELU-POOL-CONV1D-RELU-global max pool-FC: a convnet for signals of any length.

    Shape:
        Input (N, 1, L); output (N, num_classes).

    >>> conv1d_net()(torch.zeros(2, 1, 128)).shape
    torch.Size([2, 4])
    """
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv1d(1, width, kernel_size=9, padding=4), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(width, 2 * width, kernel_size=9, padding=4), nn.ReLU(),
        # The strongest response anywhere in time: where the pattern occurs does not matter.
        nn.AdaptiveMaxPool1d(1), nn.Flatten(),
        nn.Linear(2 * width, num_classes),
    )
