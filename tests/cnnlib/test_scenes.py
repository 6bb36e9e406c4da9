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
