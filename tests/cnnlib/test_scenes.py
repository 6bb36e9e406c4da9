"""Tests for cnnlib.scenes: boxes hold each digit's ink, masks mark its pixels with its class."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.data import mnist
from cnnlib.scenes import BACKGROUND, digit_scene


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    _, test = mnist()
    x, y = test.tensors
    return x[:3, 0].numpy(), y[:3].numpy()


def test_each_box_is_the_tight_box_of_its_instance(digits) -> None:
    """For separated digits, is each box exactly the bounding box of the pixels its instance mask holds?"""
    images, labels = digits
    scene = digit_scene(images, labels, shape=(28, 120), seed=3)
    for index, (top, left, bottom, right) in enumerate(scene.boxes):
        rows, cols = np.nonzero(scene.instances == index)
        if len(rows):  # a later digit may cover an earlier one
            assert top <= rows.min() and rows.max() < bottom and left <= cols.min() and cols.max() < right


def test_single_digit_masks_match_its_ink(digits) -> None:
    """With one digit, are the class and instance masks exactly its pixels above the ink level, boxed tightly?"""
    images, labels = digits
    scene = digit_scene(images[:1], labels[:1], shape=(28, 28), ink=0.3)
    ink = images[0] > 0.3
    assert np.array_equal(scene.classes == labels[0], ink)
    assert np.array_equal(scene.instances == 0, ink)
    assert np.all(scene.classes[~ink] == BACKGROUND)
    rows, cols = np.nonzero(ink)
    assert scene.boxes == [(rows.min(), cols.min(), rows.max() + 1, cols.max() + 1)]
    np.testing.assert_array_equal(scene.canvas, images[0])


def test_bad_shapes_are_refused(digits) -> None:
    """Are 8x8 images and a canvas too small for a digit refused with the shapes?"""
    images, labels = digits
    with pytest.raises(ValueError, match=r"images must have shape \(N, 28, 28\), got \(1, 8, 8\)"):
        digit_scene(np.zeros((1, 8, 8)), np.array([0]))
    with pytest.raises(ValueError, match=r"shape must be at least 28x28 to hold a digit, got \(20, 50\)"):
        digit_scene(images, labels, shape=(20, 50))


def test_grid_scenes_put_one_digit_per_cell_without_overlap(digits) -> None:
    """With grid=(2, 3), does each digit's box lie inside its own cell, so that no two boxes overlap?"""
    images, labels = digits
    images, labels = np.concatenate([images, images]), np.concatenate([labels, labels])
    for seed in range(5):
        scene = digit_scene(images, labels, shape=(64, 96), seed=seed, grid=(2, 3))
        for index, (top, left, bottom, right) in enumerate(scene.boxes):
            row, col = divmod(index, 3)
            assert 32 * row <= top and bottom <= 32 * (row + 1) and 32 * col <= left and right <= 32 * (col + 1)
            assert (scene.instances == index).sum() == (images[index] > 0.3).sum()


def test_grid_too_fine_for_a_digit_is_refused(digits) -> None:
    """Is a grid whose cells are smaller than 28x28 refused, naming the grid?"""
    images, labels = digits
    with pytest.raises(ValueError, match=r"grid must cut \(56, 84\) into cells of at least 28x28"):
        digit_scene(images, labels, shape=(56, 84), grid=(2, 4))


def test_box_classes_mark_the_blocks_whose_centre_is_in_a_box(digits) -> None:
    """Is a block labelled with a digit's class exactly when its centre pixel lies in that digit's box?"""
    from cnnlib.scenes import box_classes

    images, labels = digits
    scene = digit_scene(images[:2], labels[:2], shape=(32, 64), seed=1, grid=(1, 2))
    blocks = box_classes(scene, stride=4)
    assert blocks.shape == (8, 16)
    for i in range(8):
        for j in range(16):
            r, c = 4 * i + 2, 4 * j + 2
            inside = [k for (t, l, b, rt), k in zip(scene.boxes, scene.labels, strict=True) if t <= r < b and l <= c < rt]
            assert blocks[i, j] == (inside[-1] if inside else 10)


def test_segmenter_scores_every_block_of_any_canvas() -> None:
    """Does the fully convolutional network give 11 scores per 4x4 block for canvases of two sizes?"""
    import torch

    from cnnlib.scenes import segmenter

    net = segmenter()
    assert net(torch.zeros(1, 1, 32, 64)).shape == (1, 11, 8, 16)
    assert net(torch.zeros(2, 1, 64, 96)).shape == (2, 11, 16, 24)
    assert not any(isinstance(m, torch.nn.Linear) for m in net.modules())
