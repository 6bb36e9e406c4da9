"""Tests for cnnlib.tips: the splits are disjoint and class-balanced, sorted batches are sorted, subsets relabel."""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import TensorDataset

from cnnlib.data import mnist
from cnnlib.tips import class_subset, few_per_class, small_convnet, sorted_by_class, validation_split


@pytest.fixture(scope="module")
def train() -> TensorDataset:
    return mnist()[0]


def test_validation_split_is_disjoint_and_balanced(train) -> None:
    """Are the parts disjoint, together the whole training set, with 80 validation images of each digit?"""
    kept, held_out = validation_split(train)
    assert len(kept) + len(held_out) == len(train)
    assert torch.bincount(held_out.tensors[1]).tolist() == [80] * 10
    flat = {tuple(x.flatten().tolist()[::7]) for x in kept.tensors[0]}
    assert not any(tuple(x.flatten().tolist()[::7]) in flat for x in held_out.tensors[0][:50])


def test_sorted_batches_never_go_back_a_class(train) -> None:
    """Are the labels of the sorted loader non-decreasing over the epoch, each batch holding at most two classes?"""
    labels = [y for _, y in sorted_by_class(train, batch_size=64)]
    flat = torch.cat(labels)
    assert torch.all(flat[1:] >= flat[:-1]) and len(flat) == len(train)
    assert max(len(torch.unique(y)) for y in labels) <= 2


def test_few_per_class_takes_the_first_n_of_each(train) -> None:
    """Does few_per_class(n=3) give 3 images of each class, the first ones of that class in the data?"""
    few = few_per_class(train, 3)
    x, y = train.tensors
    assert torch.bincount(few.tensors[1]).tolist() == [3] * 10
    first_sevens = x[torch.nonzero(y == 7).flatten()[:3]]
    assert torch.equal(few.tensors[0][few.tensors[1] == 7], first_sevens)


def test_class_subset_relabels_in_the_order_given(train) -> None:
    """Does keeping digits 5 and 9 give only their images, with 9 relabelled 0 and 5 relabelled 1?"""
    subset = class_subset(train, [9, 5])
    y = train.tensors[1]
    assert len(subset) == int((y == 9).sum() + (y == 5).sum())
    assert torch.equal(subset.tensors[0][subset.tensors[1] == 0], train.tensors[0][y == 9])


def test_small_convnet_layers_and_seed() -> None:
    """Does the convnet have the asked-for dropout and batch norm, and the same weights for the same seed?"""
    plain, regularized = small_convnet(), small_convnet(dropout=0.5, batch_norm=True)
    kinds = [type(m).__name__ for m in regularized]
    assert kinds.count("BatchNorm2d") == 2 and kinds.count("Dropout") == 1
    assert not any(isinstance(m, (torch.nn.Dropout, torch.nn.BatchNorm2d)) for m in plain)
    assert torch.equal(small_convnet(seed=3)[0].weight, small_convnet(seed=3)[0].weight)
    # 1*16*9+16 + 16*32*9+32 + 32*7*7*64+64 + 64*10+10 parameters, counted by hand.
    assert sum(p.numel() for p in plain.parameters()) == 160 + 4640 + 100416 + 650


def test_bad_arguments_are_refused(train) -> None:
    """Are a list instead of a dataset, n = 0, an unknown class and dropout 1 refused with the rule?"""
    with pytest.raises(TypeError, match="dataset must be a TensorDataset of \\(images, labels\\), got list"):
        validation_split([1, 2])
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        few_per_class(train, 0)
    with pytest.raises(ValueError, match=r"classes must be labels present in the data \(0 to 9\), got 12"):
        class_subset(train, [12])
    with pytest.raises(ValueError, match=r"dropout must be a probability in \[0, 1\), got 1"):
        small_convnet(dropout=1)


def test_seed_table_gives_each_seed_its_mean_and_spread() -> None:
    """Does a row show every seed's value, their mean and max minus min, worked by hand?"""
    from cnnlib.tips import seed_table

    table = seed_table({"batch norm": [0.9, 0.8, 0.95], "plain": [0.5, 0.5, 0.5]}, seeds=(0, 1, 2))
    header, bn, plain = table.splitlines()
    assert header.split() == ["setting", "seed", "0", "seed", "1", "seed", "2", "mean", "spread"]
    assert bn.split()[-5:] == ["0.900", "0.800", "0.950", "0.883", "0.150"]
    assert plain.split()[-2:] == ["0.500", "0.000"]
    with pytest.raises(ValueError, match=r"results\['plain'\] must have one value per seed \(3\), got 2"):
        seed_table({"plain": [0.5, 0.5]}, seeds=(0, 1, 2))
