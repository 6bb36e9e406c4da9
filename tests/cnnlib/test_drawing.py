"""Tests for cnnlib.drawing and cnnlib.volume_figures: the boxes' geometry against numbers worked by hand,
and the book's volume figures as the lecture draws them (width and height on the front face, depth going back,
one box per filter, labels inside the figure and apart from every box)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnlib import drawing, volume_figures
from cnnlib.drawing import Projection, Volume


@pytest.fixture(autouse=True)
def agg() -> None:
    matplotlib.use("Agg")


def boxes(ax: object, role: str) -> list[np.ndarray]:
    """The front faces (each a (4, 2) polygon in data units) of the boxes drawn with ``role``."""
    return [p.get_xy()[:4] for p in ax.patches if p.get_label() == f"{role}:front"]


def faces(ax: object, role: str, face: str) -> list[np.ndarray]:
    return [p.get_xy()[:4] for p in ax.patches if p.get_label() == f"{role}:{face}"]


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


def test_volume_puts_width_and_height_on_the_front_and_depth_back() -> None:
    """Is a 28x24x6 volume labelled "28x24x6", with width along x, height along y and depth (scaled) along z?"""
    volume = Volume(height=28, width=24, depth=6)
    assert volume.label == "28x24x6"
    assert volume.size(depth_scale=2) == (24, 28, 12)


def test_volume_refuses_an_empty_side() -> None:
    """Does a volume of depth 0 raise an error naming the side?"""
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        Volume(4, 4, 0)


def test_layout_puts_volumes_side_by_side_with_the_gap() -> None:
    """For 32x32x3 then 28x28x6 at 40 degrees, r = 0.5, gap 10: is the second at x = 32 + 1.5 cos 40 + 10, y = 2?"""
    origins = drawing.layout([Volume(32, 32, 3), Volume(28, 28, 6)], gap=10, projection=Projection(40, 0.5))
    assert origins[0] == (0.0, 0.0, 0.0)
    assert origins[1] == pytest.approx((32 + 1.5 * math.cos(math.radians(40)) + 10, 2.0, 0.0))


def test_draw_volumes_writes_each_side_on_its_edge() -> None:
    """Is the 32x32x3 input's height left of its front face, its width under it, its depth right of the receding edge?"""
    figure = Figure()
    ax = figure.subplots()
    drawing.draw_volumes(ax, [Volume(32, 24, 3)], ["input"], depth_scale=2)
    drawing.fit(figure)
    text = {t.get_text(): t for t in ax.texts}
    assert set(text) == {"height 32", "width 24", "depth 3", "input"}
    renderer = figure.canvas.get_renderer()
    front = ax.transData.transform(boxes(ax, "volume")[0])
    height, width, depth = (text[k].get_window_extent(renderer) for k in ("height 32", "width 24", "depth 3"))
    assert height.x1 < front[:, 0].min() and front[:, 1].min() < height.y0 < height.y1 < front[:, 1].max()
    assert width.y1 < front[:, 1].min() and front[:, 0].min() < width.x0 < width.x1 < front[:, 0].max()
    assert depth.x0 > front[:, 0].max()


def test_filter_spans_the_full_depth_at_its_row_and_column() -> None:
    """Is a 5x5 filter at (row, col) = (3, 2) of a 32x32x3 volume a box from x = 2, y = 32 - 3 - 5 = 24, 3 deep?"""
    figure = Figure()
    ax = figure.subplots()
    origin = drawing.draw_filter(ax, (10, 0, 0), Volume(32, 32, 3), 5, row=3, col=2, projection=Projection(40, 0.5))
    assert origin == (12.0, 24.0, 0.0)
    # Its front face is 5x5 on the volume's front; its top runs 0.5 * 3 back along the 40-degree axis.
    shift = 1.5 * np.array([math.cos(math.radians(40)), math.sin(math.radians(40))])
    assert np.allclose(boxes(ax, "window")[0], [[12, 24], [17, 24], [17, 29], [12, 29]])
    assert np.allclose(faces(ax, "window", "top")[0][2], np.array([17, 29]) + shift)


def test_filter_outside_the_volume_is_refused() -> None:
    """Does a 5x5 filter at column 28 of a 32-wide volume raise an error naming row and column?"""
    with pytest.raises(ValueError, match=r"\(row, col\) = \(0, 28\) must lie inside the 32x32x3 volume"):
        drawing.draw_filter(Figure().subplots(), (0, 0, 0), Volume(32, 32, 3), 5, row=0, col=28)


def test_right_of_clears_the_receding_side() -> None:
    """Is the arrow start of a 32x32x3 box at 40 degrees x = 32 + 1.5 cos 40 + margin 1, past its side face?"""
    x = drawing.right_of((5, 0, 0), Volume(32, 32, 3), projection=Projection(40, 0.5))
    side = drawing.box_faces((5, 0, 0), (32, 32, 3), Projection(40, 0.5))["side"]
    assert x == pytest.approx(5 + 32 + 1.5 * math.cos(math.radians(40)) + 1)
    assert x == pytest.approx(side[:, 0].max() + 1)


def test_label_clashes_finds_a_label_on_a_box_and_one_cut_off() -> None:
    """Does label_clashes name a label written over a box and one that runs off the figure's edge?"""
    figure = Figure(figsize=(3, 2))
    ax = figure.subplots()
    drawing.draw_volumes(ax, [Volume(8, 8, 2)], ["input"])
    drawing.fit(figure)
    ax.text(4, 4, "on the box")
    ax.annotate("Input 32x32x3", (0, 0), xycoords="figure fraction", ha="right")
    problems = drawing.label_clashes(figure)
    assert "'on the box' touches volume:front" in problems and "'Input 32x32x3' leaves the figure" in problems
    assert all(p.startswith(("'on the box'", "'Input 32x32x3'")) for p in problems)


FIGURES = {name: getattr(volume_figures, name)() for name in (
    "conv_layer_figure", "convnet_figure", "one_by_one_figure", "depth_column_figure", "pooling_figure")}


@pytest.mark.parametrize("name", FIGURES)
def test_every_label_of_the_books_figures_reads_clearly(name: str) -> None:
    """Is every label of the book's figure inside it, apart from every box and other label, and at least 9 px tall
    when a 390 px phone shows the figure in its text column?"""
    assert drawing.label_clashes(FIGURES[name]) == []
    assert drawing.smallest_text_px(FIGURES[name]) >= 9


@pytest.mark.parametrize("name", FIGURES)
def test_volumes_show_height_and_width_on_the_front_and_depth_going_back(name: str) -> None:
    """Is every volume's front face as wide as its width and as tall as its height, and its top face going up and to
    the right by its depth (so depth recedes into the page, as the lecture draws it)?"""
    for ax in FIGURES[name].axes:
        sizes = [t.get_text() for t in ax.texts]
        for front, top in zip(boxes(ax, "volume"), faces(ax, "volume", "top"), strict=True):
            width, height = np.ptp(front, axis=0)
            assert str(round(width)) in " ".join(sizes) and str(round(height)) in " ".join(sizes)
            back = top[2] - top[1]  # the top face's receding edge
            assert back[0] > 0 and back[1] > 0


def test_conv_layer_figure_draws_one_box_and_one_map_per_filter() -> None:
    """For 1, 2 and 6 filters, are there 1, 2 and 6 filter boxes and as many maps, each map the colour of its filter,
    and one 5x5 window through the input's full depth?"""
    for ax, k in zip(FIGURES["conv_layer_figure"].axes, (1, 2, 6), strict=True):
        filters, maps = faces(ax, "filter", "front"), faces(ax, "map", "front")
        assert len(filters) == len(maps) == k
        colours = [p.get_facecolor() for p in ax.patches if p.get_label() == "filter:front"]
        map_colours = [p.get_facecolor() for p in ax.patches if p.get_label() == "map:front"][::-1]  # drawn back first
        assert colours == map_colours
        (window,) = boxes(ax, "window")
        (volume,) = boxes(ax, "volume")
        assert np.allclose(np.ptp(window, axis=0), [5, 5])
        # The window's top face recedes as far as the input's: it goes through the full depth.
        window_top, volume_top = faces(ax, "window", "top")[0], faces(ax, "volume", "top")[0]
        assert np.allclose(window_top[2] - window_top[1], volume_top[2] - volume_top[1])
        assert (window.min(axis=0) >= volume.min(axis=0)).all() and (window.max(axis=0) <= volume.max(axis=0)).all()


def test_one_by_one_filter_and_depth_column_go_through_the_depth() -> None:
    """Is the 1x1 filter a 1x1 column as deep as the 56x56x64 input, and the depth column five neurons one behind the
    other, each one map deep, spanning the 28x28x5 output's depth?"""
    ax = FIGURES["one_by_one_figure"].axes[0]
    column, volume = faces(ax, "column", "top")[0], faces(ax, "volume", "top")[0]
    assert np.allclose(np.ptp(boxes(ax, "column")[0], axis=0), [1, 1])
    assert np.allclose(column[2] - column[1], volume[2] - volume[1])
    ax = FIGURES["depth_column_figure"].axes[0]
    neurons = boxes(ax, "neuron")
    output_top = faces(ax, "volume", "top")[1]
    assert len(neurons) == 5
    steps = np.diff([n[0] for n in neurons[::-1]], axis=0)  # front corners, nearest first
    assert np.allclose(steps * 5, output_top[2] - output_top[1])


def test_pooling_slice_lies_inside_its_volume() -> None:
    """Is the pooled activation map drawn inside each see-through volume (its faces within the volume's outline),
    not painted on its front face?"""
    ax = FIGURES["pooling_figure"].axes[0]
    for volume, inner, top in zip(boxes(ax, "volume"), boxes(ax, "slice"), faces(ax, "volume", "top"), strict=True):
        outline = np.concatenate([volume, top])
        assert (inner.min(axis=0) > outline.min(axis=0)).all() and (inner.max(axis=0) < outline.max(axis=0)).all()
    alphas = {p.get_facecolor()[3] for p in ax.patches if p.get_label().startswith("volume")}
    assert max(alphas) < 1
