"""The building blocks the case-study networks share, each written once.

``conv_relu`` (GoogLeNet, VGG), ``conv_bn`` (ResNet), ``local_response_norm``
(AlexNet, ZFNet, GoogLeNet, VGG's A-LRN) and ``classifier`` (the FC6-FC7-FC8
head of AlexNet, ZFNet and VGG). Convs keep the size at stride 1 with
:func:`cnnlib.shapes.same_padding`.
"""

from __future__ import annotations

from torch import nn

from cnnlib.shapes import same_padding


def conv_relu(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Sequential:
    """A conv with "same" padding ``(F - 1)/2`` followed by ReLU.

    >>> conv_relu(3, 64, 3)
    Sequential(
      (0): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
      (1): ReLU(inplace=True)
    )
    """
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=same_padding(kernel_size)),
        nn.ReLU(inplace=True),
    )


def conv_bn(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Sequential:
    """A conv with "same" padding and no bias (batch norm's shift replaces it), followed by batch norm.

    >>> sum(p.numel() for p in conv_bn(64, 64, 3).parameters())  # 3*3*64*64 weights, a scale and a shift per map
    36992
    """
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=same_padding(kernel_size), bias=False),
        nn.BatchNorm2d(out_channels),
    )


def local_response_norm() -> nn.LocalResponseNorm:
    """AlexNet's NORM layer with the paper's constants: n=5, alpha=1e-4, beta=0.75, k=2.

    >>> local_response_norm()
    LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2.0)
    """
    return nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0)


def classifier(in_features: int, num_classes: int) -> nn.Sequential:
    """FC6 4096 -> FC7 4096 -> FC8 ``num_classes``, with dropout 0.5 before FC6 and FC7.

    >>> [type(layer).__name__ for layer in classifier(256 * 6 * 6, 1000)][:4]
    ['Flatten', 'Dropout', 'Linear', 'ReLU']
    """
    return nn.Sequential(
        nn.Flatten(),
        nn.Dropout(0.5),
        nn.Linear(in_features, 4096),
        nn.ReLU(inplace=True),
        nn.Dropout(0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(inplace=True),
        nn.Linear(4096, num_classes),
    )
