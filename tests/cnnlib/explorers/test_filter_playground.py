"""Tests for cnnlib.explorers.filter_playground: the playground's filters against torch, and its stored settings."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnlib import explorers
from tests.cnnlib.explorers.static import panel_data


def test_filter_response_blurs_each_channel_like_torch() -> None:
    """Is the playground's Gaussian blur torch's per-channel (depthwise) conv with the same kernel?"""
    rng = np.random.default_rng(0)
    image = rng.random((12, 10, 3))
    kernel = explorers.filter_kernel("gaussian", sigma=1.0)
    ours = explorers.filter_response(image, kernel, "gaussian")
    w = torch.from_numpy(np.broadcast_to(kernel, (3, 1, *kernel.shape)).copy())
    expected = torch.nn.functional.conv2d(torch.from_numpy(image.transpose(2, 0, 1))[None], w, padding=3, groups=3)
    np.testing.assert_allclose(ours, np.clip(expected[0].numpy().transpose(1, 2, 0), 0, 1), atol=1e-12)


def test_filter_kernel_rejects_unknown_kind() -> None:
    """Is an unknown filter kind refused with the allowed names?"""
    with pytest.raises(ValueError, match="kind must be 'edge-x', 'edge-y', 'gaussian' or 'gabor', got 'sobel'"):
        explorers.filter_kernel("sobel")


def test_filter_explorer_has_every_setting_with_alt_text() -> None:
    """Does the playground store one PNG with alt text for every setting its controls can reach?"""
    data = panel_data(explorers.filter_explorer(np.random.default_rng(0).random((16, 16, 3))).html)
    expected = 2 + len(explorers.GAUSSIAN_SIGMAS) + len(explorers.GABOR_THETAS_DEG) * len(explorers.GABOR_WAVELENGTHS)
    assert len(data) == expected
    assert all(entry["response"].startswith("data:image/png;base64,") and len(entry["alt"]) > 20
               for entry in data.values())


def test_the_edge_detectors_kernel_reads_on_a_white_page() -> None:
    """Decoding the shipped 3x3 edge detector PNG: is every cell framed by dark lines, so that its +1 (white) column
    stands apart from a white page, and does each cell carry its weight's grey (-1 black, 0 mid, +1 white)?"""
    import base64
    import io

    from PIL import Image

    uri = panel_data(explorers.filter_explorer(np.ones((8, 8, 3))).html)["edge-x"]["kernel"]
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))), dtype=float) / 255
    scale = (pixels.shape[0] - 4) // 3  # three cells and four lines
    lines = [k * (scale + 1) for k in range(4)]
    for line in lines:
        assert pixels[line, :].max() < 0.5 and pixels[:, line].max() < 0.5, line
    centres = [[pixels[lines[r] + 1 + scale // 2, lines[c] + 1 + scale // 2] for c in range(3)] for r in range(3)]
    assert np.allclose(centres, [[0, 0.5, 1]] * 3, atol=0.01)
