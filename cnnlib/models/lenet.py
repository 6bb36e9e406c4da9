"""LeNet-5 (LeCun et al. 1998) in its modern form: [CONV-POOL-CONV-POOL-CONV-FC] as the lecture lists it.

The 1998 network used tanh, trainable subsampling and a partly connected C3
layer; the form taught today (and in the lecture) keeps its shape, 5x5 filters
at stride 1 and 2x2 pooling at stride 2, with max pooling and ReLU. Its C5 is
a 5x5 convolution on the 5x5 maps S4 leaves: each of its 120 filters covers
the whole 5x5x16 volume, so it computes exactly what an FC layer of 120
neurons computes, and most code (this module's default too) writes it as one.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnlib.shapes import conv_output_size, pool_output_size, same_padding


class LeNet5(nn.Module):
    """LeNet-5 for 28x28 images such as MNIST.

    C1: CONV 6 5x5 pad 2 -> S2: POOL 2x2 -> C3: CONV 16 5x5 -> S4: POOL 2x2
    -> C5: 120 neurons on the 5x5x16 volume -> F6: FC 84 -> FC ``num_classes``.
    The first conv is padded so that MNIST's 28x28 digits meet C3 at the
    14x14 the original 32x32 inputs gave.

    Args:
        num_classes: number of class scores.
        in_channels: D1 of the input (1 for grey digits).
        activation: the non-linearity after every conv and hidden FC layer;
            pass ``torch.nn.Tanh`` for the 1998 flavour.
        c5_conv: write C5 as the paper does, a 5x5 conv (the last layer of
            ``features``, output 1x1x120), instead of an FC layer on the
            flattened volume (the first of ``classifier``). The two have the
            same 48,120 parameters and compute the same function.

    Shape:
        Input (N, in_channels, 28, 28); output (N, num_classes) class scores.

    >>> model = LeNet5()
    >>> sum(p.numel() for p in model.parameters())
    61706
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> LeNet5(c5_conv=True).features[6]
    Conv2d(16, 120, kernel_size=(5, 5), stride=(1, 1))
    """

    def __init__(
        self,
        num_classes: int = 10,
        in_channels: int = 1,
        activation: type[nn.Module] = nn.ReLU,
        *,
        c5_conv: bool = False,
    ) -> None:
        super().__init__()
        size = pool_output_size(conv_output_size(28, 5, padding=same_padding(5)), 2)  # 14
        size = pool_output_size(conv_output_size(size, 5), 2)  # 5: C5's 5x5 filters cover it whole
        features: list[nn.Module] = [
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=same_padding(5)),  # C1
            activation(),
            nn.MaxPool2d(2, stride=2),  # S2
            nn.Conv2d(6, 16, kernel_size=5),  # C3
            activation(),
            nn.MaxPool2d(2, stride=2),  # S4
        ]
        # Modules are made in the network's order, so that a seed gives the same weights either way.
        if c5_conv:
            self.features = nn.Sequential(*features, nn.Conv2d(16, 120, kernel_size=size), activation())  # C5
            self.classifier = nn.Sequential(nn.Flatten(), *self._head(activation, num_classes))
        else:
            c5 = [nn.Flatten(), nn.Linear(16 * size * size, 120), activation()]
            self.features = nn.Sequential(*features)
            self.classifier = nn.Sequential(*c5, *self._head(activation, num_classes))

    @staticmethod
    def _head(activation: type[nn.Module], num_classes: int) -> list[nn.Module]:
        return [nn.Linear(120, 84), activation(), nn.Linear(84, num_classes)]  # F6, output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
