"""The activation explorer, after CNN Explainer: pick an input digit, see every layer's maps and the class scores.

The values are those of :func:`cnnlib.understanding.layer_outputs` for a
trained network; the static panel stores the view of each offered digit,
computed when the book is built, so it needs no kernel.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from cnnlib.explorers.panel import Explorer, new_uid, panel, png_data_uri, redraw_on_change, script, select
from cnnlib.understanding import layer_outputs

# Shown size of a map: a 28x28 map shows 56 px wide, a 5x5 one 55 px; the PNGs keep
# their own size (the panel's CSS draws them pixelated), which keeps the page light.
_MAP_PX = 56


def _colour(values: np.ndarray, peak: float, signed: bool) -> np.ndarray:
    """Values to RGB in [0, 1]: diverging (PuOr, white at 0) when the layer has negatives, else viridis."""
    from matplotlib import colormaps

    if peak <= 0:
        return np.zeros((*values.shape, 3))
    if signed:
        return colormaps["PuOr"](0.5 + values / (2 * peak))[..., :3]
    return colormaps["viridis"](values / peak)[..., :3]


def _layer_html(name: str, kind: str, out: np.ndarray) -> str:
    """One layer's figure: a small image per activation map, or one strip for an FC layer's vector."""
    signed = bool(out.min() < 0)
    peak = float(np.abs(out).max())
    scale_note = f"colour scale {-peak if signed else 0:.3g} to {peak:.3g}"
    if out.ndim == 3:
        D, H, W = out.shape
        scale = max(1, _MAP_PX // W)
        images = "".join(
            f'<img src="{png_data_uri(_colour(m, peak, signed))}" width="{W * scale}" height="{H * scale}" style="margin:0" '
            f'alt="{html.escape(name)} ({kind}) activation map {d} of {D}, {H}x{W}" title="map {d}">'
            for d, m in enumerate(out)
        )
        shape = f"{H}x{W}x{D}"
    else:
        (D,) = out.shape
        strip = png_data_uri(_colour(out[None], peak, signed))
        # Inline sizes: the book's CSS keeps images' aspect ratio, which would make a 1xD strip 2 px tall.
        images = (f'<img src="{strip}" width="{2 * D}" height="16" style="margin:0;max-width:100%;height:16px" '
                  f'alt="{html.escape(name)} ({kind}): its {D} values as one strip of colours">')
        shape = f"{D}"
    return (f'<figure class="cnn-layer" style="margin:0 0 0.6rem 0">'
            f'<figcaption style="font-size:0.85rem">{html.escape(name)}: {kind}, {shape} ({scale_note})</figcaption>'
            f'<div style="display:flex;flex-wrap:wrap;gap:3px">{images}</div></figure>')


def _scores_html(scores: np.ndarray, class_names: Sequence[str], label: int | None) -> str:
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    best = int(scores.argmax())
    bold = ' style="font-weight:bold"'
    rows = "".join(
        f'<tr{bold if k == best else ""}><td>{html.escape(str(name))}</td><td>{s:.2f}</td>'
        f'<td>{p:.3f}</td><td style="width:8rem"><div style="background:#1f77b4;height:0.8rem;'
        f'width:{100 * p:.1f}%"></div></td></tr>'
        for k, (name, s, p) in enumerate(zip(class_names, scores, probabilities, strict=True))
    )
    truth = "" if label is None else f", true label {class_names[label]}"
    return (f'<p class="cnn-prediction">predicted {html.escape(str(class_names[best]))} '
            f"(p = {probabilities[best]:.3f}){truth}</p>"
            '<table class="cnn-scores" style="border-collapse:collapse"><caption>class scores and softmax '
            f"probabilities</caption><tr><th>class</th><th>score</th><th>p</th><th>bar</th></tr>{rows}</table>")


def activation_view_html(
    model: nn.Module, image: torch.Tensor, class_names: Sequence[str], label: int | None = None
) -> str:
    """Every layer's output for one input, then the class scores, as HTML (the explorer's output).

    Args:
        model: a trained network whose last layer gives the class scores.
        image: one input of shape (C, H, W).
        class_names: a name for each class score.
        label: the input's true class, shown beside the prediction.

    >>> from cnnlib.models import LeNet5
    >>> view = activation_view_html(LeNet5(), torch.zeros(1, 28, 28), [str(k) for k in range(10)])
    >>> view.count("<figure"), "class scores" in view
    (13, True)
    """
    if image.ndim != 3:
        raise ValueError(f"image must have shape (C, H, W), got {tuple(image.shape)}")
    outputs = layer_outputs(model, image[None])
    modules = dict(model.named_modules())
    scores = list(outputs.values())[-1][0].numpy().astype(np.float64)
    if len(scores) != len(class_names):
        raise ValueError(f"class_names must name each of the {len(scores)} class scores, got {len(class_names)}")
    view = _layer_html("input", "image", image.detach().cpu().numpy())
    view += "".join(_layer_html(name, type(modules[name]).__name__, out[0].numpy()) for name, out in outputs.items())
    return f'<div class="cnn-activations">{view}</div>{_scores_html(scores, class_names, label)}'


def activation_explorer(
    model: nn.Module,
    images: torch.Tensor,
    labels: Sequence[int],
    class_names: Sequence[str] | None = None,
) -> Explorer:
    """Pick one of ``images`` and see what every layer of ``model`` computes for it, and its class scores.

    Args:
        model: the trained network (e.g. page 8's LeNet-5).
        images: the inputs offered, shape (N, C, H, W); keep N small (about 10):
            the static book stores a view for each.
        labels: their true classes.
        class_names: one name per class score; default "0", "1", ...

    >>> from cnnlib.models import LeNet5
    >>> 'data-explorer="activations"' in activation_explorer(LeNet5(), torch.zeros(2, 1, 28, 28), [0, 1]).html
    True
    """
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
    if len(labels) != len(images):
        raise ValueError(f"labels must give one class per image: {len(images)} images, got {len(labels)} labels")
    labels = [int(k) for k in labels]
    if class_names is None:
        with torch.no_grad():
            classes = list(layer_outputs(model, images[:1]).values())[-1].shape[1]
        class_names = [str(k) for k in range(classes)]
    views = [activation_view_html(model, x, class_names, k) for x, k in zip(images, labels, strict=True)]
    uid = new_uid("activations")
    options = {str(i): f"image {i}: a {class_names[k]}" for i, k in enumerate(labels)}
    controls = select(uid, "image", "input image", options)
    return Explorer(panel(uid, "activations", controls, views[0], {"views": views}, script("activations")),
                    lambda: _activation_widget(model, images, labels, class_names, options))


def _activation_widget(
    model: nn.Module, images: torch.Tensor, labels: list[int], class_names: Sequence[str], options: dict[str, str]
) -> Any:
    import ipywidgets as widgets

    choice = widgets.Dropdown(options=[(text, int(i)) for i, text in options.items()], description="input")
    view = widgets.HTML()

    def update(_: object = None) -> None:
        # Recomputed in the kernel: retrain or edit the model and the explorer follows.
        view.value = activation_view_html(model, images[choice.value], class_names, labels[choice.value])

    redraw_on_change(update, [choice])
    return widgets.VBox([choice, view])
