"""The filter playground: edge detectors, Gaussian blur and Gabor filters applied to a photo.

The filters come from :mod:`cnnlib.filters`; the static panel stores every
setting its controls can reach as a PNG, with alt text.
"""

from __future__ import annotations

import base64
import html
import itertools
from typing import Any

import numpy as np

from cnnlib import filters
from cnnlib.explorers.panel import Explorer, new_uid, panel, png_data_uri, redraw_on_change, script, select, slider

# The static panel's settings: one PNG each, so few enough to keep a page light.
GAUSSIAN_SIGMAS = (1.0, 2.0, 3.0, 4.0)
GABOR_THETAS_DEG = tuple(22.5 * i for i in range(8))
GABOR_WAVELENGTHS = (4.0, 8.0)

_KIND_LABELS = {"edge-x": "edge detector, left to right", "edge-y": "edge detector, top to bottom",
                "gaussian": "Gaussian blur", "gabor": "Gabor filter"}


def signed_to_grey(response: np.ndarray) -> np.ndarray:
    """Map a signed filter response to [0, 1]: 0.5 is zero, black and white the largest magnitudes.

    >>> signed_to_grey(np.array([-2.0, 0.0, 1.0])).tolist()
    [0.0, 0.5, 0.75]
    """
    peak = np.abs(response).max()
    return 0.5 + response / (2 * peak) if peak > 0 else np.full_like(response, 0.5)


def filter_kernel(kind: str, sigma: float = 2.0, theta_deg: float = 0.0, wavelength: float = 8.0) -> np.ndarray:
    """The playground's filter: ``"edge-x"``, ``"edge-y"``, ``"gaussian"`` or ``"gabor"``.

    Gaussian and Gabor filters are ``2 * ceil(3 sigma) + 1`` wide, enough to hold
    their envelope; the Gabor envelope's sigma is half the wavelength.

    >>> filter_kernel("gaussian", sigma=1.0).shape
    (7, 7)
    """
    if kind == "edge-x":
        return filters.edge_detector()
    if kind == "edge-y":
        return filters.edge_detector().T.copy()
    if kind == "gaussian":
        return filters.gaussian(2 * int(np.ceil(3 * sigma)) + 1, sigma)
    if kind == "gabor":
        envelope = wavelength / 2
        size = 2 * int(np.ceil(3 * envelope)) + 1
        return filters.gabor(size, envelope, np.deg2rad(theta_deg), wavelength)
    raise ValueError(f"kind must be 'edge-x', 'edge-y', 'gaussian' or 'gabor', got {kind!r}")


def filter_response(image: np.ndarray, kernel: np.ndarray, kind: str) -> np.ndarray:
    """What the playground shows: a blurred colour photo, or the signed response on its grey version.

    Args:
        image: an (H, W, 3) photo in [0, 1].
        kernel: an (F, F) filter from :func:`filter_kernel`.
        kind: the filter's kind; "gaussian" blurs each RGB channel separately.

    Returns:
        an (H, W, 3) blurred photo for "gaussian", else an (H, W) grey response in [0, 1].

    >>> filter_response(np.ones((8, 8, 3)), filter_kernel("edge-x"), "edge-x").shape
    (8, 8)
    """
    if kind == "gaussian":
        return np.clip(filters.apply_per_channel(image, kernel), 0, 1)
    return signed_to_grey(filters.apply_per_channel(image.mean(axis=2), kernel))


# The frame and the lines between a small kernel's cells: a dark grey that stands out from the
# kernel's white (+1) cells on a white page and from its black (-1) cells on a dark one.
FRAME_GREY = 0.35


def kernel_image(kernel: np.ndarray, kind: str, scale: int) -> np.ndarray:
    """The kernel as a grey image, each weight ``scale`` pixels a side, framed so that it reads on any page.

    Signed kernels go through :func:`signed_to_grey` (a +1 weight is white), a
    Gaussian is scaled to its peak. A 1-pixel frame of ``FRAME_GREY`` surrounds
    the image, and where cells are at least 8 pixels wide, lines of the same
    grey separate them, so that a white column never merges into a white page.

    >>> img = kernel_image(np.array([[-1.0, 0, 1]] * 3), "edge-x", 10)
    >>> img.shape, float(img[0, 0]), float(img[5, 25])
    ((34, 34), 0.35, 1.0)
    """
    grey = kernel / kernel.max() if kind == "gaussian" else signed_to_grey(kernel)
    big = np.repeat(np.repeat(grey, scale, axis=0), scale, axis=1)
    # Where to insert a line: before each cell (or only the first) and after the last.
    lines = np.arange(0, big.shape[0] + 1, scale if scale >= 8 else big.shape[0])
    return np.insert(np.insert(big, lines, FRAME_GREY, axis=0), lines, FRAME_GREY, axis=1)


def _filter_entry(image: np.ndarray, kind: str, **params: float) -> dict[str, str]:
    kernel = filter_kernel(kind, **params)
    what = _KIND_LABELS[kind] + "".join(f", {k.replace('_deg', '')} {v:g}" for k, v in params.items())
    response = filter_response(image, kernel, kind)
    scale = max(1, 90 // kernel.shape[0])
    how = "each RGB channel blurred" if kind == "gaussian" else "grey response: mid-grey is zero, white positive, black negative"
    return {
        "response": png_data_uri(response),
        "kernel": png_data_uri(kernel_image(kernel, kind, scale)),
        "alt": f"The photo filtered by the {what} ({how}).",
        "kernel_alt": f"The {kernel.shape[0]}x{kernel.shape[0]} {what} drawn as an image.",
        "text": f"{kernel.shape[0]}x{kernel.shape[0]} {what}: each output pixel is the sum of W_ij x_ij over its window",
    }


def filter_explorer(image: np.ndarray) -> Explorer:
    """A filter playground on a photo: edge detectors, Gaussian blur per RGB channel, Gabor filters.

    Args:
        image: an (H, W, 3) photo in [0, 1]; keep it small (about 128 pixels a side):
            the book stores every setting's result as a PNG.

    >>> 'data-explorer="filter"' in filter_explorer(np.ones((8, 8, 3))).html
    True
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (H, W, 3), got {image.shape}")
    data = {k: _filter_entry(image, k) for k in ("edge-x", "edge-y")}
    data |= {f"gaussian|{s:g}": _filter_entry(image, "gaussian", sigma=s) for s in GAUSSIAN_SIGMAS}
    data |= {
        f"gabor|{t:g}|{w:g}": _filter_entry(image, "gabor", theta_deg=t, wavelength=w)
        for t, w in itertools.product(GABOR_THETAS_DEG, GABOR_WAVELENGTHS)
    }
    uid = new_uid("filter")
    controls = (
        select(uid, "kind", "filter", _KIND_LABELS)
        + f'<fieldset data-kind="gaussian"><legend>Gaussian</legend>'
        f'{slider(uid, "sigma", "sigma (pixels)", GAUSSIAN_SIGMAS, 2.0)}</fieldset>'
        f'<fieldset data-kind="gabor"><legend>Gabor</legend>'
        f'{slider(uid, "theta", "orientation (degrees)", GABOR_THETAS_DEG, 0.0)}'
        f'{slider(uid, "wavelength", "wavelength (pixels)", GABOR_WAVELENGTHS, 8.0)}</fieldset>'
    )
    first = data["edge-x"]
    outputs = (
        f'<img class="cnn-response" src="{first["response"]}" alt="{html.escape(first["alt"])}">'
        f'<img class="cnn-kernel" src="{first["kernel"]}" alt="{html.escape(first["kernel_alt"])}">'
        '<p class="cnn-formula"></p>'
    )
    return Explorer(panel(uid, "filter", controls, outputs, data, script("filter_playground")), lambda: _filter_widget(image))


def _filter_widget(image: np.ndarray) -> Any:
    import ipywidgets as widgets

    # Live sliders are continuous: a kernel recomputes any setting, unlike the static panel's stored PNGs.
    kind = widgets.Dropdown(options=[(v, k) for k, v in _KIND_LABELS.items()], description="filter")
    sigma = widgets.FloatSlider(2.0, min=0.5, max=5.0, step=0.25, description="sigma")
    theta = widgets.FloatSlider(0.0, min=0.0, max=180.0, step=5.0, description="theta (deg)")
    wavelength = widgets.FloatSlider(8.0, min=3.0, max=16.0, step=0.5, description="wavelength")
    picture, kernel_picture, caption = widgets.Image(format="png"), widgets.Image(format="png"), widgets.Label()

    def update(_: object = None) -> None:
        params = {"gaussian": {"sigma": sigma.value}, "gabor": {"theta_deg": theta.value, "wavelength": wavelength.value}}
        entry = _filter_entry(image, kind.value, **params.get(kind.value, {}))
        # The entry holds data URIs for the static panel; the widgets want the PNG bytes.
        picture.value, kernel_picture.value = (base64.b64decode(entry[k].split(",", 1)[1]) for k in ("response", "kernel"))
        caption.value = entry["text"]

    redraw_on_change(update, (kind, sigma, theta, wavelength))
    return widgets.VBox([widgets.HBox([kind, sigma]), widgets.HBox([theta, wavelength]),
                         widgets.HBox([picture, kernel_picture]), caption])
