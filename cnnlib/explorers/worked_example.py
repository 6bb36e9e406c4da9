"""The multi-channel worked example, step by step: CS231n's convolution demo, every number from cnnlib.

A 5x5x3 input padded by 1, two 3x3x3 filters with biases, stride 2: a 3x3x2
output. The reader steps through (or plays) the 18 output neurons; for each,
the panel highlights the 3x3x3 window of the padded input and the filter that
produce it, and writes the sum channel by channel. The padded input comes from
cnnlib's :class:`~cnnlib.ops.geometry.Geometry` and the output from
:func:`cnnlib.conv2d_reference`; the page's script (``js/worked_example_step.js``,
no DOM, tested under node against cnnlib and torch) only reads the shipped
numbers and adds them up for the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlib.explorers.panel import Explorer, control, new_uid, panel, script
from cnnlib.ops.conv import conv2d_reference
from cnnlib.ops.geometry import conv_geometry


@dataclass(frozen=True)
class WorkedExample:
    """One multi-channel convolution, with everything the panel shows.

    Shapes: ``x`` (C, H, W), ``padded`` (C, H + 2P, W + 2P), ``w`` (K, C, F, F),
    ``b`` (K,), ``out`` (K, H2, W2), as cnnlib's NCHW ops without the batch axis.
    """

    x: np.ndarray
    padded: np.ndarray
    w: np.ndarray
    b: np.ndarray
    stride: int
    padding: int
    out: np.ndarray


def worked_example(seed: int = 0, size: int = 5, channels: int = 3, filters: int = 2, f: int = 3,
                   stride: int = 2, padding: int = 1) -> WorkedExample:
    """CS231n's demo: integer inputs in {0, 1, 2}, weights in {-1, 0, 1}, biases 1 and 0, convolved by cnnlib.

    >>> ex = worked_example()
    >>> ex.padded.shape, ex.out.shape
    ((3, 7, 7), (2, 3, 3))
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (channels, size, size)).astype(np.float64)
    w = rng.integers(-1, 2, (filters, channels, f, f)).astype(np.float64)
    b = np.array([1.0, 0.0] + [0.0] * (filters - 2))[:filters]
    geometry = conv_geometry(x[None], w, b, stride, padding, 1, 1)
    out = conv2d_reference(x[None], w, b, stride=stride, padding=padding)[0]
    return WorkedExample(x, geometry.pad(x[None])[0], w, b, stride, padding, out)


def _grid(values: np.ndarray, caption: str, attributes: str, pad: int = 0) -> str:
    """One 2-D slice as an HTML table; each cell carries ``data-r``/``data-c`` and ``attributes``."""
    size = values.shape[0]
    rows = "".join(
        "<tr>" + "".join(
            f'<td data-r="{r}" data-c="{c}"{" class=cnn-pad" if min(r, c) < pad or max(r, c) >= size - pad else ""}>'
            f"{v:g}</td>" for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(values)
    )
    return f'<table class="cnn-grid" {attributes}><caption>{caption}</caption>{rows}</table>'


def worked_example_explorer(example: WorkedExample | None = None) -> Explorer:
    """Step through (or play) the output neurons of ``example`` (default :func:`worked_example`).

    Each step highlights the window of the padded input, the filter and the
    output neuron, and writes its sum channel by channel. Keys: left and right
    arrows step, space plays and pauses (when the panel has focus).

    >>> 'data-explorer="worked-example"' in worked_example_explorer().html
    True
    """
    ex = example or worked_example()
    (C, M, _), (K, _, F, _), (_, H2, W2) = ex.padded.shape, ex.w.shape, ex.out.shape
    H = ex.x.shape[1]
    inputs = "".join(_grid(ex.padded[c], f"channel {c}", f'data-x="{c}"', ex.padding) for c in range(C))
    weights = "".join(
        f'<div class="cnn-filter" data-k="{k}"><p class="cnn-name">filter W{k} ({F}x{F}x{C})</p>'
        + "".join(_grid(ex.w[k, c], f"channel {c}", f'data-w="{k}"') for c in range(C))
        + f'<p class="cnn-bias">bias b{k} = {ex.b[k]:g}</p></div>'
        for k in range(K)
    )
    outputs = "".join(_grid(ex.out[k], f"map {k}", f'data-o="{k}"') for k in range(K))
    uid = new_uid("worked-example")
    count = K * H2 * W2
    controls = (
        '<button type="button" data-step="-1" aria-label="previous neuron">&#9664; previous</button>'
        '<button type="button" data-play>play</button>'
        '<button type="button" data-step="1" aria-label="next neuron">next &#9654;</button>'
        + control(f'<label for="{uid}-n">output neuron <output id="{uid}-n-v"></output></label>'
                  f'<input type="range" id="{uid}-n" name="n" min="0" max="{count - 1}" value="0">')
    )
    # The sentence first, so that it stays in sight beside the buttons while the reader steps.
    view = (
        '<p class="cnn-formula"></p><div class="cnn-worked">'
        f'<div class="cnn-part"><p class="cnn-name">input {H}x{H}x{C}, padded by {ex.padding} ({M}x{M}x{C})</p>'
        f"{inputs}</div>"
        f'<div class="cnn-part">{weights}</div>'
        f'<div class="cnn-part"><p class="cnn-name">output {H2}x{W2}x{K} (stride {ex.stride})</p>{outputs}</div>'
        '</div>'
    )
    data = {"x": ex.padded.tolist(), "w": ex.w.tolist(), "b": ex.b.tolist(), "out": ex.out.tolist(),
            "stride": ex.stride}
    return Explorer(panel(uid, "worked-example", controls, view, data, script("worked_example_step", "worked_example")))
