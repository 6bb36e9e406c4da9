"""Does the line count tell a Python loop over output positions from vectorized code, whatever the machine?"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.grading import loops
from cnnlib.grading.loops import check_no_position_loops, count_as_library, python_lines


def conv_im2col(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(2, 3))
    return np.einsum("ncijab,kcab->nkij", windows, w)


def conv_taps(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    K, C, FH, FW = w.shape
    H2, W2 = x.shape[2] - FH + 1, x.shape[3] - FW + 1
    out = np.zeros((x.shape[0], K, H2, W2))
    for a in range(FH):
        for e in range(FW):
            out += np.einsum("nchw,kc->nkhw", x[:, :, a : a + H2, e : e + W2], w[:, :, a, e])
    return out


def conv_positions(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    K, C, FH, FW = w.shape
    out = np.zeros((x.shape[0], K, x.shape[2] - FH + 1, x.shape[3] - FW + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = np.einsum("ncab,kcab->nk", x[:, :, i : i + FH, j : j + FW], w)
    return out


def conv_comprehension(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    F = w.shape[2]
    return np.array([[np.einsum("ncab,kcab->nk", x[:, :, i : i + F, j : j + F], w) for j in range(x.shape[3] - F + 1)]
                     for i in range(x.shape[2] - F + 1)]).transpose(2, 3, 0, 1)


def _one_position(x: np.ndarray, w: np.ndarray, i: int, j: int) -> np.ndarray:
    F = w.shape[2]
    return np.einsum("ncab,kcab->nk", x[:, :, i : i + F, j : j + F], w)


def conv_helper_per_position(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    F = w.shape[2]
    rows, cols = x.shape[2] - F + 1, x.shape[3] - F + 1
    return np.stack([_one_position(x, w, index // cols, index % cols) for index in range(rows * cols)], -1).reshape(
        x.shape[0], w.shape[0], rows, cols)


def conv_rows(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    F = w.shape[2]
    strip = np.lib.stride_tricks.sliding_window_view
    rows = [np.einsum("ncjab,kcab->nkj", strip(x[:, :, i : i + F], (F, F), axis=(2, 3))[:, :, 0], w)
            for i in range(x.shape[2] - F + 1)]
    return np.stack(rows, axis=2)


RNG = np.random.default_rng(0)
W = RNG.standard_normal((4, 3, 3, 3))
SMALL, LARGE = {"x": RNG.standard_normal((2, 3, 8, 8)), "w": W}, {"x": RNG.standard_normal((2, 3, 18, 18)), "w": W}
ALL = [conv_im2col, conv_taps, conv_positions, conv_comprehension, conv_helper_per_position, conv_rows]


@pytest.mark.parametrize("conv", ALL, ids=lambda f: f.__name__)
def test_every_version_computes_the_convolution(conv) -> None:
    """Are the versions below all right, so that only their loops tell them apart? (torch as the reference)"""
    expected = torch.nn.functional.conv2d(torch.from_numpy(LARGE["x"]), torch.from_numpy(W)).numpy()
    np.testing.assert_allclose(conv(**LARGE), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("conv", [conv_im2col, conv_taps], ids=lambda f: f.__name__)
def test_vectorized_code_and_loops_over_filter_taps_pass(conv, capsys: pytest.CaptureFixture[str]) -> None:
    """Do im2col and a loop over the filter's taps run as many lines on a large output as on a small one?"""
    check_no_position_loops(conv, SMALL, LARGE, conv.__name__, show=True)
    assert "no loop over output positions: OK" in capsys.readouterr().out


@pytest.mark.parametrize("conv", [conv_positions, conv_comprehension, conv_helper_per_position, conv_rows],
                         ids=lambda f: f.__name__)
def test_loops_over_positions_are_caught(conv) -> None:
    """Is a loop over positions caught, written as for loops, a one-line comprehension, a helper per position or per row?"""
    with pytest.raises(AssertionError, match=r"loops in Python over output positions: it runs \d+ Python lines on the smaller"):
        check_no_position_loops(conv, SMALL, LARGE, conv.__name__)


def test_the_count_is_exact_and_ignores_numpy() -> None:
    """Does a loop body count once per iteration, while numpy's own Python code (np.pad) counts nothing?"""

    def loop(n: int) -> int:
        total = 0
        for i in range(n):
            total += i
        return total

    assert python_lines(loop, 7) - python_lines(loop, 3) == 8
    assert python_lines(np.pad, np.ones((4, 4)), 2) == 0


def test_code_in_a_folder_counted_as_library_is_not_the_students(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a folder is counted as a library's (the sealed grader's, in the sandbox), do the 10 lines its helper runs
    for the student drop out of her count, and hers stay?"""
    monkeypatch.setattr(loops, "_LIBRARY_DIRS", loops._LIBRARY_DIRS)  # put back after the test
    (tmp_path / "plumbing.py").write_text("def relay(n):\n    total = 0\n    for i in range(n):\n        total += i\n"
                                          "    return total\n")
    namespace: dict = {}
    exec(compile((tmp_path / "plumbing.py").read_text(), str(tmp_path / "plumbing.py"), "exec"), namespace)
    relay = namespace["relay"]

    def student(n: int) -> int:
        return relay(n)

    before = python_lines(student, 5)
    count_as_library(str(tmp_path))
    assert (before, python_lines(student, 5)) == (1 + 1 + 2 * 5 + 1 + 1, 1)

