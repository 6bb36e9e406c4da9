"""The conv2d tiers, forward and backward, against torch, each other, numerical gradients and the lecture's numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.ops import conv
from cnnlib.torch_ops import conv2d_torch
from tests.cnnlib.cases import ConvCase, conv_cases

TIERS = [conv.conv2d_reference, conv.conv2d_fast, conv2d_torch]
CASES = conv_cases(40)


def torch_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, **kwargs: object) -> np.ndarray:
    as_tensor = torch.from_numpy
    return torch.nn.functional.conv2d(as_tensor(x), as_tensor(w), None if b is None else as_tensor(b), **kwargs).numpy()


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_tier_matches_torch_in_float64(tier, case: ConvCase) -> None:
    """Does each tier give torch's conv2d to 1e-12 over random shapes, strides, padding, dilation and groups?"""
    x, w, b = case.arrays()
    expected = torch_conv(x, w, b, **case.kwargs)
    out = tier(x, w, b, **case.kwargs)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_tiers_keep_float32(tier) -> None:
    """Does float32 in give float32 out, close to torch's float32 result?"""
    case = CASES[0]
    x, w, b = case.arrays(np.float32)
    out = tier(x, w, b, **case.kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, torch_conv(x, w, b, **case.kwargs), rtol=1e-4, atol=1e-4)


def test_reference_and_fast_agree_on_a_bigger_layer() -> None:
    """Do the loop and vectorized tiers agree on a batch of 3-channel images with several filters?"""
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 3, 12, 10)), rng.standard_normal((4, 3, 5, 5)), rng.standard_normal(4)
    np.testing.assert_allclose(conv.conv2d_fast(x, w, b, padding=2), conv.conv2d_reference(x, w, b, padding=2), atol=1e-12)


def test_fast_tier_is_right_across_im2col_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the batch is split into several im2col chunks (one image each), is the result unchanged?"""
    monkeypatch.setattr(conv, "CHUNK_BYTES", 1)
    x, w, b = CASES[1].arrays()
    x = np.concatenate([x] * 3)
    np.testing.assert_allclose(conv.conv2d_fast(x, w, b, **CASES[1].kwargs), torch_conv(x, w, b, **CASES[1].kwargs), atol=1e-12)


LECTURE_X = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]], dtype=float)
LECTURE_W = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=float)


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_lecture_example_with_padding_1_stride_2(tier) -> None:
    """Does the 5x5 example with padding 1 and stride 2 give [[6,17,3],[8,17,13],[6,4,4]]?"""
    out = tier(LECTURE_X[None, None], LECTURE_W[None, None], padding=1, stride=2)
    np.testing.assert_array_equal(out[0, 0], [[6, 17, 3], [8, 17, 13], [6, 4, 4]])


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_lecture_example_without_padding(tier) -> None:
    """With no padding and stride 1, is the result [[12,12,17],[10,17,19],[9,6,14]]?"""
    out = tier(LECTURE_X[None, None], LECTURE_W[None, None])
    np.testing.assert_array_equal(out[0, 0], [[12, 12, 17], [10, 17, 19], [9, 6, 14]])


def test_four_by_four_input_gives_two_by_two() -> None:
    """Does a 4x4 input with a 3x3 kernel, no padding, unit stride give 2x2?"""
    assert conv.conv2d_reference(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))).shape == (1, 1, 2, 2)


def test_each_output_is_the_filter_dot_the_patch_plus_bias() -> None:
    """Is output (i, j) of the 32x32x3 layer the 75-dimensional dot product of filter and patch, plus the bias?"""
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((1, 3, 32, 32)), rng.standard_normal((10, 3, 5, 5)), rng.standard_normal(10)
    out = conv.conv2d_fast(x, w, b, padding=2)
    assert out.shape == (1, 10, 32, 32)
    xp = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
    patch = xp[0, :, 10:15, 20:25]
    assert out[0, 7, 10, 20] == pytest.approx(patch.ravel() @ w[7].ravel() + b[7], abs=1e-12)


def test_cross_correlation_does_not_flip_the_kernel() -> None:
    """Does the edge detector respond positively where intensity rises left to right (no flipping)?"""
    x = np.zeros((1, 1, 3, 4))
    x[..., 2:] = 1.0
    w = np.array([[-1.0, 0.0, 1.0]] * 3)[None, None]
    assert conv.conv2d_fast(x, w)[0, 0, 0].tolist() == [3.0, 3.0]


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_input_is_not_modified(tier) -> None:
    """Are x, w and b left untouched?"""
    x, w, b = CASES[2].arrays()
    copies = [a.copy() for a in (x, w, b) if a is not None]
    tier(x, w, b, **CASES[2].kwargs)
    for original, copy in zip([a for a in (x, w, b) if a is not None], copies, strict=True):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_floor_mode_matches_torch_when_the_stride_does_not_fit(tier) -> None:
    """With floor=True, does a 7x7 input at stride 3 give torch's 2x2; without it, an error?"""
    x, w = np.random.default_rng(5).standard_normal((1, 2, 7, 7)), np.ones((1, 2, 3, 3))
    np.testing.assert_allclose(tier(x, w, stride=3, floor=True), torch_conv(x, w, None, stride=3), atol=1e-12)
    with pytest.raises(ValueError, match="stride 3 does not fit"):
        tier(x, w, stride=3)


def test_stride_error_names_the_axis_of_a_non_square_layer() -> None:
    """On a 7x8 input with a 3x3 filter at stride (1, 2), does the error say the width does not fit?"""
    with pytest.raises(ValueError) as raised:
        conv.conv2d_fast(np.zeros((1, 1, 7, 8)), np.zeros((1, 1, 3, 3)), stride=(1, 2))
    assert str(raised.value).startswith(
        "stride 2 does not fit: cannot apply a filter of width 3 on an input of width 8 with stride 2 and padding 0, "
        "since (N - F + 2P)/S + 1 = (8 - 3 + 2*0)/2 + 1 = 3.50 is not an integer"
    )


GOOD_X, GOOD_W = np.zeros((1, 4, 6, 6)), np.zeros((2, 4, 3, 3))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((np.zeros((4, 6, 6)), GOOD_W), {}, ValueError, "x must have shape (N, C, H, W) (4 dimensions), got shape (4, 6, 6)"),
        ((GOOD_X, np.zeros((2, 4, 3))), {}, ValueError, "w must have shape (K, C/groups, FH, FW) (4 dimensions)"),
        ((GOOD_X, np.zeros((2, 3, 3, 3))), {}, ValueError, "w must have C/groups = 4/1 = 4 input channels to match x"),
        ((GOOD_X, np.zeros((2, 4, 3, 3))), {"groups": 2}, ValueError, "w must have C/groups = 4/2 = 2 input channels"),
        ((GOOD_X, np.zeros((3, 2, 3, 3))), {"groups": 2}, ValueError, "groups must divide out_channels: out_channels=3"),
        ((GOOD_X, GOOD_W), {"groups": 3}, ValueError,
         "groups must divide in_channels: in_channels=4 is not divisible by groups=3"),
        ((GOOD_X, GOOD_W), {"stride": 0}, ValueError, "stride must be positive, got 0"),
        ((GOOD_X, GOOD_W), {"padding": -1}, ValueError, "padding must be at least 0, got -1"),
        ((GOOD_X, GOOD_W), {"stride": 2.0}, TypeError, "stride must be an integer, got 2.0 (float)"),
        ((GOOD_X, np.zeros((2, 4, 9, 9))), {"padding": 1}, ValueError,
         "kernel_size 9 is larger than the padded input size 6 + 2*1 = 8"),
        ((GOOD_X, GOOD_W, np.zeros(3)), {}, ValueError, "b must have shape (K,) = (2,), one bias per filter, got (3,)"),
        ((GOOD_X.astype(int), GOOD_W), {}, TypeError, "x must hold floating-point numbers, got dtype int64"),
        ((GOOD_X.tolist(), GOOD_W), {}, TypeError, "x must be a numpy.ndarray of shape (N, C, H, W), got list"),
        ((GOOD_X, GOOD_W), {"stride": 2}, ValueError, "stride 2 does not fit"),
    ],
)
@pytest.mark.parametrize("tier", TIERS, ids=lambda f: f.__name__)
def test_bad_input_is_refused_with_a_clear_message(tier, args, kwargs, error, message) -> None:
    """Does every tier refuse bad input with an error naming the argument, the rule and the value?"""
    with pytest.raises(error) as raised:
        tier(*args, **kwargs)
    assert message in str(raised.value)


# The backward passes.
BACKWARD_TIERS = [conv.conv2d_backward_reference, conv.conv2d_backward_fast]
BACKWARD_CASES = conv_cases(30, seed=11)


def torch_gradients(case: ConvCase, x: np.ndarray, w: np.ndarray, dout: np.ndarray) -> list[np.ndarray]:
    xt, wt = (torch.tensor(a, requires_grad=True) for a in (x, w))
    bt = torch.zeros(case.K, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.conv2d(xt, wt, bt, **case.kwargs).backward(torch.from_numpy(dout))
    return [t.grad.numpy() for t in (xt, wt, bt)]


@pytest.mark.parametrize("tier", BACKWARD_TIERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", BACKWARD_CASES, ids=str)
def test_gradients_match_torch_autograd(tier, case: ConvCase) -> None:
    """Are dx, dw and db torch's autograd gradients to 1e-12 over random layers?"""
    x, w, b = case.arrays()
    dout = np.random.default_rng(1).standard_normal(conv.conv2d_fast(x, w, b, **case.kwargs).shape)
    for ours, expected in zip(tier(dout, x, w, **case.kwargs), torch_gradients(case, x, w, dout), strict=True):
        assert ours.shape == expected.shape
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("tier", BACKWARD_TIERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", BACKWARD_CASES[:6], ids=str)
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
    case = BACKWARD_CASES[0]
    x, w, _ = case.arrays()
    x = np.concatenate([x] * 3)
    dout = np.random.default_rng(3).standard_normal(conv.conv2d_fast(x, w, **case.kwargs).shape)
    big = ConvCase(**{**case.__dict__, "N": x.shape[0]})
    for ours, expected in zip(conv.conv2d_backward_fast(dout, x, w, **case.kwargs),
                              torch_gradients(big, x, w, dout), strict=True):
        np.testing.assert_allclose(ours, expected, atol=1e-12)


@pytest.mark.parametrize("tier", BACKWARD_TIERS, ids=lambda f: f.__name__)
def test_dout_of_the_wrong_shape_is_refused(tier) -> None:
    """Is a dout that does not match the forward output refused with both shapes named?"""
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError) as raised:
        tier(np.zeros((1, 3, 5, 5)), x, w)
    assert "dout must have the forward output's shape (N, K, H2, W2) = (1, 3, 3, 3), got (1, 3, 5, 5)" in str(raised.value)
