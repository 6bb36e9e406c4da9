"""The case-study networks against the published parameter totals and the papers' layer sizes.

Big networks are built on torch's "meta" device: parameters and shapes are
real, but nothing is allocated or computed, so the whole module runs in seconds.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.models import AlexNet, AlphaGoPolicy, GoogLeNet, Inception, LeNet5, ZFNet, resnet, vgg
from cnnlib.summary import summary


def params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def meta(build, *args, **kwargs) -> nn.Module:
    with torch.device("meta"):
        return build(*args, **kwargs)


@pytest.mark.parametrize(
    ("build", "args", "expected"),
    [
        (vgg, ("A",), 132_863_336),
        (vgg, ("D",), 138_357_544),
        (vgg, ("E",), 143_667_240),
        (resnet, (18,), 11_689_512),
        (resnet, (50,), 25_557_032),
        (resnet, (152,), 60_192_808),
        (AlexNet, (), 62_378_344),
        (AlexNet, (1000, 2), 60_965_224),
        (LeNet5, (), 61_706),
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


def test_googlenet_inception_outputs_match_the_paper_table() -> None:
    """Do inception 3a to 5b give the paper's 28x28x256 ... 7x7x1024 and the net 1000 scores?"""
    model = meta(GoogLeNet)
    x = model.stem(torch.zeros(1, 3, 224, 224, device="meta"))
    outputs = []
    for module in model.inception:
        x = module(x)
        if isinstance(module, Inception):
            outputs.append(tuple(x.shape[1:]))
    assert outputs == [
        (256, 28, 28), (480, 28, 28), (512, 14, 14), (512, 14, 14), (512, 14, 14), (528, 14, 14), (832, 14, 14),
        (832, 7, 7), (1024, 7, 7),
    ]
    assert tuple(model(torch.zeros(1, 3, 224, 224, device="meta")).shape) == (1, 1000)


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


def test_vgg_refuses_unknown_config() -> None:
    """Is configuration "F" refused with the list of known ones?"""
    with pytest.raises(ValueError, match=r"config must be one of .*'A-LRN'.*got 'F'"):
        vgg("F")


def test_vgg_at_another_image_size_sizes_its_first_fc_from_shapes() -> None:
    """Does vgg(image_size=32) end its features at 1x1x512 and still classify?"""
    model = meta(vgg, "A", num_classes=10, image_size=32)
    assert model.classifier[2].in_features == 512
    assert tuple(model(torch.zeros(1, 3, 32, 32, device="meta")).shape) == (1, 10)


def test_lenet5_runs_on_mnist_sized_images_with_tanh_too() -> None:
    """Does LeNet-5 map (N, 1, 28, 28) to (N, 10) and accept another activation?"""
    model = LeNet5(activation=nn.Tanh)
    assert any(isinstance(m, nn.Tanh) for m in model.modules())
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert LeNet5(num_classes=5, in_channels=3)(torch.zeros(1, 3, 28, 28)).shape == (1, 5)


def test_alphago_policy_follows_the_lecture() -> None:
    """Does the policy net have 13 convs (5x5, 11 3x3, final 1x1), 361 position biases and a softmax map?"""
    model = AlphaGoPolicy(filters=128)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert [c.kernel_size[0] for c in convs] == [5] + [3] * 11 + [1]
    assert all(c.out_channels == 128 for c in convs[:-1]) and convs[-1].out_channels == 1
    assert convs[-1].bias is None and model.position_bias.shape == (361,)
    probabilities = model.move_probabilities(torch.randn(2, 48, 19, 19))
    assert probabilities.shape == (2, 19, 19)
    torch.testing.assert_close(probabilities.sum((1, 2)), torch.ones(2))


def test_alphago_policy_k192_parameter_count() -> None:
    """Are there 48*25*192+192 + 11*(192*9*192+192) + 192 + 361 parameters with k=192?"""
    expected = (48 * 25 * 192 + 192) + 11 * (192 * 9 * 192 + 192) + 192 + 361
    assert params(AlphaGoPolicy()) == expected == 3_882_793
