"""A convnet that the reader designs and trains live in the browser, as the lecture's ConvNetJS demo does.

The network, its backpropagation and SGD are JavaScript (``js/convnet.js`` and ``js/convnet_im2col.js``,
whose loops are WebAssembly SIMD from ``js/convnet_kernels.wat``, or their plain JavaScript reference
``js/convnet_kernels_reference.js`` where the browser has no WebAssembly SIMD, for any architecture
that ``js/convnet_spec.js`` accepts), trained in a Web Worker
(``js/convnet_training.js``, ``js/convnet_worker.js``) while the page draws the editor and every
layer (``js/convnet_editor.js``, ``js/convnet_views.js``, ``js/convnet_trainer.js``). Python only
packs scikit-learn's 8x8 digits into the page, split by :func:`cnnlib.data.split`, names the
editor's presets and lays out the panel. Nothing runs in a kernel and nothing is fetched: the same
panel works in the static book and, as HTML output, in JupyterLab, so there is no ipywidgets view.
"""

from __future__ import annotations

import html
import json

import numpy as np

from cnnlib.data import split
from cnnlib.explorers.panel import Explorer, control, new_uid, panel, script, select, slider

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
"""The learning-rate control's steps, a factor of about 3 apart."""

MOMENTUM = 0.9
"""SGD's momentum, as ``torch.optim.SGD(momentum=0.9)``."""

INPUT, CLASSES = [1, 8, 8], 10
"""The digits' volume (C, H, W) and the number of class scores the network ends with."""


def _conv(K: int, F: int, S: int = 1, P: int = 0) -> dict:
    return {"kind": "conv", "K": K, "F": F, "S": S, "P": P}


PRESETS: dict[str, dict] = {
    "page": {"label": "this page's network", "layers": [
        _conv(8, 3, P=1), {"kind": "relu"}, {"kind": "maxpool", "F": 2, "S": 2},
        _conv(16, 3, P=1), {"kind": "relu"}, {"kind": "maxpool", "F": 2, "S": 2}]},
    "lenet": {"label": "LeNet-like", "layers": [
        _conv(6, 5, P=2), {"kind": "tanh"}, {"kind": "avgpool", "F": 2, "S": 2},
        _conv(16, 3), {"kind": "tanh"}, {"kind": "fc", "K": 32}, {"kind": "tanh"}]},
    "allconv": {"label": "all-convolutional", "layers": [
        _conv(16, 3, P=1), {"kind": "relu"}, _conv(16, 4, S=2, P=1), {"kind": "relu"},
        _conv(32, 4, S=2, P=1), {"kind": "relu"}]},
}
"""The editor's starting points; each network ends with FC to the 10 class scores (see ``js/convnet_spec.js``)."""

NETWORK_SCRIPTS = ("convnet_spec", "convnet_kernels", "convnet_kernels_reference", "convnet_im2col", "convnet")
"""The scripts that define the network: its arithmetic, the conv layer's loops (WebAssembly and JavaScript), its layers.

They need no page: the tests and benchmarks run them under node."""

WORKER_SCRIPTS = (*NETWORK_SCRIPTS, "convnet_training", "convnet_worker")
"""The scripts of the Web Worker that trains it."""

PAGE_SCRIPTS = ("convnet_spec", "convnet_training", "convnet_views", "convnet_editor", "convnet_trainer")
"""The scripts of the panel on the page (the editor, the views, the worker's driver)."""

FALLBACK = "WebAssembly SIMD is not available here: training uses plain JavaScript, a few times slower."
"""The line the panel shows, by its controls, where the worker trains with the JavaScript reference."""

# Base 17: one character for each pixel value 0..16 of scikit-learn's digits.
_PIXEL_CODES = "0123456789abcdefg"


def encode_digits(images: np.ndarray, labels: np.ndarray) -> dict[str, str]:
    """Pack (N, 8, 8) digits with pixel values 0..16 into two strings: one character a pixel, one a label.

    The page's script decodes a pixel with ``parseInt(ch, 17) / 16``, giving [0, 1] as
    :func:`cnnlib.data.digits` does; this keeps 1,797 digits at about 117 kB.

    >>> encode_digits(np.array([[[0, 9], [10, 16]]]), np.array([7]))
    {'x': '09ag', 'y': '7'}
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.min() < 0 or images.max() > 16 or not np.array_equal(images, np.round(images)):
        raise ValueError("images must hold whole pixel values from 0 to 16, as sklearn's load_digits() does")
    if labels.shape != images.shape[:1] or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"labels must be {len(images)} digits 0..9, one per image, got shape {labels.shape}")
    return {"x": "".join(_PIXEL_CODES[int(v)] for v in images.ravel()), "y": "".join(str(int(v)) for v in labels)}


def trainer_data(batch_size: int = 16, seed: int = 0) -> dict:
    """Everything the page's scripts need: the input volume, the presets, the split digits, batch size and seed.

    Args:
        batch_size: images per SGD step.
        seed: seeds the initial weights, the order of the images and dropout, in JavaScript.

    >>> data = trainer_data()
    >>> data["input"], list(data["presets"]), len(data["train"]["y"]), len(data["test"]["y"])
    ([1, 8, 8], ['page', 'lenet', 'allconv'], 1442, 355)
    """
    from sklearn.datasets import load_digits

    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
    digits = load_digits()
    train, test = split(digits.target)
    return {
        "input": INPUT, "classes": CLASSES, "presets": PRESETS,
        "train": encode_digits(digits.images[train], digits.target[train]),
        "test": encode_digits(digits.images[test], digits.target[test]),
        "batch_size": batch_size, "seed": seed, "momentum": MOMENTUM,
        # Four held-out measurements an epoch: enough points for the chart, little time away from training.
        "evaluate_every": 360,
        # Training pauses itself here, so that a forgotten tab does not drain a phone's battery.
        "max_epochs": 20,
    }


def _button(name: str, text: str) -> str:
    return f'<button type="button" name="{name}">{text}</button>'


def _figure(canvas: str, label: str, caption: str, extra: str = "") -> str:
    return (f'<figure class="cnn-trainer-figure {extra}"><canvas class="{canvas}" role="img" aria-label="{html.escape(label)}">'
            f"</canvas><figcaption>{caption}</figcaption></figure>")


def convnet_trainer(lr: float = 0.03, batch_size: int = 16, seed: int = 0) -> Explorer:
    """The in-browser convnet: an architecture editor, start, pause, reset, a learning rate, and every layer live.

    Args:
        lr: the learning rate shown first, one of ``LEARNING_RATES``.
        batch_size, seed: as in :func:`trainer_data`.

    >>> 'data-explorer="convnet-trainer"' in convnet_trainer().html
    True
    """
    if lr not in LEARNING_RATES:
        raise ValueError(f"lr must be one of {list(LEARNING_RATES)}, the slider's steps, got {lr!r}")
    data = trainer_data(batch_size, seed)
    uid = new_uid("convnet-trainer")
    presets = {name: preset["label"] for name, preset in PRESETS.items()} | {"custom": "your own"}
    kinds = {"conv": "CONV", "relu": "RELU", "tanh": "tanh", "sigmoid": "sigmoid", "maxpool": "max POOL",
             "avgpool": "average POOL", "fc": "FC", "dropout": "dropout"}
    controls = (select(uid, "preset", "network", presets) + _button("run", "Start") + _button("reset", "Reset")
                + slider(uid, "lr", "learning rate", LEARNING_RATES, lr))
    editor = (
        '<fieldset class="cnn-net-editor"><legend>Layers</legend>'
        "<p>input: 8x8x1, one grey 8x8 digit. Each row gives the layer's output volume (width x height x depth) "
        "and its parameters by the lecture's formulas.</p>"
        '<ol class="cnn-net-layers"></ol>'
        '<p class="cnn-net-tools">' + select(uid, "add", "new layer", kinds) + _button("add-layer", "Add")
        + "</p>"
        '<p class="cnn-net-total" aria-live="polite"></p>'
        '<p class="cnn-net-tools"><a class="cnn-net-link" href="#">Link to this network</a>'
        + _button("download", "Download trained network")
        + control(f'<label for="{uid}-load">Load a network</label><input type="file" id="{uid}-load" name="load" '
                  'accept=".json,application/json">')
        + "</p></fieldset>"
    )
    probe = (
        '<div class="cnn-net-probe"><figure class="cnn-trainer-figure cnn-net-digit-figure">'
        '<canvas class="cnn-net-digit" tabindex="0" role="application" aria-label="The digit the network reads, 8 by 8: '
        'draw with the pointer, or move with the arrow keys and press Space to ink or clear a cell."></canvas>'
        '<figcaption><span class="cnn-net-digit-label"></span>: draw on it, or pick another.</figcaption></figure>'
        '<div class="cnn-net-answers"><p class="cnn-controls">'
        + control(f'<label for="{uid}-digit">held-out digit</label><input type="range" id="{uid}-digit" name="digit" '
                  f'min="0" max="{len(data["test"]["y"]) - 1}" value="0">')
        + _button("clear", "Clear") + "</p>"
        '<p class="cnn-net-answer" aria-live="polite"></p>'
        + _figure("cnn-net-scores", "Bars of the ten class probabilities the network gives the digit.",
                  "Class probabilities (softmax of the scores).")
        + "</div></div>"
    )
    outputs = (
        f'<p class="cnn-trainer-fallback" hidden>{FALLBACK}</p>'
        + editor
        + f'<p class="cnn-trainer-net">SGD, momentum {MOMENTUM}, batches of {batch_size}; {len(data["train"]["y"]):,} '
        f'training and {len(data["test"]["y"])} held-out digits.</p>'
        '<p class="cnn-trainer-status" aria-live="off">Press Start to train.</p>'
        '<p class="cnn-trainer-news" aria-live="polite"></p>'
        + _figure("cnn-trainer-chart", "Chart of the training loss and the held-out accuracy against epochs.",
                  "Training loss (mean over each quarter epoch) and held-out accuracy, against epochs; "
                  "the dashed line is 95%.")
        + probe
        + _figure("cnn-net-maps", "Every layer's activation maps for the digit above, in grey.",
                  "Every layer's output for the digit: one map per depth slice, mid-grey 0, white the layer's "
                  "largest value, black its most negative.")
        + _figure("cnn-trainer-filters", "The first layer's filters in grey: white positive, black negative, "
                  "mid-grey zero.", "The first layer's filters as they learn: mid-grey is 0, white positive, "
                  "black negative.", "cnn-net-filters-figure")
        + _figure("cnn-net-confusion", "Confusion matrix of the held-out digits: rows the true digit, columns the "
                  "network's answer.", "Confusion matrix of the 355 held-out digits: row the true digit, column "
                  "the network's answer, shaded by the share of the row.")
    )
    # The worker's source travels as a string; "</" is escaped so that it cannot end the page's script.
    worker = json.dumps(script(*WORKER_SCRIPTS)).replace("</", "<\\/")
    code = f"const WORKER = {worker};\n" + script(*PAGE_SCRIPTS) + "\ntrainer();"
    return Explorer(panel(uid, "convnet-trainer", controls, outputs, data, code))
