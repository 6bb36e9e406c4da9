"""A convnet that trains live in the reader's browser, as the lecture's ConvNetJS demo does.

The network, its backpropagation and SGD are plain JavaScript (``js/convnet.js``), trained and
drawn by the panel's script (``js/convnet_trainer.js``). Python only packs scikit-learn's 8x8
digits into the page, split by :func:`cnnlib.data.split`, and lays out the panel. Nothing runs
in a kernel and nothing is fetched: the same panel works in the static book and, as HTML output,
in JupyterLab, so there is no ipywidgets view.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from cnnlib.data import split
from cnnlib.explorers.panel import Explorer, new_uid, panel, script, slider

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
"""The learning-rate control's steps, a factor of about 3 apart."""

MOMENTUM = 0.9
"""SGD's momentum, as ``torch.optim.SGD(momentum=0.9)``."""

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


def trainer_data(filters: Sequence[int] = (8, 16), batch_size: int = 16, seed: int = 0) -> dict:
    """Everything the page's script needs: the network's shape, the split digits, batch size and seed.

    The network is [CONV(3x3, padding 1)-RELU-POOL(2x2)] once per entry of ``filters``, then
    one fully connected layer to the 10 class scores and a softmax.

    Args:
        filters: the number of filters K of each conv layer; at most 3 layers (8 -> 4 -> 2 -> 1).
        batch_size: images per SGD step.
        seed: seeds the initial weights and the order of the images in JavaScript.

    >>> data = trainer_data()
    >>> data["spec"], len(data["train"]["y"]), len(data["test"]["y"])
    ({'input': [1, 8, 8], 'filters': [8, 16], 'F': 3, 'classes': 10}, 1442, 355)
    """
    from sklearn.datasets import load_digits

    filters = list(filters)
    if not 1 <= len(filters) <= 3 or any(not isinstance(k, int) or k < 1 for k in filters):
        raise ValueError(f"filters must be 1 to 3 positive whole numbers (8x8 input halves each layer), got {filters}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
    digits = load_digits()
    train, test = split(digits.target)
    return {
        "spec": {"input": [1, 8, 8], "filters": filters, "F": 3, "classes": 10},
        "train": encode_digits(digits.images[train], digits.target[train]),
        "test": encode_digits(digits.images[test], digits.target[test]),
        "batch_size": batch_size, "seed": seed, "momentum": MOMENTUM,
        # Four held-out measurements an epoch: enough points for the chart, little time away from training.
        "evaluate_every": 360,
        # Training pauses itself here, so that a forgotten tab does not drain a phone's battery.
        "max_epochs": 20,
    }


def convnet_trainer(filters: Sequence[int] = (8, 16), lr: float = 0.03, batch_size: int = 16, seed: int = 0) -> Explorer:
    """The in-browser convnet: start, pause, reset, a learning-rate slider, the loss, accuracy and layer-1 filters.

    Args:
        filters: filters of each conv layer (see :func:`trainer_data`).
        lr: the learning rate shown first, one of ``LEARNING_RATES``.
        batch_size, seed: as in :func:`trainer_data`.

    >>> 'data-explorer="convnet-trainer"' in convnet_trainer().html
    True
    """
    if lr not in LEARNING_RATES:
        raise ValueError(f"lr must be one of {list(LEARNING_RATES)}, the slider's steps, got {lr!r}")
    data = trainer_data(filters, batch_size, seed)
    uid = new_uid("convnet-trainer")
    K = data["spec"]["filters"][0]
    controls = (
        '<button type="button" name="run">Start</button>'
        '<button type="button" name="reset">Reset</button>'
        + slider(uid, "lr", "learning rate", LEARNING_RATES, lr)
    )
    layers = " -> ".join(f"CONV {k} 3x3 -> RELU -> POOL 2x2" for k in data["spec"]["filters"])
    outputs = (
        f'<p class="cnn-trainer-net">{html.escape(layers)} -> FC 10 -> softmax; SGD, momentum {MOMENTUM}, '
        f'batches of {batch_size}; {len(data["train"]["y"]):,} training and {len(data["test"]["y"])} held-out digits.</p>'
        '<p class="cnn-trainer-status" aria-live="off">Press Start to train.</p>'
        '<p class="cnn-trainer-news" aria-live="polite"></p>'
        '<figure class="cnn-trainer-figure"><canvas class="cnn-trainer-chart" role="img" aria-label="Chart of the '
        "training loss and the held-out accuracy against epochs; empty until training starts.\"></canvas>"
        "<figcaption>Training loss (mean over each quarter epoch) and held-out accuracy, against epochs; "
        "the dashed line is 90%.</figcaption></figure>"
        f'<figure class="cnn-trainer-figure"><canvas class="cnn-trainer-filters" role="img" aria-label="The {K} '
        'layer-1 filters, 3x3 each, drawn in grey: white is the largest positive weight, black the most negative, '
        f'mid-grey zero."></canvas><figcaption>The {K} layer-1 filters (3x3) as they learn: mid-grey is 0, white '
        "positive, black negative.</figcaption></figure>"
    )
    # The network first: the trainer's script builds on its functions.
    code = script("convnet", "convnet_trainer") + "\ntrainer();"
    return Explorer(panel(uid, "convnet-trainer", controls, outputs, data, code))
