"""Building networks on torch's "meta" device: real parameters and shapes, nothing allocated or computed."""

from __future__ import annotations

import torch
from torch import nn


def params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def meta(build, *args, **kwargs) -> nn.Module:
    with torch.device("meta"):
        return build(*args, **kwargs)
