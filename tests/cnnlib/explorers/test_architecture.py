"""Tests for cnnlib.explorers.architecture: the shipped tables against published counts and torch's own figures."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cnnlib.explorers import architecture
from cnnlib.explorers.architecture import NETWORKS, architecture_explorer, network_summary, table_data, table_html
from tests.cnnlib.explorers.static import panel_data


@pytest.fixture(scope="module")
def shipped() -> dict:
    return panel_data(architecture_explorer().html)


def test_every_network_and_size_is_shipped(shipped: dict) -> None:
    """Does the static panel carry a table for every network and every input size it offers?"""
    assert {k: sorted(map(int, v)) for k, v in shipped["tables"].items()} == {
        k: sorted(n.sizes) for k, n in NETWORKS.items()}
    assert shipped["sizes"] == {k: list(n.sizes) for k, n in NETWORKS.items()}  # in the order offered


@pytest.mark.parametrize(
    ("key", "size", "params"),
    [("lenet5", 28, 61_706), ("alexnet", 227, 62_378_344), ("alexnet2", 227, 60_965_224), ("vgg16", 224, 138_357_544),
     ("vgg19", 224, 143_667_240), ("resnet50", 224, 25_557_032), ("resnet152", 224, 60_192_808)],
)
def test_shipped_totals_are_the_published_parameter_counts(shipped: dict, key: str, size: int, params: int) -> None:
    """Does each shipped table's parameter total equal the network's published count?"""
    assert shipped["tables"][key][str(size)]["totals"][2] == params


def test_vgg16_rows_are_the_lecture_slide(shipped: dict) -> None:
    """Are VGG-16's shipped volumes the slide's, from [224x224x3] to [1000], with 15,237,608 values in all?"""
    table = shipped["tables"]["vgg16"]["224"]
    outputs = [row[2] for row in table["rows"]]
    assert outputs[:4] == ["[224x224x3]", "[224x224x64]", "[224x224x64]", "[112x112x64]"]
    assert outputs[-4:] == ["[7x7x512]", "[4096]", "[4096]", "[1000]"]
    assert table["totals"][0] == 15_237_608 and table["totals"][1] == 4 * 15_237_608


def test_vgg16_concentration_says_what_the_lecture_says(shipped: dict) -> None:
    """Is most memory in the early CONV rows and most parameters (89%, 74% in FC6) in the FC rows, as on the slide?"""
    where = shipped["tables"]["vgg16"]["224"]["where"]
    fc_weights = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000  # the slide's three FC rows
    assert f"{100 * (fc_weights + 4096 + 4096 + 1000) / 138_357_544:.0f}% in FC layers" in where[1] == (
        "parameters: 11% in CONV layers, 89% in FC layers; the heaviest row, classifier 2 FC-4096 [4096], holds 74%")
    first_half = 224 * 224 * (3 + 64 + 64) + 112 * 112 * (64 + 128 + 128) + 56 * 56 * (128 + 256 * 3) + 28 * 28 * 256
    assert where[3].startswith(f"the first half of the rows (11 of 22) holds {100 * first_half / 15_237_608:.0f}%")


@pytest.mark.parametrize(("key", "size"), [("resnet18", 128), ("googlenet", 224), ("zfnet", 224), ("alphago", 19)])
def test_flops_agree_with_torchs_flop_counter(key: str, size: int) -> None:
    """Does the FLOP total equal torch's FlopCounterMode for the same network and input?"""
    network = NETWORKS[key]
    with torch.device("meta"):
        model = network.build(size)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, network.channels, size, size, device="meta"))
    # torch counts 2n per output of an n-input dot product, bias or not; cnnlib counts n multiplies
    # and n - 1 additions, plus one for the bias: one less per output of a layer without bias.
    no_bias = sum(
        row.activations for row in network_summary(key, size).rows
        if row.layer.startswith(("CONV", "FC")) and row.params == row.weights
    )
    assert network_summary(key, size).flops == counter.get_total_flops() - no_bias


def test_output_volumes_are_what_torch_computes() -> None:
    """Is every conv and pool row's volume the shape torch gives when it runs ResNet-34 at 320x320?"""
    with torch.device("meta"):
        model = NETWORKS["resnet34"].build(320)
    shapes: list[tuple[int, ...]] = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.MaxPool2d | nn.AdaptiveAvgPool2d):
            module.register_forward_hook(lambda m, i, o: shapes.append((*o.shape[2:], o.shape[1])))
    model(torch.zeros(1, 3, 320, 320, device="meta"))
    rows = [row.shape for row in network_summary("resnet34", 320).rows if row.layer.startswith(("CONV", "POOL"))]
    assert rows == shapes and rows[0] == (160, 160, 64)


def test_table_html_has_one_row_per_layer_and_the_totals() -> None:
    """Does the kernel's table show every row of LeNet-5, its 61,706 parameters and the scrollable region?"""
    page = table_html(table_data(network_summary("lenet5", 28)))
    assert page.count("<tr>") == 1 + len(network_summary("lenet5", 28).rows)
    assert "61,706 parameters" in page and 'role="region"' in page and 'tabindex="0"' in page


def test_widget_offers_each_networks_sizes_and_redraws() -> None:
    """Does choosing ResNet-18 in the widget offer its sizes and show its table, and AlexNet only 227?"""
    box = architecture_explorer("alexnet").make_widget()
    (network, size), view = box.children[0].children, box.children[1]
    assert tuple(size.options) == (227,) and "[55x55x96]" in view.value
    network.value = "resnet18"
    assert tuple(size.options) == NETWORKS["resnet18"].sizes and "11,689,512 parameters" in view.value
    size.value = 64
    assert "[32x32x64]" in view.value


def test_unknown_network_and_size_are_refused() -> None:
    """Are an unknown network and a size the network does not take refused with the choices named?"""
    with pytest.raises(ValueError, match=r"key must be one of \[.*'vgg16'.*\], got 'vgg17'"):
        architecture.network_summary("vgg17", 224)
    with pytest.raises(ValueError, match=r"size must be one of \(227,\) for AlexNet \(single stream\), got 224"):
        architecture.network_summary("alexnet", 224)


def test_rows_add_up_to_the_total_for_every_network(shipped: dict) -> None:
    """For every network and size shipped, do the rows' parameters add up to the total shown (AlphaGo's 361 biases too)?"""
    for key, tables in shipped["tables"].items():
        for size, table in tables.items():
            assert sum(row[4] for row in table["rows"]) == table["totals"][2], (key, size)
    assert shipped["tables"]["alphago"]["19"]["rows"][-1][4] == 192 + 361
