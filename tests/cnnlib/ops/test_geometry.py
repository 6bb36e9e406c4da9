"""The one window geometry under conv and pooling: windows, taps, padding, groups, and the gradient-shape check."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from cnnlib.ops.geometry import conv_geometry, pool_geometry
from tests.cnnlib.cases import conv_cases

CASES = conv_cases(12, seed=5)


def geometry(case):
    x, w, b = case.arrays()
    return x, conv_geometry(x, w, b, case.stride, case.padding, case.dilation, case.groups)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_window_starts_at_i_times_s_and_spaces_its_taps_by_the_dilation(case) -> None:
    """Does output (i, j) read rows i*S + a*d and columns j*S + c*d of the padded input, as the lecture's formula says?"""
    _, g = geometry(case)
    (SH, SW), (DH, DW) = g.stride, g.dilation
    for i, j in itertools.product(range(g.H2), range(g.W2)):
        rows, cols = g.window(i, j)
        assert list(range(rows.stop)[rows]) == [i * SH + a * DH for a in range(g.FH)]
        assert list(range(cols.stop)[cols]) == [j * SW + c * DW for c in range(g.FW)]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_tap_reads_what_each_window_reads_at_that_tap(case) -> None:
    """Is entry (i, j) of tap (a, c)'s slice the entry (a, c) of window (i, j), for every tap and output?"""
    x, g = geometry(case)
    xp = g.pad(x)
    for a, c in itertools.product(range(g.FH), range(g.FW)):
        by_tap = xp[:, :, g.tap(a, c)[0], g.tap(a, c)[1]]
        assert by_tap.shape == (g.N, g.C, g.H2, g.W2)
        for i, j in itertools.product(range(g.H2), range(g.W2)):
            rows, cols = g.window(i, j)
            np.testing.assert_array_equal(by_tap[:, :, i, j], xp[:, :, rows, cols][:, :, a, c])


@pytest.mark.parametrize("case", CASES[:4], ids=str)
def test_windows_view_holds_every_window_without_a_copy(case) -> None:
    """Does windows() give each window at [..., i, j] while sharing the padded input's memory?"""
    x, g = geometry(case)
    xp = g.pad(x)
    view = g.windows(xp)
    assert view.shape == (g.N, g.C, g.FH, g.FW, g.H2, g.W2) and np.shares_memory(view, xp)
    for i, j in itertools.product(range(g.H2), range(g.W2)):
        rows, cols = g.window(i, j)
        np.testing.assert_array_equal(view[..., i, j], xp[:, :, rows, cols])


def test_crop_undoes_pad_and_pad_fills_with_the_value_asked_for() -> None:
    """Does crop(pad(x)) give x back, with -inf around it for max pooling and no copy when there is no padding?"""
    x = np.arange(32.0).reshape(1, 2, 4, 4)
    g = pool_geometry(x, 3, 1, 1, False)
    xp = g.pad(x, -np.inf)
    assert xp.shape == g.padded_shape == (1, 2, 6, 6)
    assert np.isneginf(xp[:, :, 0]).all() and np.isneginf(xp[:, :, :, -1]).all()
    np.testing.assert_array_equal(g.crop(xp), x)
    assert pool_geometry(x, 2, 2, 0, False).pad(x) is x


def test_group_gives_each_filter_its_groups_channels() -> None:
    """With 6 channels, 4 filters and groups=2, do filters 0-1 see channels 0-2 and filters 2-3 channels 3-5?"""
    g = conv_geometry(np.zeros((1, 6, 5, 5)), np.zeros((4, 3, 3, 3)), None, 1, 0, 1, 2)
    assert [g.group(k) for k in range(4)] == [slice(0, 3), slice(0, 3), slice(3, 6), slice(3, 6)]


def test_pooling_is_one_group_per_map_without_dilation() -> None:
    """Does a pooling geometry have K = C outputs, one group, dilation 1 and the stride default to the window?"""
    g = pool_geometry(np.zeros((2, 5, 8, 8)), 2, None, 0, False)
    assert (g.K, g.groups, g.dilation, g.stride, g.out_shape) == (5, 1, (1, 1), (2, 2), (2, 5, 4, 4))


@pytest.mark.parametrize(("g", "layout"), [
    (conv_geometry(np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3)), None, 1, 0, 1, 1), "(N, K, H2, W2) = (1, 3, 3, 3)"),
    (pool_geometry(np.zeros((1, 2, 4, 4)), 2, 2, 0, False), "(N, C, H2, W2) = (1, 2, 2, 2)"),
], ids=["conv", "pool"])
def test_a_gradient_of_another_shape_is_refused_naming_both_shapes(g, layout: str) -> None:
    """Is a dout that is not the forward output's shape refused with the layout, the expected and the given shape?"""
    with pytest.raises(ValueError, match=rf"dout must have the forward output's shape {re.escape(layout)}, got \(1, 2, 5, 5\)"):
        g.check_dout(np.zeros((1, 2, 5, 5)))

