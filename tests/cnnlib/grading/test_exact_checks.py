"""Do the checks of exact answers accept lists and numpy integers, refuse floats for counts, and pin raised errors?"""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.grading.exact_checks import check_equal, check_raises, equal_problem


def test_check_equal_accepts_lists_and_numpy_ints_but_not_floats_for_counts() -> None:
    """Do [55, 55, 96] and np.int64(760) pass for (55, 55, 96) and 760, while 760.0 does not?"""
    check_equal(["CONV1", [55, 55, np.int64(96)], np.int64(34944)], ("CONV1", (55, 55, 96), 34944), "alexnet[0]")
    with pytest.raises(AssertionError, match=r"alexnet\[0\]\[2\] returned float 34944.0, expected the int 34944"):
        check_equal(("CONV1", (55, 55, 96), 34944.0), ("CONV1", (55, 55, 96), 34944), "alexnet[0]")


def test_equal_problem_names_the_first_wrong_item_and_the_lengths() -> None:
    """Is a short list named by its length, and a nested wrong value by its index?"""
    assert equal_problem([55, 55], (55, 55, 96), "volume") == "volume has 2 items, expected 3"
    assert equal_problem(("CONV1", (55, 54, 96)), ("CONV1", (55, 55, 96)), "row") == "row[1][1] returned 54, expected 55"


def test_check_raises_wants_the_error_and_its_words(capsys: pytest.CaptureFixture[str]) -> None:
    """Does check_raises pass on the named error with the words asked for, and fail on another message or none?"""
    def output_size(N: int, F: int) -> int:
        if F > N:
            raise ValueError(f"kernel_size {F} is larger than the input size {N}")
        return N - F + 1

    check_raises(output_size, {"N": 3, "F": 5}, "output_size", ValueError, match="larger than")
    assert capsys.readouterr().out == "output_size(N=3, F=5) raised ValueError: OK\n"
    with pytest.raises(AssertionError, match=r"its message should contain 'does not fit'"):
        check_raises(output_size, {"N": 3, "F": 5}, "output_size", ValueError, match="does not fit")
    with pytest.raises(AssertionError, match="output_size\\(N=7, F=3\\) returned without raising; expected ValueError"):
        check_raises(output_size, {"N": 7, "F": 3}, "output_size")
