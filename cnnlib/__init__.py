"""cnnlib: the small library the course "Deep Convolutional Networks" stands on.

Numpy operations use PyTorch's argument names and NCHW layout, so code moves
from ``cnnlib`` to ``torch.nn`` without translation. Torch is imported only by
the functions that need it, so numpy-only work starts fast.

Layers, one lecture concept a module:

* the arithmetic everything stands on: ``shapes`` (output sizes, parameters);
* the numpy layer: ``ops`` (``conv``, ``pooling``, ``activations``,
  ``fully_connected`` on one window ``geometry``), ``gradcheck`` and ``filters``;
* the torch side: ``device``, ``torch_ops`` (the ops' torch tier), ``modules``
  (eval mode, submodule lookup), ``models``, ``summary``, ``data``,
  ``augment``, ``train`` and ``viz``;
* for the book and the assignments: ``explorers`` and ``grading``.
"""

from cnnlib.device import device
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.ops.activations import relu, relu_backward, sigmoid, sigmoid_backward, tanh, tanh_backward
from cnnlib.ops.conv import conv2d_backward_fast, conv2d_backward_reference, conv2d_fast, conv2d_reference
from cnnlib.ops.fully_connected import linear, linear_backward
from cnnlib.ops.pooling import (
    avg_pool2d_backward_fast,
    avg_pool2d_backward_reference,
    avg_pool2d_fast,
    avg_pool2d_reference,
    max_pool2d_backward_fast,
    max_pool2d_backward_reference,
    max_pool2d_fast,
    max_pool2d_reference,
)
from cnnlib.shapes import conv_output_size, conv_params, pool_output_size
from cnnlib.torch_ops import avg_pool2d_torch, conv2d_torch, max_pool2d_torch

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
