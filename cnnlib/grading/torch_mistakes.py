"""Known mistakes of assignment 4 (torch), recognised from what the answer does, each named in one sentence.

Like :mod:`cnnlib.grading.layer_mistakes` for the numpy assignments: each
function reproduces a known mistake (LeNet-5's first conv without padding, a
crop's bounds swapped, a new optimizer every epoch) and returns its sentence
from :mod:`cnnlib.grading.mistakes` when the answer behaves that way, or None.

torch is imported inside the functions only, as in :mod:`cnnlib.grading.torch_checks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cnnlib.grading.mistakes import MISTAKES


def diagnose_lenet_features(model: Any, in_channels: int = 1) -> str | None:
    """Name LeNet-5's first conv left without padding, from the size of ``model.features``' output on a 28x28 image.

    >>> from torch import nn
    >>> unpadded = nn.Sequential(nn.Conv2d(1, 6, 5), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2))
    >>> print(diagnose_lenet_features(type("Net", (), {"features": unpadded})()))
    Likely mistake: your first conv has no padding: ... See https://...
    """
    import torch

    try:
        with torch.no_grad():
            got = model.features(torch.zeros(1, in_channels, 28, 28)).numel()
    except Exception:  # noqa: BLE001 - no diagnosis for features that do not run at all
        return None
    return MISTAKES["lenet_no_padding"].explain() if got == 16 * 4 * 4 else None


def diagnose_crop(actual: object, x: Any, size: int, seed: int) -> str | None:
    """Name a random crop whose bounds are swapped (top drawn with W, left with H), from its result or its error.

    ``actual`` is what ``random_crop(x, size, torch.Generator().manual_seed(seed))`` returned, or the exception it
    raised: where the swapped draws leave the image, the patches come out short and stacking them fails.

    >>> import torch
    >>> x = torch.rand(4, 1, 12, 8)
    >>> print(diagnose_crop(RuntimeError("stack expects each tensor to be equal size"), x, 6, 0))
    Likely mistake: your crop matches drawing top with W and left with H: ... See https://...
    """
    import torch

    N, _, H, W = x.shape
    if H == W:
        return None
    g = torch.Generator().manual_seed(seed)
    top, left = torch.randint(0, W - size + 1, (N,), generator=g), torch.randint(0, H - size + 1, (N,), generator=g)
    leaves = bool((top > H - size).any() or (left > W - size).any())
    if isinstance(actual, Exception):
        return MISTAKES["crop_bounds_swapped"].explain() if leaves else None
    if leaves or not isinstance(actual, torch.Tensor):
        return None
    corners = enumerate(zip(top.tolist(), left.tolist(), strict=True))
    swapped = torch.stack([x[n, :, t : t + size, e : e + size] for n, (t, e) in corners])
    same = actual.shape == swapped.shape and torch.equal(actual, swapped)
    return MISTAKES["crop_bounds_swapped"].explain() if same else None


@contextmanager
def optimizers_created() -> Iterator[list[Any]]:
    """Within the block, every ``torch.optim`` optimizer created (any kind: SGD, Adam, one's own subclass) is listed.

    >>> import torch
    >>> with optimizers_created() as made:
    ...     _ = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> len(made)
    1
    """
    import torch

    made: list[Any] = []
    original = torch.optim.Optimizer.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    torch.optim.Optimizer.__init__ = counting
    try:
        yield made
    finally:
        torch.optim.Optimizer.__init__ = original


def diagnose_optimizers(count: int) -> str | None:
    """Name a train loop that made a new optimizer each epoch, from the number of optimizers it created.

    >>> print(diagnose_optimizers(3))
    Likely mistake: a new optimizer each epoch starts its momentum (or Adam's running averages) from zero again: ...
    >>> diagnose_optimizers(1) is None
    True
    """
    return MISTAKES["optimizer_per_epoch"].explain() if count > 1 else None
