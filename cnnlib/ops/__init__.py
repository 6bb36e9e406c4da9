"""The numpy layer: the lecture's operations on numpy arrays, forward and backward.

One module per operation, each holding its forward pass and its backward pass
side by side: ``conv``, ``pooling``, ``activations`` and ``fully_connected``.
Convolution and pooling come in a readable reference tier (loops that mirror
the lecture) and a fast tier with the same signature; both read their inputs
through one window geometry, :mod:`cnnlib.ops.geometry`. The third tier, on
PyTorch, is :mod:`cnnlib.torch_ops`.

Nothing here imports torch, matplotlib or ipywidgets; ruff enforces it (the
banned-api rule in ``pyproject.toml``), so the assignments and the numpy pages
of the book start fast and run with numpy alone.
"""
