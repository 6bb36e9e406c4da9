"""The torch plumbing every torch-side module shares: eval mode for a block, a submodule by name."""

from __future__ import annotations

import pytest
from torch import nn

from cnnlib.modules import eval_mode, submodule


def model() -> nn.Module:
    return nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.Sequential(nn.BatchNorm1d(4), nn.ReLU()))


@pytest.mark.parametrize("training", [True, False])
def test_eval_mode_switches_every_layer_and_restores_the_mode(training: bool) -> None:
    """Inside the block is every layer in eval mode, and after it is the model back in the mode it had?"""
    net = model().train(training)
    with eval_mode(net):
        assert not any(m.training for m in net.modules())
    assert all(m.training == training for m in net.modules())


def test_eval_mode_restores_the_mode_when_the_block_raises() -> None:
    """When the block raises, is the model still put back into training mode, and the error passed on?"""
    net = model().train()
    with pytest.raises(RuntimeError, match="in the middle"), eval_mode(net):
        raise RuntimeError("in the middle")
    assert all(m.training for m in net.modules())


def test_submodule_finds_nested_layers_by_their_dotted_name() -> None:
    """Does "2.0" name the batch norm inside the nested Sequential?"""
    net = model()
    assert submodule(net, "2.0", "layer") is net[2][0]


@pytest.mark.parametrize("name", ["conv7", ""])
def test_an_unknown_or_empty_name_is_refused_with_the_names_there_are(name: str) -> None:
    """Is an unknown name, or the model itself, refused with the argument's name and every submodule's?"""
    names = r"\['0', '1', '2', '2.0', '2.1'\]"
    with pytest.raises(ValueError, match=rf"up_to must name a submodule of the model, one of {names}, got '{name}'"):
        submodule(model(), name, "up_to")
