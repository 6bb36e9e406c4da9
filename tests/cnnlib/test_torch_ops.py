"""The ops' torch tier: numpy in and out, the numpy tiers' argument checks, and a GPU where there is one.

Its numbers are checked against torch itself with the other tiers, in tests/cnnlib/ops.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.device import ENV_VAR
from cnnlib.ops import conv, pooling
from cnnlib.torch_ops import avg_pool2d_torch, conv2d_torch, max_pool2d_torch


@pytest.mark.parametrize("tier", [conv2d_torch, max_pool2d_torch, avg_pool2d_torch], ids=lambda f: f.__name__)
def test_torch_tier_gives_a_numpy_array_back(tier) -> None:
    """Does a torch-tier op take numpy arrays and return a numpy array, not a tensor?"""
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6))
    out = tier(x, np.ones((3, 2, 3, 3))) if tier is conv2d_torch else tier(x, 2)
    assert isinstance(out, np.ndarray)


@pytest.mark.parametrize(("torch_tier", "numpy_tier", "args"), [
    (conv2d_torch, conv.conv2d_fast, (np.zeros((1, 2, 6, 6)), np.zeros((1, 3, 3, 3)))),
    (max_pool2d_torch, pooling.max_pool2d_fast, (np.zeros((1, 1, 5, 5)), 2)),
], ids=["conv2d", "max_pool2d"])
def test_torch_tier_refuses_bad_input_as_the_numpy_tiers_do(torch_tier, numpy_tier, args) -> None:
    """Does the torch tier refuse bad arguments with the numpy tiers' own message, before torch sees them?"""
    with pytest.raises(ValueError) as numpy_error:
        numpy_tier(*args)
    with pytest.raises(ValueError) as torch_error:
        torch_tier(*args)
    assert str(torch_error.value) == str(numpy_error.value)


@pytest.mark.gpu
def test_torch_tier_on_cuda_matches_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a GPU, do conv2d_torch and max_pool2d_torch give the CPU's float64 results?"""
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 6, 17, 19)), rng.standard_normal((8, 3, 3, 5)), rng.standard_normal(8)
    kwargs = {"stride": (2, 1), "padding": (1, 2), "groups": 2}
    monkeypatch.setenv(ENV_VAR, "cuda")
    on_gpu = conv2d_torch(x, w, b, **kwargs, floor=True)
    pooled_gpu = max_pool2d_torch(x, 3, 2, 1, floor=True)
    monkeypatch.setenv(ENV_VAR, "cpu")
    np.testing.assert_allclose(on_gpu, conv2d_torch(x, w, b, **kwargs, floor=True), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(pooled_gpu, max_pool2d_torch(x, 3, 2, 1, floor=True))
