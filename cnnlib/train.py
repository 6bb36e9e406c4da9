"""Training: AlexNet's recipe (SGD, momentum, weight decay, step-down learning rate) for any model.

``fit`` trains on ``cnnlib.device()`` and returns a :class:`History` of
per-epoch figures, which ``cnnlib.viz.learning_curves`` plots; ``evaluate``
gives loss and accuracy. ``freeze`` and ``fine_tune_param_groups`` are the
lecture's transfer-learning rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from cnnlib.device import device as default_device
from cnnlib.modules import eval_mode, submodule


@dataclass
class TrainConfig:
    """How to train; the defaults are AlexNet's recipe from the lecture unless noted.

    >>> TrainConfig(epochs=3).lr
    0.01
    """

    # Small datasets in this course (4,000 MNIST images) need a handful of passes.
    epochs: int = 10
    # AlexNet's batch size.
    batch_size: int = 128
    # AlexNet's initial learning rate.
    lr: float = 0.01
    # AlexNet's SGD momentum.
    momentum: float = 0.9
    # AlexNet's L2 weight decay.
    weight_decay: float = 5e-4
    # Divide the learning rate by 1/lr_gamma every this many epochs; AlexNet did it
    # by hand when validation accuracy plateaued, None keeps it constant.
    lr_step_epochs: int | None = None
    # AlexNet divided the learning rate by 10.
    lr_gamma: float = 0.1
    # Same weights, shuffles and dropout masks on every CPU run.
    seed: int = 0
    # None keeps torch's choice, one thread per core: the fastest while the run has the
    # machine to itself. A smaller number leaves cores to other work, and holds its speed
    # where other processes compete for the cores.
    threads: int | None = None
    # Tests and book pages switch the progress bar off.
    quiet: bool = False
    # None means cnnlib.device(): the GPU where there is one.
    device: str | torch.device | None = None
    # Stop after the first epoch whose validation accuracy reaches this; None runs every epoch.
    target_accuracy: float | None = None

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.lr_step_epochs is not None and self.lr_step_epochs < 1:
            raise ValueError(f"lr_step_epochs must be a positive integer or None, got {self.lr_step_epochs!r}")
        if self.target_accuracy is not None and not 0 < self.target_accuracy <= 1:
            raise ValueError(f"target_accuracy must be in (0, 1], got {self.target_accuracy!r}")


@dataclass
class History:
    """Per-epoch figures from :func:`fit`, one entry per epoch run."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    # Measured on the held-out set fit is given: a validation split, which selection may use.
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    images_per_second: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)


def _batches(
    data: Dataset | DataLoader, batch_size: int, shuffle: bool, generator: torch.Generator
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    if isinstance(data, DataLoader):
        yield from data
    elif isinstance(data, TensorDataset):
        # Slicing the tensors skips the DataLoader's per-item collation, which
        # costs more than LeNet-5's forward and backward pass on small images.
        x, y = data.tensors
        order = torch.randperm(len(x), generator=generator) if shuffle else torch.arange(len(x))
        for start in range(0, len(x), batch_size):
            index = order[start : start + batch_size]
            yield x[index], y[index]
    else:
        yield from DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator)


def _resolve(device: str | torch.device | None) -> torch.device:
    return default_device() if device is None else torch.device(device)


@torch.no_grad()
def evaluate(
    model: nn.Module, data: Dataset | DataLoader, device: str | torch.device | None = None, batch_size: int = 500
) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``model`` on ``data``, in eval mode.

    Args:
        model: maps images (N, C, H, W) to class scores (N, classes).
        data: a dataset of ``(image, label)`` items, or a DataLoader of batches.
        device: where to run; None means the device of the model's parameters.

    >>> from cnnlib.data import digits
    >>> from torch import nn
    >>> _, test = digits()
    >>> loss, accuracy = evaluate(nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), test)
    >>> 0 <= accuracy <= 1
    True
    """
    where = torch.device(device) if device is not None else next(model.parameters()).device
    total_loss, correct, count = 0.0, 0, 0
    with eval_mode(model):
        for x, y in _batches(data, batch_size, False, torch.Generator()):
            x, y = x.to(where), y.to(where)
            scores = model(x)
            total_loss += nn.functional.cross_entropy(scores, y, reduction="sum").item()
            correct += (scores.argmax(1) == y).sum().item()
            count += y.numel()  # one label per image, or per position for a score map
    return total_loss / count, correct / count


def fit(
    model: nn.Module,
    train_data: Dataset | DataLoader,
    val_data: Dataset | DataLoader,
    config: TrainConfig,
    *,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    param_groups: list[dict] | None = None,
) -> History:
    """Train ``model`` with SGD (momentum, weight decay, step-down learning rate); return its history.

    Every epoch shuffles the training set, trains on it and evaluates the
    validation set ``val_data`` (never the test set: what fit measures may be used to
    choose). Training stops early once ``config.target_accuracy`` is reached. Runs on
    ``config.device`` (default ``cnnlib.device()``) with ``config.threads`` torch
    threads, restored afterwards.

    Args:
        model: maps images (N, C, H, W) to class scores (N, classes); moved to the device.
        train_data, val_data: datasets of ``(image, label)`` items (or DataLoaders).
        config: the hyperparameters.
        transform: data augmentation applied to every training batch on the
            device, e.g. a ``cnnlib.augment.Compose``.
        param_groups: optimiser parameter groups with their own ``lr``, e.g.
            from :func:`fine_tune_param_groups`; default: every trainable
            parameter at ``config.lr``.

    >>> from cnnlib.data import digits
    >>> train, held_out = digits()
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    >>> history = fit(model, train, held_out, TrainConfig(epochs=2, batch_size=32, lr=0.1, quiet=True))
    >>> len(history.val_accuracy), history.val_accuracy[-1] > 0.8
    (2, True)
    """
    from tqdm.auto import tqdm

    where = _resolve(config.device)
    old_threads = torch.get_num_threads()
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        torch.manual_seed(config.seed)  # dropout masks
        shuffler = torch.Generator().manual_seed(config.seed)
        model.to(where)
        groups = param_groups or [{"params": [p for p in model.parameters() if p.requires_grad]}]
        optimizer = torch.optim.SGD(groups, lr=config.lr, momentum=config.momentum,
                                    weight_decay=config.weight_decay)
        scheduler = (
            torch.optim.lr_scheduler.StepLR(optimizer, config.lr_step_epochs, config.lr_gamma)
            if config.lr_step_epochs
            else None
        )
        history = History()
        bar = tqdm(range(config.epochs), disable=config.quiet, unit="epoch")
        for _ in bar:
            history.lr.append(optimizer.param_groups[-1]["lr"])
            model.train()
            start = time.perf_counter()
            total_loss = torch.zeros((), device=where)
            correct = torch.zeros((), device=where, dtype=torch.long)
            count = labelled = 0
            for x, y in _batches(train_data, config.batch_size, True, shuffler):
                x, y = x.to(where, non_blocking=True), y.to(where, non_blocking=True)
                if transform is not None:
                    x = transform(x)
                scores = model(x)
                loss = nn.functional.cross_entropy(scores, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                # Summed on the device: a .item() per batch would wait for the GPU every step.
                total_loss += loss.detach() * len(y)
                correct += (scores.argmax(1) == y).sum()
                count += len(y)
                labelled += y.numel()  # one label per image, or per position for a score map
            if where.type == "cuda":
                torch.cuda.synchronize(where)
            seconds = time.perf_counter() - start
            if scheduler is not None:
                scheduler.step()
            val_loss, val_accuracy = evaluate(model, val_data, where)
            history.train_loss.append(total_loss.item() / count)
            history.train_accuracy.append(correct.item() / labelled)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
            history.seconds.append(seconds)
            history.images_per_second.append(count / seconds)
            bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", val_acc=f"{val_accuracy:.3f}",
                            img_s=f"{count / seconds:,.0f}")
            if config.target_accuracy is not None and val_accuracy >= config.target_accuracy:
                break
        bar.close()
    finally:
        torch.set_num_threads(old_threads)
    return history


def freeze(model: nn.Module, up_to: str) -> list[str]:
    """Freeze every parameter from the first layer up to and including the submodule ``up_to``.

    The lecture's transfer learning: with a small dataset keep the pretrained
    layers fixed and train only the top. Returns the frozen parameters' names.

    Args:
        model: the network.
        up_to: a submodule name as in ``model.named_modules()``, e.g. ``"features"``
            or ``"features.3"``.

    >>> from cnnlib.models import LeNet5
    >>> freeze(LeNet5(), "features.3")
    ['features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias']
    """
    last = [f"{up_to}.{name}" for name, _ in submodule(model, up_to, "up_to").named_parameters()]
    if not last:
        raise ValueError(f"up_to must name a submodule with parameters, {up_to!r} has none")
    frozen = []
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(False)
        frozen.append(name)
        if name == last[-1]:
            break
    return frozen


def fine_tune_param_groups(model: nn.Module, base_lr: float, top: str | None = None) -> list[dict]:
    """Parameter groups with the lecture's fine-tuning rates: base_lr/10 on top, base_lr/100 below.

    Args:
        model: the network; frozen parameters (``requires_grad=False``) are left out.
        base_lr: the learning rate the network was originally trained with.
        top: name of the top layer's submodule; default: the last submodule
            that owns parameters (the classifier's last FC layer).

    Returns:
        ``[{"params": ..., "lr": base_lr / 100, "name": "intermediate"},
        {"params": ..., "lr": base_lr / 10, "name": "top"}]`` for
        ``torch.optim.SGD`` or :func:`fit`'s ``param_groups``.

    >>> from cnnlib.models import LeNet5
    >>> groups = fine_tune_param_groups(LeNet5(), base_lr=0.01)
    >>> [(g["name"], g["lr"], len(g["params"])) for g in groups]
    [('intermediate', 0.0001, 8), ('top', 0.001, 2)]
    """
    owners = [name for name, module in model.named_modules() if list(module.parameters(recurse=False))]
    if not owners:
        raise ValueError("model must have parameters to fine-tune, it has none")
    top = owners[-1] if top is None else top
    if top:  # "" is the model itself, when it owns its parameters directly
        submodule(model, top, "top")
    prefix = f"{top}." if top else ""
    top_params, other_params = [], []
    for name, parameter in model.named_parameters():
        if parameter.requires_grad:
            (top_params if name.startswith(prefix) else other_params).append(parameter)
    return [
        {"params": other_params, "lr": base_lr / 100, "name": "intermediate"},
        {"params": top_params, "lr": base_lr / 10, "name": "top"},
    ]
