"""Tests for cnnlib.signals: the waveforms have the spectra their names promise, the 1-D convnet's shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.signals import WAVEFORMS, conv1d_net, waveform, waveforms


def harmonics(kind: str) -> np.ndarray:
    """Magnitudes of harmonics 1 to 5 of one period sampled 1,024 times, by numpy's FFT."""
    spectrum = np.abs(np.fft.rfft(waveform(kind, np.arange(1024) / 1024))) / 512
    return spectrum[1:6]


def test_waveforms_have_their_fourier_series() -> None:
    """Do the four waveforms have Fourier's harmonics: a pure sine, odd 4/(pi k), 2/(pi k), 8/(pi k)^2?"""
    k = np.arange(1, 6)
    odd = k % 2 == 1
    np.testing.assert_allclose(harmonics("sine"), [1, 0, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(harmonics("square"), np.where(odd, 4 / (np.pi * k), 0), atol=0.01)
    np.testing.assert_allclose(harmonics("sawtooth"), 2 / (np.pi * k), atol=0.01)
    np.testing.assert_allclose(harmonics("triangle"), np.where(odd, 8 / (np.pi * k) ** 2, 0), atol=0.01)


def test_dataset_is_balanced_reproducible_and_noisy() -> None:
    """Are the classes balanced, the same seed the same data, and the noise of the std asked for?"""
    data = waveforms(50, length=256, noise=0.3, seed=1)
    x, y = data.tensors
    assert x.shape == (200, 1, 256) and torch.bincount(y).tolist() == [50] * 4
    assert torch.equal(x, waveforms(50, length=256, noise=0.3, seed=1).tensors[0])
    clean = waveforms(50, length=256, noise=0.0, seed=1).tensors[0]
    assert float((x - clean).std()) == pytest.approx(0.3, rel=0.05)


def test_conv1d_net_is_length_agnostic() -> None:
    """Thanks to global pooling, does the net give one score per class for signals of any length?"""
    net = conv1d_net()
    for length in (64, 128, 301):
        assert net(torch.zeros(3, 1, length)).shape == (3, len(WAVEFORMS))


def test_bad_arguments_are_refused() -> None:
    """Are an unknown waveform and an empty data set refused with the rule?"""
    with pytest.raises(ValueError, match=r"kind must be one of \['sine', 'square', 'sawtooth', 'triangle'\], got 'noise'"):
        waveform("noise", np.zeros(3))
    with pytest.raises(ValueError, match="n_per_class must be a positive integer, got 0"):
        waveforms(0)
