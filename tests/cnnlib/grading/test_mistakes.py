"""Is every known mistake triggered by a wrong answer, and does each sentence link its book page?

TRIGGERS is the table: for each key of MISTAKES, one wrong answer, written the
way a student writes it, and the check that should name it. A mistake added to
MISTAKES without a row here fails the test below.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch

from cnnlib.grading.checks import check_against
from cnnlib.grading.gradient_mistakes import diagnose_numerical_gradient, diagnose_pool_backward
from cnnlib.grading.layer_mistakes import diagnose_conv, diagnose_pool
from cnnlib.grading.mistakes import MISTAKES
from tests.cnnlib.grading.wrong import max_pool_backward, one_sided, student_conv, torch_conv

RNG = np.random.default_rng(11)
X, W, B = RNG.standard_normal((2, 3, 7, 7)), RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)
POOL_X = RNG.standard_normal((2, 2, 9, 9))
GRAD_X, DOUT = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))


def tanh3(v: np.ndarray) -> np.ndarray:
    return 3 * np.tanh(v)


def torch_max_pool(x: np.ndarray, F: int, S: int) -> np.ndarray:
    return torch.nn.functional.max_pool2d(torch.from_numpy(x), F, S).numpy()


def changes_its_input() -> str:
    def conv(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        x[0, 0, 0, 0] += 1.0  # a student's padding written into x itself
        return torch_conv(x, w, np.zeros(len(w)), 1, 0)

    with pytest.raises(AssertionError) as raised:
        check_against(conv, lambda x, w: torch_conv(x, w, np.zeros(len(w)), 1, 0), {"x": X.copy(), "w": W}, "conv")
    return str(raised.value)


def pool_gradient_assigned() -> str | None:
    dout = RNG.standard_normal((2, 2, 4, 4))
    return diagnose_pool_backward(max_pool_backward(dout, POOL_X, 3, 2, assign=True), dout, POOL_X, 3, 2)


# key: the wrong answer and what the check says about it (conv cases at stride 2, padding 1).
TRIGGERS: dict[str, Callable[[], str | None]] = {
    "kernel_flipped": lambda: diagnose_conv(torch_conv(X, W[..., ::-1, ::-1].copy(), B, 2, 1), X, W, B, 2, 1),
    "padding_off": lambda: diagnose_conv(torch_conv(X, W, B, 2, 2), X, W, B, 2, 1),
    "stride_ignored": lambda: diagnose_conv(torch_conv(X, W, B, 1, 1), X, W, B, 2, 1),
    "channels_summed_wrong": lambda: diagnose_conv(student_conv(X, W, B, 2, 1, channels=slice(0, 1)), X, W, B, 2, 1),
    "bias_missing": lambda: diagnose_conv(student_conv(X, W, B, 2, 1, bias=False), X, W, B, 2, 1),
    "padding_shifted": lambda: diagnose_conv(student_conv(X, W, B, 2, 1, pad_rows=(2, 0)), X, W, B, 2, 1),
    "padding_one_sided": lambda: diagnose_conv(student_conv(X, W, B, 2, 1, pad_rows=(0, 2)), X, W, B, 2, 1),
    "pool_window_wrong": lambda: diagnose_pool(torch_max_pool(POOL_X, 2, 2), POOL_X, 3, 2),
    "pool_stride_wrong": lambda: diagnose_pool(torch_max_pool(POOL_X, 3, 1), POOL_X, 3, 2),
    "pool_backward_assigned": pool_gradient_assigned,
    "input_changed": changes_its_input,
    "gradient_one_sided": lambda: diagnose_numerical_gradient(one_sided(tanh3, GRAD_X, DOUT), tanh3, GRAD_X, DOUT),
    "gradient_not_halved": lambda: diagnose_numerical_gradient(6 * (1 - np.tanh(GRAD_X) ** 2) * DOUT, tanh3, GRAD_X, DOUT),
    "gradient_dout_ignored": lambda: diagnose_numerical_gradient(3 * (1 - np.tanh(GRAD_X) ** 2), tanh3, GRAD_X, DOUT),
}


@pytest.mark.parametrize("key", MISTAKES)
def test_every_known_mistake_is_triggered_by_a_wrong_answer(key: str) -> None:
    """Does the table hold a wrong answer for this mistake, and does the check name it by its own sentence?"""
    assert key in TRIGGERS, f"no wrong answer triggers the mistake {key!r}: add one to TRIGGERS"
    message = TRIGGERS[key]()
    assert message is not None and MISTAKES[key].sentence.split("{")[0] in message


def test_the_table_names_only_known_mistakes() -> None:
    """Is every key of the table a key of MISTAKES (no row left behind by a renamed mistake)?"""
    assert set(TRIGGERS) <= set(MISTAKES)


def test_a_sentence_links_its_book_page_under_the_published_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a mistake's message start with the prefix and end with its page under CNNLIB_BOOK_URL?"""
    monkeypatch.setenv("CNNLIB_BOOK_URL", "https://example.org/course/")
    message = MISTAKES["stride_ignored"].explain(stride=2)
    assert message.startswith("Likely mistake: your output matches stride 1 instead of stride 2")
    assert message.endswith(" See https://example.org/course/book/02_spatial_arithmetic.html#stride")
