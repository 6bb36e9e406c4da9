"""Tests for cnnlib.design: the pattern builder against networks written out by hand in torch."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlib.design import Pattern


def params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_pattern_matches_the_network_written_by_hand() -> None:
    """Is [(CONV-RELU)*2-POOL]*2-(FC-RELU)*1,SOFTMAX on 3x16x16 the same layers, sizes and outputs as torch by hand?"""
    by_hand = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 4 * 4, 20), nn.ReLU(), nn.Linear(20, 5), nn.Softmax(dim=1),
    )
    built = Pattern(N=2, M=2, K=1, width=8, fc_width=20, image_size=16, num_classes=5).build()
    assert [type(m) for m in built] == [type(m) for m in by_hand]
    built.load_state_dict(by_hand.state_dict())  # same parameter names and shapes, or this raises
    x = torch.randn(4, 3, 16, 16)
    torch.testing.assert_close(built(x), by_hand(x))
    torch.testing.assert_close(built(x).sum(1), torch.ones(4))


@pytest.mark.parametrize(("N", "M", "K"), [(1, 1, 0), (3, 2, 2), (5, 4, 1)])
def test_parameter_count_follows_the_pattern_numbers(N: int, M: int, K: int) -> None:
    """Does the table's total equal the sum of F*F*C*K+K per conv and in*out+out per FC, counted by hand?"""
    pattern = Pattern(N=N, M=M, K=K, width=4, fc_width=16, image_size=32)
    expected, channels = 0, 3
    for m in range(M):
        for _ in range(N):
            expected += 3 * 3 * channels * (4 * 2**m) + 4 * 2**m
            channels = 4 * 2**m
    features = channels * (32 // 2**M) ** 2
    for _ in range(K):
        expected += features * 16 + 16
        features = 16
    expected += features * 10 + 10
    table = pattern.table()
    assert table.params == params(pattern.build()) == expected
    assert sum(r.layer.startswith("CONV") for r in table.rows) == N * M
    assert sum(r.layer.startswith("FC") for r in table.rows) == K + 1


def test_all_convolutional_variant_replaces_pool_and_fc() -> None:
    """With pool="conv", K=0 and global pooling, are there no max pools, one FC, and 4x4 maps from 32x32 after M=3?"""
    pattern = Pattern(N=1, M=3, K=0, pool="conv", global_pool=True)
    model = pattern.build()
    assert not any(isinstance(m, nn.MaxPool2d) for m in model)
    assert sum(isinstance(m, nn.Linear) for m in model) == 1
    assert pattern.output_size() == 4
    assert model[:-4](torch.zeros(1, 3, 32, 32)).shape == (1, 128, 4, 4)
    assert pattern.name == "[(CONV-RELU)*1-CONV/2]*3-(FC-RELU)*0,SOFTMAX"


def test_without_pooling_the_size_stays() -> None:
    """With pool="none", do the last maps keep the input's 8x8?"""
    pattern = Pattern(N=2, M=2, K=0, pool="none", image_size=8, softmax=False)
    assert pattern.output_size() == 8
    assert pattern.table().rows[-2].shape == (8, 8, 64)
    assert not any(isinstance(m, nn.Softmax) for m in pattern.build())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"N": 0}, r"N must be an integer >= 1, got 0"),
        ({"K": -1}, r"K must be an integer >= 0, got -1"),
        ({"M": 2.5}, r"M must be an integer >= 1, got 2.5"),
        ({"pool": "avg"}, r"pool must be 'max', 'conv' or 'none', got 'avg'"),
        ({"kernel_size": 4}, r"kernel_size must be odd .* got 4"),
        ({"M": 6, "image_size": 32}, r"image_size 32 is too small for M=6 halvings: it needs at least 64"),
    ],
)
def test_bad_numbers_are_refused(kwargs: dict, message: str) -> None:
    """Is each impossible pattern refused with a message naming the argument and the rule?"""
    with pytest.raises(ValueError, match=message):
        Pattern(**kwargs)


def test_stem_gives_the_first_stage_width_maps_in_and_out() -> None:
    """With a stem, is one 7x7 layer the 3x3 stem plus 49 C^2 + C, and three 3x3 layers the stem plus 3 (9 C^2 + C)?"""
    C, stem = 16, 3 * 3 * 1 * 16 + 16
    one_7x7 = Pattern(N=1, M=1, K=0, kernel_size=7, width=C, stem=True, in_channels=1, image_size=8, softmax=False)
    three_3x3 = Pattern(N=3, M=1, K=0, kernel_size=3, width=C, stem=True, in_channels=1, image_size=8, softmax=False)
    fc = 4 * 4 * C * 10 + 10
    assert params(one_7x7.build()) == stem + 49 * C * C + C + fc
    assert params(three_3x3.build()) == stem + 3 * (9 * C * C + C) + fc
    assert three_3x3.name == "CONV-RELU-[(CONV-RELU)*3-POOL]*1-(FC-RELU)*0,SCORES"
    by_hand = nn.Sequential(nn.Conv2d(1, C, 3, padding=1), nn.ReLU(), nn.Conv2d(C, C, 7, padding=3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * C, 10))
    built = one_7x7.build()
    built.load_state_dict(by_hand.state_dict())
    x = torch.randn(2, 1, 8, 8)
    torch.testing.assert_close(built(x), by_hand(x))
