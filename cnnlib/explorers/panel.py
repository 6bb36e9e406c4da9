"""What every explorer shares: the two-way display, the static HTML/JS panel, PNG encoding.

An :class:`Explorer` displays two ways at once. In a live JupyterLab kernel it
is an ipywidgets panel that recomputes with cnnlib on every change. In the
static HTML book it is a small self-contained HTML/JS panel (built by
:func:`panel` from the scripts in ``js/``) whose numbers were all computed by
cnnlib when the book was built, so it responds to the reader with no kernel
and no network.

ipywidgets and Pillow are imported inside the functions that need them, so
``import cnnlib`` stays light.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

_counter = itertools.count()


@dataclass
class Explorer:
    """An explorer that shows an ipywidget in a live kernel and HTML/JS in the static book.

    Args:
        html: the self-contained panel (markup, data and script) for the HTML book.
        make_widget: builds the ipywidgets panel; called only when the explorer is displayed.

    >>> Explorer("<p>static</p>")._repr_mimebundle_()["text/html"]
    '<p>static</p>'
    """

    html: str
    make_widget: Callable[[], Any] | None = field(default=None, repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        # Both views in one bundle: JupyterLab picks the widget, the book (whose
        # config drops the widget mime type) picks the HTML.
        bundle: dict[str, Any] = {"text/plain": "explorer (open the book or JupyterLab to use it)"}
        if self.make_widget is not None:
            bundle.update(self.make_widget()._repr_mimebundle_())
        bundle["text/html"] = self.html
        return bundle


def new_uid(prefix: str) -> str:
    """A page-unique element id for one panel: ``prefix`` and a running count.

    >>> new_uid("demo").startswith("demo-")
    True
    """
    # Counted rather than random, so that a rebuilt page is byte-identical.
    return f"{prefix}-{next(_counter)}"


def slider(uid: str, name: str, label: str, values: Sequence[float], value: float) -> str:
    """A labelled range input that steps through ``values``, starting at ``value``, with its value echoed.

    >>> 'data-values="1,2,4"' in slider("demo-0", "S", "stride S", (1, 2, 4), 2)
    True
    """
    return control(
        f'<label for="{uid}-{name}">{html.escape(label)} <output id="{uid}-{name}-v">{value:g}</output></label>'
        f'<input type="range" id="{uid}-{name}" name="{name}" min="0" max="{len(values) - 1}" step="1" '
        f'value="{list(values).index(value)}" data-values="{",".join(f"{v:g}" for v in values)}">'
    )


def position_slider(uid: str, name: str, label: str, shown: str = "") -> str:
    """A labelled range input over output positions; the panel's script sets its maximum with ``position``.

    >>> 'name="step" min="0" max="0"' in position_slider("demo-0", "step", "window position")
    True
    """
    return control(
        f'<label for="{uid}-{name}">{label} <output id="{uid}-{name}-v">{shown}</output></label>'
        f'<input type="range" id="{uid}-{name}" name="{name}" min="0" max="0" value="0">'
    )


def select(uid: str, name: str, label: str, options: dict[str, str]) -> str:
    """A labelled drop-down; ``options`` maps each value to the text shown for it.

    >>> select("demo-0", "mode", "pooling", {"max": "max"})[26:-7]
    '<label for="demo-0-mode">pooling</label><select id="demo-0-mode" name="mode"><option value="max">max</option></select>'
    """
    choices = "".join(f'<option value="{k}">{v}</option>' for k, v in options.items())
    return control(f'<label for="{uid}-{name}">{label}</label><select id="{uid}-{name}" name="{name}">{choices}</select>')


def checkbox(uid: str, name: str, label: str, checked: bool = False) -> str:
    """A labelled check box; the panel's script reads it with ``val(name)`` as true or false.

    >>> 'type="checkbox" id="demo-0-floor" name="floor" checked' in checkbox("demo-0", "floor", "floor", True)
    True
    """
    state = " checked" if checked else ""
    return control(f'<input type="checkbox" id="{uid}-{name}" name="{name}"{state}>'
                   f'<label for="{uid}-{name}">{html.escape(label)}</label>')


def control(markup: str) -> str:
    """Wrap one control's label and input in a unit that never breaks across lines (see explorers.css).

    >>> control("<label>x</label><input>")
    '<span class="cnn-control"><label>x</label><input></span>'
    """
    return f'<span class="cnn-control">{markup}</span>'


@functools.cache
def script(*names: str) -> str:
    """The JavaScript files ``js/<name>.js`` shipped with cnnlib.explorers, joined in order.

    The scripts live in files of their own, so that editors, linters and the tests
    read them as JavaScript (see ``tests/cnnlib/explorers``).

    >>> "function rule(" in script("output_size_rule")
    True
    """
    folder = resources.files(__package__) / "js"
    return "\n".join((folder / f"{name}.js").read_text(encoding="utf-8") for name in names)


def panel(uid: str, kind: str, controls: str, outputs: str, data: object, code: str) -> str:
    """One self-contained explorer panel: controls, outputs, ``data`` as JSON and the script that redraws.

    ``code`` runs after ``js/panel.js``, with ``root`` (the panel), ``data``,
    ``val(name)``, ``$(selector)`` and ``position(n, name)`` in scope.

    >>> panel("demo-0", "demo", "", "", {"a": 1}, "")[:60]
    '<div class="cnn-explorer" id="demo-0" data-explorer="demo"><'
    """
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    common = script("panel")
    return (
        f'<div class="cnn-explorer" id="{uid}" data-explorer="{kind}">'
        f'<div class="cnn-controls">{controls}</div>'
        f'<div class="cnn-output" data-explorer-output aria-live="polite">{outputs}</div>'
        f'<script type="application/json">{payload}</script>'
        f"<script>(function(){{const root=document.getElementById({json.dumps(uid)});\n{common}\n{code}}})();</script>"
        "</div>"
    )


def png_data_uri(image: np.ndarray, scale: int = 1) -> str:
    """Encode an (H, W) or (H, W, 3) float image in [0, 1] as a base64 PNG data URI.

    ``scale`` repeats every pixel, so a small filter stays crisp when shown large.

    >>> png_data_uri(np.zeros((2, 2)))[:22]
    'data:image/png;base64,'
    """
    from PIL import Image

    pixels = np.clip(np.asarray(image, dtype=np.float64), 0, 1)
    pixels = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray((pixels * 255).round().astype(np.uint8)).save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def range_slider(value: int, values: range, description: str) -> Any:
    """An ipywidgets ``IntSlider`` over a step-1 ``values`` range, starting at ``value``.

    >>> range_slider(2, range(1, 5), "S").max
    4
    """
    import ipywidgets as widgets

    return widgets.IntSlider(value, values.start, values.stop - 1, description=description)


def redraw_on_change(update: Callable[..., None], controls: Sequence[Any]) -> None:
    """Call ``update`` now and whenever one of the ipywidgets ``controls`` changes value.

    >>> import ipywidgets
    >>> box = ipywidgets.IntText(1)
    >>> redraw_on_change(lambda _=None: print(box.value), [box])
    1
    >>> box.value = 2
    2
    """
    for control in controls:
        control.observe(update, names="value")
    update()
