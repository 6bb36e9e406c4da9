"""The lecture's design pattern, ``[(CONV-RELU)*N-POOL?]*M-(FC-RELU)*K,SOFTMAX``, as a builder.

A :class:`Pattern` holds the pattern's numbers (N convs per stage, M stages,
K hidden FC layers) and the few choices around them; :meth:`Pattern.build`
turns them into a ``torch.nn.Sequential`` and :meth:`Pattern.table` into its
layer table (``cnnlib.summary``). The same builder shows the two trends of
the lecture: smaller filters and more depth (``kernel_size``, ``N``, ``M``),
and getting rid of POOL and FC (``pool="conv"``, a stride-2 conv instead of a
pool, and ``K=0`` with ``global_pool=True``, as in the all-convolutional net).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from torch import nn

from cnnlib.shapes import conv_output_size, pool_output_size, same_padding
from cnnlib.summary import Summary, summary

PoolKind = Literal["max", "conv", "none"]


@dataclass(frozen=True)
class Pattern:
    """``[(CONV-RELU)*N-POOL?]*M-(FC-RELU)*K,SOFTMAX`` with its numbers.

    Every conv is ``kernel_size`` x ``kernel_size``, stride 1, "same" padding;
    stage m (from 0) has ``width * 2**m`` filters, so the depth doubles where
    the size halves. The last FC layer gives the class scores and a softmax
    turns them into probabilities.

    Args:
        N: conv-ReLU layers per stage (the lecture: up to about 5).
        M: stages (the lecture: large).
        K: hidden FC-ReLU layers before the class scores (0 to 2).
        pool: what ends each stage: ``"max"`` (2x2 max pool, stride 2),
            ``"conv"`` (a 3x3 conv at stride 2, the all-convolutional choice)
            or ``"none"`` (the size stays).
        kernel_size: F of every conv.
        width: filters of the first stage.
        fc_width: neurons of each hidden FC layer.
        global_pool: average each last map to one value before the FC layers
            (GoogLeNet, ResNet, all-conv) instead of flattening the volume.
        softmax: end in ``nn.Softmax``; pass False to train with
            ``cross_entropy``, which takes the scores.
        stem: start with a 3x3 conv-ReLU from ``in_channels`` to ``width``
            maps (written ``CONV-RELU-`` before the pattern), so that every conv
            of the first stage has ``width`` maps in and out, the C of the
            lecture's weight comparisons.
        in_channels, image_size, num_classes: the input (C, H, H) and the classes.

    >>> Pattern(N=2, M=3, K=1).name
    '[(CONV-RELU)*2-POOL]*3-(FC-RELU)*1,SOFTMAX'
    >>> Pattern(N=2, M=3, K=1).build()[-3:]
    Sequential(
      (17): ReLU(inplace=True)
      (18): Linear(in_features=512, out_features=10, bias=True)
      (19): Softmax(dim=1)
    )
    """

    N: int = 2
    M: int = 3
    K: int = 1
    pool: PoolKind = "max"
    kernel_size: int = 3
    width: int = 32
    fc_width: int = 512
    global_pool: bool = False
    softmax: bool = True
    stem: bool = False
    in_channels: int = 3
    image_size: int = 32
    num_classes: int = 10

    def __post_init__(self) -> None:
        for name, minimum in (("N", 1), ("M", 1), ("K", 0), ("kernel_size", 1), ("width", 1), ("fc_width", 1),
                              ("in_channels", 1), ("image_size", 1), ("num_classes", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        if self.pool not in ("max", "conv", "none"):
            raise ValueError(f"pool must be 'max', 'conv' or 'none', got {self.pool!r}")
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd so that 'same' padding keeps the size, got {self.kernel_size}")
        if self.pool != "none" and self.image_size < 2**self.M:
            raise ValueError(
                f"image_size {self.image_size} is too small for M={self.M} halvings: it needs at least {2**self.M}"
            )

    @property
    def name(self) -> str:
        """The pattern in the lecture's notation with this pattern's numbers."""
        pool = {"max": "-POOL", "conv": "-CONV/2", "none": ""}[self.pool]
        stem = "CONV-RELU-" if self.stem else ""
        return f"{stem}[(CONV-RELU)*{self.N}{pool}]*{self.M}-(FC-RELU)*{self.K},{'SOFTMAX' if self.softmax else 'SCORES'}"

    def output_size(self) -> int:
        """Side of the last conv stage's maps: ``image_size`` halved (floored) once per pooled stage.

        >>> Pattern(M=3, image_size=32).output_size()
        4
        """
        size = self.image_size
        for _ in range(self.M if self.pool != "none" else 0):
            size = (pool_output_size(size, 2, 2, floor=True) if self.pool == "max"
                    else conv_output_size(size, 3, 2, 1, floor=True))
        return size

    def build(self) -> nn.Sequential:
        """The network, one flat ``nn.Sequential``: input (N, in_channels, H, H) -> (N, num_classes)."""
        layers: list[nn.Module] = []
        channels = self.in_channels
        if self.stem:
            layers += [nn.Conv2d(channels, self.width, 3, padding=1), nn.ReLU(inplace=True)]
            channels = self.width
        for m in range(self.M):
            filters = self.width * 2**m
            for _ in range(self.N):
                layers += [nn.Conv2d(channels, filters, self.kernel_size, padding=same_padding(self.kernel_size)),
                           nn.ReLU(inplace=True)]
                channels = filters
            if self.pool == "max":
                layers.append(nn.MaxPool2d(2, stride=2))
            elif self.pool == "conv":
                layers += [nn.Conv2d(channels, channels, 3, stride=2, padding=1), nn.ReLU(inplace=True)]
        if self.global_pool:
            layers.append(nn.AdaptiveAvgPool2d(1))
        layers.append(nn.Flatten())
        features = channels * (1 if self.global_pool else self.output_size() ** 2)
        for _ in range(self.K):
            layers += [nn.Linear(features, self.fc_width), nn.ReLU(inplace=True)]
            features = self.fc_width
        layers.append(nn.Linear(features, self.num_classes))
        if self.softmax:
            layers.append(nn.Softmax(dim=1))
        return nn.Sequential(*layers)

    def table(self) -> Summary:
        """The layer table of :meth:`build`'s network for one (in_channels, image_size, image_size) input.

        >>> Pattern(N=1, M=1, K=0, image_size=8).table().params  # 3*3*3*32 + 32, then 4*4*32*10 + 10
        6026
        """
        return summary(self.build(), (self.in_channels, self.image_size, self.image_size))
