"""Random convolution and pooling cases shared by the tier tests (seeded, small enough for the loop tiers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConvCase:
    N: int
    C: int
    H: int
    W: int
    K: int
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    bias: bool

    def arrays(self, dtype: type = np.float64, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((self.N, self.C, self.H, self.W)).astype(dtype)
        w = rng.standard_normal((self.K, self.C // self.groups, *self.kernel_size)).astype(dtype)
        b = rng.standard_normal(self.K).astype(dtype) if self.bias else None
        return x, w, b

    @property
    def kwargs(self) -> dict[str, object]:
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation, "groups": self.groups}


def conv_cases(count: int, seed: int = 1) -> list[ConvCase]:
    """Random layers that fit: non-square inputs and kernels, every stride/padding/dilation/groups mix."""
    rng = np.random.default_rng(seed)
    cases: list[ConvCase] = []
    while len(cases) < count:
        groups = int(rng.choice([1, 1, 2, 3]))
        kernel = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        H, W = int(rng.integers(4, 11)), int(rng.integers(4, 11))
        spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
        # Keep the cases where the filter fits exactly; floor mode has its own tests.
        if any(span > n + 2 * p or (n + 2 * p - span) % s for span, n, p, s in zip(spans, (H, W), padding, stride, strict=True)):
            continue
        cases.append(ConvCase(
            N=int(rng.integers(1, 4)), C=groups * int(rng.integers(1, 4)), H=H, W=W, K=groups * int(rng.integers(1, 4)),
            kernel_size=kernel, stride=stride, padding=padding, dilation=dilation, groups=groups,
            bias=bool(rng.integers(0, 2)),
        ))
    return cases


@dataclass(frozen=True)
class PoolCase:
    N: int
    C: int
    H: int
    W: int
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]

    def x(self, seed: int = 0, dtype: type = np.float64) -> np.ndarray:
        # Distinct values: a tie has no unique maximum to check gradients against.
        values = np.random.default_rng(seed).permutation(self.N * self.C * self.H * self.W)
        return (values.reshape(self.N, self.C, self.H, self.W) / 7.0).astype(dtype)


def pool_cases(count: int, seed: int = 2) -> list[PoolCase]:
    """Random pooling layers that fit, with overlapping and non-square windows and legal padding."""
    rng = np.random.default_rng(seed)
    cases: list[PoolCase] = []
    while len(cases) < count:
        kernel = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = (int(rng.integers(0, kernel[0] // 2 + 1)), int(rng.integers(0, kernel[1] // 2 + 1)))
        H, W = int(rng.integers(3, 10)), int(rng.integers(3, 10))
        if any(k > n + 2 * p or (n + 2 * p - k) % s for k, n, p, s in zip(kernel, (H, W), padding, stride, strict=True)):
            continue
        cases.append(PoolCase(int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, W, kernel, stride, padding))
    return cases
