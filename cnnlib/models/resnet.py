"""ResNet (He et al. 2015): residual blocks, basic (18, 34) and bottleneck (50, 101, 152).

A block learns a residual F(x) and outputs ReLU(F(x) + x); when the block
halves the size or changes the depth, a 1x1 conv with batch norm (the
"projection shortcut") reshapes x first. The layout (stride 2 on the 3x3 conv
of a bottleneck) matches torchvision's, so parameter counts match the
published ones. :func:`deep_stack` builds the paper's experiment in miniature:
one deep stack of basic blocks, with its shortcuts or as a plain network.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.models.blocks import conv_bn

# depth: (block type, blocks per stage), from the paper's Table 1.
DEPTHS: dict[int, tuple[str, tuple[int, int, int, int]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}


class ResidualBlock(nn.Module):
    """ReLU(residual(x) + shortcut(x)): the part both block types share.

    The shortcut is the identity, or a 1x1 conv with batch norm (the
    projection) when the block changes the size or the depth.
    """

    expansion = 1  # the block's output depth over ``channels``

    def __init__(self, residual: nn.Module, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.residual = residual
        projection = stride != 1 or in_channels != out_channels
        self.shortcut = conv_bn(in_channels, out_channels, 1, stride) if projection else nn.Identity()
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.residual(x) + self.shortcut(x))


def basic_residual(in_channels: int, channels: int, stride: int = 1) -> nn.Sequential:
    """F(x) of a basic block: 3x3 conv-BN, ReLU, 3x3 conv-BN.

    >>> basic_residual(16, 16)(torch.zeros(1, 16, 8, 8)).shape
    torch.Size([1, 16, 8, 8])
    """
    return nn.Sequential(
        conv_bn(in_channels, channels, 3, stride), nn.ReLU(inplace=True), conv_bn(channels, channels, 3),
    )


class BasicBlock(ResidualBlock):
    """Two 3x3 convs: ReLU(BN(conv(ReLU(BN(conv(x))))) + shortcut(x)), the block of ResNet-18/34.

    >>> BasicBlock(64, 128, stride=2)(torch.zeros(1, 64, 56, 56)).shape
    torch.Size([1, 128, 28, 28])
    """

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__(basic_residual(in_channels, channels, stride), in_channels, channels * self.expansion, stride)


class PlainBlock(nn.Module):
    """A basic block without its shortcut, ReLU(F(x)): the "plain" network of He et al.'s comparison.

    >>> PlainBlock(16, 16)(torch.zeros(1, 16, 8, 8)).shape
    torch.Size([1, 16, 8, 8])
    """

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        self.residual = basic_residual(in_channels, channels, stride)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.residual(x))


class Bottleneck(ResidualBlock):
    """1x1 reduce, 3x3, 1x1 expand (x4): the block of ResNet-50/101/152.

    >>> Bottleneck(64, 64)(torch.zeros(1, 64, 56, 56)).shape
    torch.Size([1, 256, 56, 56])
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        residual = nn.Sequential(
            conv_bn(in_channels, channels, 1), nn.ReLU(inplace=True),
            conv_bn(channels, channels, 3, stride), nn.ReLU(inplace=True),
            conv_bn(channels, channels * self.expansion, 1),
        )
        super().__init__(residual, in_channels, channels * self.expansion, stride)


class ResNet(nn.Module):
    """A ResNet; use :func:`resnet` to make one of the paper's depths."""

    def __init__(self, block: type[ResidualBlock], blocks: tuple[int, ...], num_classes: int = 1000) -> None:
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 64, 7, stride=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, padding=1))
        stages: list[nn.Module] = []
        channels = 64
        for i, count in enumerate(blocks):
            width = 64 * 2**i
            # The first block of every stage but the first halves the size.
            layers = [block(channels, width, stride=1 if i == 0 else 2)]
            channels = width * block.expansion
            layers += [block(channels, width) for _ in range(count - 1)]
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stages(self.stem(x)))


def resnet(depth: int, num_classes: int = 1000) -> ResNet:
    """ResNet-``depth`` for depth 18, 34, 50, 101 or 152.

    Shape:
        Input (N, 3, H, W), 224x224 in the paper; output (N, num_classes).

    >>> with torch.device("meta"):
    ...     model = resnet(18)
    >>> sum(p.numel() for p in model.parameters())
    11689512
    """
    if depth not in DEPTHS:
        raise ValueError(f"depth must be one of {sorted(DEPTHS)}, got {depth!r}")
    kind, blocks = DEPTHS[depth]
    return ResNet(BasicBlock if kind == "basic" else Bottleneck, blocks, num_classes)


def deep_stack(blocks: int, skips: bool, channels: int = 16, in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """A 3x3 conv-BN-ReLU stem, ``blocks`` basic blocks at one size, global average pool, FC.

    With ``skips`` the blocks are :class:`BasicBlock` (identity shortcuts);
    without, the same convs as :class:`PlainBlock`. Both have the same
    parameters and 2 * ``blocks`` + 2 weight layers, so a training run
    compares only the shortcuts.

    Shape:
        Input (N, in_channels, H, W), e.g. 8x8 digits; output (N, num_classes).

    >>> deep_stack(3, skips=True)(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 10])
    """
    if not isinstance(blocks, int) or blocks < 1:
        raise ValueError(f"blocks must be a positive integer, got {blocks!r}")
    block = BasicBlock if skips else PlainBlock
    return nn.Sequential(
        conv_bn(in_channels, channels, 3), nn.ReLU(inplace=True),
        *[block(channels, channels) for _ in range(blocks)],
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes),
    )
