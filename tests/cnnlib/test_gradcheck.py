"""The shared gradient checker on functions with known derivatives."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error


def test_numerical_gradient_of_a_cubic() -> None:
    """Is the centred difference of sum(x^3) equal to 3x^2 to 1e-8?"""
    x = np.array([[-1.5, 0.0], [0.5, 2.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, atol=1e-8)


def test_numerical_gradient_weights_by_dout_and_restores_x() -> None:
    """Does dout weight each output, and is x unchanged afterwards?"""
    x = np.array([1.0, 2.0])
    before = x.copy()
    grad = numerical_gradient(lambda v: v * 3.0, x, dout=np.array([2.0, -1.0]))
    np.testing.assert_allclose(grad, [6.0, -3.0], atol=1e-9)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_needs_float64() -> None:
    """Is float32 refused, since its rounding swamps the centred difference?"""
    with pytest.raises(TypeError, match="x must be a float64 numpy array"):
        numerical_gradient(np.sum, np.ones(3, dtype=np.float32))


def test_rel_error_hand_values() -> None:
    """Is rel_error |x - y| / (|x| + |y|), largest over the entries, with shapes checked?"""
    assert rel_error(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))
