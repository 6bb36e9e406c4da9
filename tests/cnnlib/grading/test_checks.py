"""Do the grading checks accept every correct answer, and say what is wrong, the essential first, about the others?"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib.grading.checks import check_against, check_call, result_dtypes, scaled_error


def conv(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The reference: torch's conv2d in float64."""
    x, w = (torch.from_numpy(np.asarray(a, np.float64)) for a in (x, w))
    return torch.nn.functional.conv2d(x, w).numpy()


X, W = np.arange(32.0).reshape(1, 2, 4, 4), np.ones((3, 2, 2, 2))


@pytest.mark.parametrize(
    ("dtypes", "exact", "allowed"),
    [(("float32", "float32"), False, {"float32"}), (("float32", "float64"), False, {"float64"}),
     (("int64", "float64"), False, {"float64"}), (("uint8", "float32"), False, {"float32"}),
     (("int64",), False, {"float64"}), (("int64",), True, {"int64", "float64"}), (("float32",), True, {"float32"})],
)
def test_the_dtype_rule(dtypes: tuple[str, ...], exact: bool, allowed: set[str]) -> None:
    """Do float inputs keep their dtype, integer ones give float64, and exact operations keep an integer dtype too?"""
    arrays = [np.zeros(1, dtype) for dtype in dtypes]
    assert {str(d) for d in result_dtypes(*arrays, exact=exact)} == allowed


def test_a_float32_input_must_give_float32_and_the_message_says_the_rule() -> None:
    """Is a float64 result for float32 inputs refused with the rule, before any value is compared?"""
    args = {"x": X.astype(np.float32), "w": W.astype(np.float32)}
    with pytest.raises(AssertionError, match=r"returned dtype float64, expected float32 \(float inputs keep their dtype"):
        check_against(lambda x, w: conv(x, w), conv, args, "conv")


def test_an_integer_image_is_compared_with_the_reference_in_float64() -> None:
    """Is an integer input given to the reference as float64, and the student's float64 result accepted?"""
    check_against(lambda x, w: conv(x, w), conv, {"x": X.astype(np.uint8), "w": W}, "conv")
    with pytest.raises(AssertionError, match="returned dtype uint8, expected float64"):
        check_against(lambda x, w: conv(x, w).astype(np.uint8), conv, {"x": X.astype(np.uint8), "w": W.astype(np.uint8)}, "conv")


def test_an_input_changed_in_place_is_named_as_a_mistake() -> None:
    """Does changing an argument fail with the argument, how it changed, and the 'input_changed' sentence?"""

    def shifts(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        x[0, 0, 0, 0] += 1e-5
        return conv(x, w)

    with pytest.raises(AssertionError, match=r"changed its argument x; case: .*\.\nLikely mistake: .*1 of its entries differ"):
        check_against(shifts, conv, {"x": X.copy(), "w": W}, "conv")


def test_a_list_is_accepted_where_a_tuple_is_asked_for() -> None:
    """Do three gradients returned as a list pass, and a single array fail with what was expected?"""

    def grads(x: np.ndarray) -> list[np.ndarray]:
        return [x * 2, x * 3, x * 4]

    check_against(grads, lambda x: (x * 2, x * 3, x * 4), {"x": np.ones(2)}, "grads", outputs=("a", "b", "c"))
    with pytest.raises(AssertionError, match=r"should return a tuple \(a, b, c\), got ndarray"):
        check_against(lambda x: x, lambda x: (x, x, x), {"x": np.ones(2)}, "grads", outputs=("a", "b", "c"))


def test_visible_checks_print_the_error_and_diagnose(capsys: pytest.CaptureFixture[str]) -> None:
    """Does check_call print the relative error on success, and a failure end with the diagnosis?"""
    check_call(lambda x, w: conv(x, w), conv(X, W), {"x": X, "w": W}, "conv")
    assert "relative error 0.00e+00, should be below 1e-07: OK" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"is wrong: relative error .*\.\nmy diagnosis"):
        check_call(lambda x, w: conv(x, w) + 1, conv, {"x": X, "w": W}, "conv", diagnose=lambda *a: "my diagnosis")


def test_the_scaled_error_forgives_entries_near_zero_that_centred_differences_cannot() -> None:
    """Is a 1e-11 slip on a zero entry of a gradient of scale 1 small in the scaled error, while huge elementwise?"""
    from cnnlib.gradcheck import rel_error

    exact, numerical = np.array([0.0, 1.0]), np.array([1e-11, 1.0])
    assert scaled_error(numerical, exact) == pytest.approx(1e-11)
    assert rel_error(numerical, exact) > 1e-4
