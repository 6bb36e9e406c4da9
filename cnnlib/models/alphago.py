"""AlphaGo's policy network (Silver et al. 2016): a convnet with no pooling and no FC layer.

Input: the 19x19 board as 48 feature planes. CONV1: k 5x5 filters, stride 1,
pad 2; CONV2 to CONV12: k 3x3 filters, stride 1, pad 1, all keeping 19x19x k;
a final 1x1 conv with one filter and a different bias for each board
position; a softmax over the 361 positions gives the probability map of
promising moves. The match version used k = 192.
"""

from __future__ import annotations

import torch
from torch import nn

BOARD = 19
PLANES = 48


class PositionBiasConv(nn.Conv2d):
    """AlphaGo's last layer: a 1x1 conv with one filter and a different bias for each board position.

    The filter has ``in_channels`` weights; the bias is a (19, 19) map added to
    its output instead of one number shared by every position. As a subclass
    of ``nn.Conv2d``, ``cnnlib.summary`` counts the 361 biases in its row.

    >>> layer = PositionBiasConv(192)
    >>> layer.weight.numel(), layer.position_bias.numel()
    (192, 361)
    """

    def __init__(self, in_channels: int, board: int = BOARD) -> None:
        super().__init__(in_channels, 1, 1, bias=False)
        self.position_bias = nn.Parameter(torch.zeros(board, board))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x) + self.position_bias


class AlphaGoPolicy(nn.Module):
    """The policy network with ``filters`` (k) filters in each of its 12 conv layers.

    ``forward`` returns the 361 move scores (logits), ready for
    ``torch.nn.CrossEntropyLoss``; :meth:`move_probabilities` applies the
    softmax and gives the 19x19 probability map.

    Shape:
        Input (N, 48, 19, 19); output (N, 361).

    >>> model = AlphaGoPolicy()
    >>> model(torch.zeros(2, 48, 19, 19)).shape
    torch.Size([2, 361])
    >>> round(model.move_probabilities(torch.zeros(1, 48, 19, 19)).sum().item(), 4)
    1.0
    """

    def __init__(self, filters: int = 192) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(PLANES, filters, 5, padding=2), nn.ReLU(inplace=True)]
        for _ in range(11):
            layers += [nn.Conv2d(filters, filters, 3, padding=1), nn.ReLU(inplace=True)]
        layers.append(PositionBiasConv(filters))
        self.features = nn.Sequential(*layers)
        self.flatten = nn.Flatten()

    @property
    def position_bias(self) -> nn.Parameter:
        """The 19x19 biases of the last layer, one per board position."""
        return self.features[-1].position_bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.flatten(self.features(x))

    def move_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Softmax over the 361 positions, shaped (N, 19, 19)."""
        return torch.softmax(self.forward(x), dim=1).view(-1, BOARD, BOARD)
