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
    for f, s, floor in itertools.product(explorers.POOL_SIZES, explorers.POOL_SIZES, (0, 1)):
        fits = (8 - f) % s == 0
        # torch's default (ceil_mode=False) is the floor rule.
        pooled = torch.nn.functional.max_pool2d(torch.from_numpy(x)[None, None], f, s).flatten().tolist()
        maxima = [x[top:bottom, left:right].max() for top, bottom, left, right in windows[f"{f}|{s}|{floor}"]]
        assert maxima == (pooled if fits or floor else []), (f, s, floor)


def test_floor_toggle_shows_what_torch_computes_for_f3_s2_on_an_even_input() -> None:
    """With the floor rule on, does the lecture's F=3, S=2 on an 8x8 grid give torch's 3x3 instead of an error?"""
    x = np.arange(64, dtype=float).reshape(8, 8)
    tables = panel_data(explorers.pooling_explorer(x).html)["tables"]
    assert "does not fit" in tables["max|3|2|0"]
    values = [float(v) for v in re.findall(r'<td data-k="\d+">([^<]+)</td>', tables["max|3|2|1"])]
    expected = torch.nn.functional.max_pool2d(torch.from_numpy(x)[None, None], 3, 2).flatten().tolist()
    assert len(values) == 9 and values == expected
    assert "output 3x3 (floor)" in tables["max|3|2|1"]
