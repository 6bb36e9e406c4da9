"""Hand-made filters against scipy and scikit-image, applied to a real photograph."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage, signal
from skimage import data, util
from skimage import filters as skfilters

from cnnlib import filters


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    """A 64x80 corner of scikit-image's astronaut photograph, float in [0, 1]."""
    return util.img_as_float(data.astronaut())[100:164, 200:280]


def test_edge_detector_finds_a_left_to_right_rise() -> None:
    """Does the lecture's filter give 3 per unit step where intensity rises to the right and 0 on flat parts?"""
    image = np.zeros((5, 6))
    image[:, 3:] = 1.0
    response = filters.apply_per_channel(image, filters.edge_detector())
    assert response[2].tolist() == [0.0, 0.0, 3.0, 3.0, 0.0, -3.0]  # last column: zero padding beyond


def test_apply_per_channel_matches_scipy_correlate(photo: np.ndarray) -> None:
    """Is each RGB channel correlated with zero padding exactly as scipy.ndimage.correlate does?"""
    kernel = filters.gabor(7, sigma=2.0, theta=0.6, wavelength=5.0, phase=0.3)
    expected = np.stack([ndimage.correlate(photo[..., c], kernel, mode="constant") for c in range(3)], axis=-1)
    np.testing.assert_allclose(filters.apply_per_channel(photo, kernel), expected, atol=1e-12)


def test_sobel_matches_scikit_image_inside_the_border(photo: np.ndarray) -> None:
    """Do our Sobel filters give scikit-image's vertical/horizontal edge maps (which divide by 4)?"""
    grey = photo.mean(axis=-1)
    inner = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(filters.apply_per_channel(grey, filters.sobel("x"))[inner] / 4,
                               skfilters.sobel_v(grey)[inner], atol=1e-12)
    np.testing.assert_allclose(filters.apply_per_channel(grey, filters.sobel("y"))[inner] / 4,
                               skfilters.sobel_h(grey)[inner], atol=1e-12)


@pytest.mark.parametrize(("size", "sigma"), [(3, 1.0), (7, 1.5), (11, 3.0)])
def test_gaussian_matches_scipy_window(size: int, sigma: float) -> None:
    """Is the Gaussian the normalised outer product of scipy's 1D Gaussian window?"""
    window = signal.windows.gaussian(size, sigma)
    expected = np.outer(window, window)
    np.testing.assert_allclose(filters.gaussian(size, sigma), expected / expected.sum(), atol=1e-15)


def test_gaussian_blur_keeps_the_mean_and_smooths(photo: np.ndarray) -> None:
    """Does a wider Gaussian blur more (smaller pixel-to-pixel differences) while keeping the inner mean?"""
    narrow = filters.apply_per_channel(photo, filters.gaussian(5, 0.8))
    wide = filters.apply_per_channel(photo, filters.gaussian(9, 2.5))
    roughness = [np.abs(np.diff(img, axis=1))[8:-8, 8:-8].mean() for img in (photo, narrow, wide)]
    assert roughness[0] > roughness[1] > roughness[2]
    assert wide[8:-8, 8:-8].mean() == pytest.approx(photo[8:-8, 8:-8].mean(), rel=0.02)


@pytest.mark.parametrize(("theta", "phase"), [(0.0, 0.0), (np.pi / 3, 0.0), (1.0, np.pi / 2)])
def test_gabor_matches_scikit_image_up_to_scale(theta: float, phase: float) -> None:
    """Is our Gabor scikit-image's real Gabor kernel (frequency 1/wavelength, sigma_y = sigma/aspect) up to a scale?"""
    sigma, wavelength, aspect = 2.0, 6.0, 0.5
    theirs = np.real(skfilters.gabor_kernel(1 / wavelength, theta=theta, sigma_x=sigma, sigma_y=sigma / aspect,
                                           n_stds=3, offset=phase))
    half = 5
    # scikit-image sizes each axis to 3 standard deviations: crop both to our 11x11 around the centre.
    row, col = theirs.shape[0] // 2, theirs.shape[1] // 2
    theirs = theirs[row - half : row + half + 1, col - half : col + half + 1]
    ours = filters.gabor(2 * half + 1, sigma, theta, wavelength, phase, aspect)
    scale = (ours * theirs).sum() / (theirs * theirs).sum()
    np.testing.assert_allclose(ours, scale * theirs, atol=1e-12)
    assert scale > 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: filters.gaussian(4, 1.0), "kernel_size must be odd"),
        (lambda: filters.gaussian(5, 0.0), "sigma must be a positive number, got 0.0"),
        (lambda: filters.gabor(5, 1.0, 0.0, wavelength=-2.0), "wavelength must be a positive number, got -2.0"),
        (lambda: filters.sobel("z"), "direction must be 'x' or 'y', got 'z'"),
        (lambda: filters.apply_per_channel(np.zeros((2, 2, 2, 2)), filters.edge_detector()), "image must be a numeric (H, W)"),
        (lambda: filters.apply_per_channel(np.zeros((8, 8)), np.ones((3, 5))), "kernel must be a square (F, F) array"),
    ],
)
def test_bad_filter_arguments_are_named(call, message: str) -> None:
    """Does each bad argument raise ValueError naming it?"""
    with pytest.raises(ValueError) as raised:
        call()
    assert message in str(raised.value)
