"""LeNet-5 (LeCun et al. 1998) in its modern form: [CONV-POOL-CONV-POOL-FC-FC-FC].

The 1998 network used tanh, trainable subsampling and a partly connected C3
layer; the form taught today (and in the lecture) keeps its shape, 5x5 filters
at stride 1 and 2x2 pooling at stride 2, with max pooling and ReLU.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.shapes import conv_output_size, pool_output_size, same_padding


class LeNet5(nn.Module):
    """LeNet-5 for 28x28 images such as MNIST.

    CONV 6 5x5 pad 2 -> POOL 2x2 -> CONV 16 5x5 -> POOL 2x2 -> FC 120 -> FC 84
    -> FC ``num_classes``. The first conv is padded so that MNIST's 28x28 digits
    meet the second conv at the 14x14 the original 32x32 inputs gave.

    Args:
        num_classes: number of class scores.
        in_channels: D1 of the input (1 for grey digits).
        activation: the non-linearity after every conv and hidden FC layer;
            pass ``torch.nn.Tanh`` for the 1998 flavour.

    Shape:
        Input (N, in_channels, 28, 28); output (N, num_classes) class scores.

    >>> model = LeNet5()
    >>> sum(p.numel() for p in model.parameters())
    61706
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(
        self,
        num_classes: int = 10,
        in_channels: int = 1,
        activation: type[nn.Module] = nn.ReLU,
    ) -> None:
        super().__init__()
        size = pool_output_size(conv_output_size(28, 5, padding=same_padding(5)), 2)  # 14
        size = pool_output_size(conv_output_size(size, 5), 2)  # 5
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=same_padding(5)),
            activation(),
            nn.MaxPool2d(2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            activation(),
            nn.MaxPool2d(2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * size * size, 120),
            activation(),
            nn.Linear(120, 84),
            activation(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
