"""The fully connected layer: every neuron sees the entire input volume.

Weights use PyTorch's layout, ``w`` of shape (out_features, in_features), so
``linear`` matches :func:`torch.nn.functional.linear`. Inputs of shape
(N, C, H, W) are flattened to (N, C*H*W) first, as a convnet's last layers do.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import array


def _flatten(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.ndim < 2:
        raise ValueError(f"x must be an array of shape (N, in_features) or (N, C, H, W), got {getattr(x, 'shape', x)!r}")
    array(w, "w", 2, "(out_features, in_features)")
    flat = x.reshape(x.shape[0], -1)
    if flat.shape[1] != w.shape[1]:
        raise ValueError(
            f"w must have in_features = {flat.shape[1]} columns to match x of shape {x.shape}, got w of shape {w.shape}"
        )
    return flat


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Fully connected layer ``x @ w.T + b``.

    Args:
        x: input of shape (N, in_features) or (N, C, H, W).
        w: weights of shape (out_features, in_features).
        b: biases of shape (out_features,), or None.

    Returns:
        Output of shape (N, out_features).

    >>> linear(np.ones((2, 3)), np.ones((4, 3)), np.arange(4.0))
    array([[3., 4., 5., 6.],
           [3., 4., 5., 6.]])
    """
    out = _flatten(x, w) @ w.T
    return out if b is None else out + b


def linear_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dx, dw, db)`` of :func:`linear`; ``dx`` has ``x``'s shape.

    >>> dx, dw, db = linear_backward(np.ones((2, 4)), np.ones((2, 3)), np.ones((4, 3)))
    >>> dx.shape, dw.shape, db.tolist()
    ((2, 3), (4, 3), [2.0, 2.0, 2.0, 2.0])
    """
    flat = _flatten(x, w)
    if dout.shape != (flat.shape[0], w.shape[0]):
        raise ValueError(f"dout must have shape (N, out_features) = {(flat.shape[0], w.shape[0])}, got {dout.shape}")
    return (dout @ w).reshape(x.shape), dout.T @ flat, dout.sum(axis=0)
