"""ResNet's depths against the published totals, its stages' output, and its blocks.

Big networks are built on torch's "meta" device (see meta.py), so the file runs in seconds.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import Bottleneck, resnet
from tests.cnnlib.models.meta import meta, params


@pytest.mark.parametrize(
    ("build", "args", "expected"),
    [
        (resnet, (18,), 11_689_512),
        (resnet, (50,), 25_557_032),
        (resnet, (152,), 60_192_808),
    ],
)
def test_parameter_totals_match_the_published_ones(build, args, expected: int) -> None:
    """Does each network have exactly the published number of parameters?"""
    assert params(meta(build, *args)) == expected


@pytest.mark.parametrize("depth", [18, 34, 50, 101, 152])
def test_resnets_end_in_7x7_maps_and_class_scores(depth: int) -> None:
    """Does every ResNet reduce 224x224 to 7x7 (stride 32) with 512 or 2048 channels, then 1000 scores?"""
    model = meta(resnet, depth)
    maps = model.stages(model.stem(torch.zeros(1, 3, 224, 224, device="meta")))
    assert tuple(maps.shape) == (1, 512 if depth < 50 else 2048, 7, 7)
    assert tuple(model(torch.zeros(2, 3, 224, 224, device="meta")).shape) == (2, 1000)


def test_resnet_refuses_unknown_depth() -> None:
    """Is depth 20 refused with the list of known depths?"""
    with pytest.raises(ValueError, match=r"depth must be one of \[18, 34, 50, 101, 152\], got 20"):
        resnet(20)


def test_a_bottleneck_builds_only_its_own_convs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does Bottleneck(64, 64) build its three convs and the projection, and no basic block's 3x3 convs besides?"""
    built: list[tuple[int, int]] = []
    original = nn.Conv2d.__init__

    def counting(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        built.append(self.kernel_size)

    monkeypatch.setattr(nn.Conv2d, "__init__", counting)
    block = Bottleneck(64, 64)
    assert sorted(built) == [(1, 1), (1, 1), (1, 1), (3, 3)]
    assert sum(isinstance(m, nn.Conv2d) for m in block.modules()) == 4
