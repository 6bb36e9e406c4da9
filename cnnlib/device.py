"""Where torch code runs: CUDA when present, else Apple's MPS, else the CPU.

Set ``CNNLIB_DEVICE`` (for example ``cpu`` or ``cuda:1``) to override the
choice, e.g. to time the CPU on a machine that has a GPU.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

ENV_VAR = "CNNLIB_DEVICE"


def device() -> torch.device:
    """The torch device every ``cnnlib`` torch path uses.

    >>> import os
    >>> os.environ["CNNLIB_DEVICE"] = "cpu"
    >>> device()
    device(type='cpu')
    >>> del os.environ["CNNLIB_DEVICE"]
    """
    # Imported here so that numpy-only users (and assignments) never pay
    # torch's import time.
    import torch

    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        try:
            chosen = torch.device(override)
        except RuntimeError as error:
            raise ValueError(f"{ENV_VAR} must name a torch device such as 'cpu' or 'cuda', got {override!r}") from error
        if chosen.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"{ENV_VAR}={override!r} asks for CUDA, but torch sees no CUDA device")
        return chosen
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
