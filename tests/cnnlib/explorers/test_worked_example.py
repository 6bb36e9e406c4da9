"""Tests for cnnlib.explorers.worked_example: CS231n's multi-channel demo, its numbers and its page script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
import torch

from cnnlib import explorers
from cnnlib.explorers.panel import script
from tests.cnnlib.explorers.static import panel_data

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed here; CI has it and runs the page's JavaScript")
EXAMPLE = explorers.worked_example()


def torch_output(ex: explorers.WorkedExample) -> np.ndarray:
    return torch.nn.functional.conv2d(torch.from_numpy(ex.x)[None], torch.from_numpy(ex.w), torch.from_numpy(ex.b),
                                      stride=ex.stride, padding=ex.padding)[0].numpy()


def test_the_example_is_the_lectures_setting_and_torch_agrees() -> None:
    """Is the example a 5x5x3 input padded by 1 to 7x7x3, two 3x3x3 filters with biases 1 and 0, stride 2, and is its
    3x3x2 output what torch computes?"""
    assert EXAMPLE.x.shape == (3, 5, 5) and EXAMPLE.padded.shape == (3, 7, 7) and EXAMPLE.w.shape == (2, 3, 3, 3)
    assert EXAMPLE.b.tolist() == [1, 0] and (EXAMPLE.stride, EXAMPLE.padding) == (2, 1)
    assert np.array_equal(EXAMPLE.padded[:, 1:6, 1:6], EXAMPLE.x) and EXAMPLE.padded.sum() == EXAMPLE.x.sum()
    assert np.array_equal(EXAMPLE.out, torch_output(EXAMPLE))


def test_the_panel_shows_every_number_of_the_example() -> None:
    """Does the static panel show the padded input, both filters and biases and the output, cell for cell?"""
    html = explorers.worked_example_explorer(EXAMPLE).html

    def table(attribute: str) -> list[float]:
        found = re.findall(rf'<table class="cnn-grid" {attribute}>(.*?)</table>', html)
        assert found, attribute
        return [float(v) for v in re.findall(r"<td[^>]*>([^<]+)</td>", found[0])]

    for c in range(3):
        assert table(f'data-x="{c}"') == EXAMPLE.padded[c].ravel().tolist()
    assert "bias b0 = 1" in html and "bias b1 = 0" in html
    for k in range(2):
        assert table(f'data-o="{k}"') == EXAMPLE.out[k].ravel().tolist()
    assert 'max="17"' in html  # 18 output neurons to step through
    assert "http://" not in html and "https://" not in html


@needs_node
def test_the_pages_script_finds_each_neurons_window_filter_and_sum() -> None:
    """Run with node over all 18 neurons, does the page's script take the window torch's unfold reads, the right
    filter, per-channel sums equal to torch's one-channel convolutions, and a total equal to cnnlib's output?"""
    data = panel_data(explorers.worked_example_explorer(EXAMPLE).html)
    program = script("worked_example_step") + """
    const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const n = data.out.length * data.out[0].length * data.out[0][0].length;
    process.stdout.write(JSON.stringify(Array.from({length: n}, (_, k) => {
      const r = neuron(data, k);
      return [r.k, r.i, r.j, r.top, r.left, r.terms, r.bias, r.total, r.out, sentence(r)];
    })));
    """
    ran = subprocess.run([NODE, "-e", program], input=json.dumps(data), capture_output=True, text=True, check=True)
    x, w = torch.from_numpy(EXAMPLE.x)[None], torch.from_numpy(EXAMPLE.w)
    windows = torch.nn.functional.unfold(x, 3, padding=1, stride=2)[0].T.reshape(9, 3, 3, 3)  # (position, C, F, F)
    expected = torch_output(EXAMPLE)
    steps = json.loads(ran.stdout)
    assert len(steps) == 18
    for n, (k, i, j, top, left, terms, bias, total, out, text) in enumerate(steps):
        assert (k, i, j) == (n // 9, n // 3 % 3, n % 3)
        window = torch.from_numpy(EXAMPLE.padded)[:, top:top + 3, left:left + 3]
        assert torch.equal(window, windows[i * 3 + j])
        per_channel = [torch.nn.functional.conv2d(x[:, c:c + 1], w[k:k + 1, c:c + 1], stride=2, padding=1)[0, 0, i, j]
                       for c in range(3)]
        assert terms == [float(t) for t in per_channel] and bias == EXAMPLE.b[k]
        assert total == out == expected[k, i, j]
        assert f"rows {top}-{top + 2}, columns {left}-{left + 2}" in text and text.endswith(f"gives {total:g}.")


@needs_node
def test_the_sentence_brackets_negative_numbers() -> None:
    """Does the sentence write a negative channel sum as "(-2)", so that "+ (-2)" reads as adding it?"""
    program = script("worked_example_step") + """
    process.stdout.write(sentence({k: 1, i: 0, j: 2, top: 0, left: 4, F: 3, terms: [3, -2, 1], bias: 0, total: 2}));
    """
    text = subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True).stdout
    assert text == ("Output (map 1, row 0, column 2) = filter W1 times the 3x3x3 window at rows 0-2, columns 4-6 of the "
                    "padded input: channel 0: 3 + channel 1: (-2) + channel 2: 1, plus bias b1 = 0, gives 2.")
