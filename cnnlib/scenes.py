"""Scenes of several real digits on one canvas, with the answers each vision task asks for.

Classification names what is in the image; detection boxes each object;
semantic segmentation labels every pixel; instance segmentation tells the
objects apart too. :func:`digit_scene` pastes MNIST digits onto a canvas and
returns all four answers, so a figure can show them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKGROUND = -1
"""The class of pixels that belong to no digit in :attr:`Scene.classes`."""


@dataclass
class Scene:
    """A canvas and its answers for classification, detection and segmentation.

    Attributes:
        canvas: (H, W) grey image in [0, 1].
        labels: the class of each digit, in pasting order.
        boxes: (top, left, bottom, right) of each digit's ink, bottom and right exclusive.
        classes: (H, W) class of each pixel, ``BACKGROUND`` where there is no ink.
        instances: (H, W) index of the digit each pixel belongs to, -1 for background.
    """

    canvas: np.ndarray
    labels: list[int]
    boxes: list[tuple[int, int, int, int]]
    classes: np.ndarray
    instances: np.ndarray


def digit_scene(
    images: np.ndarray, labels: np.ndarray, shape: tuple[int, int] = (56, 84), ink: float = 0.3, seed: int = 0
) -> Scene:
    """Paste the (28x28) ``images`` at random places of an empty canvas, later digits on top.

    A pixel belongs to a digit where that digit's value exceeds ``ink``.

    >>> digit = np.zeros((1, 28, 28)); digit[0, 10:20, 12:15] = 1.0
    >>> scene = digit_scene(digit, np.array([1]), shape=(28, 28))
    >>> scene.boxes, scene.labels, int((scene.classes == 1).sum())
    ([(10, 12, 20, 15)], [1], 30)
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"images must have shape (N, 28, 28), got {images.shape}")
    H, W = shape
    if H < 28 or W < 28:
        raise ValueError(f"shape must be at least 28x28 to hold a digit, got {shape}")
    rng = np.random.default_rng(seed)
    canvas = np.zeros(shape)
    classes = np.full(shape, BACKGROUND)
    instances = np.full(shape, -1)
    boxes = []
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        top, left = int(rng.integers(0, H - 27)), int(rng.integers(0, W - 27))
        window = (slice(top, top + 28), slice(left, left + 28))
        canvas[window] = np.maximum(canvas[window], image)
        mask = image > ink
        classes[window][mask] = int(label)
        instances[window][mask] = index
        rows, cols = np.nonzero(mask)
        boxes.append((top + int(rows.min()), left + int(cols.min()), top + int(rows.max()) + 1, left + int(cols.max()) + 1))
    return Scene(canvas, [int(k) for k in labels], boxes, classes, instances)
