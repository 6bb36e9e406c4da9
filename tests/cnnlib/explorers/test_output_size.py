"""Tests for cnnlib.explorers.output_size: the explorer's table and text against torch and the lecture."""

from __future__ import annotations

import itertools
import re

import torch

from cnnlib import explorers
from tests.cnnlib.explorers.static import panel_data


def test_output_size_table_agrees_with_torch() -> None:
    """Does every entry of the output-size table match what torch.nn.Conv2d produces (or refuses)?"""
    table = explorers.output_size_table()
    combos = itertools.product(explorers.SIZES, explorers.KERNELS, explorers.STRIDES, explorers.PADDINGS,
                               explorers.DILATIONS)
    for (n, f, s, p, d), code in zip(combos, table, strict=True):
        extent = d * (f - 1) + 1
        if extent > n + 2 * p:
            assert code == 0, (n, f, s, p, d)
            continue
        # torch floors a stride that does not fit; the exact rule needs a zero remainder.
        torch_size = torch.nn.functional.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f), stride=s,
                                                padding=p, dilation=d).shape[-1]
        fits = (n + 2 * p - extent) % s == 0
        assert code == (torch_size if fits else -torch_size), (n, f, s, p, d)


def test_output_size_text_states_the_lecture_cases() -> None:
    """Does the explorer's text give 5, 3 and 'does not fit' for N=7, F=3 and strides 1, 2, 3?"""
    assert explorers.output_size_text(7, 3, 1).endswith("= 5: a 5x5 output")
    assert explorers.output_size_text(7, 3, 2).endswith("= 3: a 3x3 output")
    assert "2.33, not an integer: stride 3 does not fit" in explorers.output_size_text(7, 3, 3)
    assert explorers.output_size_text(7, 3, 1, 1).endswith("= 7: a 7x7 output")


def test_output_size_explorer_ships_its_table() -> None:
    """Does the static panel carry the same table, its inputs labelled, and no external URL?"""
    html = explorers.output_size_explorer().html
    assert panel_data(html)["table"] == explorers.output_size_table()
    for name in re.findall(r'<input type="range" id="([^"]+)"', html):
        assert f'<label for="{name}">' in html, name
    # The SVG namespace is a name, not a request.
    addresses = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in addresses and "https://" not in addresses
