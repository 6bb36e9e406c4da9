"""Tests for cnnlib.explorers: the numbers behind each explorer, against independent references."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from cnnlib import explorers

LECTURE_POOL = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)


def panel_data(html: str) -> object:
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1))


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


def test_filter_response_blurs_each_channel_like_torch() -> None:
    """Is the playground's Gaussian blur torch's per-channel (depthwise) conv with the same kernel?"""
    rng = np.random.default_rng(0)
    image = rng.random((12, 10, 3))
    kernel = explorers.filter_kernel("gaussian", sigma=1.0)
    ours = explorers.filter_response(image, kernel, "gaussian")
    w = torch.from_numpy(np.broadcast_to(kernel, (3, 1, *kernel.shape)).copy())
    expected = torch.nn.functional.conv2d(torch.from_numpy(image.transpose(2, 0, 1))[None], w, padding=3, groups=3)
    np.testing.assert_allclose(ours, np.clip(expected[0].numpy().transpose(1, 2, 0), 0, 1), atol=1e-12)


def test_filter_kernel_rejects_unknown_kind() -> None:
    """Is an unknown filter kind refused with the allowed names?"""
    with pytest.raises(ValueError, match="kind must be 'edge-x', 'edge-y', 'gaussian' or 'gabor', got 'sobel'"):
        explorers.filter_kernel("sobel")


def test_filter_explorer_has_every_setting_with_alt_text() -> None:
    """Does the playground store one PNG with alt text for every setting its controls can reach?"""
    data = panel_data(explorers.filter_explorer(np.random.default_rng(0).random((16, 16, 3))).html)
    expected = 2 + len(explorers.GAUSSIAN_SIGMAS) + len(explorers.GABOR_THETAS_DEG) * len(explorers.GABOR_WAVELENGTHS)
    assert len(data) == expected
    assert all(entry["response"].startswith("data:image/png;base64,") and len(entry["alt"]) > 20
               for entry in data.values())


def test_pool_tables_show_the_lecture_example() -> None:
    """Does the pooling explorer show [[6, 8], [3, 4]] for the lecture's 2x2 max pooling, as torch does?"""
    html = explorers.pool_tables_html(LECTURE_POOL, "max", 2, 2)
    values = [float(v) for v in re.findall(r'<td data-k="\d+">([^<]+)</td>', html)]
    expected = torch.nn.functional.max_pool2d(torch.from_numpy(LECTURE_POOL)[None, None], 2, 2).flatten().tolist()
    assert values == expected == [6, 8, 3, 4]


def test_pool_tables_show_cnnlib_refusal() -> None:
    """Is a window that does not fit shown with cnnlib's error message instead of numbers?"""
    html = explorers.pool_tables_html(LECTURE_POOL, "max", 3, 2)
    assert "does not fit: stride 2 does not fit" in html and "data-k" not in html


def test_explorer_bundle_offers_widget_and_html() -> None:
    """Does an explorer's display bundle hold both the ipywidget view and the static HTML?"""
    bundle = explorers.pooling_explorer(LECTURE_POOL)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="cnn-explorer"')


def test_import_cnnlib_stays_light() -> None:
    """Does `import cnnlib.explorers` leave ipywidgets, PIL and matplotlib unimported?"""
    code = "import sys, cnnlib.explorers; print(sorted({'ipywidgets', 'PIL', 'matplotlib'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
