"""Conv backward tiers against torch autograd and against numerical gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib import conv, conv_backward
from cnnlib.gradcheck import numerical_gradient, rel_error
from tests.cnnlib.cases import ConvCase, conv_cases

TIERS = [conv_backward.conv2d_backward_reference, conv_backward.conv2d_backward_fast]
CASES = conv_cases(30, seed=11)


def torch_gradients(case: ConvCase, x: np.ndarray, w: np.ndarray, dout: np.ndarray) -> list[np.ndarray]:
    xt, wt = (torch.tensor(a, requires_grad=True) for a in (x, w))
    bt = torch.zeros(case.K, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.conv2d(xt, wt, bt, **case.kwargs).backward(torch.from_numpy(dout))
    return [t.grad.numpy() for t in (xt, wt, bt)]


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradients_match_torch_autograd(tier, case: ConvCase) -> None:
    """Are dx, dw and db torch's autograd gradients to 1e-12 over random layers?"""
    x, w, b = case.arrays()
    dout = np.random.default_rng(1).standard_normal(conv.conv2d_fast(x, w, b, **case.kwargs).shape)
    for ours, expected in zip(tier(dout, x, w, **case.kwargs), torch_gradients(case, x, w, dout), strict=True):
        assert ours.shape == expected.shape
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES[:6], ids=str)
def test_gradients_match_numerical_gradients(tier, case: ConvCase) -> None:
    """Is the relative error to centred differences at most 1e-6 in float64 for x, w and b?"""
    x, w, b = case.arrays()
    b = np.zeros(case.K) if b is None else b
    dout = np.random.default_rng(2).standard_normal(conv.conv2d_reference(x, w, b, **case.kwargs).shape)
    dx, dw, db = tier(dout, x, w, **case.kwargs)
    assert rel_error(dx, numerical_gradient(lambda v: conv.conv2d_fast(v, w, b, **case.kwargs), x, dout)) <= 1e-6
    assert rel_error(dw, numerical_gradient(lambda v: conv.conv2d_fast(x, v, b, **case.kwargs), w, dout)) <= 1e-6
    assert rel_error(db, numerical_gradient(lambda v: conv.conv2d_fast(x, w, v, **case.kwargs), b, dout)) <= 1e-6


def test_fast_backward_is_right_across_im2col_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """When im2col runs one image at a time, are the gradients unchanged?"""
    monkeypatch.setattr(conv, "CHUNK_BYTES", 1)
    case = CASES[0]
    x, w, _ = case.arrays()
    x = np.concatenate([x] * 3)
    dout = np.random.default_rng(3).standard_normal(conv.conv2d_fast(x, w, **case.kwargs).shape)
    big = ConvCase(**{**case.__dict__, "N": x.shape[0]})
    for ours, expected in zip(conv_backward.conv2d_backward_fast(dout, x, w, **case.kwargs),
                              torch_gradients(big, x, w, dout), strict=True):
        np.testing.assert_allclose(ours, expected, atol=1e-12)


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_dout_of_the_wrong_shape_is_refused(tier) -> None:
    """Is a dout that does not match the forward output refused with both shapes named?"""
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError) as raised:
        tier(np.zeros((1, 3, 5, 5)), x, w)
    assert "dout must have the forward output's shape (N, K, H2, W2) = (1, 3, 3, 3), got (1, 3, 5, 5)" in str(raised.value)
