"""Tests for cnnlib.explorers.pooling: the pooling tables against torch and cnnlib's refusal."""

from __future__ import annotations

import itertools
import re

import numpy as np
import torch

from cnnlib import explorers
from tests.cnnlib.explorers.static import panel_data

LECTURE_POOL = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)


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


def test_each_shipped_window_holds_the_cells_its_output_pools() -> None:
    """For every window and stride the panel offers, is each output cell's shipped window the one whose maximum it is?"""
    x = np.random.default_rng(0).permutation(64).reshape(8, 8).astype(float)
    windows = panel_data(explorers.pooling_explorer(x).html)["windows"]
    for f, s in itertools.product(explorers.POOL_SIZES, explorers.POOL_SIZES):
        fits = (8 - f) % s == 0
        pooled = torch.nn.functional.max_pool2d(torch.from_numpy(x)[None, None], f, s).flatten().tolist()
        maxima = [x[top:bottom, left:right].max() for top, bottom, left, right in windows[f"{f}|{s}"]]
        assert maxima == (pooled if fits else []), (f, s)
