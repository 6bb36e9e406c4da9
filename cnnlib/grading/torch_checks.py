"""Assignment 4's checks on torch tensors and modules, each failure told in one line.

Like :mod:`cnnlib.grading.checks`, a message says what is wrong first (the
type, then the shape, then the dtype, then the size of the error) and never
prints the expected values. Type and dtype come before any arithmetic, so a
float64 answer fails with "returned dtype torch.float64, expected
torch.float32" rather than with torch's "Double did not match Float".

:func:`no_reference_calls` notices an answer that calls the course's own
reference (``cnnlib.augment``, ``cnnlib.models.LeNet5``, ``cnnlib.train.fit``
or ``freeze``) where the task is to write it.

torch is imported inside the functions only: ``import cnnlib.grading`` stays
numpy-only, and this module is not re-exported there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from cnnlib.grading.notebook_view import passed


def check_tensor(actual: object, expected: Any, name: str, *, atol: float = 1e-6, dtype_hint: str = "",
                 quiet: bool = False, diagnose: Callable[[object], str | None] | None = None) -> None:
    """``actual`` is a tensor with ``expected``'s shape and dtype, within ``atol`` of it everywhere.

    Args:
        actual: the student's result.
        expected: the reference tensor.
        name: the call, as the message names it, e.g. ``"random_crop(x, 24)"``.
        atol: the largest absolute difference accepted (0 asks for the same values).
        dtype_hint: added to the dtype message, e.g. ``": convert the offsets with .to(x.dtype)"``.
        quiet: print nothing on success (hidden tests).
        diagnose: ``diagnose(actual)`` names a known mistake (:mod:`cnnlib.grading.mistakes`) when the
            shape or the values are wrong; its sentence follows on the same line.

    Raises:
        AssertionError: one line naming the type, shape, dtype or largest difference that is wrong.

    >>> import torch
    >>> check_tensor(torch.ones(2), torch.ones(2), "f(x)")
    f(x): largest difference 0.00e+00, should be at most 1e-06: OK
    >>> check_tensor(torch.ones(2, dtype=torch.float64), torch.ones(2), "f(x)", dtype_hint=" (x's dtype)")
    Traceback (most recent call last):
    ...
    AssertionError: f(x) returned dtype torch.float64, expected torch.float32 (x's dtype)
    """
    import torch

    def wrong(problem: str) -> AssertionError:
        hint = diagnose(actual) if diagnose else None
        return AssertionError(problem if hint is None else f"{problem}. {hint}")

    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{name} returned {type(actual).__name__}, expected a torch.Tensor")
    if actual.shape != expected.shape:
        raise wrong(f"{name} returned shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    if actual.dtype != expected.dtype:
        raise AssertionError(f"{name} returned dtype {actual.dtype}, expected {expected.dtype}{dtype_hint}")
    difference = (actual.detach().cpu().double() - expected.detach().cpu().double()).abs()
    error = difference.max().item() if difference.numel() else 0.0
    bound = "should be 0" if atol == 0 else f"should be at most {atol:.0e}"
    if not error <= atol:  # also catches NaN
        raise wrong(f"{name} is wrong: largest difference {error:.2e}, {bound}")
    if not quiet:
        passed(f"{name}: largest difference {error:.2e}, {bound}: OK")


def check_layers(module: object, expected: Sequence[str], name: str, hint: str = "") -> None:
    """``module`` is an ``nn.Sequential`` whose layers have the class names ``expected``, in order.

    >>> from torch import nn
    >>> check_layers(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), ["Linear", "ReLU"], "classifier")
    classifier: Linear, ReLU: OK
    >>> check_layers(nn.Sequential(nn.ReLU(), nn.Linear(2, 2)), ["Linear", "ReLU"], "classifier", " (ReLU last)")
    Traceback (most recent call last):
    ...
    AssertionError: classifier is [ReLU, Linear], expected [Linear, ReLU] (ReLU last)
    """
    from torch import nn

    if not isinstance(module, nn.Sequential):
        raise AssertionError(f"{name} is a {type(module).__name__}, expected an nn.Sequential")
    layers = [type(layer).__name__ for layer in module]
    if layers != list(expected):
        raise AssertionError(f"{name} is [{', '.join(layers)}], expected [{', '.join(expected)}]{hint}")
    passed(f"{name}: {', '.join(layers)}: OK")


def _references() -> dict[str, Any]:
    """The functions of cnnlib that assignment 4 asks students to write themselves, by the name a message gives."""
    import cnnlib.augment
    import cnnlib.models.lenet
    import cnnlib.train

    return {
        "cnnlib.augment.random_crop": cnnlib.augment.random_crop,
        "cnnlib.augment.horizontal_flip": cnnlib.augment.horizontal_flip,
        "cnnlib.augment.PCAColorJitter": cnnlib.augment.PCAColorJitter.__init__,
        "cnnlib.augment.PCAColorJitter.offsets": cnnlib.augment.PCAColorJitter.offsets,
        "cnnlib.augment.PCAColorJitter.__call__": cnnlib.augment.PCAColorJitter.__call__,
        "cnnlib.models.LeNet5": cnnlib.models.lenet.LeNet5.__init__,
        "cnnlib.models.LeNet5.forward": cnnlib.models.lenet.LeNet5.forward,
        "cnnlib.train.fit": cnnlib.train.fit,
        "cnnlib.train.freeze": cnnlib.train.freeze,
    }


def inside_references() -> dict[str, Any]:
    """The functions of cnnlib that assignment 5 asks students to write themselves, by the name a message gives."""
    import cnnlib.shapes
    import cnnlib.understanding
    import cnnlib.viz
    from cnnlib.models.resnet import BasicBlock, ResidualBlock  # cnnlib.models.resnet is also a function's name

    return {
        "cnnlib.models.resnet.BasicBlock": BasicBlock.__init__,
        "cnnlib.models.resnet.ResidualBlock": ResidualBlock.forward,
        "cnnlib.shapes.receptive_field": cnnlib.shapes.receptive_field,
        "cnnlib.viz.saliency_map": cnnlib.viz.saliency_map,
        "cnnlib.viz.occlusion_sensitivity": cnnlib.viz.occlusion_sensitivity,
        "cnnlib.understanding.maximize_activation": cnnlib.understanding.maximize_activation,
    }


# Libraries that compute saliency, occlusion or adversarial images ready-made; assignment 5 forbids them.
INSIDE_FORBIDDEN = ("torchvision", "captum")


def no_reference_calls(fn: Callable[..., Any], *args: Any, name: str, references: dict[str, Any] | None = None,
                       **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, failing if it called one of cnnlib's references for assignment 4 (or ``references``).

    The references are ``cnnlib.augment``'s ``random_crop``, ``horizontal_flip``
    and ``PCAColorJitter``, ``cnnlib.models.LeNet5``, ``cnnlib.train.fit`` and
    ``cnnlib.train.freeze``; the rest of cnnlib (``cnnlib.train.evaluate``
    among it) and all of torch are allowed. While ``fn`` runs, each reference's
    code is swapped for a trap, so a call is noticed however the function was
    imported or aliased, from a subclass too, at no cost to code that does not
    call one (a training loop runs at full speed).

    With ``references`` (assignment 5's: :func:`inside_references`), those are trapped instead, and the
    call also fails when torchvision or captum has been imported.

    Returns:
        what ``fn`` returned; its other exceptions propagate.

    Raises:
        AssertionError: naming the first reference called.

    >>> import torch, cnnlib.augment
    >>> no_reference_calls(torch.zeros, 2, name="zeros").shape
    torch.Size([2])
    >>> no_reference_calls(lambda x: cnnlib.augment.horizontal_flip(x, 1.0), torch.zeros(1, 1, 2, 2), name="flip")
    Traceback (most recent call last):
    ...
    AssertionError: flip calls cnnlib.augment.horizontal_flip; this part asks you to write it yourself with torch
    """
    called = _CALLED
    called.clear()
    originals: dict[Any, Any] = {}
    try:
        for reference, function in (_references() if references is None else references).items():
            originals[function] = function.__code__
            function.__code__ = _trap(function.__code__.co_freevars,
                                      f"{name} calls {reference}; this part asks you to write it yourself with torch")
        result = fn(*args, **kwargs)
    except Exception:
        if called:  # the trap's error, or a later one where the answer caught it
            raise AssertionError(called[0]) from None
        raise
    finally:
        for function, code in originals.items():
            function.__code__ = code
    if called:  # the answer caught the trap's error and went on
        raise AssertionError(called[0])
    if references is not None:
        loaded = [module for module in INSIDE_FORBIDDEN if module in sys.modules]
        if loaded:
            raise AssertionError(f"{name} runs with {loaded[0]} imported; this assignment asks you to write it with torch alone")
    return result


# The messages of the traps sprung during no_reference_calls. A trap runs with the globals of the
# function it stands in for, so it reaches this list through sys.modules.
_CALLED: list[str] = []


def _trap(freevars: tuple[str, ...], message: str) -> Any:
    """The code of a function that records ``message`` in ``_CALLED`` and raises it, with the free variables
    ``freevars`` (a method that calls ``super()`` has ``__class__``), so it can stand in for any function's code."""
    lines = ["def outer():", *(f"    {var} = None" for var in freevars), "    def trap(*args, **kwargs):"]
    lines += [f"        {var}" for var in freevars]
    lines += [f"        __import__('sys').modules[{__name__!r}]._CALLED.append({message!r})",
              f"        raise AssertionError({message!r})", "    return trap"]
    scope: dict[str, Any] = {}
    exec("\n".join(lines), scope)
    return scope["outer"]().__code__
