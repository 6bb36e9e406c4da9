"""Tests for cnnlib.explorers.pooling: the pooling tables against torch and cnnlib's refusal."""

from __future__ import annotations

import re

import numpy as np
import torch

from cnnlib import explorers

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
