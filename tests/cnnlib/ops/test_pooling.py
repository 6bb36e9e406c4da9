"""Pooling tiers, forward and backward, against torch and the lecture's example."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.ops import pooling
from cnnlib.torch_ops import avg_pool2d_torch, max_pool2d_torch
from tests.cnnlib.cases import PoolCase, pool_cases

CASES = pool_cases(30)
MAX = [pooling.max_pool2d_reference, pooling.max_pool2d_fast, max_pool2d_torch]
AVG = [pooling.avg_pool2d_reference, pooling.avg_pool2d_fast, avg_pool2d_torch]
MAX_BACKWARD = [pooling.max_pool2d_backward_reference, pooling.max_pool2d_backward_fast]
AVG_BACKWARD = [pooling.avg_pool2d_backward_reference, pooling.avg_pool2d_backward_fast]
name = lambda f: f.__name__  # noqa: E731


def torch_pool(kind: str, x: np.ndarray, case: PoolCase, dout: np.ndarray | None = None):
    xt = torch.tensor(x, requires_grad=True)
    out = getattr(torch.nn.functional, kind)(xt, case.kernel_size, case.stride, case.padding)
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.from_numpy(dout))
    return xt.grad.numpy()


@pytest.mark.parametrize("tier", MAX, ids=name)
def test_lecture_max_pooling_example(tier) -> None:
    """Does 2x2 max pooling at stride 2 turn the lecture's 4x4 map into [[6,8],[3,4]]?"""
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)
    np.testing.assert_array_equal(tier(x[None, None], 2, 2)[0, 0], [[6, 8], [3, 4]])


@pytest.mark.parametrize(("kind", "tier"), [("max_pool2d", t) for t in MAX] + [("avg_pool2d", t) for t in AVG],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_torch(kind: str, tier, case: PoolCase) -> None:
    """Does each tier give torch's pooling over random windows, strides and padding?"""
    x = case.x()
    np.testing.assert_allclose(tier(x, case.kernel_size, case.stride, case.padding), torch_pool(kind, x, case), atol=1e-12)


@pytest.mark.parametrize(("kind", "tier"), [("max_pool2d", t) for t in MAX_BACKWARD] + [("avg_pool2d", t) for t in AVG_BACKWARD],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_backward_matches_torch_autograd(kind: str, tier, case: PoolCase) -> None:
    """Is dx torch's autograd gradient, overlapping windows and padding included?"""
    x = case.x()
    dout = np.random.default_rng(1).standard_normal(torch_pool(kind, x, case).shape)
    np.testing.assert_allclose(tier(dout, x, case.kernel_size, case.stride, case.padding),
                               torch_pool(kind, x, case, dout), atol=1e-12)


@pytest.mark.parametrize(("forward", "tier"), [(pooling.max_pool2d_fast, t) for t in MAX_BACKWARD]
                         + [(pooling.avg_pool2d_fast, t) for t in AVG_BACKWARD], ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES[:5], ids=str)
def test_backward_matches_numerical_gradient(forward, tier, case: PoolCase) -> None:
    """Is the relative error to centred differences at most 1e-6 (distinct values, so the max is unique)?"""
    x = case.x()
    dout = np.random.default_rng(2).standard_normal(forward(x, case.kernel_size, case.stride, case.padding).shape)
    numeric = numerical_gradient(lambda v: forward(v, case.kernel_size, case.stride, case.padding), x, dout)
    assert rel_error(tier(dout, x, case.kernel_size, case.stride, case.padding), numeric) <= 1e-6


@pytest.mark.parametrize("tier", MAX_BACKWARD, ids=name)
def test_ties_send_the_gradient_to_the_first_maximum_like_torch(tier) -> None:
    """With equal values in overlapping windows, does the gradient go where torch sends it?"""
    x = np.ones((1, 1, 5, 5))
    case = PoolCase(1, 1, 5, 5, (3, 3), (2, 2), (0, 0))
    dout = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    np.testing.assert_array_equal(tier(dout, x, 3, 2), torch_pool("max_pool2d", x, case, dout))


@pytest.mark.parametrize("tier", MAX + AVG, ids=name)
def test_pooling_works_on_each_map_independently_and_keeps_depth(tier) -> None:
    """Does pooling keep the depth D2 = D1 and treat each channel on its own?"""
    x = np.random.default_rng(3).standard_normal((2, 5, 8, 8))
    out = tier(x, 2)
    assert out.shape == (2, 5, 4, 4)
    np.testing.assert_allclose(out[:, 3:4], tier(x[:, 3:4], 2))


@pytest.mark.parametrize("tier", MAX + AVG, ids=name)
def test_float32_stays_float32(tier) -> None:
    """Does float32 in give float32 out?"""
    assert tier(np.zeros((1, 1, 4, 4), dtype=np.float32), 2).dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"x": np.zeros((4, 4)), "kernel_size": 2}, ValueError,
         "x must have shape (N, C, H, W) (4 dimensions), got shape (4, 4)"),
        ({"x": np.zeros((1, 1, 4, 4)), "kernel_size": 0}, ValueError, "kernel_size must be positive, got 0"),
        ({"x": np.zeros((1, 1, 4, 4)), "kernel_size": 2, "stride": 0}, ValueError, "stride must be positive, got 0"),
        ({"x": np.zeros((1, 1, 4, 4)), "kernel_size": 2, "padding": 2}, ValueError,
         "padding must be at most half of kernel_size 2, got 2"),
        ({"x": np.zeros((1, 1, 4, 4)), "kernel_size": 5}, ValueError, "kernel_size 5 is larger than the padded input size 4"),
        ({"x": np.zeros((1, 1, 5, 5)), "kernel_size": 2}, ValueError, "stride 2 does not fit"),
        ({"x": np.zeros((1, 1, 4, 4), dtype=int), "kernel_size": 2}, TypeError, "x must hold floating-point numbers"),
    ],
)
@pytest.mark.parametrize("tier", MAX + AVG, ids=name)
def test_bad_input_is_refused_with_a_clear_message(tier, kwargs, error, message) -> None:
    """Does each tier name the argument and the rule it broke?"""
    with pytest.raises(error) as raised:
        tier(**kwargs)
    assert message in str(raised.value)


def test_floor_mode_matches_torch() -> None:
    """With floor=True, does a 5x5 map pooled 2x2/2 give torch's 2x2?"""
    x = np.random.default_rng(4).standard_normal((1, 2, 5, 5))
    case = PoolCase(1, 2, 5, 5, (2, 2), (2, 2), (0, 0))
    np.testing.assert_array_equal(pooling.max_pool2d_fast(x, 2, floor=True), torch_pool("max_pool2d", x, case))
