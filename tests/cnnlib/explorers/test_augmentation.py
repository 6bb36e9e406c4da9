"""Tests for cnnlib.explorers.augmentation: each draw is the transform it names, the panel ships them all."""

from __future__ import annotations

import base64
import io
import itertools

import numpy as np
import pytest
import torch
from PIL import Image

from cnnlib import augment
from cnnlib.explorers.augmentation import DRAWS, KINDS, STRENGTHS, augment_photo, augmentation_explorer
from tests.cnnlib.explorers.static import panel_data


@pytest.fixture(scope="module")
def photo() -> torch.Tensor:
    # Values kept away from 0 and 1 so that no colour shift is clipped.
    return 0.2 + 0.6 * torch.rand(3, 24, 32, generator=torch.Generator().manual_seed(1))


@pytest.fixture(scope="module")
def jitter() -> augment.PCAColorJitter:
    return augment.PCAColorJitter(torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(2)))


def test_flip_draws_are_the_photo_or_its_mirror(photo, jitter) -> None:
    """Is every flip draw the photo or torch.flip of it, and do both occur among the draws?"""
    seen = set()
    for draw in range(8):
        out = augment_photo(photo, "flip", 1.0, draw, jitter)
        mirrored = torch.equal(out, photo.flip(-1))
        assert mirrored or torch.equal(out, photo)
        seen.add(mirrored)
    assert seen == {True, False}


def test_colour_draw_is_the_papers_pca_shift(photo, jitter) -> None:
    """Is a colour draw the photo plus sum_i alpha_i lambda_i p_i, the components from numpy's eigh?"""
    jitter_pixels = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    covariance = np.cov(jitter_pixels.permute(1, 0, 2, 3).reshape(3, -1).double().numpy())
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    strength, draw = 2.0, 3
    alpha = torch.randn(1, 3, generator=torch.Generator().manual_seed(draw), dtype=torch.float64)[0].numpy()
    shift = eigenvectors @ (alpha * 0.1 * strength * eigenvalues)
    out = augment_photo(photo, "colour", strength, draw, jitter)
    np.testing.assert_allclose((out - photo).numpy(), np.broadcast_to(shift[:, None, None], photo.shape), atol=1e-6)


def test_crop_draw_is_a_window_scaled_back(photo, jitter) -> None:
    """At strength 1, is the crop a 21x21 window of the 24-row photo, brought back to 24x32, and is a draw repeatable?"""
    out = augment_photo(photo, "crop", 1.0, 0, jitter)
    assert out.shape == photo.shape
    assert torch.equal(out, augment_photo(photo, "crop", 1.0, 0, jitter))
    window = augment.random_crop(photo[None], 21, generator=torch.Generator().manual_seed(0))
    expected = torch.nn.functional.interpolate(window, size=(24, 32), mode="bilinear", align_corners=False)[0]
    torch.testing.assert_close(out, expected.clamp(0, 1))


def test_stronger_geometric_augmentation_changes_more(photo, jitter) -> None:
    """Averaged over the draws, does 4x the lecture's affine setting change the photo more than 0.5x?"""
    def change(strength: float) -> float:
        return np.mean([float((augment_photo(photo, "affine", strength, d, jitter) - photo).abs().mean())
                        for d in DRAWS])
    assert change(4.0) > change(0.5) > 0


def test_panel_ships_every_setting(jitter) -> None:
    """Does the static panel hold a JPEG of the photo's size for every augmentation, strength and draw?"""
    photo = np.random.default_rng(0).random((16, 20, 3))
    data = panel_data(augmentation_explorer(photo, torch.rand(2, 3, 8, 8)).html)
    keys = {f"{k}|{s:g}|{d}" for k, s, d in itertools.product(KINDS, STRENGTHS, DRAWS)}
    assert set(data) == keys
    image = Image.open(io.BytesIO(base64.b64decode(data["all|2|4"]["src"].split(",", 1)[1])))
    assert image.format == "JPEG" and image.size == (20, 16)


def test_bad_kind_and_photo_are_refused(photo, jitter) -> None:
    """Are an unknown augmentation and a grey photo refused with what was expected?"""
    with pytest.raises(ValueError, match=r"kind must be one of \['crop', 'flip', 'colour', 'affine', 'lens', 'all'\]"):
        augment_photo(photo, "blur", 1.0, 0, jitter)
    with pytest.raises(ValueError, match=r"photo must have shape \(H, W, 3\), got \(8, 8\)"):
        augmentation_explorer(np.zeros((8, 8)), torch.rand(2, 3, 8, 8))


def test_widget_shows_the_draw_asked_for() -> None:
    """In a kernel, does moving the draw slider show that draw's caption?"""
    box = augmentation_explorer(np.random.default_rng(0).random((16, 16, 3)), torch.rand(2, 3, 8, 8)).make_widget()
    kind, draw, strength = box.children[0].children
    draw.value = 42
    assert "draw 42" in box.children[2].value
