"""Tests for the in-browser convnet: its JavaScript, run under node, against torch and cnnlib's numpy layers.

The same weights and the same digits go to the page's scripts and to the references;
the scores, the loss, every layer's output and every gradient must agree. The network
(``js/convnet.js``) is run alone, to show that it needs neither the page nor the trainer
(``js/convnet_trainer.js``); training on the digits runs both, as the page does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
import torch
from torch import nn

import cnnlib
from cnnlib.data import digits
from cnnlib.explorers import convnet_trainer as ct
from cnnlib.explorers.panel import script
from tests.cnnlib.explorers.static import panel_data

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed here; CI has it and runs the page's JavaScript")
SPEC = {"input": [1, 8, 8], "filters": [8, 16], "F": 3, "classes": 10}


NETWORK, TRAINER = ("convnet",), ("convnet", "convnet_trainer")
"""The scripts that define the network alone, and those the page runs to train it."""


def run_js(program: str, payload: object, scripts: tuple[str, ...] = NETWORK) -> dict:
    """Run ``scripts`` and then ``program`` under node, with ``payload`` as ``input``; its printed JSON."""
    code = script(*scripts) + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" + program
    ran = subprocess.run([NODE, "-e", code], input=json.dumps(payload), capture_output=True, text=True, check=True)
    return json.loads(ran.stdout)


# Sets the given weights, runs one batch forward and backward, and prints every layer's output and gradients.
ONE_BATCH = """
const net = network(input.spec, 1), n = input.labels.length;
net.params.forEach((p, i) => p.value.set(input.weights[i]));
const outputs = [];
let v = Float64Array.from(input.x);
for (const layer of net.layers) { v = layer.forward(v, n); outputs.push(Array.from(v)); }
const result = softmaxLoss(v, Int32Array.from(input.labels), n, net.classes);
const upstream = [Array.from(result.dscores)];
for (let g = result.dscores, k = net.layers.length - 1; k >= 0; k--) {
  g = net.layers[k].backward(g);
  upstream.unshift(Array.from(g));
}
process.stdout.write(JSON.stringify({outputs, upstream, loss: result.loss, correct: result.correct,
  grads: net.params.map(p => Array.from(p.grad)), shapes: net.layers.map(l => [l.kind, l.shape])}));
"""


def torch_net() -> nn.Sequential:
    """The network the page builds from SPEC, in torch: the reference for its forward and backward passes."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64, 10),
    ).double()


def batch(n: int = 6) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """``n`` real training digits (N, 1, 8, 8), their labels, and random weights in torch's layout."""
    train, _ = digits()
    x = np.stack([train[i][0].numpy() for i in range(0, 40 * n, 40)]).astype(np.float64)
    y = np.array([int(train[i][1]) for i in range(0, 40 * n, 40)])
    rng = np.random.default_rng(0)
    # Weights larger than the page's initialisation, so that every ReLU and pooling window is exercised.
    weights = [rng.normal(0, 0.5, p.shape) for p in torch_net().parameters()]
    return x, y, weights


def js_one_batch(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]) -> dict:
    payload = {"spec": SPEC, "x": x.ravel().tolist(), "labels": y.tolist(), "weights": [w.ravel().tolist() for w in weights]}
    return run_js(ONE_BATCH, payload)


@needs_node
def test_scores_loss_and_every_gradient_match_torch() -> None:
    """With the same weights and digits, do the page's scores, loss, parameter gradients and input gradient
    equal torch autograd's?"""
    x, y, weights = batch()
    js = js_one_batch(x, y, weights)
    model = torch_net()
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights, strict=True):
            p.copy_(torch.from_numpy(w))
    xt = torch.from_numpy(x).requires_grad_()
    scores = model(xt)
    loss = nn.functional.cross_entropy(scores, torch.from_numpy(y))
    loss.backward()
    np.testing.assert_allclose(js["outputs"][-1], scores.detach().numpy().ravel(), rtol=1e-10, atol=1e-12)
    assert js["loss"] == pytest.approx(loss.item(), rel=1e-10)
    assert js["correct"] == int((scores.argmax(1).numpy() == y).sum())
    names = [name for name, _ in model.named_parameters()]
    assert len(js["grads"]) == len(names) == 6
    for name, p, grad in zip(names, model.parameters(), js["grads"], strict=True):
        np.testing.assert_allclose(grad, p.grad.numpy().ravel(), rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(js["upstream"][0], xt.grad.numpy().ravel(), rtol=1e-9, atol=1e-12)


@needs_node
def test_every_layer_matches_cnnlibs_numpy_layer() -> None:
    """Fed the same input and the same upstream gradient, does each of the page's layers give what cnnlib's
    conv2d, relu, max_pool2d and linear (and their backward functions) give?"""
    x, y, weights = batch()
    js = js_one_batch(x, y, weights)
    assert [kind for kind, _ in js["shapes"]] == ["conv", "relu", "pool", "conv", "relu", "pool", "fc"]
    n, inputs = len(y), [x.ravel().tolist(), *js["outputs"][:-1]]
    in_shapes = [SPEC["input"], *(shape for _, shape in js["shapes"][:-1])]
    params = iter(range(0, len(weights), 2))
    for k, (kind, shape) in enumerate(js["shapes"]):
        v, dout = np.reshape(inputs[k], (n, *in_shapes[k])), np.reshape(js["upstream"][k + 1], (n, *shape))
        own: tuple[np.ndarray, ...] = ()
        if kind == "conv":
            j = next(params)
            out = cnnlib.conv2d(v, weights[j], weights[j + 1], padding=1)
            dx, *own = cnnlib.conv2d_backward_fast(dout, v, weights[j], padding=1)
        elif kind == "relu":
            out, dx = cnnlib.relu(v), cnnlib.relu_backward(dout, v)
        elif kind == "pool":
            out, dx = cnnlib.max_pool2d(v, 2), cnnlib.max_pool2d_backward_fast(dout, v, 2)
        else:
            j = next(params)
            out = cnnlib.linear(v, weights[j], weights[j + 1])
            dx, *own = cnnlib.linear_backward(dout, v, weights[j])
        np.testing.assert_allclose(js["outputs"][k], out.ravel(), rtol=1e-10, atol=1e-12, err_msg=f"{kind} {k} forward")
        np.testing.assert_allclose(js["upstream"][k], dx.ravel(), rtol=1e-9, atol=1e-12, err_msg=f"{kind} {k} dx")
        for got, want in zip(js["grads"][j: j + 2] if own else [], own, strict=True):
            np.testing.assert_allclose(got, want.ravel(), rtol=1e-9, atol=1e-12, err_msg=f"{kind} {k} parameters")


@needs_node
def test_sgd_with_momentum_matches_torch_optim() -> None:
    """After three steps of the page's trainStep on one batch, are the weights torch.optim.SGD's with momentum 0.9?"""
    x, y, weights = batch(4)
    program = """
    const net = network(input.spec, 1), n = input.labels.length;
    net.params.forEach((p, i) => p.value.set(input.weights[i]));
    for (let s = 0; s < 3; s++) trainStep(net, Float64Array.from(input.x), Int32Array.from(input.labels), n, input.lr, 0.9);
    process.stdout.write(JSON.stringify(net.params.map(p => Array.from(p.value))));
    """
    payload = {"spec": SPEC, "x": x.ravel().tolist(), "labels": y.tolist(), "weights": [w.ravel().tolist() for w in weights],
               "lr": 0.03}
    js = run_js(program, payload)
    model = torch_net()
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights, strict=True):
            p.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=ct.MOMENTUM)
    for _ in range(3):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()
    for got, p in zip(js, model.parameters(), strict=True):
        np.testing.assert_allclose(got, p.detach().numpy().ravel(), rtol=1e-9, atol=1e-12)


@pytest.mark.slow
@needs_node
def test_the_embedded_digits_are_cnnlibs_split_and_training_reaches_90_percent() -> None:
    """Does the page decode exactly cnnlib.data.digits()'s held-out images, start at chance, and reach 90%
    held-out accuracy within 5 epochs at the default settings, as torch counts it with the trained weights?"""
    data = ct.trainer_data()
    program = """
    const t = training(input), lr = input.lr, n = t.train.n;
    const start = {accuracy: t.evaluate(), loss: softmaxLoss(t.net.forward(t.train.x, n), t.train.y, n, 10).loss};
    while (t.seen < 5 * n && !(t.accuracy >= 0.9)) t.step(lr, input.momentum);
    process.stdout.write(JSON.stringify({x: Array.from(t.test.x), y: Array.from(t.test.y), seen: t.seen, start,
      accuracy: t.accuracy, weights: t.net.params.map(p => Array.from(p.value))}));
    """
    js = run_js(program, {**data, "lr": 0.03}, TRAINER)
    _, test = digits()
    images = torch.stack([image for image, _ in test]).double()
    labels = torch.tensor([int(label) for _, label in test])
    np.testing.assert_array_equal(js["x"], images.numpy().ravel())
    np.testing.assert_array_equal(js["y"], labels.numpy())
    # The page says: the random network guesses, with a loss above that of equal scores for all ten classes.
    assert js["start"]["accuracy"] < 0.2 and js["start"]["loss"] > np.log(10)
    assert js["accuracy"] >= 0.9 and js["seen"] <= 5 * len(data["train"]["y"])
    model = torch_net()
    with torch.no_grad():
        for p, w in zip(model.parameters(), js["weights"], strict=True):
            p.copy_(torch.tensor(w).reshape(p.shape))
        accuracy = (model(images).argmax(1) == labels).double().mean().item()
    assert accuracy == pytest.approx(js["accuracy"], abs=1e-12)


@pytest.mark.slow
@needs_node
def test_the_learning_rates_at_the_sliders_ends_do_what_the_page_says() -> None:
    """At 0.3 does the accuracy fall back to chance within two epochs, with every layer-2 ReLU dead on the held-out
    digits, and at 0.001 is it still under 90% after one epoch, while the default 0.03 passes 90% within two?"""
    program = """
    const out = {};
    for (const [lr, epochs] of input.runs) {
      const t = training(input.data);
      let best = 0, v = t.test.x, alive = 0;
      while (t.seen < epochs * t.train.n) if (t.step(lr, input.data.momentum)) best = Math.max(best, t.accuracy);
      t.net.layers.forEach(l => { v = l.forward(v, t.test.n); if (l.kind === 'relu') alive = v.filter(a => a > 0).length; });
      out[lr] = {best, last: t.accuracy, alive};
    }
    process.stdout.write(JSON.stringify(out));
    """
    runs = run_js(program, {"data": ct.trainer_data(), "runs": [[0.3, 2], [0.001, 1], [0.03, 2]]}, TRAINER)
    assert runs["0.3"]["last"] <= 0.2 and runs["0.3"]["alive"] == 0, runs["0.3"]
    assert runs["0.001"]["best"] < 0.9 <= runs["0.03"]["best"], runs


def test_encode_digits_refuses_what_it_cannot_pack() -> None:
    """Are pixel values outside 0..16, or labels that do not match the images, refused with the rule named?"""
    with pytest.raises(ValueError, match="whole pixel values from 0 to 16"):
        ct.encode_digits(np.full((1, 8, 8), 17), np.array([0]))
    with pytest.raises(ValueError, match="labels must be 2 digits 0..9"):
        ct.encode_digits(np.zeros((2, 8, 8)), np.array([0]))


def test_bad_settings_are_refused_with_the_rule_named() -> None:
    """Are a learning rate off the slider, too many layers for an 8x8 input and a zero batch refused clearly?"""
    with pytest.raises(ValueError, match=r"lr must be one of \[0.001, .*0.3\], the slider's steps, got 0.05"):
        ct.convnet_trainer(lr=0.05)
    with pytest.raises(ValueError, match="filters must be 1 to 3 positive whole numbers"):
        ct.trainer_data(filters=(8, 8, 8, 8))
    with pytest.raises(ValueError, match="batch_size must be a positive whole number, got 0"):
        ct.trainer_data(batch_size=0)


def test_the_panel_is_labelled_and_self_contained() -> None:
    """Does the panel carry the digits and both scripts, label its slider, name its buttons and canvases,
    and reach no URL?"""
    html = ct.convnet_trainer().html
    # The network's script comes first: the trainer's calls network(), softmaxLoss() and trainStep().
    assert script(*TRAINER) + "\ntrainer();" in html
    data = panel_data(html)
    assert (len(data["train"]["y"]), len(data["test"]["y"])) == (1442, 355)
    for name in re.findall(r'<input type="range" id="([^"]+)"', html):
        assert f'<label for="{name}">' in html, name
    assert re.findall(r'<button type="button" name="(\w+)">(\w+)</button>', html) == [("run", "Start"), ("reset", "Reset")]
    assert len(re.findall(r'<canvas [^>]*role="img" aria-label="[^"]{40,}"', html)) == 2
    assert "http://" not in html and "https://" not in html
