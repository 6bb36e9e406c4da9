"""The trainer: LeNet-5 reaches its target on real MNIST, runs repeat exactly, transfer-learning rules hold."""

from __future__ import annotations

import ast
import dataclasses
import inspect

import pytest
import torch
from torch import nn

from cnnlib.data import digits, mnist
from cnnlib.models import LeNet5
from cnnlib.train import History, TrainConfig, evaluate, fine_tune_param_groups, fit, freeze


@pytest.fixture(scope="module")
def lenet_history() -> tuple[nn.Module, History]:
    """LeNet-5 trained once for the module, with the benchmark's recipe."""
    training, test = mnist()
    torch.manual_seed(0)
    model = LeNet5()
    config = TrainConfig(epochs=8, batch_size=64, lr=0.05, lr_step_epochs=4, target_accuracy=0.97, quiet=True,
                         device="cpu")
    return model, fit(model, training, test, config)


def test_lenet5_reaches_97_percent_on_held_out_mnist(lenet_history) -> None:
    """Does LeNet-5 reach 97% on the 1,000 held-out images, stopping at the first epoch that does?"""
    model, history = lenet_history
    assert history.val_accuracy[-1] >= 0.97
    assert all(a < 0.97 for a in history.val_accuracy[:-1])
    _, accuracy = evaluate(model, mnist()[1])
    assert accuracy == history.val_accuracy[-1]


def test_history_has_one_entry_per_epoch(lenet_history) -> None:
    """Does each per-epoch list have one entry per epoch, with the step-down lr?"""
    _, history = lenet_history
    epochs = len(history.val_accuracy)
    for name in ("train_loss", "train_accuracy", "seconds", "images_per_second", "lr"):
        assert len(getattr(history, name)) == epochs
    assert history.lr[:5] == pytest.approx([0.05] * 4 + [0.005][: epochs - 4])


def test_evaluate_matches_torchs_cross_entropy() -> None:
    """Are evaluate's loss and accuracy torch's mean cross-entropy and argmax accuracy on the whole set?"""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    _, test = digits()
    x, y = test.tensors
    loss, accuracy = evaluate(model, test, batch_size=100)
    with torch.no_grad():
        scores = model(x)
    assert loss == pytest.approx(nn.functional.cross_entropy(scores, y).item(), rel=1e-5)
    assert accuracy == (scores.argmax(1) == y).sum().item() / len(y)


def small_run(seed: int = 0, threads: int | None = None) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64, 10))
    training, test = digits()
    fit(model, training, test, TrainConfig(epochs=2, batch_size=32, lr=0.05, seed=seed, threads=threads, quiet=True,
                                           device="cpu"))
    return model


def test_runs_repeat_exactly_on_the_cpu() -> None:
    """Do two runs with the same seed give identical weights (shuffles and dropout included), another seed not?"""
    first, again, other = small_run(0), small_run(0), small_run(1)
    assert torch.equal(first[2].weight, again[2].weight)
    assert not torch.equal(first[2].weight, other[2].weight)


def test_fit_restores_torchs_thread_count() -> None:
    """Does fit put torch's thread count back after training with threads=1?"""
    before = torch.get_num_threads()
    small_run(threads=1)
    assert torch.get_num_threads() == before


def test_every_config_default_has_a_reason() -> None:
    """Is every TrainConfig field preceded by a comment giving its default's reason?"""
    source = inspect.getsource(TrainConfig).splitlines()
    tree = ast.parse(inspect.getsource(TrainConfig))
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    for node in tree.body[0].body:
        if isinstance(node, ast.AnnAssign) and node.target.id in fields:
            assert source[node.lineno - 2].strip().startswith("#"), node.target.id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be a positive integer, got 0"),
        ({"lr": -1.0}, "lr must be positive, got -1.0"),
        ({"target_accuracy": 97}, r"target_accuracy must be in \(0, 1\], got 97"),
        ({"lr_step_epochs": 0}, "lr_step_epochs must be a positive integer or None, got 0"),
    ],
)
def test_config_refuses_bad_values(kwargs: dict, message: str) -> None:
    """Is each bad hyperparameter refused with its name, rule and value?"""
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_freeze_fixes_the_layers_up_to_the_named_one() -> None:
    """After freeze(up_to="features") and training, are the conv weights unchanged and the FC ones not?"""
    torch.manual_seed(0)
    model = LeNet5()
    frozen = freeze(model, "features")
    assert frozen == ["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias"]
    conv, fc = model.features[0].weight.clone(), model.classifier[1].weight.clone()
    training, test = mnist()
    subset = torch.utils.data.TensorDataset(*(t[:256] for t in training.tensors))
    fit(model, subset, test, TrainConfig(epochs=1, batch_size=64, lr=0.05, quiet=True, device="cpu"))
    assert torch.equal(model.features[0].weight, conv)
    assert not torch.equal(model.classifier[1].weight, fc)


def test_freeze_refuses_an_unknown_layer() -> None:
    """Is an unknown submodule name refused with the list of names?"""
    with pytest.raises(ValueError, match=r"up_to must name a submodule of the model, one of \['features', .*got 'conv9'"):
        freeze(LeNet5(), "conv9")


def test_fine_tune_groups_follow_the_lecture_rule() -> None:
    """Does the top layer get base_lr/10 and the layers below base_lr/100, leaving frozen ones out?"""
    model = LeNet5()
    freeze(model, "features.0")
    groups = fine_tune_param_groups(model, base_lr=0.01)
    intermediate, top = groups
    assert (intermediate["lr"], top["lr"]) == pytest.approx((1e-4, 1e-3))
    assert top["params"] == [model.classifier[5].weight, model.classifier[5].bias]
    assert len(intermediate["params"]) == 6  # features.3 and two FC layers; features.0 is frozen
    optimizer = torch.optim.SGD(groups, lr=0.01)
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([1e-4, 1e-3])


def test_fit_uses_given_param_groups() -> None:
    """Does fit train with the learning rates of the groups it is given?"""
    model = LeNet5()
    training, test = mnist()
    subset = torch.utils.data.TensorDataset(*(t[:64] for t in training.tensors))
    groups = fine_tune_param_groups(model, base_lr=0.1)
    history = fit(model, subset, test, TrainConfig(epochs=1, quiet=True, device="cpu"), param_groups=groups)
    assert history.lr == pytest.approx([0.01])


def test_threads_default_to_what_the_machine_has(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default, does fit leave torch's thread count (a thread per core) as it is?"""
    assert TrainConfig().threads is None
    calls: list[int] = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    small_run()
    assert calls == [torch.get_num_threads()]  # only the restore, to the count torch already had


def test_evaluate_counts_every_position_of_a_score_map() -> None:
    """For a network that scores every pixel, is accuracy the share of right pixels and loss the per-pixel mean?"""
    from torch.utils.data import TensorDataset

    torch.manual_seed(3)
    net = nn.Conv2d(1, 3, 1)
    x, y = torch.randn(5, 1, 4, 4), torch.randint(0, 3, (5, 4, 4))
    loss, accuracy = evaluate(net, TensorDataset(x, y), batch_size=2)
    with torch.no_grad():
        scores = net(x)
    assert accuracy == pytest.approx(float((scores.argmax(1) == y).float().mean()))
    assert loss == pytest.approx(float(nn.functional.cross_entropy(scores, y)), rel=1e-5)
