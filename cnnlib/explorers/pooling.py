"""The pooling explorer: max or average pooling of a small grid, one output's window highlighted.

The numbers come from :mod:`cnnlib.ops.pooling`, and so does the message shown when
a window does not fit; the highlighted windows come from :mod:`cnnlib.ops.geometry`.
A check box applies PyTorch's floor rule (drop the positions that do not fit), so
the lecture's F=3, S=2 on an even input shows what ``nn.MaxPool2d`` computes.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import numpy as np

from cnnlib.explorers.panel import (
    Explorer,
    checkbox,
    new_uid,
    panel,
    position_slider,
    range_slider,
    redraw_on_change,
    script,
    select,
    slider,
)
from cnnlib.ops.geometry import pool_geometry
from cnnlib.ops.pooling import avg_pool2d_fast, max_pool2d_fast

# Window sizes and strides the static panel stores: the lecture's 2x2 and 3x3 and a little beyond.
POOL_SIZES = range(1, 5)

_POOLS = {"max": max_pool2d_fast, "average": avg_pool2d_fast}


def pool_tables_html(x: np.ndarray, mode: str, f: int, s: int, floor: bool = False) -> str:
    """Input and output of one pooling as two HTML tables, computed by cnnlib (or cnnlib's refusal).

    Input cells carry ``data-r``/``data-c``, output cells ``data-k`` (row-major)
    so that the page's script can highlight a window.

    Args:
        x: an (H, W) grid of numbers.
        mode: "max" or "average".
        f, s: the window size F and stride S.
        floor: drop the last positions when the stride does not fit, as PyTorch does.

    >>> x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4.0]])
    >>> "<td data-k=\\"1\\">8</td>" in pool_tables_html(x, "max", 2, 2)
    True
    """
    pool = _POOLS[mode]
    cells = "".join(
        "<tr>" + "".join(f'<td data-r="{r}" data-c="{c}">{v:g}</td>' for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(x)
    )
    table = f'<table class="cnn-grid"><caption>input {x.shape[0]}x{x.shape[1]}</caption>{cells}</table>'
    try:
        out = pool(x[None, None].astype(np.float64), f, s, floor=floor)[0, 0]
    except ValueError as error:
        return table + f'<p class="cnn-error">does not fit: {html.escape(str(error))}</p>'
    w2 = out.shape[1]
    cells = "".join(
        "<tr>" + "".join(f'<td data-k="{r * w2 + c}">{v:.3g}</td>' for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(out)
    )
    dropped = floor and (x.shape[0] - f) % s != 0
    caption = f"{mode} pooling {f}x{f}, stride {s}: output {out.shape[0]}x{w2}" + (" (floor)" if dropped else "")
    return table + f'<table class="cnn-grid"><caption>{caption}</caption>{cells}</table>'


def pool_windows(size: int, f: int, s: int, floor: bool = False) -> list[list[int]]:
    """Each output cell's window on a ``size`` x ``size`` grid, row-major, as [top, bottom, left, right].

    The rows ``top:bottom`` and columns ``left:right`` come from
    :mod:`cnnlib.ops.geometry`, so the page highlights what the pooling reads.
    An empty list where the window does not fit (with ``floor``, where it is larger than the grid).

    >>> pool_windows(4, 2, 2)
    [[0, 2, 0, 2], [0, 2, 2, 4], [2, 4, 0, 2], [2, 4, 2, 4]]
    >>> pool_windows(4, 3, 2), pool_windows(4, 3, 2, floor=True)
    ([], [[0, 3, 0, 3]])
    """
    try:
        g = pool_geometry(np.zeros((1, 1, size, size)), f, s, 0, floor=floor)
    except ValueError:
        return []
    windows = (g.window(i, j) for i, j in itertools.product(range(g.H2), range(g.W2)))
    return [[rows.start, rows.stop, cols.start, cols.stop] for rows, cols in windows]


def pooling_explorer(x: np.ndarray, f: int = 2, s: int = 2) -> Explorer:
    """Max or average pooling of a small square grid, with the window of one output highlighted.

    Args:
        x: an (H, H) grid of numbers (e.g. the lecture's 4x4 or an 8x8 digit).
        f, s: the window size and stride shown first, each in ``POOL_SIZES``.

    >>> 'data-explorer="pooling"' in pooling_explorer(np.eye(4)).html
    True
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ValueError(f"x must be a square (H, H) grid, got shape {x.shape}")
    # Keyed "mode|F|S|floor" (floor 0 or 1), the key the panel's script builds.
    tables = {
        f"{m}|{a}|{b}|{int(fl)}": pool_tables_html(x, m, a, b, fl)
        for m, a, b, fl in itertools.product(_POOLS, POOL_SIZES, POOL_SIZES, (False, True))
    }
    uid = new_uid("pooling")
    controls = (
        select(uid, "mode", "pooling", {m: m for m in _POOLS})
        + slider(uid, "F", "window F", POOL_SIZES, f)
        + slider(uid, "S", "stride S", POOL_SIZES, s)
        + checkbox(uid, "floor", "floor rule (PyTorch): drop what does not fit")
        + position_slider(uid, "window", "output cell (row, col)", shown="(0, 0)")
    )
    outputs = f'<div class="cnn-tables">{tables[f"max|{f}|{s}|0"]}</div>'
    windows = {
        f"{a}|{b}|{int(fl)}": pool_windows(len(x), a, b, fl)
        for a, b, fl in itertools.product(POOL_SIZES, POOL_SIZES, (False, True))
    }
    return Explorer(panel(uid, "pooling", controls, outputs, {"tables": tables, "windows": windows}, script("pooling")),
                    lambda: _pooling_widget(x, f, s))


def _pooling_widget(x: np.ndarray, f: int, s: int) -> Any:
    import ipywidgets as widgets

    mode = widgets.Dropdown(options=list(_POOLS), description="pooling")
    size, stride = range_slider(f, POOL_SIZES, "F"), range_slider(s, POOL_SIZES, "S")
    floor = widgets.Checkbox(False, description="floor rule (PyTorch)")
    view = widgets.HTML()

    def update(_: object = None) -> None:
        view.value = pool_tables_html(x, mode.value, size.value, stride.value, floor.value)

    redraw_on_change(update, (mode, size, stride, floor))
    return widgets.VBox([widgets.HBox([mode, size, stride, floor]), view])
