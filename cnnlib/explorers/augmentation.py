"""The augmentation explorer: the lecture's data augmentations, one random draw at a time, on a real photograph.

The transforms are those of :mod:`cnnlib.augment` (random crop, horizontal
flip, AlexNet's PCA colour jitter, random affine maps, lens distortion, and all
of them chained). The static panel stores every draw and strength its controls
reach, as small JPEGs computed when the book is built.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import itertools
from typing import Any

import numpy as np
import torch
from torch.nn import functional

from cnnlib import augment
from cnnlib.explorers.panel import Explorer, new_uid, panel, redraw_on_change, script, select, slider

# Short names: the drop-down and its label must fit a phone's width together.
KINDS = {"crop": "random crop", "flip": "horizontal flip", "colour": "PCA colour jitter",
         "affine": "affine distortion", "lens": "lens distortion", "all": "all five in turn"}
# Multiples of each transform's lecture setting the panel offers.
STRENGTHS = (0.5, 1.0, 2.0, 4.0)
# Random draws per setting the static panel stores (each is a seed of the transform's generator).
DRAWS = range(5)


def _crop_back(x: torch.Tensor, fraction: float, generator: torch.Generator) -> torch.Tensor:
    """A random crop of ``fraction`` of the shorter side, scaled back up to the input's size."""
    H, W = x.shape[2:]
    crop = augment.random_crop(x, round(min(H, W) * fraction), generator=generator)
    return functional.interpolate(crop, size=(H, W), mode="bilinear", align_corners=False)


def _transforms(kind: str, strength: float, jitter: augment.PCAColorJitter) -> list[augment.Transform]:
    """The transforms of ``kind`` at ``strength`` times the lecture's setting, in the order they apply."""
    transforms = {
        # Strength 1 keeps 224/256 = 0.875 of the side, as AlexNet did.
        "crop": functools.partial(_crop_back, fraction=max(0.25, 1 - 0.125 * strength)),
        "flip": augment.horizontal_flip,
        # The paper's std of 0.1 for the magnitudes alpha.
        "colour": functools.partial(jitter, std=0.1 * strength),
        "affine": functools.partial(augment.random_affine, degrees=15 * strength, translate=min(0.1 * strength, 0.45),
                                    scale=(1 - 0.05 * strength, 1 + 0.1 * strength), shear=10 * strength),
        "lens": functools.partial(augment.lens_distortion, strength=0.2 * strength),
    }
    return list(transforms.values()) if kind == "all" else [transforms[kind]]


def augment_photo(
    photo: torch.Tensor, kind: str, strength: float, draw: int, jitter: augment.PCAColorJitter
) -> torch.Tensor:
    """One random draw of the augmentation ``kind`` applied to ``photo``, at the photo's size.

    Args:
        photo: an RGB image of shape (3, H, W) in [0, 1].
        kind: a key of ``KINDS``.
        strength: multiple of the lecture's setting (1 is the lecture's).
        draw: the seed of this draw; the same draw gives the same image.
        jitter: the PCA colour jitter fitted on the training images.

    Returns:
        (3, H, W) in [0, 1]; a crop is scaled back up to (H, W) so that draws compare side by side.

    >>> jitter = augment.PCAColorJitter(torch.rand(2, 3, 8, 8))
    >>> augment_photo(torch.rand(3, 16, 16), "crop", 1.0, 0, jitter).shape
    torch.Size([3, 16, 16])
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    if not strength > 0:
        raise ValueError(f"strength must be positive, got {strength!r}")
    x = photo[None]
    generator = torch.Generator().manual_seed(draw)
    for transform in _transforms(kind, strength, jitter):
        x = transform(x, generator=generator)
    return x[0].clamp(0, 1)


def jpeg_data_uri(image: torch.Tensor, quality: int = 85) -> str:
    """Encode a (3, H, W) image in [0, 1] as a base64 JPEG data URI: photographs stay a few kB.

    >>> jpeg_data_uri(torch.zeros(3, 4, 4))[:23]
    'data:image/jpeg;base64,'
    """
    from PIL import Image

    pixels = (image.permute(1, 2, 0).clamp(0, 1).numpy() * 255).round().astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="jpeg", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _entry(photo: torch.Tensor, kind: str, strength: float, draw: int, jitter: augment.PCAColorJitter) -> dict:
    out = augment_photo(photo, kind, strength, draw, jitter)
    change = float((out - photo).abs().mean())
    return {"src": jpeg_data_uri(out),
            "alt": f"The photograph after {KINDS[kind]}, draw {draw}, at {strength:g} times the lecture's setting.",
            "text": f"{KINDS[kind]}, strength {strength:g}x, draw {draw}: mean change {change:.3f} per pixel value"}


def augmentation_explorer(photo: np.ndarray, training_images: torch.Tensor) -> Explorer:
    """Random draws of each augmentation on a photograph, the original beside them.

    Args:
        photo: an (H, W, 3) photograph in [0, 1]; keep it small (about 128 pixels a
            side): the book stores every setting as a JPEG.
        training_images: (N, 3, H', W') images whose RGB covariance gives the PCA
            colour jitter its components, as AlexNet's came from its training set.

    >>> explorer = augmentation_explorer(np.random.rand(16, 16, 3), torch.rand(2, 3, 8, 8))
    >>> 'data-explorer="augmentation"' in explorer.html
    True
    """
    photo = np.asarray(photo, dtype=np.float32)
    if photo.ndim != 3 or photo.shape[2] != 3:
        raise ValueError(f"photo must have shape (H, W, 3), got {photo.shape}")
    x = torch.from_numpy(np.ascontiguousarray(photo.transpose(2, 0, 1)))
    jitter = augment.PCAColorJitter(training_images)
    data = {f"{k}|{s:g}|{d}": _entry(x, k, s, d, jitter) for k, s, d in itertools.product(KINDS, STRENGTHS, DRAWS)}
    uid = new_uid("augmentation")
    controls = (select(uid, "kind", "augmentation", KINDS)
                + slider(uid, "draw", "random draw", DRAWS, 0)
                + slider(uid, "strength", "strength (x lecture)", STRENGTHS, 1.0))
    first = data["crop|1|0"]
    outputs = (f'<img class="cnn-original" src="{jpeg_data_uri(x)}" width="{x.shape[2]}" '
               'alt="The original photograph, before augmentation.">'
               f'<img class="cnn-augmented" src="{first["src"]}" width="{x.shape[2]}" alt="{html.escape(first["alt"])}">'
               f'<p class="cnn-formula">{html.escape(first["text"])}</p>')
    return Explorer(panel(uid, "augmentation", controls, outputs, data, script("augmentation")),
                    lambda: _augmentation_widget(x, jitter))


def _augmentation_widget(x: torch.Tensor, jitter: augment.PCAColorJitter) -> Any:
    import ipywidgets as widgets

    # Live controls reach any draw and strength, not only the static panel's stored ones.
    kind = widgets.Dropdown(options=[(v, k) for k, v in KINDS.items()], description="augment")
    draw = widgets.IntSlider(0, 0, 99, description="draw")
    strength = widgets.FloatSlider(1.0, min=0.25, max=4.0, step=0.25, description="strength")
    original, augmented, caption = widgets.Image(format="jpeg"), widgets.Image(format="jpeg"), widgets.Label()
    original.value = base64.b64decode(jpeg_data_uri(x).split(",", 1)[1])

    def update(_: object = None) -> None:
        entry = _entry(x, kind.value, strength.value, draw.value, jitter)
        augmented.value = base64.b64decode(entry["src"].split(",", 1)[1])
        caption.value = entry["text"]

    redraw_on_change(update, (kind, draw, strength))
    return widgets.VBox([widgets.HBox([kind, draw, strength]), widgets.HBox([original, augmented]), caption])
