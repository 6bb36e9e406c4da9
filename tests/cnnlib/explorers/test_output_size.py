"""Tests for cnnlib.explorers.output_size: the explorer's table and text against torch and the lecture."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
import torch

from cnnlib import explorers
from cnnlib.explorers.panel import script
from cnnlib.ops.geometry import conv_geometry
from cnnlib.shapes import effective_kernel_size
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
        # On the meta device torch works out the shape without computing: the whole grid in seconds.
        torch_size = torch.nn.functional.conv2d(torch.zeros(1, 1, n, n, device="meta"),
                                                torch.zeros(1, 1, f, f, device="meta"), stride=s, padding=p,
                                                dilation=d).shape[-1]
        fits = (n + 2 * p - extent) % s == 0
        assert code == (torch_size if fits else -torch_size), (n, f, s, p, d)


def test_the_explorer_reaches_the_lectures_32x32_input() -> None:
    """Do the sliders reach N = 32 with F = 5 and P = 2, the lecture's 32x32 input, giving torch's 32?"""
    assert {32} <= set(explorers.SIZES) and 5 in explorers.KERNELS and 2 in explorers.PADDINGS
    out = torch.nn.functional.conv2d(torch.zeros(1, 1, 32, 32), torch.zeros(1, 1, 5, 5), padding=2).shape[-1]
    assert explorers.output_size_text(32, 5, 1, 2).endswith(f"= {out}: a 32x32 output")


def test_output_size_text_states_the_lecture_cases() -> None:
    """Does the explorer's text give 5, 3 and 'does not fit' for N=7, F=3 and strides 1, 2, 3?"""
    assert explorers.output_size_text(7, 3, 1).endswith("= 5: a 5x5 output")
    assert explorers.output_size_text(7, 3, 2).endswith("= 3: a 3x3 output")
    assert "2.33, not an integer: stride 3 does not fit" in explorers.output_size_text(7, 3, 3)
    assert explorers.output_size_text(7, 3, 1, 1).endswith("= 7: a 7x7 output")


def test_output_size_text_names_the_dilated_filter_size_it_uses() -> None:
    """With dilation 2 and F=3, does the text show D(F - 1) + 1 = 5 and then use 5, as torch's output size needs?"""
    text = explorers.output_size_text(7, 3, 1, 0, 2)
    out = torch.nn.functional.conv2d(torch.zeros(1, 1, 7, 7), torch.zeros(1, 1, 3, 3), dilation=2).shape[-1]
    assert text.startswith("F' = D(F - 1) + 1 = 2(3 - 1) + 1 = 5;") and f"(7 - 5 + 2*0)/1 + 1 = {out}:" in text


def test_output_size_explorer_ships_its_table() -> None:
    """Does the static panel carry the same table, its inputs labelled, and no external URL?"""
    html = explorers.output_size_explorer().html
    assert panel_data(html)["table"] == explorers.output_size_table()
    for name in re.findall(r'<input type="range" id="([^"]+)"', html):
        assert f'<label for="{name}">' in html, name
    # The SVG namespace is a name, not a request.
    addresses = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in addresses and "https://" not in addresses


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed here; CI has it and runs the explorer's JavaScript")
def test_the_pages_script_computes_what_cnnlib_does_for_every_setting() -> None:
    """Run with node over the whole grid of N, F, S, P and dilation, do the page's numbers, sentence and window
    taps equal cnnlib.shapes', output_size_text's and the window geometry's?"""
    settings = list(itertools.product(explorers.SIZES, explorers.KERNELS, explorers.STRIDES, explorers.PADDINGS,
                                      explorers.DILATIONS))
    codes = explorers.output_size_table()
    program = script("output_size_rule") + """
    const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const out = input.settings.map(([N, F, S, P, D], k) => {
      const r = rule(N, F, S, P, D, input.codes[k]), last = Math.max(r.count - 1, 0);
      return [r.extent, r.padded, r.count, r.reach, r.text, taps(F, S, D, 0, 0), taps(F, S, D, last, last), fitNote(r)];
    });
    process.stdout.write(JSON.stringify(out));
    """
    ran = subprocess.run([NODE, "-e", program], input=json.dumps({"settings": settings, "codes": codes}),
                         capture_output=True, text=True, check=True)
    for (n, f, s, p, d), code, page in zip(settings, codes, json.loads(ran.stdout), strict=True):
        extent, padded, count, reach, text, first, last, note = page
        assert (extent, padded, count) == (effective_kernel_size(f, d), n + 2 * p, abs(code)), (n, f, s, p, d)
        assert text == explorers.output_size_text(n, f, s, p, d), (n, f, s, p, d)
        if count:
            g = conv_geometry(np.zeros((1, 1, n, n)), np.zeros((1, 1, f, f)), None, s, p, d, 1, floor=True)
            assert count == g.H2 and reach == g.window(count - 1, count - 1)[0].stop, (n, f, s, p, d)
            # Where torch's floor drops rows, the note counts the positions kept, in the singular for one.
            fits = "1 position fits" if count == 1 else f"{count} positions fit"
            assert note == ("" if code > 0 else f" ({fits}; PyTorch drops the rest)"), (n, f, s, p, d)
            for cells, position in ((first, 0), (last, count - 1)):
                rows, cols = g.window(position, position)
                assert cells == [[r, c] for r in range(rows.stop)[rows] for c in range(cols.stop)[cols]], (n, f, s, p, d)
