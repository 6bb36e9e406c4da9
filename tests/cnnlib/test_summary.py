"""The summary table against the lecture's VGG-16 slide, row for row, and torch's FLOP counter."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from cnnlib.models import LeNet5, resnet, vgg
from cnnlib.summary import Summary, summary

# The lecture's VGG-16 table: (layer, [HxWxD], memory, params). The slide's
# params count weights without biases.
VGG16_SLIDE = [
    ("INPUT", (224, 224, 3), 224 * 224 * 3, 0),
    ("CONV3-64", (224, 224, 64), 224 * 224 * 64, 1_728),
    ("CONV3-64", (224, 224, 64), 224 * 224 * 64, 36_864),
    ("POOL", (112, 112, 64), 112 * 112 * 64, 0),
    ("CONV3-128", (112, 112, 128), 112 * 112 * 128, 73_728),
    ("CONV3-128", (112, 112, 128), 112 * 112 * 128, 147_456),
    ("POOL", (56, 56, 128), 56 * 56 * 128, 0),
    ("CONV3-256", (56, 56, 256), 56 * 56 * 256, 294_912),
    ("CONV3-256", (56, 56, 256), 56 * 56 * 256, 589_824),
    ("CONV3-256", (56, 56, 256), 56 * 56 * 256, 589_824),
    ("POOL", (28, 28, 256), 28 * 28 * 256, 0),
    ("CONV3-512", (28, 28, 512), 28 * 28 * 512, 1_179_648),
    ("CONV3-512", (28, 28, 512), 28 * 28 * 512, 2_359_296),
    ("CONV3-512", (28, 28, 512), 28 * 28 * 512, 2_359_296),
    ("POOL", (14, 14, 512), 14 * 14 * 512, 0),
    ("CONV3-512", (14, 14, 512), 14 * 14 * 512, 2_359_296),
    ("CONV3-512", (14, 14, 512), 14 * 14 * 512, 2_359_296),
    ("CONV3-512", (14, 14, 512), 14 * 14 * 512, 2_359_296),
    ("POOL", (7, 7, 512), 7 * 7 * 512, 0),
    ("FC-4096", (4096,), 4096, 102_760_448),
    ("FC-4096", (4096,), 4096, 16_777_216),
    ("FC-1000", (1000,), 1000, 4_096_000),
]


@pytest.fixture(scope="module")
def vgg16() -> Summary:
    with torch.device("meta"):
        return summary(vgg("D"), (3, 224, 224))


def test_vgg16_rows_match_the_slide(vgg16: Summary) -> None:
    """Does every row give the slide's layer, volume, memory and (weight-only) params, in order?"""
    rows = [(r.layer, r.shape, r.activations, r.weights) for r in vgg16.rows]
    assert rows == VGG16_SLIDE


def test_vgg16_rows_use_the_lecture_notation(vgg16: Summary) -> None:
    """Is a row's output written [224x224x64] and its bytes 4 per value?"""
    assert vgg16.rows[1].output == "[224x224x64]"
    assert vgg16.rows[1].bytes == 4 * 224 * 224 * 64


def test_vgg16_totals_are_the_rows_sum_not_the_slide_total(vgg16: Summary) -> None:
    """Do the activations add to 15.2M values (61 MB), not the slide's 24M (93 MB), with 138M params?"""
    assert vgg16.activations == sum(memory for _, _, memory, _ in VGG16_SLIDE) == 15_237_608
    assert round(vgg16.bytes / 1e6) == 61
    assert vgg16.params == 138_357_544


def test_printed_total_is_the_sum_of_the_rows_not_the_slides_24m(vgg16: Summary) -> None:
    """Does the printed total give the rows' 15,237,608 values, 61.0 MB, rather than the slide's 24M / 93 MB?"""
    text = str(vgg16)
    assert "TOTAL activations: 15,237,608 values * 4 bytes = 61.0 MB" in text


def test_flops_agree_with_torchs_flop_counter(vgg16: Summary) -> None:
    """Does the FLOP total equal torch's FlopCounterMode (2 per multiply-add) for VGG-16?"""
    with torch.device("meta"):
        model = vgg("D")
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 224, 224, device="meta"))
    assert vgg16.flops == counter.get_total_flops()


def test_params_column_adds_up_to_the_model_total() -> None:
    """For ResNet-18 (convs without bias, batch norm rows) do the rows' params add to 11,689,512?"""
    with torch.device("meta"):
        table = summary(resnet(18), (3, 224, 224))
    assert sum(row.params for row in table.rows) == table.params == 11_689_512
    assert {row.layer for row in table.rows} >= {"CONV7-64", "BN", "POOL", "FC-1000"}


def test_html_table_has_one_row_per_layer() -> None:
    """Does the notebook's HTML view hold a header and one <tr> per layer?"""
    table = summary(LeNet5(), (1, 28, 28))
    html = table._repr_html_()
    assert html.count("<tr>") == len(table.rows) + 1
    assert "[14x14x6]" in html


def test_summary_leaves_the_model_as_it_found_it() -> None:
    """Are training mode and hooks restored after the summary?"""
    model = LeNet5().train()
    summary(model, (1, 28, 28))
    assert model.training
    assert not any(m._forward_hooks for m in model.modules())


def test_input_shape_is_checked() -> None:
    """Is a 2-D input shape refused with a message naming it?"""
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\) or \(N, C, H, W\), got \(28, 28\)"):
        summary(LeNet5(), (28, 28))


def test_printed_table_fits_the_books_text_column(vgg16: Summary) -> None:
    """Is every printed line of VGG-16's table and totals at most 85 characters, with all 22 rows?"""
    lines = str(vgg16).splitlines()
    assert max(len(line) for line in lines) <= 85
    assert sum(line.startswith(("input", "features.", "classifier.")) for line in lines) == 22
