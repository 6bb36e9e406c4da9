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
from cnnlib.grading.exact_checks import check_equal
from cnnlib.grading.gradient_mistakes import diagnose_conv_backward, diagnose_numerical_gradient, diagnose_pool_backward
from cnnlib.grading.inside_mistakes import (
    diagnose_ascent_step,
    diagnose_occlusion,
    diagnose_receptive_field,
    diagnose_residual,
    diagnose_saliency,
)
from cnnlib.grading.layer_mistakes import diagnose_conv, diagnose_pad, diagnose_params, diagnose_pool
from cnnlib.grading.mistakes import MISTAKES
from cnnlib.grading.torch_mistakes import diagnose_crop, diagnose_lenet_features, diagnose_optimizers, optimizers_created
from tests.cnnlib.grading.wrong import (
    centred,
    conv_backward,
    conv_taps_strided,
    max_pool_backward,
    one_sided,
    student_conv,
    torch_conv,
    zero_pad_one_side,
)

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


def failure(fn, reference, args: dict, diagnose) -> str:
    """The message of check_against on a wrong answer (a raised error included)."""
    with pytest.raises(AssertionError) as raised:
        check_against(fn, reference, args, "f", diagnose=diagnose, outputs=("dx", "dw", "db") if "dout" in args else ())
    return str(raised.value)


def reference_backward(dout, x, w, stride, padding):
    xt, wt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    bt = torch.zeros(len(w), dtype=torch.float64, requires_grad=True)
    torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=padding).backward(torch.from_numpy(dout))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


BACKWARD = {"dout": RNG.standard_normal((2, 4, 4, 4)), "x": X, "w": W, "stride": 2, "padding": 1}
TIES = RNG.integers(0, 3, (2, 2, 9, 9)).astype(float)


def lenet_unpadded() -> str | None:
    nn = torch.nn
    features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
    return diagnose_lenet_features(nn.ModuleDict({"features": features}))


def crop_swapped() -> str | None:
    x = torch.rand(4, 3, 32, 30)
    g = torch.Generator().manual_seed(0)
    top, left = torch.randint(0, 30 - 24 + 1, (4,), generator=g), torch.randint(0, 32 - 24 + 1, (4,), generator=g)
    try:
        torch.stack([x[n, :, t : t + 24, e : e + 24] for n, (t, e) in enumerate(zip(top, left, strict=True))])
    except RuntimeError as error:
        return diagnose_crop(error, x, 24, 0)
    return None


def optimizer_each_epoch() -> str | None:
    model = torch.nn.Linear(2, 1)
    with optimizers_created() as made:
        for _ in range(3):
            torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9).zero_grad()
    return diagnose_optimizers(len(made))


def params_without_bias() -> str:
    with pytest.raises(AssertionError) as raised:
        check_equal(10 * 5 * 5 * 3, 760, "conv_params(3, 10, 5)", lambda got: diagnose_params(got, 3, 10, 5))
    return str(raised.value)


def inside_model() -> torch.nn.Module:
    """A small network with batch norm, in training mode, for assignment 5's mistakes."""
    torch.manual_seed(3)
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 5))
    with torch.no_grad():
        net[1].running_var.uniform_(0.5, 2.0)
    return net.train()


IMAGE = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(4))


def saliency_wrong(how: str) -> str | None:
    """A student's saliency map, wrong in one way: the probability, the absolute value after the max, training mode."""
    net = inside_model()
    x = IMAGE[None].clone().requires_grad_(True)
    if how != "train":
        net.eval()
    scores = net(x)[0]
    (torch.softmax(scores, 0)[2] if how == "probability" else scores[2]).backward()
    gradient = x.grad[0]
    saliency = gradient.amax(0).abs() if how == "max-first" else gradient.abs().amax(0)
    return diagnose_saliency(saliency, inside_model(), IMAGE, 2)


def residual_relu_first() -> str | None:
    from cnnlib.models.resnet import BasicBlock

    block, x = BasicBlock(4, 8, 2).eval(), torch.randn(2, 4, 6, 6)
    with torch.no_grad():
        out = torch.relu(block.residual(x)) + block.shortcut(x)
    return diagnose_residual(out, block, x, 4, 8, 2)


def ascent_wrong(accumulate: bool) -> str | None:
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 3))
    x = torch.rand(1, 1, 4, 4).requires_grad_(True)
    for _ in range(2 if accumulate else 1):
        net(x)[0, 1].backward()
    stepped = (x + 0.5 * x.grad).detach()
    result = 0.9 * stepped if accumulate else stepped
    return diagnose_ascent_step(result, lambda v, g: 0.9 * (v + 0.5 * g), net, x.detach(), 1, 0.5, 0.1, 1.0,
                                calls=2 if accumulate else 1)


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
    "pool_backward_last_max": lambda: diagnose_pool_backward(
        max_pool_backward(np.ones((2, 2, 4, 4)), TIES, 3, 2, last=True), np.ones((2, 2, 4, 4)), TIES, 3, 2),
    "params_bias_missing": params_without_bias,
    "padding_one_side": lambda: failure(zero_pad_one_side, lambda x, p: np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))),
                                        {"x": X, "padding": 2}, diagnose_pad),
    "padding_every_axis": lambda: diagnose_pad(np.pad(X, 1), X, 1),
    "stride_on_taps": lambda: failure(conv_taps_strided, torch_conv, {"x": X, "w": W, "b": B, "stride": 2, "padding": 1},
                                      diagnose_conv),
    "bias_per_channel": lambda: diagnose_conv(torch_conv(X, W, 3 * B, 2, 1), X, W, B, 2, 1),
    "gradient_sign_flipped": lambda: diagnose_numerical_gradient(-3 * (1 - np.tanh(GRAD_X) ** 2) * DOUT, tanh3, GRAD_X, DOUT),
    "gradient_step_fixed": lambda: diagnose_numerical_gradient(centred(tanh3, GRAD_X, DOUT, 1e-2), tanh3, GRAD_X, DOUT),
    "conv_backward_unpadded": lambda: failure(lambda *a: conv_backward(*a, unpadded=True), reference_backward, BACKWARD,
                                              diagnose_conv_backward),
    "conv_backward_averaged": lambda: failure(lambda *a: conv_backward(*a, average=True), reference_backward, BACKWARD,
                                              diagnose_conv_backward),
    "lenet_no_padding": lenet_unpadded,
    "crop_bounds_swapped": crop_swapped,
    "optimizer_per_epoch": optimizer_each_epoch,
    "residual_relu_misplaced": residual_relu_first,
    "receptive_jump_first": lambda: diagnose_receptive_field((57, 8), [(11, 4, 1), (3, 2, 1)]),
    "receptive_dilation_ignored": lambda: diagnose_receptive_field((7, 1), [(3, 1, 1), (3, 1, 2), (3, 1, 4)]),
    "saliency_probability": lambda: saliency_wrong("probability"),
    "saliency_abs_after_max": lambda: saliency_wrong("max-first"),
    "model_training_mode": lambda: saliency_wrong("train"),
    "occlusion_border": lambda: diagnose_occlusion(torch.zeros(7, 7), torch.zeros(1, 28, 28), 7, 3),
    "ascent_unregularized": lambda: ascent_wrong(accumulate=False),
    "ascent_gradient_accumulates": lambda: ascent_wrong(accumulate=True),
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
