"""Device choice and its override."""

from __future__ import annotations

import pytest
import torch

from cnnlib.device import ENV_VAR, device


def test_default_device_follows_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the override, is the device CUDA exactly when torch sees CUDA (else MPS or CPU)?"""
    monkeypatch.delenv(ENV_VAR, raising=False)
    chosen = device()
    if torch.cuda.is_available():
        assert chosen.type == "cuda"
    else:
        assert chosen.type in {"cpu", "mps"}


def test_override_picks_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does CNNLIB_DEVICE=cpu force the CPU?"""
    monkeypatch.setenv(ENV_VAR, "cpu")
    assert device() == torch.device("cpu")


def test_bad_override_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Is an unknown device name refused with the variable and the value in the message?"""
    monkeypatch.setenv(ENV_VAR, "toaster")
    with pytest.raises(ValueError, match="CNNLIB_DEVICE must name a torch device such as 'cpu' or 'cuda', got 'toaster'"):
        device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_absent_cuda_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no GPU, does CNNLIB_DEVICE=cuda say so instead of failing later?"""
    monkeypatch.setenv(ENV_VAR, "cuda")
    with pytest.raises(ValueError, match="asks for CUDA, but torch sees no CUDA device"):
        device()
