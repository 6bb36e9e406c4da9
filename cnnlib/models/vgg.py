"""VGGNet (Simonyan & Zisserman 2014): configurations A to E written as data.

Each configuration is the column of the paper's Table 1, top to bottom, in the
paper's own words: ``"conv3-64"`` is a 3x3 conv with 64 filters (stride 1,
pad 1, then ReLU), ``"conv1-256"`` a 1x1 conv, ``"maxpool"`` a 2x2 max pool at
stride 2, ``"LRN"`` local response normalisation. Every configuration ends in
FC-4096, FC-4096, FC-``num_classes`` with dropout 0.5 before the first two.
"""

from __future__ import annotations

import re

import torch
from torch import nn

from cnnlib.models.blocks import classifier, conv_relu, local_response_norm
from cnnlib.shapes import conv_output_size, pool_output_size, same_padding

CONFIGS: dict[str, list[str]] = {
    "A": ["conv3-64", "maxpool", "conv3-128", "maxpool", "conv3-256", "conv3-256", "maxpool",
          "conv3-512", "conv3-512", "maxpool", "conv3-512", "conv3-512", "maxpool"],
    "A-LRN": ["conv3-64", "LRN", "maxpool", "conv3-128", "maxpool", "conv3-256", "conv3-256", "maxpool",
              "conv3-512", "conv3-512", "maxpool", "conv3-512", "conv3-512", "maxpool"],
    "B": ["conv3-64", "conv3-64", "maxpool", "conv3-128", "conv3-128", "maxpool", "conv3-256", "conv3-256",
          "maxpool", "conv3-512", "conv3-512", "maxpool", "conv3-512", "conv3-512", "maxpool"],
    "C": ["conv3-64", "conv3-64", "maxpool", "conv3-128", "conv3-128", "maxpool",
          "conv3-256", "conv3-256", "conv1-256", "maxpool", "conv3-512", "conv3-512", "conv1-512", "maxpool",
          "conv3-512", "conv3-512", "conv1-512", "maxpool"],
    "D": ["conv3-64", "conv3-64", "maxpool", "conv3-128", "conv3-128", "maxpool",
          "conv3-256", "conv3-256", "conv3-256", "maxpool", "conv3-512", "conv3-512", "conv3-512", "maxpool",
          "conv3-512", "conv3-512", "conv3-512", "maxpool"],
    "E": ["conv3-64", "conv3-64", "maxpool", "conv3-128", "conv3-128", "maxpool",
          "conv3-256", "conv3-256", "conv3-256", "conv3-256", "maxpool",
          "conv3-512", "conv3-512", "conv3-512", "conv3-512", "maxpool",
          "conv3-512", "conv3-512", "conv3-512", "conv3-512", "maxpool"],
}

class VGG(nn.Module):
    """A VGG network built from one of ``CONFIGS``; use :func:`vgg` to make one."""

    def __init__(self, layers: list[str], num_classes: int = 1000, image_size: int = 224) -> None:
        super().__init__()
        modules: list[nn.Module] = []
        channels, size = 3, image_size
        for i, layer in enumerate(layers):
            conv = re.fullmatch(r"conv(\d+)-(\d+)", layer)
            if conv:
                F, K = int(conv[1]), int(conv[2])
                modules += conv_relu(channels, K, F)  # unpacked: features lists every conv and ReLU flat
                channels, size = K, conv_output_size(size, F, padding=same_padding(F))
            elif layer == "maxpool":
                modules.append(nn.MaxPool2d(2, stride=2))
                size = pool_output_size(size, 2, 2, floor=True)
            elif layer == "LRN":
                modules.append(local_response_norm())
            else:
                raise ValueError(f"layers[{i}] must be 'convF-K', 'maxpool' or 'LRN', got {layer!r}")
        self.features = nn.Sequential(*modules)
        self.classifier = classifier(channels * size * size, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def vgg(config: str, num_classes: int = 1000, image_size: int = 224) -> VGG:
    """The VGG network of configuration ``config``: "A", "A-LRN", "B", "C", "D" or "E".

    Args:
        config: a column of the paper's Table 1 (D is VGG-16, E is VGG-19).
        num_classes: the last FC layer's number of class scores.
        image_size: the side of the square input; the first FC layer's size
            follows from it (224 gives the paper's 7x7x512).

    Shape:
        Input (N, 3, image_size, image_size); output (N, num_classes).

    >>> with torch.device("meta"):  # count 138M parameters without allocating them
    ...     model = vgg("D")
    >>> sum(p.numel() for p in model.parameters())
    138357544
    """
    if config not in CONFIGS:
        raise ValueError(f"config must be one of {sorted(CONFIGS)}, got {config!r}")
    return VGG(CONFIGS[config], num_classes, image_size)
