"""Tips and tricks, as experiments: validation splits, class-sorted batches, scarce data, class subsets.

Each tip of the lecture is measured on real digits with the same protocol:
train on a training split, compare settings on a validation split carved out
of the training set (:func:`validation_split`), and touch the test set once at
the end. The helpers here build the data sets and the small convnet those
experiments need; training is :func:`cnnlib.train.fit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cnnlib.data import split

SEEDS = (0, 1, 2)
"""The seeds every experiment of part 2 runs with; a sentence about a result must hold on each of them."""


def _tensors(dataset: TensorDataset) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(dataset, TensorDataset) or len(dataset.tensors) != 2:
        raise TypeError(f"dataset must be a TensorDataset of (images, labels), got {type(dataset).__name__}")
    return dataset.tensors


def validation_split(dataset: TensorDataset) -> tuple[TensorDataset, TensorDataset]:
    """Split a training set into training and validation parts, every fifth image of each class held out.

    The same fixed rule as the train/test split (:func:`cnnlib.data.split`), so no seed is needed.

    >>> from cnnlib.data import mnist
    >>> train, validation = validation_split(mnist()[0])
    >>> len(train), len(validation)
    (3200, 800)
    """
    x, y = _tensors(dataset)
    kept, held_out = split(y.numpy())
    return TensorDataset(x[kept], y[kept]), TensorDataset(x[held_out], y[held_out])


def sorted_by_class(dataset: TensorDataset, batch_size: int) -> DataLoader:
    """Batches in class order, never shuffled: all the 0s, then all the 1s, ... (what not to do).

    >>> data = TensorDataset(torch.zeros(6, 1, 2, 2), torch.tensor([2, 0, 1, 0, 2, 1]))
    >>> [y.tolist() for _, y in sorted_by_class(data, batch_size=2)]
    [[0, 0], [1, 1], [2, 2]]
    """
    x, y = _tensors(dataset)
    order = torch.argsort(y, stable=True)
    return DataLoader(TensorDataset(x[order], y[order]), batch_size=batch_size, shuffle=False)


def few_per_class(dataset: TensorDataset, n: int) -> TensorDataset:
    """The first ``n`` images of each class: a scarce training set, the same on every run.

    >>> data = TensorDataset(torch.arange(6.0), torch.tensor([0, 1, 0, 1, 0, 1]))
    >>> few_per_class(data, 2).tensors[0].tolist()
    [0.0, 2.0, 1.0, 3.0]
    """
    x, y = _tensors(dataset)
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    index = torch.cat([torch.nonzero(y == k).flatten()[:n] for k in torch.unique(y)])
    return TensorDataset(x[index], y[index])


def class_subset(dataset: TensorDataset, classes: Sequence[int]) -> TensorDataset:
    """Only the images of ``classes``, relabelled 0, 1, ... in the order given (a new task for transfer).

    >>> data = TensorDataset(torch.arange(4.0), torch.tensor([5, 7, 5, 6]))
    >>> class_subset(data, [7, 5]).tensors[1].tolist()
    [1, 0, 1]
    """
    x, y = _tensors(dataset)
    mapping = torch.full((int(y.max()) + 1,), -1, dtype=torch.long)
    for new, old in enumerate(classes):
        if not 0 <= old < len(mapping):
            raise ValueError(f"classes must be labels present in the data (0 to {len(mapping) - 1}), got {old}")
        mapping[old] = new
    keep = mapping[y] >= 0
    return TensorDataset(x[keep], mapping[y[keep]])


def small_convnet(
    num_classes: int = 10, dropout: float = 0.0, batch_norm: bool = False, width: int = 16, seed: int = 0
) -> nn.Sequential:
    """[CONV-(BN)-RELU-POOL]*2 - FC-RELU-(DROPOUT) - FC for 28x28 grey digits, initialised from ``seed``.

    Args:
        num_classes: number of class scores.
        dropout: probability of dropping each hidden FC unit during training (0: no dropout layer).
        batch_norm: a batch-norm layer after each conv layer.
        width: filters of the first conv layer; the second has twice as many.

    Shape:
        Input (N, 1, 28, 28); output (N, num_classes). ``model[:-1]`` are the
        features, ``model[-1]`` the top layer a transfer learner replaces.

    >>> small_convnet(batch_norm=True)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for c_in, c_out in ((1, width), (width, 2 * width)):
        layers.append(nn.Conv2d(c_in, c_out, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(c_out))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Flatten(), nn.Linear(2 * width * 7 * 7, 64), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(64, num_classes))
    return nn.Sequential(*layers)


def seed_table(
    results: Mapping[str, Sequence[float]], seeds: Sequence[int] = SEEDS, title: str = "setting", digits: int = 3
) -> str:
    """A text table of one measure per row: its value on every seed, their mean and spread (max - min).

    Args:
        results: ``{setting: [value on each seed]}``, the values in the order of ``seeds``.
        seeds: the seeds, for the column titles.
        title: the first column's title.
        digits: decimals shown.

    >>> print(seed_table({"plain": [0.5, 0.75]}, seeds=(0, 1)))
    setting  seed 0  seed 1    mean  spread
    plain     0.500   0.750   0.625   0.250
    """
    width = max(len(title), *(len(name) for name in results))
    titles = [f"seed {seed}" for seed in seeds] + ["mean", "spread"]
    lines = [title.ljust(width) + "".join(f"{t:>8}" for t in titles)]
    for name, values in results.items():
        if len(values) != len(seeds):
            raise ValueError(f"results[{name!r}] must have one value per seed ({len(seeds)}), got {len(values)}")
        row = [*values, sum(values) / len(values), max(values) - min(values)]
        lines.append(name.ljust(width) + "".join(f"{v:8.{digits}f}" for v in row))
    return "\n".join(lines)
