"""Hand-made convolution filters from the lecture, and applying them to a photo.

The same small filter slides over every position of an image (images have
translation-invariant patterns), so one 3x3 edge detector finds edges
everywhere. Filters here are 2D (F, F) arrays; :func:`apply_per_channel`
slides one over each RGB channel separately, as the lecture's Gaussian blur does.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import integer
from cnnlib.ops.conv import conv2d_fast
from cnnlib.shapes import same_padding


def edge_detector() -> np.ndarray:
    """The lecture's left-to-right edge detector: responds where intensity rises to the right.

    >>> edge_detector()
    array([[-1.,  0.,  1.],
           [-1.,  0.,  1.],
           [-1.,  0.,  1.]])
    """
    return np.array([[-1.0, 0.0, 1.0]] * 3)


def sobel(direction: str = "x") -> np.ndarray:
    """Sobel filter: the edge detector with the centre row weighted twice.

    ``direction`` is ``"x"`` (left-to-right changes) or ``"y"`` (top-to-bottom).

    >>> sobel("y")
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    kernel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    if direction == "x":
        return kernel
    if direction == "y":
        return kernel.T.copy()
    raise ValueError(f"direction must be 'x' or 'y', got {direction!r}")


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Row (y, downwards) and column (x, rightwards) offsets from the centre of an odd grid."""
    half = same_padding(size)
    y, x = np.mgrid[-half : half + 1, -half : half + 1]
    return y.astype(np.float64), x.astype(np.float64)


def _positive(value: float, name: str) -> float:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def gaussian(size: int, sigma: float) -> np.ndarray:
    """Gaussian blur filter of odd ``size``: weights decay as ``exp(-r^2 / 2 sigma^2)``, summing to 1.

    A larger ``sigma`` (the standard deviation, in pixels) blurs over a wider radius.

    >>> gaussian(3, 1.0).round(3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]])
    """
    sigma = _positive(sigma, "sigma")
    y, x = _grid(integer(size, "size", minimum=1))
    kernel = np.exp(-(x**2 + y**2) / (2 * sigma**2))
    return kernel / kernel.sum()


def gabor(
    size: int,
    sigma: float,
    theta: float,
    wavelength: float,
    phase: float = 0.0,
    aspect_ratio: float = 0.5,
) -> np.ndarray:
    """Gabor filter: a cosine wave under a Gaussian envelope, the classic low-level vision filter.

    Args:
        size: odd width and height F.
        sigma: the envelope's standard deviation along the wave, in pixels.
        theta: orientation in radians; 0 gives vertical stripes (a left-to-right wave).
        wavelength: pixels per period of the cosine.
        phase: offset of the cosine in radians (0 is even/symmetric, pi/2 odd).
        aspect_ratio: envelope's width across the stripes relative to along them
            (gamma; 1 is circular).

    Returns:
        An (F, F) array with peak value 1 at the centre for phase 0.

    >>> g = gabor(5, sigma=2.0, theta=0.0, wavelength=4.0)
    >>> g[2].round(3)  # along the wave: cos(2 pi x / 4) under the envelope
    array([-0.607,  0.   ,  1.   ,  0.   , -0.607])
    """
    sigma, wavelength = _positive(sigma, "sigma"), _positive(wavelength, "wavelength")
    aspect_ratio = _positive(aspect_ratio, "aspect_ratio")
    y, x = _grid(integer(size, "size", minimum=1))
    along = x * np.cos(theta) + y * np.sin(theta)
    across = -x * np.sin(theta) + y * np.cos(theta)
    envelope = np.exp(-(along**2 + aspect_ratio**2 * across**2) / (2 * sigma**2))
    return envelope * np.cos(2 * np.pi * along / wavelength + phase)


def apply_per_channel(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolve each channel of an image with the same (F, F) filter, keeping the size.

    Args:
        image: a grey (H, W) or colour (H, W, channels) image.
        kernel: an (F, F) filter with odd F; the border is zero-padded by (F - 1)/2.

    Returns:
        A float64 array of ``image``'s shape: one activation map per channel.

    >>> apply_per_channel(np.ones((4, 4)), edge_detector())[1:3, 1:3]  # flat inside: no edges
    array([[0., 0.],
           [0., 0.]])
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3) or not np.issubdtype(image.dtype, np.number):
        raise ValueError(f"image must be a numeric (H, W) or (H, W, channels) array, got shape {image.shape}")
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must be a square (F, F) array, got shape {kernel.shape}")
    padding = same_padding(kernel.shape[0])
    channels = image.reshape(*image.shape[:2], -1).transpose(2, 0, 1)[None].astype(np.float64)
    depth = channels.shape[1]
    # groups=depth: every channel gets its own copy of the filter and its own map.
    w = np.broadcast_to(kernel, (depth, 1, *kernel.shape)).copy()
    out = conv2d_fast(channels, w, padding=padding, groups=depth)
    return out[0].transpose(1, 2, 0).reshape(image.shape)
