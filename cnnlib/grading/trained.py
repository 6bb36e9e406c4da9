"""The trained LeNet-5 that assignment 5 looks inside, and the code that trains it.

The weights ship as a small file beside this module (``lenet5_mnist.pt``, about
250 kB), so the notebook needs no training and no download, and the sandbox that
grades it sees them with cnnlib. ``make weights`` (``python -m
cnnlib.grading.trained``) trains them again from cnnlib's offline MNIST subset,
on the CPU with one thread and fixed seeds, and writes the same file;
``tests/cnnlib/grading/test_trained.py`` checks the shipped file against this code.
"""

from __future__ import annotations

from pathlib import Path

import torch

from cnnlib.data import mnist
from cnnlib.models import LeNet5
from cnnlib.train import TrainConfig, evaluate, fit

WEIGHTS = Path(__file__).with_name("lenet5_mnist.pt")
# Four epochs reach about 96% held-out accuracy on the 4,000 digits, in a few seconds on one CPU thread.
RECIPE = TrainConfig(epochs=4, batch_size=64, lr=0.05, seed=0, threads=1, quiet=True, device="cpu")


def train_lenet5() -> LeNet5:
    """LeNet-5 trained on cnnlib's MNIST subset with :data:`RECIPE`, deterministically (CPU, one thread, seed 0).

    Returns:
        the network in eval mode, on the CPU.
    """
    train, test = mnist()
    torch.manual_seed(RECIPE.seed)
    model = LeNet5()
    fit(model, train, test, RECIPE)
    return model.eval()


def trained_lenet5() -> LeNet5:
    """The shipped LeNet-5, in eval mode: input (N, 1, 28, 28) digits in [0, 1] -> (N, 10) class scores.

    >>> model = trained_lenet5()
    >>> model(torch.zeros(1, 1, 28, 28)).shape, model.training
    (torch.Size([1, 10]), False)
    """
    model = LeNet5()
    model.load_state_dict(torch.load(WEIGHTS, weights_only=True))
    return model.eval()


def main() -> None:
    """Train the network again and write :data:`WEIGHTS`; print its held-out accuracy."""
    model = train_lenet5()
    torch.save(model.state_dict(), WEIGHTS)
    _, accuracy = evaluate(model, mnist()[1])
    print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size // 1024} kB); held-out accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
