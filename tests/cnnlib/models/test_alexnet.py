"""AlexNet and ZFNet against the published parameter totals and the lecture's and the paper's volumes.

Big networks are built on torch's "meta" device (see meta.py), so the file runs in seconds.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import AlexNet, ZFNet
from cnnlib.summary import summary
from tests.cnnlib.models.meta import meta, params


@pytest.mark.parametrize(
    ("build", "args", "expected"),
    [
        (AlexNet, (), 62_378_344),
        (AlexNet, (1000, 2), 60_965_224),
    ],
)
def test_parameter_totals_match_the_published_ones(build, args, expected: int) -> None:
    """Does each network have exactly the published number of parameters?"""
    assert params(meta(build, *args)) == expected


def test_alexnet_volumes_follow_the_lecture() -> None:
    """Are AlexNet's CONV/POOL/NORM outputs the lecture's 55x55x96, 27x27x96, ..., 6x6x256?"""
    outputs = [(row.layer, row.shape) for row in summary(meta(AlexNet), (3, 227, 227)).rows]
    assert outputs[:11] == [
        ("INPUT", (227, 227, 3)), ("CONV11-96", (55, 55, 96)), ("POOL", (27, 27, 96)), ("NORM", (27, 27, 96)),
        ("CONV5-256", (27, 27, 256)), ("POOL", (13, 13, 256)), ("NORM", (13, 13, 256)),
        ("CONV3-384", (13, 13, 384)), ("CONV3-384", (13, 13, 384)), ("CONV3-256", (13, 13, 256)),
        ("POOL", (6, 6, 256)),
    ]


def test_two_group_conv_is_two_convs_side_by_side() -> None:
    """Is AlexNet's grouped CONV2 the same as two convs, each on its half of the channels?"""
    torch.manual_seed(0)
    conv = AlexNet(groups=2).features[4]
    x = torch.randn(1, 96, 13, 13)
    halves = [
        nn.functional.conv2d(x[:, 48 * g : 48 * (g + 1)], conv.weight[128 * g : 128 * (g + 1)],
                             conv.bias[128 * g : 128 * (g + 1)], padding=2)
        for g in range(2)
    ]
    torch.testing.assert_close(conv(x), torch.cat(halves, dim=1))


def test_alexnet_refuses_other_group_counts() -> None:
    """Is groups=3 refused with a message naming the argument and its value?"""
    with pytest.raises(ValueError, match=r"groups must be 1 \(single stream\) or 2 .*got 3"):
        AlexNet(groups=3)


def test_zfnet_volumes_follow_the_paper() -> None:
    """Does ZFNet give figure 3's 110x110x96, 55x55, 26x26x256, 13x13 and the lecture's 512/1024/512 filters?"""
    shapes = [row.shape for row in summary(meta(ZFNet), (3, 224, 224)).rows if row.layer != "NORM"]
    assert shapes[:10] == [(224, 224, 3), (110, 110, 96), (55, 55, 96), (26, 26, 256), (13, 13, 256),
                           (13, 13, 512), (13, 13, 1024), (13, 13, 512), (6, 6, 512), (4096,)]
    conv1 = meta(ZFNet).features[0]
    assert (conv1.kernel_size, conv1.stride) == ((7, 7), (2, 2))


# The lecture's AlexNet walk: (layer, output, params), params counted by hand with one bias per filter.
ALEXNET_LECTURE = [
    ("CONV11-96", (55, 55, 96), 11 * 11 * 3 * 96 + 96),
    ("POOL", (27, 27, 96), 0),
    ("NORM", (27, 27, 96), 0),
    ("CONV5-256", (27, 27, 256), 5 * 5 * 96 * 256 + 256),
    ("POOL", (13, 13, 256), 0),
    ("NORM", (13, 13, 256), 0),
    ("CONV3-384", (13, 13, 384), 3 * 3 * 256 * 384 + 384),
    ("CONV3-384", (13, 13, 384), 3 * 3 * 384 * 384 + 384),
    ("CONV3-256", (13, 13, 256), 3 * 3 * 384 * 256 + 256),
    ("POOL", (6, 6, 256), 0),
    ("FC-4096", (4096,), 6 * 6 * 256 * 4096 + 4096),
    ("FC-4096", (4096,), 4096 * 4096 + 4096),
    ("FC-1000", (1000,), 4096 * 1000 + 1000),
]


def test_alexnet_table_rows_match_the_lecture_walk() -> None:
    """Is every row the lecture's volume with its hand-counted parameters (CONV1: 34,944, POOL1: 0, ...)?"""
    rows = [(r.layer, r.shape, r.params) for r in summary(meta(AlexNet), (3, 227, 227)).rows[1:]]
    assert rows == ALEXNET_LECTURE
    assert rows[0][2] == 34_944


def test_two_group_alexnet_halves_conv2_conv4_conv5() -> None:
    """Do the grouped CONV2, CONV4, CONV5 see half the depth (5*5*48, 3*3*192 weights per filter), and only they?"""
    single = [r.params for r in summary(meta(AlexNet), (3, 227, 227)).rows]
    grouped = [r.params for r in summary(meta(AlexNet, 1000, 2), (3, 227, 227)).rows]
    changed = {i: (single[i], grouped[i]) for i in range(len(single)) if single[i] != grouped[i]}
    assert changed == {
        4: (5 * 5 * 96 * 256 + 256, 5 * 5 * 48 * 256 + 256),
        8: (3 * 3 * 384 * 384 + 384, 3 * 3 * 192 * 384 + 384),
        9: (3 * 3 * 384 * 256 + 256, 3 * 3 * 192 * 256 + 256),
    }
    assert sum(single) - sum(grouped) == 62_378_344 - 60_965_224
