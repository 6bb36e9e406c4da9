"""Augmentation invariants: flips undo themselves, crops are windows, PCA jitter has the paper's statistics."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch

from cnnlib import augment


def seeded(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_two_flips_are_the_identity() -> None:
    """Does flipping every image twice give the batch back?"""
    x = torch.rand(4, 3, 5, 7)
    assert torch.equal(augment.horizontal_flip(augment.horizontal_flip(x, p=1.0), p=1.0), x)


def test_flip_mirrors_left_right_like_torch_flip() -> None:
    """With p=1 is the flip torch.flip over the width axis, and with p=0 nothing?"""
    x = torch.rand(2, 3, 4, 6)
    assert torch.equal(augment.horizontal_flip(x, p=1.0), torch.flip(x, dims=[3]))
    assert torch.equal(augment.horizontal_flip(x, p=0.0), x)


def test_flip_flips_about_half_the_images() -> None:
    """Does p=0.5 flip between 40% and 60% of 1,000 images?"""
    x = torch.arange(2.0).view(1, 1, 1, 2).repeat(1000, 1, 1, 1)
    flipped = (augment.horizontal_flip(x, generator=seeded())[:, 0, 0, 0] == 1).float().mean()
    assert 0.4 < flipped < 0.6


def test_random_crop_gives_windows_of_the_input() -> None:
    """Is each 224x224 crop of a 256x256 image a window of that image at some offset?"""
    x = torch.rand(3, 2, 256, 256)
    crops = augment.random_crop(x, 224, generator=seeded())
    assert crops.shape == (3, 2, 224, 224)
    for image, crop in zip(x, crops, strict=True):
        top, left = np.argwhere((image[0] == crop[0, 0, 0]).numpy())[0]
        assert torch.equal(image[:, top : top + 224, left : left + 224], crop)


def test_random_crop_refuses_a_crop_larger_than_the_image() -> None:
    """Is a 30x30 crop of 28x28 images refused with the sizes?"""
    with pytest.raises(ValueError, match="size must be between 1 and the image's shorter side 28, got 30"):
        augment.random_crop(torch.zeros(1, 1, 28, 28), 30)


def test_transforms_need_a_batch() -> None:
    """Is a single (C, H, W) image refused with its shape?"""
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(N, C, H, W\), got \(3, 8, 8\)"):
        augment.horizontal_flip(torch.zeros(3, 8, 8))


@pytest.fixture(scope="module")
def photos() -> torch.Tensor:
    from cnnlib.data import image_tensor, sample_image

    return torch.stack([image_tensor(sample_image(name)[:256, :256]) for name in ("astronaut", "chelsea", "coffee")])


def test_pca_components_are_numpys_eigenvectors_of_the_rgb_covariance(photos: torch.Tensor) -> None:
    """Are the eigenvalues those of numpy's covariance of all RGB pixel values?"""
    jitter = augment.PCAColorJitter(photos)
    pixels = photos.permute(1, 0, 2, 3).reshape(3, -1).double().numpy()
    np.testing.assert_allclose(jitter.eigenvalues.numpy(), np.linalg.eigvalsh(np.cov(pixels)), rtol=1e-6)


def test_pca_jitter_offsets_have_the_papers_statistics(photos: torch.Tensor) -> None:
    """Over 20,000 draws, are the offsets zero-mean with covariance P diag((0.1 lambda)^2) P^T?"""
    jitter = augment.PCAColorJitter(photos, std=0.1)
    offsets = jitter.offsets(20_000, seeded())
    P, lam = jitter.eigenvectors, jitter.eigenvalues
    expected = P @ torch.diag((0.1 * lam) ** 2) @ P.T
    scale = float(0.1 * lam.max())
    torch.testing.assert_close(offsets.mean(0), torch.zeros(3, dtype=torch.float64), atol=0.03 * scale, rtol=0)
    torch.testing.assert_close(torch.cov(offsets.T), expected, atol=0.05 * scale**2, rtol=0)


def test_pca_jitter_adds_one_offset_per_image(photos: torch.Tensor) -> None:
    """Is the change to every pixel of an image the same RGB offset?"""
    jitter = augment.PCAColorJitter(photos)
    change = jitter(photos, generator=seeded()) - photos
    torch.testing.assert_close(change, change[:, :, :1, :1].expand_as(change))


def test_random_affine_with_zoom_keeps_the_centre() -> None:
    """Does a pure 2x stretch leave the centre pixel's value in place?"""
    x = torch.rand(2, 1, 9, 9)
    out = augment.random_affine(x, degrees=0, translate=0, scale=(2, 2), shear=0, generator=seeded())
    torch.testing.assert_close(out[:, :, 4, 4], x[:, :, 4, 4])


def test_lens_distortion_fixes_the_centre_and_bends_the_rest() -> None:
    """Does lens distortion keep the centre pixel, change the border and repeat with the same seed?"""
    x = torch.rand(4, 3, 9, 9)
    out = augment.lens_distortion(x, strength=0.5, generator=seeded())
    torch.testing.assert_close(out[:, :, 4, 4], x[:, :, 4, 4])
    assert not torch.allclose(out, x)
    assert torch.equal(out, augment.lens_distortion(x, strength=0.5, generator=seeded()))


def test_compose_is_reproducible_with_its_seed() -> None:
    """Do two Compose pipelines with seed 0 give the same batch, and seed 1 another?"""
    x = torch.rand(8, 3, 32, 32)

    def pipeline(seed: int) -> augment.Compose:
        return augment.Compose([partial(augment.random_crop, size=28), augment.horizontal_flip,
                                partial(augment.random_affine, degrees=10), augment.lens_distortion], seed=seed)

    assert torch.equal(pipeline(0)(x), pipeline(0)(x))
    assert not torch.equal(pipeline(0)(x), pipeline(1)(x))
    assert "random_crop" in repr(pipeline(0))


@pytest.mark.gpu
def test_transforms_run_on_the_gpu() -> None:
    """Do all transforms keep a CUDA batch on the GPU?"""
    x = torch.rand(4, 3, 32, 32, device="cuda")
    pipeline = augment.Compose([partial(augment.random_crop, size=28), augment.horizontal_flip,
                                augment.PCAColorJitter(x), augment.random_affine, augment.lens_distortion])
    assert pipeline(x).device.type == "cuda"


def test_pca_jitter_std_override_scales_the_offsets() -> None:
    """Does passing std=0.2 give twice the offsets of the default 0.1 for the same draw, and std=0 none?"""
    jitter = augment.PCAColorJitter(torch.rand(4, 3, 8, 8, generator=seeded(3)))
    default = jitter.offsets(5, seeded(7))
    torch.testing.assert_close(jitter.offsets(5, seeded(7), std=0.2), 2 * default)
    x = torch.rand(2, 3, 4, 4)
    assert torch.equal(jitter(x, generator=seeded(1), std=0.0), x)
    assert jitter.std == 0.1
