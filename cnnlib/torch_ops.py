"""The ops' third tier: ``torch.nn.functional`` on :func:`cnnlib.device`, numpy in and out.

``conv2d_torch``, ``max_pool2d_torch`` and ``avg_pool2d_torch`` take the same
arguments as the numpy tiers in :mod:`cnnlib.ops` and check them the same way
(same messages), then run PyTorch's own operation on the GPU when there is one.
torch is imported inside the functions, so ``import cnnlib`` stays fast.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import IntPair
from cnnlib.device import device
from cnnlib.ops.geometry import conv_geometry, pool_geometry


def _tensors(*arrays: np.ndarray | None) -> list:
    """Each array as a tensor on :func:`cnnlib.device` (None stays None)."""
    import torch

    on = device()
    return [None if a is None else torch.from_numpy(np.ascontiguousarray(a)).to(on) for a in arrays]


def conv2d_torch(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
    *,
    floor: bool = False,
) -> np.ndarray:
    """:func:`torch.nn.functional.conv2d` with the arguments of :func:`cnnlib.ops.conv.conv2d_reference`.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_torch(x, np.ones((1, 1, 3, 3))).shape
    (1, 1, 2, 2)
    """
    import torch

    g = conv_geometry(x, w, b, stride, padding, dilation, groups, floor)
    out = torch.nn.functional.conv2d(*_tensors(x, w, b), stride=g.stride, padding=g.padding, dilation=g.dilation,
                                     groups=g.groups)
    return out.cpu().numpy()


def _pool(name: str, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None, padding: IntPair, floor: bool):
    import torch

    g = pool_geometry(x, kernel_size, stride, padding, floor)
    out = getattr(torch.nn.functional, name)(*_tensors(x), (g.FH, g.FW), g.stride, g.padding)
    return out.cpu().numpy()


def max_pool2d_torch(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """:func:`torch.nn.functional.max_pool2d` with the arguments of :func:`cnnlib.ops.pooling.max_pool2d_reference`.

    >>> max_pool2d_torch(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool("max_pool2d", x, kernel_size, stride, padding, floor)


def avg_pool2d_torch(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0, *, floor: bool = False
) -> np.ndarray:
    """:func:`torch.nn.functional.avg_pool2d` with the arguments of :func:`cnnlib.ops.pooling.avg_pool2d_reference`.

    >>> avg_pool2d_torch(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _pool("avg_pool2d", x, kernel_size, stride, padding, floor)
