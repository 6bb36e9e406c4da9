"""VGG's configurations A to E against the paper's Table 1 and Table 2 and the published totals.

Big networks are built on torch's "meta" device (see meta.py), so the file runs in seconds.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import vgg
from tests.cnnlib.models.meta import meta, params


@pytest.mark.parametrize(
    ("build", "args", "expected"),
    [
        (vgg, ("A",), 132_863_336),
        (vgg, ("D",), 138_357_544),
        (vgg, ("E",), 143_667_240),
    ],
)
def test_parameter_totals_match_the_published_ones(build, args, expected: int) -> None:
    """Does each network have exactly the published number of parameters?"""
    assert params(meta(build, *args)) == expected


@pytest.mark.parametrize(("config", "millions"), [("A", 133), ("A-LRN", 133), ("B", 133), ("C", 134), ("D", 138),
                                                  ("E", 144)])
def test_vgg_configurations_have_the_paper_table_2_sizes(config: str, millions: int) -> None:
    """Do VGG A to E have the paper's 133, 133, 133, 134, 138, 144 million parameters?"""
    assert round(params(meta(vgg, config)) / 1e6) == millions


@pytest.mark.parametrize(("config", "convs"), [("A", 8), ("B", 10), ("C", 13), ("D", 13), ("E", 16)])
def test_vgg_weight_layer_counts(config: str, convs: int) -> None:
    """Do configurations A to E have 11, 13, 16, 16 and 19 weight layers (convs plus 3 FC)?"""
    model = meta(vgg, config)
    assert sum(isinstance(m, nn.Conv2d) for m in model.modules()) == convs
    assert sum(isinstance(m, nn.Linear) for m in model.modules()) == 3


def test_vgg_c_has_1x1_convs_and_a_lrn_has_one_norm() -> None:
    """Does C carry three 1x1 convs and A-LRN one LRN layer, as in the paper's Table 1?"""
    kernels = [m.kernel_size for m in meta(vgg, "C").modules() if isinstance(m, nn.Conv2d)]
    assert kernels.count((1, 1)) == 3
    assert sum(isinstance(m, nn.LocalResponseNorm) for m in meta(vgg, "A-LRN").modules()) == 1


def test_vgg_refuses_unknown_config() -> None:
    """Is configuration "F" refused with the list of known ones?"""
    with pytest.raises(ValueError, match=r"config must be one of .*'A-LRN'.*got 'F'"):
        vgg("F")


def test_vgg_at_another_image_size_sizes_its_first_fc_from_shapes() -> None:
    """Does vgg(image_size=32) end its features at 1x1x512 and still classify?"""
    model = meta(vgg, "A", num_classes=10, image_size=32)
    assert model.classifier[2].in_features == 512
    assert tuple(model(torch.zeros(1, 3, 32, 32, device="meta")).shape) == (1, 10)
