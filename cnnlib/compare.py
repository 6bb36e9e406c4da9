"""Comparing networks over seeds: each trial a function of its seed, and every seed reported.

On small data the seed moves a result about as much as a design choice does
(Henderson et al. 2018; Bouthillier et al. 2021). So the book trains each
network of a comparison once per seed, on the same data with the same recipe,
and states only what holds on every seed. :func:`compare` runs the trials and
selects nothing: it reports the validation accuracy, and the test set stays
with the page, which touches it once. :func:`seed_table` prints one row per
network with every seed, the mean and the spread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import torch
from torch import nn
from torch.utils.data import Dataset

from cnnlib.train import History, TrainConfig, evaluate, fit


@dataclass
class Trial:
    """One network trained with one seed: the trained model, its per-epoch history, its validation accuracy."""

    seed: int
    model: nn.Module
    history: History
    validation_accuracy: float


def compare(
    builds: Mapping[str, Callable[[], nn.Module]],
    train_data: Dataset,
    validation_data: Dataset,
    config: TrainConfig,
    seeds: Sequence[int] = (0, 1, 2),
) -> dict[str, list[Trial]]:
    """Train every network of ``builds`` once per seed on the same data; the trials, by network, in seed order.

    Seed ``s`` seeds the weights (``torch.manual_seed(s)`` before the build)
    and the shuffles (``config.seed = s``), so a trial is reproduced by
    ``torch.manual_seed(s)``, ``build()`` and ``fit`` with that seed.

    Args:
        builds: name -> a function making a fresh network (images (N, C, H, W) -> scores (N, classes)).
        train_data, validation_data: datasets of ``(image, label)`` items.
        config: the recipe every trial shares; its ``seed`` is replaced by each seed.
        seeds: at least one seed, no repeats.

    >>> from cnnlib.data import digits
    >>> train, validation = digits()
    >>> trials = compare({"linear": lambda: nn.Sequential(nn.Flatten(), nn.Linear(64, 10))}, train, validation,
    ...                  TrainConfig(epochs=1, batch_size=64, lr=0.1, quiet=True), seeds=(0, 1))
    >>> [t.seed for t in trials["linear"]], all(t.validation_accuracy > 0.5 for t in trials["linear"])
    ([0, 1], True)
    """
    seeds = list(seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be at least one seed with no repeats, got {seeds!r}")
    if not builds:
        raise ValueError("builds must name at least one network, got none")
    trials: dict[str, list[Trial]] = {name: [] for name in builds}
    for seed in seeds:
        for name, build in builds.items():
            torch.manual_seed(seed)
            model = build()
            history = fit(model, train_data, validation_data, replace(config, seed=seed))
            trials[name].append(Trial(seed, model, history, evaluate(model, validation_data)[1]))
    return trials


def seed_table(values: Mapping[str, Sequence[float]], seeds: Sequence[int], digits: int = 3) -> str:
    """One line per network: its value for every seed, their mean and their spread (largest minus smallest).

    >>> print(seed_table({"a": [0.5, 0.75], "b": [1.0, 1.0]}, seeds=(0, 1), digits=2))
    network  seed 0  seed 1  mean  spread
    a          0.50    0.75  0.62    0.25
    b          1.00    1.00  1.00    0.00
    """
    if any(len(v) != len(seeds) for v in values.values()):
        raise ValueError(f"values must hold one number per seed ({len(seeds)}), got {dict(values)!r}")
    head = ["network", *(f"seed {s}" for s in seeds), "mean", "spread"]
    rows = [[name, *(f"{v:.{digits}f}" for v in (*vs, sum(vs) / len(vs), max(vs) - min(vs)))]
            for name, vs in values.items()]
    width = max(len(row[0]) for row in [head, *rows])
    columns = [max(len(row[i]) for row in [head, *rows]) for i in range(1, len(head))]
    return "\n".join(
        row[0].ljust(width) + "".join("  " + cell.rjust(w) for cell, w in zip(row[1:], columns, strict=True))
        for row in [head, *rows]
    )
