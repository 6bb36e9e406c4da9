"""Tests for cnnlib.explorers.activations: the maps and class scores shown are the network's own."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
import torch
from PIL import Image

from cnnlib.explorers.activations import activation_explorer, activation_view_html
from cnnlib.models import LeNet5
from tests.cnnlib.explorers.static import panel_data

NAMES = [str(k) for k in range(10)]


@pytest.fixture(scope="module")
def model() -> LeNet5:
    torch.manual_seed(0)
    return LeNet5()


def decode(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def test_view_shows_every_layer_and_the_torch_scores(model) -> None:
    """Does the view show the input, all twelve layers with torch's shapes, and the scores torch computes?"""
    image = torch.rand(1, 28, 28)
    view = activation_view_html(model, image, NAMES, label=3)
    captions = re.findall(r"<figcaption[^>]*>([^<]+)</figcaption>", view)
    assert len(captions) == 13
    assert captions[1].startswith("features.0: Conv2d, 28x28x6")
    assert captions[6].startswith("features.5: MaxPool2d, 5x5x16")
    assert captions[-1].startswith("classifier.5: Linear, 10")
    with torch.no_grad():
        scores = model(image[None])[0]
    shown = [float(s) for s in re.findall(r"<tr[^>]*><td>\d</td><td>([-\d.]+)</td>", view)]
    np.testing.assert_allclose(shown, scores.numpy(), atol=0.006)
    assert f"predicted {int(scores.argmax())} " in view and "true label 3" in view


def test_maps_are_the_layer_outputs_as_pixels(model) -> None:
    """Is each conv map drawn at its own size, its brightest pixel where torch's activation peaks?"""
    image = torch.rand(1, 28, 28)
    view = activation_view_html(model, image, NAMES)
    uris = re.findall(r'<img src="(data:image/png;base64,[^"]+)"[^>]*alt="features.1 ', view)
    assert len(uris) == 6
    with torch.no_grad():
        relu = torch.relu(model.features[0](image[None]))[0]
    for uri, m in zip(uris, relu, strict=True):
        pixels = decode(uri)
        assert pixels.shape == (28, 28, 3)
        if m.max() > 0:
            # viridis runs from dark blue to bright yellow: the green channel rises with the value.
            assert np.unravel_index(pixels[..., 1].argmax(), (28, 28)) == np.unravel_index(int(m.argmax()), (28, 28))


def test_explorer_ships_one_view_per_image(model) -> None:
    """Does the static panel hold one view per offered image, each with that image's prediction?"""
    images = torch.rand(3, 1, 28, 28)
    explorer = activation_explorer(model, images, [4, 5, 6])
    views = panel_data(explorer.html)["views"]
    assert len(views) == 3 and all("true label" in v for v in views)
    assert [re.search(r"true label (\d)", v).group(1) for v in views] == ["4", "5", "6"]
    assert views[0] != views[1]


def test_explorer_checks_its_arguments(model) -> None:
    """Are missing labels and a wrong number of class names refused with the counts?"""
    with pytest.raises(ValueError, match="labels must give one class per image: 2 images, got 1 labels"):
        activation_explorer(model, torch.rand(2, 1, 28, 28), [1])
    with pytest.raises(ValueError, match="class_names must name each of the 10 class scores, got 3"):
        activation_view_html(model, torch.rand(1, 28, 28), ["a", "b", "c"])


def test_widget_recomputes_the_view_for_the_chosen_image(model) -> None:
    """In a kernel, does choosing another image show that image's freshly computed view?"""
    images = torch.rand(2, 1, 28, 28)
    box = activation_explorer(model, images, [0, 1]).make_widget()
    choice, view = box.children
    choice.value = 1
    assert view.value == activation_view_html(model, images[1], NAMES, 1)
