"""Tests for cnnlib.compare: trials over seeds against the same runs made by hand with fit and evaluate."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from cnnlib.compare import compare, seed_table
from cnnlib.train import TrainConfig, evaluate, fit


def data(seed: int, n: int = 96) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, 4, 4, generator=generator)
    return TensorDataset(x, (x.sum((1, 2, 3)) > 0).long())


def linear() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 2))


CONFIG = TrainConfig(epochs=2, batch_size=32, lr=0.1, quiet=True, threads=1, device="cpu")


def test_each_trial_is_the_run_its_seed_gives_by_hand() -> None:
    """Is the trial for seed s the model, loss and accuracy of manual_seed(s), build() and fit with seed s?"""
    train, validation = data(0), data(1)
    trials = compare({"linear": linear}, train, validation, CONFIG, seeds=(3, 7))["linear"]
    assert [t.seed for t in trials] == [3, 7]
    for trial in trials:
        torch.manual_seed(trial.seed)
        model = linear()
        history = fit(model, train, validation, replace(CONFIG, seed=trial.seed))
        for mine, theirs in zip(trial.model.parameters(), model.parameters(), strict=True):
            torch.testing.assert_close(mine, theirs)
        assert trial.history.train_loss == history.train_loss
        assert trial.validation_accuracy == evaluate(model, validation)[1]
    assert not torch.equal(trials[0].model[1].weight, trials[1].model[1].weight)  # the seed matters


@pytest.mark.parametrize(("seeds", "message"), [((), r"seeds must be at least one seed with no repeats, got \[\]"),
                                                 ((1, 1), r"seeds must be at least one seed with no repeats")])
def test_seeds_are_checked(seeds: tuple, message: str) -> None:
    """Is an empty or repeated list of seeds refused with a message naming seeds?"""
    with pytest.raises(ValueError, match=message):
        compare({"linear": linear}, data(0), data(1), CONFIG, seeds=seeds)


def test_seed_table_gives_mean_and_spread() -> None:
    """Does the table give every seed's value, the mean (0.8) and the largest minus the smallest (0.3)?"""
    line = seed_table({"net": [0.9, 0.6, 0.9]}, seeds=(0, 1, 2)).splitlines()[1].split()
    assert line == ["net", "0.900", "0.600", "0.900", "0.800", "0.300"]
    with pytest.raises(ValueError, match=r"values must hold one number per seed \(3\)"):
        seed_table({"net": [0.9]}, seeds=(0, 1, 2))
