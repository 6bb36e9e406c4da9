"""cnnlib: the small library the course "Deep Convolutional Networks" stands on.

Numpy operations use PyTorch's argument names and NCHW layout, so code moves
from ``cnnlib`` to ``torch.nn`` without translation. Torch is imported only by
the functions that need it, so numpy-only work starts fast.

Modules, one lecture concept each: ``shapes`` (spatial arithmetic), ``conv``
and ``conv_backward``, ``pooling``, ``activations``, ``fully_connected``,
``filters``, ``gradcheck`` and ``device``.
"""

from cnnlib.activations import relu, relu_backward, sigmoid, sigmoid_backward, tanh, tanh_backward
from cnnlib.conv import conv2d_fast, conv2d_reference, conv2d_torch
from cnnlib.conv_backward import conv2d_backward_fast, conv2d_backward_reference
from cnnlib.device import device
from cnnlib.fully_connected import linear, linear_backward
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.pooling import (
    avg_pool2d_backward_fast,
    avg_pool2d_backward_reference,
    avg_pool2d_fast,
    avg_pool2d_reference,
    avg_pool2d_torch,
    max_pool2d_backward_fast,
    max_pool2d_backward_reference,
    max_pool2d_fast,
    max_pool2d_reference,
    max_pool2d_torch,
)
from cnnlib.shapes import conv_output_size, conv_params, pool_output_size

__version__ = "0.1.0"

# The fast tier is the one to use; the reference tier is the one to read.
conv2d = conv2d_fast
max_pool2d = max_pool2d_fast
avg_pool2d = avg_pool2d_fast

__all__ = [
    "avg_pool2d", "avg_pool2d_backward_fast", "avg_pool2d_backward_reference", "avg_pool2d_fast",
    "avg_pool2d_reference", "avg_pool2d_torch", "conv2d", "conv2d_backward_fast", "conv2d_backward_reference",
    "conv2d_fast", "conv2d_reference", "conv2d_torch", "conv_output_size", "conv_params", "device", "linear",
    "linear_backward", "max_pool2d", "max_pool2d_backward_fast", "max_pool2d_backward_reference",
    "max_pool2d_fast", "max_pool2d_reference", "max_pool2d_torch", "numerical_gradient", "pool_output_size",
    "rel_error", "relu", "relu_backward", "sigmoid", "sigmoid_backward", "tanh", "tanh_backward",
]
