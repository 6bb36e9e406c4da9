"""What the torch side shares about a ``torch.nn.Module``: eval mode for a while, a submodule by name.

:func:`eval_mode` is how ``evaluate``, ``summary`` and the visualizations run a
network for inspection; :func:`submodule` is how ``freeze``,
``fine_tune_param_groups`` and the visualizations find the layer they are told.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from torch import nn


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Run a block with ``model`` in eval mode (no dropout, batch norm's running statistics), then restore its mode.

    The mode is restored also when the block raises.

    >>> model = nn.Dropout(0.5)
    >>> with eval_mode(model):
    ...     model.training
    False
    >>> model.training
    True
    """
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def submodule(model: nn.Module, name: str, argument: str) -> nn.Module:
    """The submodule called ``name`` in ``model.named_modules()``; raises naming ``argument`` and the choices.

    >>> submodule(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), "1", "layer")
    ReLU()
    >>> submodule(nn.Sequential(nn.Linear(2, 2)), "fc", "layer")
    Traceback (most recent call last):
    ...
    ValueError: layer must name a submodule of the model, one of ['0'], got 'fc'
    """
    modules = dict(model.named_modules())
    if name == "" or name not in modules:
        raise ValueError(f"{argument} must name a submodule of the model, one of {[n for n in modules if n]}, got {name!r}")
    return modules[name]
