"""The output-size explorer: N, F, S, P and dilation, the window over the padded grid, the rule evaluated.

Every number comes from :mod:`cnnlib.shapes`; the static panel carries the
whole table of settings so that it answers with no kernel. Its script
(``js/output_size_rule.js`` and ``js/output_size.js``) is the twin of
:func:`output_size_text` and :func:`draw_windows`; a test runs it with node
and checks it against them over every setting.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from cnnlib.explorers.panel import Explorer, new_uid, panel, position_slider, range_slider, script, slider
from cnnlib.ops.geometry import conv_geometry
from cnnlib.shapes import conv_output_size, effective_kernel_size

# The explorer's ranges: wide enough for every example of the lecture (up to its
# 32x32 input with F = 5, P = 2), small enough that the precomputed table keeps a page light.
SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS = range(3, 33), range(1, 8), range(1, 5), range(0, 4), range(1, 4)
# The table's axes, N slowest; the panel's script indexes the table in this order.
_AXES = (SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS)


def output_size_code(n: int, f: int, s: int, p: int, d: int) -> int:
    """Classify one setting with :func:`~cnnlib.shapes.conv_output_size`.

    Returns the output size when the filter fits exactly, minus the number of
    positions that fit (PyTorch's floor) when the stride does not fit, and 0
    when the filter is larger than the padded input.

    >>> output_size_code(7, 3, 2, 0, 1), output_size_code(7, 3, 3, 0, 1), output_size_code(3, 5, 1, 0, 1)
    (3, -2, 0)
    """
    if effective_kernel_size(f, d) > n + 2 * p:
        return 0
    try:
        return conv_output_size(n, f, s, p, d)
    except ValueError:
        return -conv_output_size(n, f, s, p, d, floor=True)


def output_size_table() -> list[int]:
    """:func:`output_size_code` for every (N, F, S, P, dilation) of the explorer's ranges, N slowest.

    >>> table = output_size_table()
    >>> len(table) == len(SIZES) * len(KERNELS) * len(STRIDES) * len(PADDINGS) * len(DILATIONS)
    True
    """
    return [output_size_code(*c) for c in itertools.product(*_AXES)]


def output_size_text(n: int, f: int, s: int = 1, p: int = 0, dilation: int = 1) -> str:
    """The rule evaluated for one setting, or why the filter does not fit, in words.

    With dilation D above 1 the rule uses the dilated filter size D(F - 1) + 1,
    and the text says so with the numbers filled in.

    >>> output_size_text(7, 3, 2)
    '(N - F + 2P)/S + 1 = (7 - 3 + 2*0)/2 + 1 = 3: a 3x3 output'
    >>> output_size_text(7, 3, 1, 0, 2)
    "F' = D(F - 1) + 1 = 2(3 - 1) + 1 = 5; (N - F' + 2P)/S + 1 = (7 - 5 + 2*0)/1 + 1 = 3: a 3x3 output"
    """
    extent = effective_kernel_size(f, dilation)
    code = output_size_code(n, f, s, p, dilation)
    if code == 0:
        return f"does not fit: the filter spans {extent} positions, more than the padded input {n + 2 * p}"
    text = f"(N - F + 2P)/S + 1 = ({n} - {extent} + 2*{p})/{s} + 1 = "
    if dilation > 1:
        text = (f"F' = D(F - 1) + 1 = {dilation}({f} - 1) + 1 = {extent}; "
                f"(N - F' + 2P)/S + 1 = ({n} - {extent} + 2*{p})/{s} + 1 = ")
    if code > 0:
        return text + f"{code}: a {code}x{code} output"
    return text + f"{(n - extent + 2 * p) / s + 1:.2f}, not an integer: stride {s} does not fit"


def draw_windows(ax: Any, n: int, f: int, s: int = 1, p: int = 0, dilation: int = 1, step: int = 0) -> str:
    """Draw the padded N x N grid with the filter window at output position ``step`` (row-major).

    Padding is grey, the window's taps blue; where the stride does not fit, the
    rows and columns no window reaches are red. Returns :func:`output_size_text`.

    Args:
        ax: a matplotlib Axes to draw on.
        n, f, s, p, dilation: input size N, filter size F, stride S, padding P, dilation.
        step: which output position to draw the window at (wraps around).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_windows(ax, 7, 3, 3)
    '(N - F + 2P)/S + 1 = (7 - 3 + 2*0)/3 + 1 = 2.33, not an integer: stride 3 does not fit'
    >>> plt.close(fig)
    """
    from matplotlib.patches import Rectangle

    code, extent, m = output_size_code(n, f, s, p, dilation), effective_kernel_size(f, dilation), n + 2 * p
    count = abs(code)
    # The windows as every op of cnnlib.ops reads them; where the stride does not fit, the ones that do.
    g = conv_geometry(np.zeros((1, 1, n, n)), np.zeros((1, 1, f, f)), None, s, p, dilation, 1, floor=True) if count else None
    reach = g.window(count - 1, count - 1)[0].stop if g is not None else 0  # the rows and columns some window covers
    for r, c in itertools.product(range(m), repeat=2):
        pad = min(r, c) < p or max(r, c) >= n + p
        missed = code < 0 and max(r, c) >= reach
        colour = "#f2b8b5" if missed else ("#d9d9d9" if pad else "white")
        ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="#555"))
    if g is not None:
        rows, cols = g.window(*divmod(step % (count * count), count))
        for r, c in itertools.product(range(m)[rows], range(m)[cols]):
            ax.add_patch(Rectangle((c, r), 1, 1, color="#1f77b4", alpha=0.55))
        ax.add_patch(Rectangle((cols.start, rows.start), extent, extent, fill=False, edgecolor="#0b3d91", linewidth=3))
    ax.set(xlim=(0, m), ylim=(m, 0), aspect="equal", xticks=[], yticks=[])
    text = output_size_text(n, f, s, p, dilation)
    ax.set_title(f"N={n}, F={f}, S={s}, P={p}" + (f", dilation {dilation}" if dilation > 1 else ""), fontsize=10)
    return text


def output_size_explorer(n: int = 7, f: int = 3, s: int = 1, p: int = 0, dilation: int = 1) -> Explorer:
    """Sliders for N, F, S, P and dilation; the window drawn over the padded grid and the rule evaluated.

    Args:
        n, f, s, p, dilation: the setting shown first; each must lie in its range (``SIZES``...).

    >>> "does not fit" in output_size_explorer(7, 3, 3).html
    True
    """
    uid = new_uid("output-size")
    controls = "".join(
        slider(uid, name, label, values, value)
        for name, label, values, value in (
            ("N", "input size N", SIZES, n), ("F", "filter size F", KERNELS, f), ("S", "stride S", STRIDES, s),
            ("P", "padding P", PADDINGS, p), ("D", "dilation", DILATIONS, dilation),
        )
    )
    controls += position_slider(uid, "step", "window position") + '<button type="button">Slide</button>'
    outputs = '<div class="cnn-figure"></div><p class="cnn-formula"></p>'
    data = {"axes": [list(r) for r in _AXES], "table": output_size_table()}
    return Explorer(
        panel(uid, "output-size", controls, outputs, data, script("output_size_rule", "output_size")),
        lambda: _output_size_widget(n, f, s, p, dilation),
    )


def _output_size_widget(n: int, f: int, s: int, p: int, dilation: int) -> Any:
    import ipywidgets as widgets

    sliders = {
        "n": range_slider(n, SIZES, "N"),
        "f": range_slider(f, KERNELS, "F"),
        "s": range_slider(s, STRIDES, "S"),
        "p": range_slider(p, PADDINGS, "P"),
        "dilation": range_slider(dilation, DILATIONS, "dilation"),
        "step": widgets.IntSlider(0, 0, 63, description="position"),
    }

    def show(**kwargs: int) -> None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4, 4))
        print(draw_windows(ax, **kwargs))
        plt.show()
        plt.close(fig)

    out = widgets.interactive_output(show, sliders)
    return widgets.HBox([widgets.VBox(list(sliders.values())), out])
