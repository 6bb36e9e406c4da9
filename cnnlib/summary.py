"""A per-layer table of a network: output volume, activation memory, parameters, FLOPs.

The table follows the lecture's VGG-16 slide: one row per layer, its output
in ``[HxWxD]`` notation, the activations it stores (count and bytes) and its
parameters, with the totals and the forward memory per image underneath.
ReLU, dropout and flatten layers fold into the row before them, as on the
slide: they neither change the volume's shape nor own parameters (an in-place
ReLU stores nothing new). Every figure comes from ``cnnlib.shapes``.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from cnnlib.modules import eval_mode
from cnnlib.shapes import activation_bytes, activation_count, conv_flops, conv_params, linear_flops, linear_params

# Characters of printed text per line that fit the book's text column at 1280 px
# (measured in the built book: lines of 85 fit, lines of 89 scroll sideways).
TEXT_WIDTH = 85

FOLDED = (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.Dropout, nn.Flatten, nn.Identity, nn.Softmax)


@dataclass(frozen=True)
class Row:
    """One layer of a :class:`Summary`.

    ``shape`` is the output volume per image as (H, W, D), or (D,) after an
    FC layer; ``weights`` counts parameters without biases, as the lecture's
    slide does; ``params`` counts all of them.
    """

    name: str
    layer: str
    shape: tuple[int, ...]
    activations: int
    bytes: int
    weights: int
    params: int
    flops: int

    @property
    def output(self) -> str:
        """The output volume in the lecture's notation, e.g. ``[224x224x64]``."""
        return "[" + "x".join(str(s) for s in self.shape) + "]"


@dataclass
class Summary:
    """Rows of one network for one input, with totals; ``str()`` prints it, notebooks show HTML."""

    rows: list[Row]
    params: int
    dtype: str = "float32"
    columns: tuple[str, ...] = field(default=("name", "layer", "output", "activations", "bytes", "params", "FLOPs"))

    @property
    def activations(self) -> int:
        """Values stored by one forward pass of one image, input included."""
        return sum(row.activations for row in self.rows)

    @property
    def bytes(self) -> int:
        """Forward memory per image in bytes (about twice this for the backward pass)."""
        return sum(row.bytes for row in self.rows)

    @property
    def flops(self) -> int:
        """Floating-point operations of conv and FC layers for one image (see ``shapes.conv_flops``)."""
        return sum(row.flops for row in self.rows)

    def _cells(self) -> list[list[str]]:
        return [
            [r.name, r.layer, r.output, f"{r.activations:,}", f"{r.bytes:,}", f"{r.params:,}", f"{r.flops:,}"]
            for r in self.rows
        ]

    def _footer(self) -> list[str]:
        itemsize = np.dtype(self.dtype).itemsize
        return [
            f"TOTAL activations: {self.activations:,} values * {itemsize} bytes = {self.bytes / 1e6:.1f} MB "
            "per image",
            "  (forward only; about x2 for backward)",
            f"TOTAL params: {self.params:,} ({self.params / 1e6:.1f}M); "
            f"FLOPs per image: {self.flops:,} ({self.flops / 1e9:.2f} G)",
        ]

    def __str__(self) -> str:
        cells = [list(self.columns), *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        # Two spaces between columns, one where two would make the table wider than the book's text column.
        gap = "  " if sum(widths) + 2 * (len(widths) - 1) <= TEXT_WIDTH else " "
        lines = [
            gap.join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            for row in cells
        ]
        lines.insert(1, "-" * len(lines[0]))
        footer = [textwrap.fill(line, TEXT_WIDTH, subsequent_indent="  ") for line in self._footer()]
        return "\n".join(lines + footer)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self._cells()
        )
        foot = "".join(f"<p>{html.escape(line)}</p>" for line in self._footer())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}"


def _label(module: nn.Module) -> str:
    """The lecture's name for a layer: CONV3-64, POOL, FC-4096, NORM, ..."""
    if isinstance(module, nn.Conv2d):
        return f"CONV{module.kernel_size[0]}-{module.out_channels}"
    if isinstance(module, nn.Linear):
        return f"FC-{module.out_features}"
    if isinstance(module, nn.MaxPool2d | nn.AvgPool2d | nn.AdaptiveAvgPool2d | nn.AdaptiveMaxPool2d):
        return "POOL"
    if isinstance(module, nn.LocalResponseNorm):
        return "NORM"
    if isinstance(module, nn.BatchNorm2d | nn.BatchNorm1d):
        return "BN"
    return type(module).__name__.upper()


def _weights_params_flops(module: nn.Module, out_shape: tuple[int, ...]) -> tuple[int, int, int]:
    bias = getattr(module, "bias", None) is not None
    if isinstance(module, nn.Conv2d):
        k = module.kernel_size
        # Biases of the conv's own beyond its shared ones (AlphaGo's one per position): one add per output.
        extra = sum(p.numel() for name, p in module.named_parameters(recurse=False) if name not in ("weight", "bias"))
        params = conv_params(module.in_channels, module.out_channels, k, module.groups, bias) + extra
        weights = conv_params(module.in_channels, module.out_channels, k, module.groups, bias=False)
        return weights, params, conv_flops(out_shape[1:], module.in_channels, k, module.groups, bias or extra > 0)
    if isinstance(module, nn.Linear):
        params = linear_params(module.in_features, module.out_features, bias)
        weights = linear_params(module.in_features, module.out_features, bias=False)
        return weights, params, linear_flops(module.in_features, module.out_features, bias)
    params = sum(p.numel() for p in module.parameters(recurse=False))
    return params, params, 0


def _per_image(shape: torch.Size) -> tuple[int, ...]:
    """(1, D, H, W) -> (H, W, D), the lecture's order; (1, D) -> (D,)."""
    return (*shape[2:], shape[1]) if len(shape) == 4 else tuple(shape[1:])


def summary(model: nn.Module, input_shape: tuple[int, ...]) -> Summary:
    """Tabulate ``model`` layer by layer for one input image of shape (C, H, W).

    The model runs once on a batch of one zero image on the device of its
    parameters; build it under ``with torch.device("meta"):`` to get the table
    without allocating or computing anything. A conv's parameters beyond its
    weight and bias (AlphaGo's per-position bias) count in its row; parameters
    that no layer owns count in the total only.

    Args:
        model: any ``torch.nn.Module`` taking (N, C, H, W).
        input_shape: (C, H, W), or (N, C, H, W) whose N is ignored.

    >>> from cnnlib.models import LeNet5
    >>> table = summary(LeNet5(), (1, 28, 28))
    >>> [(row.layer, row.output) for row in table.rows[:3]]
    [('INPUT', '[28x28x1]'), ('CONV5-6', '[28x28x6]'), ('POOL', '[14x14x6]')]
    >>> table.params
    61706
    """
    if len(input_shape) not in (3, 4):
        raise ValueError(f"input_shape must be (C, H, W) or (N, C, H, W), got {tuple(input_shape)}")
    shape = (1, *input_shape[-3:])
    parameter = next(model.parameters(), None)
    where = parameter.device if parameter is not None else torch.device("cpu")
    dtype = parameter.dtype if parameter is not None and parameter.is_floating_point() else torch.float32
    dtype_name = str(dtype).removeprefix("torch.")

    def row(name: str, layer: str, out: tuple[int, ...], weights: int = 0, params: int = 0, flops: int = 0) -> Row:
        return Row(name, layer, out, activation_count(out), activation_bytes(out, dtype_name), weights, params, flops)

    rows = [row("input", "INPUT", _per_image(torch.Size(shape)))]

    def record(name: str):
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            if isinstance(module, FOLDED) or not isinstance(output, torch.Tensor):
                return
            weights, params, flops = _weights_params_flops(module, tuple(output.shape))
            rows.append(row(name, _label(module), _per_image(output.shape), weights, params, flops))

        return hook

    handles = [
        module.register_forward_hook(record(name))
        for name, module in model.named_modules()
        if not list(module.children())
    ]
    try:
        with eval_mode(model), torch.no_grad():
            model(torch.zeros(shape, device=where, dtype=dtype))
    finally:
        for handle in handles:
            handle.remove()
    params = sum(p.numel() for p in model.parameters())
    return Summary(rows, params, dtype_name)
