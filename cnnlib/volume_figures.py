"""The lecture's volume figures for part 1 of the book, drawn with :mod:`cnnlib.drawing`.

Each function returns a framed matplotlib Figure (show it with
:func:`cnnlib.drawing.svg`); the tests check its geometry: width and height on
the front face, depth going back, one box per filter, and labels apart from
boxes and inside the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnlib.drawing import (
    EDGE_COLOUR,
    FILTER_COLOUR,
    FONT_SIZE,
    LABEL_PAD,
    MAP_COLOURS,
    Projection,
    Volume,
    connect,
    draw_box,
    draw_filter,
    draw_slice,
    draw_volume,
    draw_volumes,
    fit,
    label,
    right_of,
)

_VIEW = Projection()
# See-through volumes, so that a window, column or slice drawn inside them reads as inside.
_GLASS = 0.3


def new_figure(width: float, height: float, rows: int = 1) -> tuple[Any, list[Any]]:
    """A figure (``width`` x ``height`` inches, no pyplot state) with ``rows`` axes stacked; returns (fig, axes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0].tolist()
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1, hspace=0.08)
    return fig, axes


def point_to(ax: Any, text: str, target: Sequence[float], anchor: Sequence[float]) -> None:
    """Write ``text`` at 3-D point ``anchor`` (above a box) with an arrow to 3-D point ``target``."""
    ax.annotate(text, tuple(_VIEW(target)), xytext=tuple(_VIEW(anchor)), ha="center", va="bottom", fontsize=FONT_SIZE,
                arrowprops={"arrowstyle": "->", "color": EDGE_COLOUR, "linewidth": 0.8, "shrinkA": 1, "shrinkB": 1})


def conv_layer_figure(filter_counts: Sequence[int] = (1, 2, 6)) -> Any:
    """One row per count k: a 32x32x3 input, k 5x5x3 filters (one box each), k 28x28 activation maps.

    The 5x5x3 window the filters are looking at is drawn through the input's
    full depth; filter i and map i share a colour.
    """
    for k in filter_counts:
        if not 1 <= k <= len(MAP_COLOURS):
            raise ValueError(f"filter_counts must lie in [1, {len(MAP_COLOURS)}], got {k}")
    scale = 3.0
    fig, axes = new_figure(4.4, 2.3 * len(filter_counts), rows=len(filter_counts))
    image, kernel = Volume(32, 32, 3), Volume(5, 5, 3)
    for row, (ax, k) in enumerate(zip(axes, filter_counts, strict=True)):
        maps = Volume(28, 28, k)
        # Input, then room for the filters, then the maps.
        bank_columns = 1 if k <= 3 else 2
        bank_width = bank_columns * (right_of((0, 0, 0), kernel, scale, _VIEW, margin=2.5))
        (at_input,) = draw_volumes(ax, [image], ["input"], depth_scale=scale, alpha=_GLASS, named=row == 0)
        window = draw_filter(ax, at_input, image, 5, row=6, col=20, depth_scale=scale)
        bank_x = right_of(at_input, image, scale, _VIEW, margin=11)
        at_maps = (bank_x + bank_width + 9, 2.0, 0.0)
        draw_volume(ax, at_maps, maps, f"{k} map{'s' if k > 1 else ''}", scale, _VIEW, box=False)
        for d in reversed(range(k)):  # back to front: nearer maps hide farther ones
            draw_slice(ax, at_maps, maps, d, depth_scale=scale, colour=MAP_COLOURS[d], role="map")
        tops = []
        for i in range(k):
            column, level = divmod(i, 3)
            origin = (bank_x + column * bank_width / bank_columns, 26.0 - level * 10.5 - (3 - min(k, 3)) * 5.0, 0.0)
            draw_box(ax, origin, kernel.size(scale), MAP_COLOURS[i], _VIEW, role="filter")
            tops.append(origin)
        bottom = min(t[1] for t in tops)
        label(ax, (bank_x + bank_width / 2 - 1, bottom, 0), f"{k} filter{'s' if k > 1 else ''}\n5x5x3",
              (0, -LABEL_PAD), va="top", projection=_VIEW)
        middle = window[1] + 2.5
        connect(ax, (right_of(at_input, image, scale, _VIEW, margin=1), middle, 0), (bank_x - 1, middle, 0))
        connect(ax, (bank_x + bank_width - 1, middle, 0), (at_maps[0] - 1, middle, 0))
    return fit(fig)


def convnet_figure() -> Any:
    """The lecture's ConvNet: 32x32x3, CONV and ReLU with six 5x5x3 filters, 28x28x6, ten 5x5x6 filters, 24x24x10."""
    fig, (ax,) = new_figure(4.4, 2.4)
    volumes = [Volume(32, 32, 3), Volume(28, 28, 6), Volume(24, 24, 10)]
    scale = 2.5
    at = draw_volumes(ax, volumes, ["input", "", ""], gap=44, depth_scale=scale)
    texts = ("CONV, ReLU\n6 filters\n5x5x3", "CONV, ReLU\n10 filters\n5x5x6")
    # The arrows pass above the height labels (at mid-height); their text stands above every box.
    for a, b, v, text in zip(at[:2], at[1:], volumes[:2], texts, strict=True):
        start, end = right_of(a, v, scale, _VIEW, margin=1), b[0] - 1
        connect(ax, (start, 27, 0), (end, 27, 0))
        label(ax, ((start + end) / 2, 36, 0), text, va="bottom", projection=_VIEW)
    return fit(fig)


def two_volumes(volumes: Sequence[Volume], names: Sequence[str], gap: float, scale: float, arrow_y: float,
                text: str, height: float = 2.6) -> tuple[Any, Any, list[tuple[float, float, float]]]:
    """Two see-through volumes side by side joined by an arrow at height ``arrow_y``; returns (fig, ax, origins)."""
    fig, (ax,) = new_figure(4.4, height)
    at = draw_volumes(ax, volumes, names, gap=gap, depth_scale=scale, alpha=_GLASS)
    connect(ax, (right_of(at[0], volumes[0], scale, _VIEW, margin=1.5), arrow_y, 0), (at[1][0] - 1.5, arrow_y, 0), text)
    return fig, ax, at


def one_by_one_figure() -> Any:
    """A 56x56x64 volume through 32 1x1x64 filters: one filter drawn as a column through the full depth."""
    volumes, scale = [Volume(56, 56, 64), Volume(56, 56, 32)], 0.6
    fig, ax, at = two_volumes(volumes, ["input", "output"], 48, scale, 40, "32 filters\n1x1x64")
    column = draw_filter(ax, at[0], volumes[0], 1, row=8, col=40, depth_scale=scale, role="column")
    draw_filter(ax, at[1], volumes[1], 1, row=8, col=40, depth_scale=scale, role="column")
    point_to(ax, "one 1x1x64 filter", (column[0] + 0.5, column[1] + 1, 0), (at[0][0] + 16, 56 + 5, 64 * scale))
    return fit(fig)


def depth_column_figure() -> Any:
    """A 5x5x3 region of the 32x32x3 input and the depth column of five neurons in the 28x28x5 output that see it."""
    image, maps, scale = Volume(32, 32, 3), Volume(28, 28, 5), 3.0
    fig, ax, at = two_volumes([image, maps], ["input", "conv layer"], 30, scale, 32 - 6 - 2.5, "5 neurons,\n1 region")
    draw_filter(ax, at[0], image, 5, row=6, col=20, depth_scale=scale)
    x, y, z = at[1]
    for d in reversed(range(maps.depth)):  # one neuron per activation map, back to front
        draw_box(ax, (x + 20, y + maps.height - 6 - 1, z + d * scale), (1, 1, scale), FILTER_COLOUR, _VIEW,
                 role="neuron")
    point_to(ax, "depth column", (x + 20.5, y + maps.height - 6, z), (x + 6, y + maps.height + 3, 5 * scale))
    return fit(fig)


def pooling_figure() -> Any:
    """Pooling 224x224x64 with 2x2 windows, stride 2, to 112x112x64: one activation map drawn inside each volume."""
    volumes, scale = [Volume(224, 224, 64), Volume(112, 112, 64)], 1.5
    fig, ax, at = two_volumes(volumes, ["input", "pooled"], 150, scale, 150, "pool 2x2,\nstride 2", height=2.8)
    for origin, volume in zip(at, volumes, strict=True):
        draw_slice(ax, origin, volume, 40, depth_scale=scale, colour=FILTER_COLOUR)
    return fit(fig)


__all__ = ["conv_layer_figure", "convnet_figure", "depth_column_figure", "new_figure", "two_volumes",
           "one_by_one_figure", "pooling_figure"]
