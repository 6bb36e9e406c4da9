"""Spatial arithmetic against the lecture's worked numbers and against torch's own shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib import shapes


@pytest.mark.parametrize(("stride", "expected"), [(1, 5), (2, 3)])
def test_seven_by_seven_input_fits_with_stride_1_and_2(stride: int, expected: int) -> None:
    """Does a 3x3 filter on a 7x7 input give 5x5 at stride 1 and 3x3 at stride 2, as the lecture says?"""
    assert shapes.conv_output_size(7, 3, stride) == expected


def test_stride_3_does_not_fit_and_says_so() -> None:
    """Is a 3x3 filter at stride 3 on a 7x7 input refused in the lecture's words, with the 2.33?"""
    with pytest.raises(ValueError) as error:
        shapes.conv_output_size(7, 3, stride=3)
    message = str(error.value)
    assert message.startswith("stride 3 does not fit: cannot apply a 3x3 filter on a 7x7 input with stride 3")
    assert "(7 - 3 + 2*0)/3 + 1 = 2.33 is not an integer" in message


def test_floor_mode_drops_the_last_position_like_torch() -> None:
    """Does floor=True give torch's 2 positions for the 7x7, 3x3, stride-3 case?"""
    torch_size = torch.nn.Conv2d(1, 1, 3, stride=3)(torch.zeros(1, 1, 7, 7)).shape[-1]
    assert shapes.conv_output_size(7, 3, stride=3, floor=True) == torch_size == 2


@pytest.mark.parametrize(("kernel_size", "padding"), [(3, 1), (5, 2), (7, 3)])
def test_same_padding_preserves_the_size(kernel_size: int, padding: int) -> None:
    """Is (F-1)/2 the lecture's padding for F = 3, 5, 7, and does it keep 7x7 and 32x32 sizes at stride 1?"""
    assert shapes.same_padding(kernel_size) == padding
    for n in (7, 32):
        assert shapes.conv_output_size(n, kernel_size, 1, padding) == n


def test_volumes_shrink_without_padding() -> None:
    """Do repeated 5x5 convolutions shrink 32 -> 28 -> 24 -> 20, as the lecture warns?"""
    sizes = [32]
    for _ in range(3):
        sizes.append(shapes.conv_output_size(sizes[-1], 5))
    assert sizes == [32, 28, 24, 20]


def test_lecture_layer_of_ten_5x5_filters() -> None:
    """Does a 32x32x3 input with ten 5x5 filters, stride 1, pad 2 give 32x32x10 and 760 parameters?"""
    assert shapes.conv_output_shape((3, 32, 32), 10, 5, 1, 2) == (10, 32, 32)
    assert shapes.conv_params(3, 10, 5) == (5 * 5 * 3 + 1) * 10 == 760


def test_alexnet_conv1_and_pool1() -> None:
    """Does AlexNet's CONV1 give 55x55x96 with 34,944 parameters, and POOL1 27x27?"""
    assert shapes.conv_output_shape((3, 227, 227), 96, 11, stride=4) == (96, 55, 55)
    assert shapes.conv_params(3, 96, 11) == 34_944
    assert shapes.conv_params(3, 96, 11, bias=False) == 34_848  # the slide's "35K"
    assert shapes.pool_output_size(55, 3, 2) == 27


@pytest.mark.parametrize(
    ("in_channels", "out_channels", "weights"),
    [(3, 64, 1_728), (64, 64, 36_864), (64, 128, 73_728), (128, 128, 147_456), (128, 256, 294_912),
     (256, 256, 589_824), (256, 512, 1_179_648), (512, 512, 2_359_296)],
)
def test_vgg16_table_weights(in_channels: int, out_channels: int, weights: int) -> None:
    """Do the lecture's VGG-16 rows (3x3 weights, biases not counted) come out of F*F*D1*K?"""
    assert shapes.conv_params(in_channels, out_channels, 3, bias=False) == weights


def test_vgg16_fc_rows() -> None:
    """Are VGG-16's FC weights 102,760,448, 16,777,216 and 4,096,000, as on the slide?"""
    assert shapes.linear_params(7 * 7 * 512, 4096, bias=False) == 102_760_448
    assert shapes.linear_params(4096, 4096, bias=False) == 16_777_216
    assert shapes.linear_params(4096, 1000, bias=False) == 4_096_000


def test_activation_memory_of_vgg_rows() -> None:
    """Are VGG-16's INPUT and first CONV rows 150K and 3.2M values, 4 bytes each in float32?"""
    assert shapes.activation_count((224, 224, 3)) == 150_528
    assert shapes.activation_count((224, 224, 64)) == 3_211_264
    assert shapes.activation_bytes((224, 224, 64)) == 4 * 3_211_264
    assert shapes.activation_bytes((224, 224, 64), np.float64) == 8 * 3_211_264


def random_layers(count: int) -> list[dict[str, int]]:
    rng = np.random.default_rng(7)
    layers = []
    while len(layers) < count:
        groups = int(rng.choice([1, 2, 3]))
        layer = {
            "in_channels": groups * int(rng.integers(1, 4)),
            "out_channels": groups * int(rng.integers(1, 4)),
            "kernel_size": int(rng.integers(1, 6)),
            "stride": int(rng.integers(1, 4)),
            "padding": int(rng.integers(0, 3)),
            "dilation": int(rng.integers(1, 3)),
            "groups": groups,
            "size": int(rng.integers(5, 20)),
        }
        if layer["dilation"] * (layer["kernel_size"] - 1) + 1 <= layer["size"] + 2 * layer["padding"]:
            layers.append(layer)
    return layers


@pytest.mark.parametrize("layer", random_layers(40))
def test_shapes_and_parameters_match_torch_conv2d(layer: dict[str, int]) -> None:
    """Do output size (floor mode) and parameter count agree with torch.nn.Conv2d over random layers?"""
    size = layer.pop("size")
    module = torch.nn.Conv2d(**layer)
    expected = module(torch.zeros(1, layer["in_channels"], size, size)).shape
    k, s, p, d = (layer[name] for name in ("kernel_size", "stride", "padding", "dilation"))
    assert shapes.conv_output_size(size, k, s, p, d, floor=True) == expected[-1]
    n_params = sum(t.numel() for t in module.parameters())
    assert shapes.conv_params(layer["in_channels"], layer["out_channels"], k, layer["groups"]) == n_params


def test_tuple_arguments_set_height_and_width_separately() -> None:
    """Do (height, width) pairs give a non-square output as torch does?"""
    module = torch.nn.Conv2d(2, 4, (3, 5), stride=(1, 2), padding=(1, 0), dilation=(2, 1))
    expected = tuple(module(torch.zeros(1, 2, 11, 13)).shape)
    assert shapes.conv_output_shape((1, 2, 11, 13), 4, (3, 5), (1, 2), (1, 0), (2, 1)) == expected


def test_pooling_formula_and_default_stride() -> None:
    """Does pooling use (W1 - F)/S + 1 with the stride defaulting to the window, as MaxPool2d does?"""
    assert shapes.pool_output_size(4, 2) == 2
    assert shapes.pool_output_size(224, 2, 2) == 112
    assert shapes.pool_output_size(13, 3, 2) == 6


def test_conv_flops_counts_two_per_multiply_add() -> None:
    """Is each output value 2*F*F*D1 operations with a bias and one fewer without?"""
    n = 5 * 5 * 3
    assert shapes.conv_flops((10, 32, 32), 3, 5) == 10 * 32 * 32 * 2 * n
    assert shapes.conv_flops((10, 32, 32), 3, 5, bias=False) == 10 * 32 * 32 * (2 * n - 1)
    assert shapes.conv_flops((2, 4, 3, 3), 4, 3, groups=2) == 2 * 4 * 3 * 3 * 2 * (3 * 3 * 2)
    assert shapes.linear_flops(4096, 1000) == 1000 * 8192


def empirical_receptive_field(layers: list[tuple[int, int, int]]) -> int:
    """Width of the input region that reaches the centre output, found with torch autograd."""
    net = torch.nn.Sequential(*(torch.nn.Conv2d(1, 1, f, s, dilation=d, bias=False) for f, s, d in layers))
    for conv in net:
        torch.nn.init.constant_(conv.weight, 1.0)
    x = torch.zeros(1, 1, 64, 64, requires_grad=True)
    out = net(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    touched = np.flatnonzero(x.grad[0, 0].abs().sum(dim=0).numpy())
    return int(touched[-1] - touched[0] + 1)


@pytest.mark.parametrize(
    "layers",
    [[(3, 1, 1)] * 3, [(5, 1, 1), (5, 1, 1)], [(11, 4, 1), (3, 2, 1)], [(3, 2, 1), (3, 1, 2), (5, 1, 1)]],
)
def test_receptive_field_matches_autograd(layers: list[tuple[int, int, int]]) -> None:
    """Is the receptive field the input region that autograd finds reaching one output neuron?"""
    assert shapes.receptive_field(layers) == empirical_receptive_field(layers)


def test_three_3x3_layers_see_like_one_7x7() -> None:
    """Do three stacked 3x3 convs see 7x7 (VGG's argument) and two 5x5 see 9x9?"""
    assert shapes.receptive_field([(3, 1)] * 3) == 7
    assert shapes.receptive_field([(5, 1)] * 2) == 9


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: shapes.conv_output_size(7, 3, stride=0), ValueError, "stride must be positive, got 0"),
        (lambda: shapes.conv_output_size(7, 3, stride=-2), ValueError, "stride must be positive, got -2"),
        (lambda: shapes.conv_output_size(7, 3, padding=-1), ValueError, "padding must be at least 0, got -1"),
        (lambda: shapes.conv_output_size(7, 3, stride=1.5), TypeError, "stride must be an integer, got 1.5 (float)"),
        (lambda: shapes.conv_output_size(7.0, 3), TypeError, "input_size must be an integer, got 7.0 (float)"),
        (lambda: shapes.conv_output_size(7, True), TypeError, "kernel_size must be an integer, got True (bool)"),
        (lambda: shapes.conv_output_size(4, 7, padding=1), ValueError,
         "kernel_size 7 is larger than the padded input size 4 + 2*1 = 6"),
        (lambda: shapes.conv_output_size(5, 3, dilation=3), ValueError,
         "kernel_size 3 (spanning 7 with dilation 3) is larger than the padded input size 5 + 2*0 = 5"),
        (lambda: shapes.conv_params(6, 4, 3, groups=4), ValueError,
         "groups must divide in_channels: in_channels=6 is not divisible by groups=4"),
        (lambda: shapes.conv_params(4, 6, 3, groups=4), ValueError,
         "groups must divide out_channels: out_channels=6 is not divisible by groups=4"),
        (lambda: shapes.pool_output_size(8, 2, padding=2), ValueError, "padding must be at most half of kernel_size 2, got 2"),
        (lambda: shapes.same_padding(4), ValueError, "kernel_size must be odd"),
        (lambda: shapes.conv_output_shape((32, 32), 10, 5), ValueError, "input_shape must be (C, H, W) or (N, C, H, W)"),
        (lambda: shapes.conv_output_shape((3, 32, 32), 10, (3, 3, 3)), ValueError,
         "kernel_size must be an int or a (height, width) pair, got (3, 3, 3)"),
        (lambda: shapes.receptive_field([(3,)]), ValueError, "layers[0] must be (kernel_size, stride)"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_rule(call, error: type[Exception], message: str) -> None:
    """Does each bad argument raise the right error naming the argument, the rule and the value?"""
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
