"""ResNet's depths against the published totals, its stages' output, and its blocks.

Big networks are built on torch's "meta" device (see meta.py), so the file runs in seconds.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import BasicBlock, Bottleneck, PlainBlock, deep_stack, resnet
from tests.cnnlib.models.meta import meta, params


@pytest.mark.parametrize(
    ("build", "args", "expected"),
    [
        (resnet, (18,), 11_689_512),
        (resnet, (34,), 21_797_672),
        (resnet, (50,), 25_557_032),
        (resnet, (101,), 44_549_160),
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


@pytest.mark.parametrize(("depth", "layers"), [(18, 18), (34, 34), (50, 50), (101, 101), (152, 152)])
def test_resnet_depth_counts_its_weight_layers(depth: int, layers: int) -> None:
    """Does ResNet-n have n weight layers: the convs outside the projection shortcuts plus the FC layer?"""
    model = meta(resnet, depth)
    convs = [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d) and "shortcut" not in name]
    assert len(convs) + 1 == layers


def test_basic_block_adds_its_input_and_plain_block_does_not() -> None:
    """With the residual branch silenced (last BN scale 0), is a basic block ReLU(x) and a plain block ReLU(0)?"""
    x = torch.randn(2, 16, 8, 8)
    for block in (BasicBlock(16, 16), PlainBlock(16, 16)):
        nn.init.zeros_(block.residual[-1][1].weight)
        block.eval()
        expected = torch.relu(x) if isinstance(block, BasicBlock) else torch.zeros_like(x)
        torch.testing.assert_close(block(x), expected)


def test_deep_stack_plain_and_residual_differ_only_in_shortcuts() -> None:
    """Do the plain and residual stacks hold the same parameters, in 2 * blocks + 2 weight layers?"""
    plain, residual = deep_stack(15, skips=False), deep_stack(15, skips=True)
    assert params(plain) == params(residual)
    assert [n for n, _ in plain.named_parameters()] == [n for n, _ in residual.named_parameters()]
    assert sum(isinstance(m, nn.Conv2d | nn.Linear) for m in plain.modules()) == 2 * 15 + 2
    assert plain(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_deep_stack_refuses_no_blocks() -> None:
    """Is blocks=0 refused with a message naming the argument?"""
    with pytest.raises(ValueError, match=r"blocks must be a positive integer, got 0"):
        deep_stack(0, skips=True)
