"""GoogLeNet (Szegedy et al. 2014): a stack of inception (v1) modules.

Each inception module runs four branches side by side on the same input and
concatenates their maps along the depth: a 1x1 conv; a 1x1 "reduce" conv then
a 3x3; a 1x1 reduce then a 5x5; a 3x3 max pool then a 1x1 "pool proj". The
1x1 reductions keep the 3x3 and 5x5 convs cheap. The filter counts are the
paper's Table 1. The two auxiliary classifiers the paper adds during training
are left out: they are not part of the network used for prediction.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.models.blocks import conv_relu, local_response_norm

# name: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj), from the paper's Table 1.
INCEPTION_FILTERS: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    """One inception module; output depth is #1x1 + #3x3 + #5x5 + pool proj.

    Shape:
        Input (N, in_channels, H, W); output (N, out_channels, H, W).

    >>> Inception(192, 64, 96, 128, 16, 32, 32)(torch.zeros(1, 192, 28, 28)).shape  # inception (3a)
    torch.Size([1, 256, 28, 28])
    """

    def __init__(self, in_channels: int, n1x1: int, n3x3_reduce: int, n3x3: int,
                 n5x5_reduce: int, n5x5: int, pool_proj: int) -> None:
        super().__init__()
        self.branch1 = conv_relu(in_channels, n1x1, 1)
        self.branch2 = nn.Sequential(conv_relu(in_channels, n3x3_reduce, 1), conv_relu(n3x3_reduce, n3x3, 3))
        self.branch3 = nn.Sequential(conv_relu(in_channels, n5x5_reduce, 1), conv_relu(n5x5_reduce, n5x5, 5))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_relu(in_channels, pool_proj, 1))
        self.out_channels = n1x1 + n3x3 + n5x5 + pool_proj

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


class GoogLeNet(nn.Module):
    """GoogLeNet (inception v1) for 224x224x3 images; works on any size from about 32x32.

    Shape:
        Input (N, 3, H, W); output (N, num_classes).

    >>> with torch.device("meta"):
    ...     GoogLeNet()(torch.zeros(1, 3, 224, 224)).shape
    torch.Size([1, 1000])
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            conv_relu(3, 64, 7, stride=2),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            local_response_norm(),
            conv_relu(64, 64, 1),
            conv_relu(64, 192, 3),
            local_response_norm(),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
        )
        stages: list[nn.Module] = []
        channels = 192
        for name, filters in INCEPTION_FILTERS.items():
            if name in ("4a", "5a"):  # a max pool halves the size before stages 4 and 5
                stages.append(nn.MaxPool2d(3, stride=2, ceil_mode=True))
            module = Inception(channels, *filters)
            stages.append(module)
            channels = module.out_channels
        self.inception = nn.Sequential(*stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(channels, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.inception(self.stem(x)))
