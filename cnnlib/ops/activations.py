"""The lecture's activation functions and their gradients.

* sigmoid ``1 / (1 + e^-x)``: squashes to [0, 1]; saturates and is not zero-centred.
* tanh: squashes to [-1, 1]; zero-centred but still saturates.
* ReLU ``max(0, x)``: does not saturate for x > 0 and is very cheap.

Each ``*_backward(dout, x)`` returns ``dout`` times the local derivative at ``x``.
"""

from __future__ import annotations

import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    """``max(0, x)`` elementwise, any shape.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(x, 0)


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ReLU: passes ``dout`` where ``x > 0`` (0 at x = 0, as in PyTorch).

    >>> relu_backward(np.ones(3), np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return np.where(x > 0, dout, 0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^-x)`` elementwise, computed without overflow for large ``|x|``.

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    # e^-x overflows for very negative x; e^x / (1 + e^x) is the same value there.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of the sigmoid: ``dout * s * (1 - s)``, at most 0.25 and vanishing when saturated.

    >>> sigmoid_backward(np.ones(2), np.array([0.0, 10.0])).round(6).tolist()
    [0.25, 4.5e-05]
    """
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent elementwise.

    >>> tanh(np.array([0.0])).tolist()
    [0.0]
    """
    return np.tanh(x)


def tanh_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of tanh: ``dout * (1 - tanh(x)^2)``.

    >>> tanh_backward(np.ones(1), np.array([0.0])).tolist()
    [1.0]
    """
    return dout * (1 - np.tanh(x) ** 2)
