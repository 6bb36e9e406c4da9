"""Scenes of several real digits on one canvas, with the answers each vision task asks for.

Classification names what is in the image; detection boxes each object;
semantic segmentation labels every pixel; instance segmentation tells the
objects apart too. :func:`digit_scene` pastes MNIST digits onto a canvas and
returns all four answers, so a figure can show them side by side.
:func:`scene_dataset` makes many scenes with their per-cell classes, and
:func:`segmenter` is a small fully convolutional network that learns from them
to answer "what is where".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset

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
    images: np.ndarray,
    labels: np.ndarray,
    shape: tuple[int, int] = (56, 84),
    ink: float = 0.3,
    seed: int = 0,
    grid: tuple[int, int] | None = None,
) -> Scene:
    """Paste the (28x28) ``images`` at random places of an empty canvas, later digits on top.

    A pixel belongs to a digit where that digit's value exceeds ``ink``. With
    ``grid=(rows, cols)`` the canvas is cut into rows x cols equal cells and
    digit i goes to cell i (row by row) at a random offset inside it: the
    digits never overlap and fill the canvas.

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
    if grid is not None and (H // grid[0] < 28 or W // grid[1] < 28 or len(images) > grid[0] * grid[1]):
        raise ValueError(f"grid must cut {shape} into cells of at least 28x28, one per image "
                         f"({len(images)}), got {grid}")
    rng = np.random.default_rng(seed)
    canvas = np.zeros(shape)
    classes = np.full(shape, BACKGROUND)
    instances = np.full(shape, -1)
    boxes = []
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        if grid is None:
            top, left = int(rng.integers(0, H - 27)), int(rng.integers(0, W - 27))
        else:
            (row, col), (cell_h, cell_w) = divmod(index, grid[1]), (H // grid[0], W // grid[1])
            top = row * cell_h + int(rng.integers(0, cell_h - 27))
            left = col * cell_w + int(rng.integers(0, cell_w - 27))
        window = (slice(top, top + 28), slice(left, left + 28))
        canvas[window] = np.maximum(canvas[window], image)
        mask = image > ink
        classes[window][mask] = int(label)
        instances[window][mask] = index
        rows, cols = np.nonzero(mask)
        boxes.append((top + int(rows.min()), left + int(cols.min()), top + int(rows.max()) + 1, left + int(cols.max()) + 1))
    return Scene(canvas, [int(k) for k in labels], boxes, classes, instances)


def box_classes(scene: Scene, stride: int = 4) -> np.ndarray:
    """The class of every ``stride`` x ``stride`` block of the canvas: that of the box holding its centre, else 10.

    Detection as dense prediction: a block inside a digit's box belongs to
    that digit (later digits win where boxes overlap); 10 marks background.

    >>> digit = np.zeros((1, 28, 28)); digit[0, 8:16, 12:15] = 1.0
    >>> box_classes(digit_scene(digit, np.array([3]), shape=(28, 28)), stride=4)[:, 3].tolist()
    [10, 10, 3, 3, 10, 10, 10]
    """
    H, W = scene.canvas.shape
    centres = np.arange(stride // 2, H, stride)[:, None], np.arange(stride // 2, W, stride)[None]
    blocks = np.full((len(centres[0]), centres[1].shape[1]), 10)
    for (top, left, bottom, right), label in zip(scene.boxes, scene.labels, strict=True):
        inside = (top <= centres[0]) & (centres[0] < bottom) & (left <= centres[1]) & (centres[1] < right)
        blocks[inside] = label
    return blocks


def scene_dataset(
    images: torch.Tensor, labels: torch.Tensor, n: int, grid: tuple[int, int], cell: int = 32, stride: int = 4,
    seed: int = 0,
) -> TensorDataset:
    """``n`` grid scenes of randomly drawn digits, each with the :func:`box_classes` of its blocks.

    Args:
        images, labels: digits (N, 1, 28, 28) and their classes to draw from.
        n: number of scenes; grid: (rows, cols) of digits per scene; cell: side of a grid cell.
        stride: the targets' resolution, one class per stride x stride block.

    Returns:
        canvases (n, 1, rows * cell, cols * cell) and targets (n, rows * cell / stride, cols * cell / stride).

    >>> from cnnlib.data import mnist
    >>> x, y = mnist()[1].tensors
    >>> data = scene_dataset(x, y, 2, grid=(1, 2))
    >>> tuple(data.tensors[0].shape), tuple(data.tensors[1].shape)
    ((2, 1, 32, 64), (2, 8, 16))
    """
    if cell < 28 or cell % stride:
        raise ValueError(f"cell must be at least 28 and a multiple of stride {stride}, got {cell}")
    rng = np.random.default_rng(seed)
    shape = (grid[0] * cell, grid[1] * cell)
    canvases, targets = [], []
    for k in range(n):
        pick = rng.choice(len(images), grid[0] * grid[1], replace=False)
        scene = digit_scene(images[pick, 0].numpy(), labels[pick].numpy(), shape, seed=seed * 100_003 + k, grid=grid)
        canvases.append(scene.canvas)
        targets.append(box_classes(scene, stride))
    return TensorDataset(torch.tensor(np.stack(canvases)[:, None], dtype=torch.float32),
                         torch.tensor(np.stack(targets), dtype=torch.long))


def segmenter(width: int = 8, seed: int = 0) -> nn.Sequential:
    """A fully convolutional network: 11 scores (10 digits, background) for every 4x4 block of any canvas.

    CONV3-RELU-POOL-CONV3-RELU-POOL-CONV5-RELU-CONV1: no FC layer, so the input
    may have any size and the output is a map of scores, one per position;
    each position sees a 26x26 receptive field, about one digit.

    Shape:
        Input (N, 1, H, W) with H and W multiples of 4; output (N, 11, H/4, W/4).

    >>> segmenter()(torch.zeros(2, 1, 64, 96)).shape
    torch.Size([2, 11, 16, 24])
    """
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(2 * width, 4 * width, 5, padding=2), nn.ReLU(),
        nn.Conv2d(4 * width, 11, 1),
    )
