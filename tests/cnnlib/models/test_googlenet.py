"""GoogLeNet's inception modules against the paper's Table 1.

Big networks are built on torch's "meta" device (see meta.py), so the file runs in seconds.
"""

from __future__ import annotations

import torch

from cnnlib.models import GoogLeNet, Inception
from tests.cnnlib.models.meta import meta


def test_googlenet_inception_outputs_match_the_paper_table() -> None:
    """Do inception 3a to 5b give the paper's 28x28x256 ... 7x7x1024 and the net 1000 scores?"""
    model = meta(GoogLeNet)
    x = model.stem(torch.zeros(1, 3, 224, 224, device="meta"))
    outputs = []
    for module in model.inception:
        x = module(x)
        if isinstance(module, Inception):
            outputs.append(tuple(x.shape[1:]))
    assert outputs == [
        (256, 28, 28), (480, 28, 28), (512, 14, 14), (512, 14, 14), (512, 14, 14), (528, 14, 14), (832, 14, 14),
        (832, 7, 7), (1024, 7, 7),
    ]
    assert tuple(model(torch.zeros(1, 3, 224, 224, device="meta")).shape) == (1, 1000)
