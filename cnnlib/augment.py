"""Data augmentation: the lecture's tricks against overfitting, on batches of torch tensors.

Every transform takes a batch ``x`` of shape (N, C, H, W) on any device and a
``generator`` (a CPU ``torch.Generator``) for its random draws, so a seeded
run repeats exactly; each image of the batch gets its own draw. ``Compose``
chains them with one seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch.nn import functional

Transform = Callable[..., torch.Tensor]


def _check_batch(x: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"x must be a tensor of shape (N, C, H, W), got {shape}")


def _uniform(n: int, low: float, high: float, generator: torch.Generator | None) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)


def random_crop(x: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random ``size`` x ``size`` patch of each image, as AlexNet took 224x224 patches of 256x256 images.

    Shape:
        x (N, C, H, W) -> (N, C, size, size).

    >>> random_crop(torch.zeros(2, 3, 256, 256), 224).shape
    torch.Size([2, 3, 224, 224])
    """
    _check_batch(x)
    N, _, H, W = x.shape
    if not 1 <= size <= min(H, W):
        raise ValueError(f"size must be between 1 and the image's shorter side {min(H, W)}, got {size}")
    top = torch.randint(0, H - size + 1, (N,), generator=generator).to(x.device)
    left = torch.randint(0, W - size + 1, (N,), generator=generator).to(x.device)
    steps = torch.arange(size, device=x.device)
    rows = (top[:, None] + steps)[:, :, None]  # (N, size, 1)
    cols = (left[:, None] + steps)[:, None, :]  # (N, 1, size)
    batch = torch.arange(N, device=x.device)[:, None, None]
    return x.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def horizontal_flip(x: torch.Tensor, p: float = 0.5, generator: torch.Generator | None = None) -> torch.Tensor:
    """Mirror each image left-right with probability ``p`` (AlexNet's horizontal reflections).

    >>> x = torch.arange(6.0).view(1, 1, 2, 3)
    >>> horizontal_flip(x, p=1.0)[0, 0].tolist()
    [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    """
    _check_batch(x)
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    flip = (torch.rand(len(x), generator=generator) < p).to(x.device)
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


class PCAColorJitter:
    """AlexNet's colour augmentation: shift every pixel by ``P @ (alpha * lambda)``.

    ``P`` holds the principal components (eigenvectors) of the 3x3 covariance
    of all RGB pixel values of the training set and ``lambda`` their
    eigenvalues; each image draws its own ``alpha ~ N(0, std)`` (std 0.1 in
    the paper) and adds the same RGB offset to all its pixels.

    Args:
        images: training images (N, 3, H, W) to compute the components from.
        std: standard deviation of the Gaussian magnitudes alpha.

    >>> images = torch.rand(8, 3, 16, 16)
    >>> jitter = PCAColorJitter(images)
    >>> jitter.eigenvalues.shape, jitter.eigenvectors.shape
    (torch.Size([3]), torch.Size([3, 3]))
    >>> out = jitter(images, generator=torch.Generator().manual_seed(0))
    >>> offset = out - images  # one RGB offset per image
    >>> bool(torch.allclose(offset, offset[:, :, :1, :1].expand_as(offset), atol=1e-6))
    True
    """

    def __init__(self, images: torch.Tensor, std: float = 0.1) -> None:
        _check_batch(images)
        if images.shape[1] != 3:
            raise ValueError(f"images must have 3 (RGB) channels, got {images.shape[1]}")
        pixels = images.detach().permute(1, 0, 2, 3).reshape(3, -1).to(torch.float64).cpu()
        eigenvalues, eigenvectors = torch.linalg.eigh(torch.cov(pixels))
        self.eigenvalues = eigenvalues.clamp(min=0)
        self.eigenvectors = eigenvectors  # columns are the components
        self.std = std

    def offsets(self, n: int, generator: torch.Generator | None = None, std: float | None = None) -> torch.Tensor:
        """The RGB offsets ``P @ (alpha * lambda)`` of ``n`` draws, shape (n, 3); ``std`` overrides ``self.std``."""
        alpha = torch.randn(n, 3, generator=generator, dtype=torch.float64) * (self.std if std is None else std)
        return (alpha * self.eigenvalues) @ self.eigenvectors.T

    def __call__(
        self, x: torch.Tensor, generator: torch.Generator | None = None, std: float | None = None
    ) -> torch.Tensor:
        _check_batch(x)
        shift = self.offsets(len(x), generator, std).to(device=x.device, dtype=x.dtype)
        return x + shift[:, :, None, None]


def _sample(x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """Resample each image through the affine map ``theta`` (N, 2, 3) in [-1, 1] coordinates."""
    grid = functional.affine_grid(theta.to(device=x.device, dtype=x.dtype), list(x.shape), align_corners=False)
    return functional.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


def random_affine(
    x: torch.Tensor,
    degrees: float = 15.0,
    translate: float = 0.1,
    scale: tuple[float, float] = (0.9, 1.1),
    shear: float = 10.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """A random mix of rotation, translation, stretching and shearing per image; zeros fill the border.

    Args:
        x: images (N, C, H, W).
        degrees: rotation drawn uniformly from [-degrees, degrees].
        translate: shift drawn from [-translate, translate] as a fraction of the size.
        scale: stretch factors drawn from [low, high], independently for the two axes.
        shear: shear angle drawn from [-shear, shear] degrees.

    >>> x = torch.rand(2, 1, 8, 8)
    >>> bool(torch.allclose(random_affine(x, 0, 0, (1, 1), 0), x, atol=1e-6))  # no change asked for
    True
    """
    _check_batch(x)
    N = len(x)
    angle = torch.deg2rad(_uniform(N, -degrees, degrees, generator))
    shear_angle = torch.deg2rad(_uniform(N, -shear, shear, generator))
    sx, sy = _uniform(N, *scale, generator), _uniform(N, *scale, generator)
    # affine_grid works in [-1, 1] coordinates, so a shift by a fraction t of the size is 2t.
    tx, ty = 2 * _uniform(N, -translate, translate, generator), 2 * _uniform(N, -translate, translate, generator)
    cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear_angle)
    rotation = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    shearing = torch.stack([torch.stack([torch.ones(N, dtype=tan.dtype), tan], -1),
                            torch.stack([torch.zeros(N, dtype=tan.dtype), torch.ones(N, dtype=tan.dtype)], -1)], -2)
    stretching = torch.diag_embed(torch.stack([sx, sy], -1))
    linear = rotation @ shearing @ stretching
    # grid_sample looks up where each output pixel comes from: the inverse map.
    inverse = torch.linalg.inv(linear)
    shift = -(inverse @ torch.stack([tx, ty], -1)[:, :, None])
    return _sample(x, torch.cat([inverse, shift], dim=2))


def lens_distortion(x: torch.Tensor, strength: float = 0.2, generator: torch.Generator | None = None) -> torch.Tensor:
    """Radial lens distortion: barrel (k > 0) or pincushion (k < 0), k drawn from [-strength, strength].

    Each output pixel at radius r from the centre (in [-1, 1] coordinates)
    samples the input at radius ``r * (1 + k r^2)``.

    >>> x = torch.rand(2, 3, 8, 8)
    >>> bool(torch.allclose(lens_distortion(x, strength=0.0), x, atol=1e-6))
    True
    """
    _check_batch(x)
    N = len(x)
    k = _uniform(N, -strength, strength, generator).to(device=x.device, dtype=x.dtype)
    identity = torch.eye(2, 3, device=x.device, dtype=x.dtype).expand(N, 2, 3)
    grid = functional.affine_grid(identity, list(x.shape), align_corners=False)
    radius2 = (grid**2).sum(-1, keepdim=True)
    grid = grid * (1 + k[:, None, None, None] * radius2)
    return functional.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


class Compose:
    """Apply transforms in order, all drawing from one generator seeded with ``seed``.

    Each transform is called as ``transform(x, generator=...)``; fix its other
    arguments with ``functools.partial``.

    >>> from functools import partial
    >>> augment = Compose([partial(random_crop, size=24), horizontal_flip], seed=0)
    >>> augment(torch.zeros(4, 1, 28, 28)).shape
    torch.Size([4, 1, 24, 24])
    """

    def __init__(self, transforms: Sequence[Transform], seed: int = 0) -> None:
        self.transforms = list(transforms)
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        for transform in self.transforms:
            x = transform(x, generator=self.generator)
        return x

    def __repr__(self) -> str:
        names = ", ".join(getattr(t, "__name__", None) or getattr(getattr(t, "func", t), "__name__", repr(t))
                          for t in self.transforms)
        return f"Compose([{names}])"
