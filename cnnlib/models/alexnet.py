"""AlexNet (Krizhevsky et al. 2012) as the lecture lays it out, and ZFNet.

AlexNet: 227x227x3 -> CONV1 96 11x11/4 -> POOL1 3x3/2 -> NORM1 -> CONV2 256
5x5 pad 2 -> POOL2 -> NORM2 -> CONV3 384 -> CONV4 384 -> CONV5 256 (3x3 pad 1)
-> POOL3 -> FC6 4096 -> FC7 4096 -> FC8 1000, ReLU after every CONV and hidden
FC, dropout 0.5 before FC6 and FC7.

The original ran on two GPUs: CONV2, CONV4 and CONV5 saw only the half of the
previous layer on their own GPU. ``groups=2`` reproduces that with grouped
convolutions, which is where 60,965,224 parameters (instead of 62,378,344 for
the single stream) come from.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.models.blocks import classifier, local_response_norm
from cnnlib.shapes import conv_output_size, pool_output_size


class AlexNet(nn.Module):
    """AlexNet for 227x227x3 images, single-stream (``groups=1``) or two-group (``groups=2``).

    Args:
        num_classes: FC8's number of class scores.
        groups: 1 for one stream, 2 for the original two-GPU form (grouped
            CONV2, CONV4 and CONV5).

    Shape:
        Input (N, 3, 227, 227); output (N, num_classes).

    >>> with torch.device("meta"):  # build without allocating 62M weights
    ...     model = AlexNet()
    >>> sum(p.numel() for p in model.parameters())
    62378344
    """

    def __init__(self, num_classes: int = 1000, groups: int = 1) -> None:
        super().__init__()
        if groups not in (1, 2):
            raise ValueError(f"groups must be 1 (single stream) or 2 (the original two-GPU form), got {groups!r}")
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
            local_response_norm(),
            nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=groups),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
            local_response_norm(),
            nn.Conv2d(256, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=groups),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=groups),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
        )
        size = pool_output_size(conv_output_size(227, 11, stride=4), 3, 2)  # 55 -> 27
        size = pool_output_size(conv_output_size(size, 5, padding=2), 3, 2)  # 13
        size = pool_output_size(size, 3, 2)  # 6
        self.classifier = classifier(256 * size * size, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class ZFNet(nn.Module):
    """ZFNet (Zeiler & Fergus 2013): AlexNet with CONV1 7x7 stride 2 and CONV3-5 of 512, 1024, 512.

    The geometry follows the paper's figure 3 for 224x224x3 inputs: CONV1
    gives 110x110x96, POOL1 55x55, CONV2 (5x5 stride 2) 26x26x256, POOL2
    13x13, POOL3 6x6. The 3x3 pools of POOL1 and POOL2 pad by 1 so that
    110 -> 55 and 26 -> 13 as in the figure.

    Shape:
        Input (N, 3, 224, 224); output (N, num_classes).

    >>> with torch.device("meta"):
    ...     ZFNet().features[0]  # AlexNet's CONV1 was 11x11 at stride 4
    Conv2d(3, 96, kernel_size=(7, 7), stride=(2, 2), padding=(1, 1))
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=7, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
            local_response_norm(),
            nn.Conv2d(96, 256, kernel_size=5, stride=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
            local_response_norm(),
            nn.Conv2d(256, 512, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(512, 1024, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(1024, 512, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
        )
        # PyTorch floors a stride that does not fit, as the paper's sizes need.
        size = pool_output_size(conv_output_size(224, 7, 2, 1, floor=True), 3, 2, 1, floor=True)  # 110 -> 55
        size = pool_output_size(conv_output_size(size, 5, 2), 3, 2, 1, floor=True)  # 26 -> 13
        size = pool_output_size(size, 3, 2)  # 6
        self.classifier = classifier(512 * size * size, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
