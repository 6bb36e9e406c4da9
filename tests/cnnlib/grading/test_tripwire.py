"""Does the tripwire notice a library's convolution however it is imported, and let numpy through?

The module's docstring claims: any import style is caught (``import torch``,
``from scipy.signal import correlate2d``, an alias, an import inside the
function), numpy is allowed except its 1-D ``convolve``/``correlate``. Each
test below pins one of those claims.
"""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

from cnnlib.grading.tripwire import no_library_calls

# Imported once here, outside the profiler, as a notebook's earlier cells would: importing
# them under it takes half a minute, and a solution's own import is then a lookup that
# the tripwire must still see through.
for package in ("scipy.signal", "torch"):
    importlib.import_module(package)

X, W = np.arange(25.0).reshape(5, 5), np.ones((3, 3))


def numpy_only(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, 1), w.shape)
    return np.einsum("ijab,ab->ij", windows, w)


def imports_torch_inside(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    import torch

    return torch.nn.functional.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]).numpy()


def imports_a_function_from_scipy(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    from scipy.signal import correlate2d

    return correlate2d(x, w, mode="valid")


def imports_scipy_under_an_alias(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    import scipy.signal as sig

    return sig.correlate2d(x, w, mode="valid")


def calls_cnnlib(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    import cnnlib as reference

    return reference.conv2d(x[None, None], w[None, None])[0, 0]


def convolves_rows_with_numpy(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.array([np.convolve(row, w[0], mode="valid") for row in x])


def correlates_rows_with_numpy(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.array([np.correlate(row, w[0], mode="valid") for row in x])


def test_numpy_is_allowed() -> None:
    """Does a solution built from numpy's padding, sliding windows and einsum pass without a word?"""
    assert no_library_calls(numpy_only, X, W) is None


@pytest.mark.parametrize(("solution", "offender"), [
    (imports_torch_inside, "calls torch"),
    (imports_a_function_from_scipy, "calls scipy"),
    (imports_scipy_under_an_alias, "calls scipy"),
    (calls_cnnlib, "calls cnnlib"),
], ids=["import torch inside the function", "from scipy.signal import correlate2d", "import scipy.signal as sig",
        "import cnnlib as an alias"])
def test_a_library_convolution_is_caught_however_it_is_imported(solution, offender: str) -> None:
    """Is the call named, with the package it went into, whatever the import style?"""
    with pytest.raises(AssertionError, match=f"conv {offender}.*; this part asks you to write it yourself"):
        no_library_calls(solution, X, W, name="conv")


@pytest.mark.parametrize(("solution", "name"), [(convolves_rows_with_numpy, "numpy.convolve"),
                                                (correlates_rows_with_numpy, "numpy.correlate")])
def test_numpys_1d_convolutions_are_caught(solution, name: str) -> None:
    """Are np.convolve and np.correlate, numpy's own 1-D convolutions, named as library calls?"""
    with pytest.raises(AssertionError, match=f"calls {name};"):
        no_library_calls(solution, X, W)


def test_the_message_names_the_students_function() -> None:
    """Without a name, is the function named by its own name in the message?"""
    with pytest.raises(AssertionError, match="^convolves_rows_with_numpy calls numpy.convolve"):
        no_library_calls(convolves_rows_with_numpy, X, W)


def test_the_solutions_own_errors_pass_through_and_the_profiler_is_put_back() -> None:
    """Does an exception of the solution reach the caller unchanged, with the previous profiler restored?"""
    def broken(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        raise IndexError("my own bug")

    before = sys.getprofile()
    with pytest.raises(IndexError, match="my own bug"):
        no_library_calls(broken, X, W)
    assert sys.getprofile() is before
