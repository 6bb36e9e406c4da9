"""Tests for cnnlib.drawing: the boxes' geometry against numbers worked by hand."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnlib import drawing
from cnnlib.drawing import Projection, Volume


@pytest.fixture(autouse=True)
def agg() -> None:
    matplotlib.use("Agg")


def test_projection_moves_receding_points_along_the_angle() -> None:
    """Does (1, 2, 4) at 30 degrees and r = 0.5 land at (1 + 2 cos 30, 2 + 2 sin 30) = (2.732, 3)?"""
    assert Projection(30, 0.5)((1, 2, 4)) == pytest.approx([1 + math.sqrt(3), 3.0])


def test_box_faces_of_a_2x3x4_box_seen_from_the_front() -> None:
    """With the receding axis drawn straight up at half length, are the three faces where a hand drawing puts them?"""
    faces = drawing.box_faces((1, 0, 0), (2, 3, 4), Projection(90, 0.5))
    # z = 4 recedes by 0.5 * 4 = 2 upwards; x and y are unchanged.
    assert np.allclose(faces["front"], [[1, 0], [3, 0], [3, 3], [1, 3]])
    assert np.allclose(faces["top"], [[1, 3], [3, 3], [3, 5], [1, 5]])
    assert np.allclose(faces["side"], [[3, 0], [3, 2], [3, 5], [3, 3]])


def test_volume_label_and_size_use_the_lectures_order() -> None:
    """Is a 32x32x3 volume labelled "32x32x3", with depth (scaled) along x, height along y, width along z?"""
    volume = Volume(height=28, width=24, depth=6)
    assert volume.label == "28x24x6"
    assert volume.size(depth_scale=2) == (12, 28, 24)


def test_volume_refuses_an_empty_side() -> None:
    """Does a volume of depth 0 raise an error naming the side?"""
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        Volume(4, 4, 0)


def test_layout_puts_volumes_side_by_side_with_the_gap() -> None:
    """For 32x32x3 then 28x28x6 at 40 degrees, r = 0.5, gap 10: is the second at x = 3 + 16 cos 40 + 10, y = 2?"""
    origins = drawing.layout([Volume(32, 32, 3), Volume(28, 28, 6)], gap=10, projection=Projection(40, 0.5))
    assert origins[0] == (0.0, 0.0, 0.0)
    assert origins[1] == pytest.approx((3 + 16 * math.cos(math.radians(40)) + 10, 2.0, 0.0))


def test_draw_volumes_labels_each_volume_and_draws_three_faces() -> None:
    """Does the ConvNet figure 32x32x3 -> 28x28x6 -> 24x24x10 carry its three labels and nine faces?"""
    figure = Figure()
    ax = figure.subplots()
    drawing.draw_volumes(ax, [Volume(32, 32, 3), Volume(28, 28, 6), Volume(24, 24, 10)])
    assert [t.get_text() for t in ax.texts] == ["32x32x3", "28x28x6", "24x24x10"]
    assert len(ax.patches) == 9
    figure.canvas.draw()


def test_filter_spans_the_full_depth_at_its_row_and_column() -> None:
    """Is a 5x5 filter at (row, col) = (3, 2) of a 32x32x3 volume a 3-deep box from y = 32 - 3 - 5 = 24, z = 2?"""
    figure = Figure()
    ax = figure.subplots()
    origin = drawing.draw_filter(ax, (10, 0, 0), Volume(32, 32, 3), 5, row=3, col=2)
    assert origin == (10.0, 24.0, 2.0)
    # Its front face sits at z = 2, drawn 0.5 * 2 = 1 unit along the 40-degree axis.
    shift = np.array([math.cos(math.radians(40)), math.sin(math.radians(40))])
    front = ax.patches[0].get_xy()[:4]
    assert np.allclose(front, np.array([[10, 24], [13, 24], [13, 29], [10, 29]]) + shift)


def test_filter_outside_the_volume_is_refused() -> None:
    """Does a 5x5 filter at column 28 of a 32-wide volume raise an error naming row and column?"""
    with pytest.raises(ValueError, match=r"\(row, col\) = \(0, 28\) must lie inside the 32x32x3 volume"):
        drawing.draw_filter(Figure().subplots(), (0, 0, 0), Volume(32, 32, 3), 5, row=0, col=28)


def test_right_of_clears_the_receding_side() -> None:
    """Is the arrow start of a 32x32x3 box at 40 degrees x = 3 + 16 cos 40 + margin 1, past its side face?"""
    x = drawing.right_of((5, 0, 0), Volume(32, 32, 3), projection=Projection(40, 0.5))
    side = drawing.box_faces((5, 0, 0), (3, 32, 32), Projection(40, 0.5))["side"]
    assert x == pytest.approx(5 + 3 + 16 * math.cos(math.radians(40)) + 1)
    assert x == pytest.approx(side[:, 0].max() + 1)
