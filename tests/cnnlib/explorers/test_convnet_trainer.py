"""Tests for the in-browser convnet: its JavaScript, run under node, against torch and cnnlib.shapes.

Random architectures drawn from the editor's choices get the same weights and digits in the
page's network (``js/convnet.js``) and in torch; the scores, the loss, every gradient and three
SGD steps must agree, with the conv layers' loops in WebAssembly SIMD and in their plain
JavaScript reference alike (``js/convnet_kernels.wat``, ``js/convnet_kernels_reference.js``), which
must also each give numpy's answer kernel by kernel. The editor's arithmetic (``js/convnet_spec.js``) must give cnnlib.shapes'
volumes and parameter counts, and refuse what cnnlib.shapes refuses. Training on the digits runs
the worker's training code (``js/convnet_training.js``) as the page does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from cnnlib.data import digits
from cnnlib.explorers import convnet_trainer as ct
from cnnlib.explorers.panel import script
from cnnlib.shapes import conv_output_size, conv_params, linear_params, pool_output_size
from tests.cnnlib.explorers.static import panel_data

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed here; CI has it and runs the page's JavaScript")
TRAINING = (*ct.NETWORK_SCRIPTS, "convnet_training")
"""The scripts that train the network on the digits, as the page's worker does."""


@pytest.fixture(autouse=True)
def one_torch_thread():
    """The networks here are tiny: one torch thread, as two threads contending on a shared machine are 8x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run_js(program: str, payload: object, scripts: tuple[str, ...] = ct.NETWORK_SCRIPTS) -> object:
    """Run ``scripts`` and then ``program`` under node, with ``payload`` as ``input``; its printed JSON."""
    code = script(*scripts) + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" + program
    ran = subprocess.run([NODE, "-e", code], input=json.dumps(payload), capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    return json.loads(ran.stdout)


def random_layer(rng: np.random.Generator, small: bool) -> dict:
    """One layer as the editor offers it: any kind, settings anywhere in the editor's ranges (smaller K if ``small``)."""
    kind = str(rng.choice(["conv", "relu", "tanh", "sigmoid", "maxpool", "avgpool", "fc", "dropout"]))
    if kind == "conv":
        return {"kind": kind, "K": int(rng.integers(1, 9 if small else 65)), "F": int(rng.integers(1, 8)),
                "S": int(rng.integers(1, 4)), "P": int(rng.integers(0, 4))}
    if kind in ("maxpool", "avgpool"):
        return {"kind": kind, "F": int(rng.integers(1, 8)), "S": int(rng.integers(1, 4))}
    if kind == "fc":
        return {"kind": kind, "K": int(rng.integers(1, 17 if small else 257))}
    if kind == "dropout":
        return {"kind": kind, "p": float(rng.choice([0.0, 0.2, 0.5]))}
    return {"kind": kind}


def reference_volumes(layers: list[dict]) -> list[tuple[int, int, int] | None]:
    """(depth, width, parameters) after each layer and the final FC 10, by cnnlib.shapes; None where it refuses."""
    C, W, rows = 1, 8, []
    for layer in [*layers, {"kind": "fc", "K": 10}]:
        try:
            if layer["kind"] == "conv":
                W = conv_output_size(W, layer["F"], layer["S"], layer["P"])
                params, C = conv_params(C, layer["K"], layer["F"]), layer["K"]
            elif layer["kind"] in ("maxpool", "avgpool"):
                W, params = pool_output_size(W, layer["F"], layer["S"]), 0
            elif layer["kind"] == "fc":
                params, C, W = linear_params(C * W * W, layer["K"]), layer["K"], 1
            else:
                params = 0
        except ValueError:
            rows.append(None)
            break
        rows.append((C, W, params))
    return rows


def random_network(rng: np.random.Generator) -> dict:
    """A spec of 2 to 7 layers that fits, each drawn again until cnnlib.shapes accepts it, as the editor makes."""
    layers: list[dict] = []
    while len(layers) < rng.integers(2, 8):
        layer = random_layer(rng, small=True)
        if None not in reference_volumes([*layers, layer]):
            layers.append(layer)
    return {"input": ct.INPUT, "layers": layers, "classes": ct.CLASSES}


class Masked(nn.Module):
    """Dropout with the page's draw: multiplies by the next of the masks (0 or 1 / (1 - p)) the page used."""

    def __init__(self, masks: list[np.ndarray]) -> None:
        super().__init__()
        self.masks = iter(masks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.from_numpy(next(self.masks)).reshape(x.shape)


def torch_net(spec: dict, masks: list[list[np.ndarray]]) -> nn.Sequential:
    """The page's network for ``spec`` in torch (float64), its k-th dropout layer replaying ``masks[k]``."""
    C, W = 1, 8
    modules: list[nn.Module] = []
    dropouts = iter(masks)
    for layer in spec["layers"]:
        kind = layer["kind"]
        if kind == "conv":
            modules.append(nn.Conv2d(C, layer["K"], layer["F"], stride=layer["S"], padding=layer["P"]))
            C, W = layer["K"], conv_output_size(W, layer["F"], layer["S"], layer["P"])
        elif kind in ("maxpool", "avgpool"):
            modules.append((nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d)(layer["F"], layer["S"]))
            W = pool_output_size(W, layer["F"], layer["S"])
        elif kind == "fc":
            modules += [nn.Flatten(), nn.Linear(C * W * W, layer["K"]), nn.Unflatten(1, (layer["K"], 1, 1))]
            C, W = layer["K"], 1
        elif kind == "dropout":
            modules.append(Masked(next(dropouts, [])))
        else:
            modules.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[kind]())
    modules += [nn.Flatten(), nn.Linear(C * W * W, spec["classes"])]
    return nn.Sequential(*modules).double()


def case(seed: int, n: int = 5) -> dict:
    """A random architecture, torch's initial weights for it (rounded to float32, as the page stores them) and n digits."""
    rng = np.random.default_rng(seed)
    spec = random_network(rng)
    torch.manual_seed(seed)
    weights = [p.detach().float().double().numpy() for p in torch_net(spec, []).parameters()]
    train, _ = digits()
    picks = rng.choice(len(train), n, replace=False)
    x = np.stack([train[int(i)][0].numpy() for i in picks]).astype(np.float64)
    y = np.array([int(train[int(i)][1]) for i in picks])
    return {"spec": spec, "weights": [w.ravel().tolist() for w in weights], "x": x.ravel().tolist(), "labels": y.tolist(),
            "shapes": [w.shape for w in weights]}


def with_weights(model: nn.Module, weights: list, shapes: list) -> nn.Module:
    with torch.no_grad():
        for p, w, shape in zip(model.parameters(), weights, shapes, strict=True):
            p.copy_(torch.tensor(w, dtype=torch.float64).reshape(shape))
    return model


def close(got: object, want: torch.Tensor, what: str) -> None:
    """float32 storage against torch's float64: within 1e-4 relative, or 1e-5 of the largest value."""
    want = want.detach().numpy().ravel()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * max(1.0, np.abs(want).max()), err_msg=what)


CASES = [case(seed) for seed in range(12)]

# The mask a dropout layer drew for n images (all ones where it drew none: p = 0), and case c's network
# with c's weights, its conv layers' loops input.kernels (and no other kind).
DRAWN = """
const drawn = (l, n) => (l.mask ? Array.from(l.mask) : new Array(l.shape.reduce((a, b) => a * b) * n).fill(1));
const built = c => {
  const net = network(c.spec, 7, {kernels: input.kernels});
  if (net.kernels !== input.kernels) throw new Error(`ran ${net.kernels}, not ${input.kernels}`);
  net.params.forEach((p, i) => p.value.set(c.weights[i]));
  return net;
};
"""

KERNELS = ("webassembly", "javascript")
"""The conv layers' loops: WebAssembly SIMD (where the engine runs it, as node does), and the plain JavaScript reference."""

# Sets the weights, runs one batch forward (dropout on) and backward with input.kernels, and prints
# the scores, the loss, every gradient, the input's gradient and the dropout masks it drew.
ONE_BATCH = DRAWN + """
process.stdout.write(JSON.stringify(input.cases.map(c => {
  const net = built(c), n = c.labels.length;
  const scores = net.forward(Float32Array.from(c.x), n, true);
  const masks = net.layers.filter(l => l.kind === 'dropout').map(l => [drawn(l, n)]);
  const result = softmaxLoss(scores, Int32Array.from(c.labels), n, net.classes), dx = net.backward(result.dscores);
  return {scores: Array.from(scores), loss: result.loss, correct: result.correct, masks,
    grads: net.params.map(p => Array.from(p.grad)), dx: Array.from(dx)};
})));
"""


@needs_node
@pytest.mark.parametrize("kernels", KERNELS)
def test_random_architectures_give_torch_autogrades_scores_loss_and_every_gradient(kernels: str) -> None:
    """For 12 random architectures of the editor, with the same weights, digits and dropout draw, do the page's scores,
    loss, every parameter gradient and the input gradient equal torch autograd's, with either kind of kernels?"""
    results = run_js(ONE_BATCH, {"cases": CASES, "kernels": kernels})
    kinds = {layer["kind"] for c in CASES for layer in c["spec"]["layers"]}
    assert kinds == {"conv", "relu", "tanh", "sigmoid", "maxpool", "avgpool", "fc", "dropout"}, kinds
    for c, js in zip(CASES, results, strict=True):
        name = json.dumps(c["spec"]["layers"])
        model = with_weights(torch_net(c["spec"], [[np.array(m) for m in ms] for ms in js["masks"]]), c["weights"], c["shapes"])
        x = torch.tensor(c["x"], dtype=torch.float64).reshape(-1, 1, 8, 8).requires_grad_()
        labels = torch.tensor(c["labels"])
        scores = model(x)
        loss = nn.functional.cross_entropy(scores, labels)
        loss.backward()
        close(js["scores"], scores, f"scores of {name}")
        assert js["loss"] == pytest.approx(loss.item(), rel=1e-5), name
        assert len(js["grads"]) == len(list(model.parameters()))
        for k, (got, p) in enumerate(zip(js["grads"], model.parameters(), strict=True)):
            close(got, p.grad, f"gradient of parameter {k} of {name}")
        close(js["dx"], x.grad, f"input gradient of {name}")


@needs_node
@pytest.mark.parametrize("kernels", KERNELS)
def test_three_sgd_steps_on_random_architectures_match_torch_optim_sgd(kernels: str) -> None:
    """From the same weights, do three of the page's trainStep calls (momentum 0.9) leave every parameter where
    torch.optim.SGD leaves it, dropout draws included, with either kind of kernels?"""
    program = DRAWN + """
    process.stdout.write(JSON.stringify(input.cases.map(c => {
      const net = built(c), n = c.labels.length, drops = net.layers.filter(l => l.kind === 'dropout');
      const masks = drops.map(() => []);
      for (let s = 0; s < 3; s++) {
        trainStep(net, Float32Array.from(c.x), Int32Array.from(c.labels), n, input.lr, 0.9);
        drops.forEach((l, k) => masks[k].push(drawn(l, n)));
      }
      return {params: net.params.map(p => Array.from(p.value)), masks};
    })));
    """
    lr = 0.03
    results = run_js(program, {"cases": CASES[:6], "lr": lr, "kernels": kernels})
    for c, js in zip(CASES[:6], results, strict=True):
        model = with_weights(torch_net(c["spec"], [[np.array(m) for m in ms] for ms in js["masks"]]), c["weights"], c["shapes"])
        x, labels = torch.tensor(c["x"], dtype=torch.float64).reshape(-1, 1, 8, 8), torch.tensor(c["labels"])
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=ct.MOMENTUM)
        for _ in range(3):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), labels).backward()
            optimizer.step()
        for k, (got, p) in enumerate(zip(js["params"], model.parameters(), strict=True)):
            close(got, p, f"parameter {k} of {json.dumps(c['spec']['layers'])} after 3 steps")


def kernel_operands(seed: int = 3) -> dict:
    """Random float32 operands for each kernel, with sizes that are not multiples of 4 (the SIMD loops' leftovers),
    taps into the padding (-1) and taps that repeat, as overlapping filters make."""
    rng = np.random.default_rng(seed)

    def floats(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    N, size, T, NQ, K, R, Q, rows, m = 3, 20, 27, 10, 7, 11, 5, 9, 6
    return {"N": N, "size": size, "x": floats(N, size), "tap": rng.integers(-1, size, T), "dcols": floats(N, T),
            "cols": floats(NQ, R), "w": floats(K, R), "b": floats(K), "NQ": NQ, "K": K, "R": R, "Q": Q,
            "out": floats(R), "src": floats(rows, R), "picks": rng.integers(0, rows, m), "g": floats(m)}


# Each kernel of each kind on input's operands, laid out in its memory by convnet_im2col.js's layout().
KERNEL_RUN = """
process.stdout.write(JSON.stringify(input.kinds.map(kind => {
  const h = kernels(kind), c = input.operands, N = c.N, T = c.tap.length;
  const put = (at, values) => {
    for (const [name, v] of Object.entries(values)) (name === 'tap' || name === 'rows' ? h.i32 : h.f32).set(v, at[name]);
  };
  const got = (at, name, n) => Array.from(h.f32.subarray(at[name], at[name] + n));
  let at = layout(h, {x: N * c.size, tap: T, cols: N * T});
  put(at, {x: c.x.flat(), tap: c.tap});
  h.exports.im2col(4 * at.cols, 4 * at.x, 4 * at.tap, T, N, c.size);
  const cols = got(at, 'cols', N * T);
  at = layout(h, {dx: N * c.size, dcols: N * T, tap: T, sink: 1});
  put(at, {dx: new Float32Array(N * c.size), dcols: c.dcols.flat(), tap: c.tap});
  h.exports.col2im(4 * at.dx, 4 * at.dcols, 4 * at.tap, T, N, c.size, 4 * at.sink);
  const dx = got(at, 'dx', N * c.size);
  at = layout(h, {cols: c.NQ * c.R, w: c.K * c.R, b: c.K, y: c.NQ * c.K});
  put(at, {cols: c.cols.flat(), w: c.w.flat(), b: c.b});
  h.exports.product(4 * at.cols, 4 * at.w, 4 * at.b, 4 * at.y, c.NQ, c.K, c.R, c.Q);
  const y = got(at, 'y', c.NQ * c.K);
  // addRows reads whole groups of four rows: four spare places, as convBackward leaves.
  at = layout(h, {out: c.R, src: c.src.flat().length, rows: c.g.length + 4, g: c.g.length + 4});
  put(at, {out: c.out, src: c.src.flat(), rows: c.picks.map(k => 4 * k * c.R), g: c.g});
  h.exports.addRows(4 * at.out, 4 * at.src, 4 * at.rows, 4 * at.g, c.g.length, c.R);
  return {kernels: h.kind, cols, dx, y, out: got(at, 'out', c.R)};
})));
"""


@needs_node
def test_the_webassembly_kernels_and_their_javascript_reference_each_give_numpys_answer() -> None:
    """On the same random operands, do the WebAssembly kernels and the plain JavaScript ones agree, each giving numpy's
    im2col, col2im, product and sum of gradient-picked rows, and the copies (im2col, col2im) the very same floats?"""
    c = kernel_operands()
    payload = {"kinds": list(KERNELS), "operands": {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in c.items()}}
    wasm, reference = run_js(KERNEL_RUN, payload)
    assert (wasm["kernels"], reference["kernels"]) == KERNELS
    x, tap, dcols = c["x"].astype(np.float64), c["tap"], c["dcols"].astype(np.float64)
    inside = tap >= 0
    cols = np.where(inside, x[:, np.where(inside, tap, 0)], 0)
    dx = np.zeros_like(x)
    np.add.at(dx, (np.arange(c["N"])[:, None], tap[inside][None, :]), dcols[:, inside])
    y = (c["cols"].astype(np.float64) @ c["w"].T + c["b"]).reshape(-1, c["Q"], c["K"]).transpose(0, 2, 1)
    out = c["out"] + c["g"].astype(np.float64) @ c["src"][c["picks"]]
    for js in (wasm, reference):
        for name, want in (("cols", cols), ("dx", dx), ("y", y), ("out", out)):
            np.testing.assert_allclose(js[name], want.ravel(), rtol=1e-5, atol=1e-5, err_msg=f"{js['kernels']} {name}")
    assert wasm["cols"] == reference["cols"] and wasm["dx"] == reference["dx"]
    for name in ("y", "out"):
        np.testing.assert_allclose(wasm[name], reference[name], rtol=1e-5, atol=1e-5, err_msg=name)


@needs_node
def test_a_network_takes_webassembly_where_the_engine_runs_it_and_the_javascript_reference_where_not() -> None:
    """Does a network take the WebAssembly kernels under node, the JavaScript reference where WebAssembly.validate
    refuses the module (no SIMD) or WebAssembly is gone, refuse to force WebAssembly there, and refuse an unknown kind
    with the choices named?"""
    program = """
    const refusal = f => { try { f(); return ''; } catch (e) { return e.message; } };
    process.stdout.write(JSON.stringify({chosen: network(input.spec, 0).kernels,
      forced: refusal(() => network(input.spec, 0, {kernels: 'webassembly'})),
      unknown: refusal(() => network(input.spec, 0, {kernels: 'gpu'}))}));
    """
    # What the engine lacks (its change to node) and the kernels a network should then take.
    engines = {"": "webassembly", "WebAssembly.validate = () => false;": "javascript",
               "delete globalThis.WebAssembly;": "javascript"}
    for change, chosen in engines.items():
        js = run_js(change + program, {"spec": preset_spec("page")})
        assert js["chosen"] == chosen, change
        assert js["forced"] == ("" if chosen == "webassembly" else
                                "kernels: WebAssembly SIMD is not available here; use 'javascript'"), change
        assert js["unknown"] == "kernels must be 'webassembly' or 'javascript', got \"gpu\"", change


@needs_node
def test_the_editors_volumes_and_parameters_are_cnnlib_shapes_and_refusals_give_the_formula() -> None:
    """For 300 random layer lists from the editor's full ranges, does each row give cnnlib.shapes' volume and parameter
    count, refuse exactly where cnnlib.shapes refuses, and say why with the formula's numbers?"""
    rng = np.random.default_rng(1)
    lists = [[random_layer(rng, small=False) for _ in range(rng.integers(1, 7))] for _ in range(300)]
    program = """process.stdout.write(JSON.stringify(input.map(layers => volumes({input: [1, 8, 8], layers, classes: 10}))));"""
    refused = 0
    for layers, rows in zip(lists, run_js(program, lists), strict=True):
        want = reference_volumes(layers)
        assert len(rows) == len(want), (layers, rows)
        for layer, row, expected in zip([*layers, {"kind": "fc"}][: len(rows)], rows, want, strict=True):
            if expected is None:
                refused += 1
                assert "error" in row, (layers, row)
                numbers = rf"\((\d+) - {layer['F']}" + (rf" \+ {2 * layer['P']}\)" if layer["kind"] == "conv" else r"\)")
                assert re.search(numbers + rf"/{layer['S']} \+ 1 = ", row["error"]), row["error"]
                assert "is not an integer" in row["error"] or "window is larger than" in row["error"], row["error"]
            else:
                assert "error" not in row and (row["shape"][0], row["shape"][2], row["params"]) == expected, (layers, row)
    assert refused > 50


@needs_node
def test_a_stride_that_does_not_fit_is_refused_with_the_lectures_arithmetic() -> None:
    """Is CONV 5x5 with stride 2 on the 8x8 digit refused as "(8 - 5 + 0)/2 + 1 ... is not an integer", and are a
    filter size of 9 and an unknown kind refused with the rule named?"""
    program = """
    const spec = layers => ({input: [1, 8, 8], layers, classes: 10});
    let thrown = '';
    try { network(spec([{kind: 'conv', K: 4, F: 5, S: 2, P: 0}]), 0); } catch (e) { thrown = e.message; }
    process.stdout.write(JSON.stringify({thrown, size: specError(spec([{kind: 'conv', K: 4, F: 9, S: 1, P: 0}])),
      kind: specError(spec([{kind: 'softmax'}]))}));
    """
    js = run_js(program, None)
    assert js["thrown"] == ("spec: layer 1 (CONV 4 5x5, S=2, P=0): (W - F + 2P)/S + 1 = (8 - 5 + 0)/2 + 1 = 2.50 "
                            "is not an integer: stride 2 does not fit")
    assert js["size"] == "layer 1 (CONV 4 9x9, S=1, P=0): F must be a whole number from 1 to 7, got 9"
    assert js["kind"] == "layer 1 (softmax): unknown layer kind softmax"


@needs_node
def test_links_and_saved_networks_come_back_unchanged() -> None:
    """Does every preset and random network come back from its link unchanged, a bad link get refused, and a
    downloaded network load with the same weights and scores, while a file of the wrong size is refused?"""
    specs = [{"input": ct.INPUT, "layers": p["layers"], "classes": 10} for p in ct.PRESETS.values()] + [c["spec"] for c in CASES]
    program = """
    const links = input.specs.map(s => parseLink(specLink(s.layers)));
    const net = network(input.specs[0], 3), x = Float32Array.from(input.x);
    const copy = loadNetwork(JSON.parse(JSON.stringify(savedNetwork(net))));
    const refusal = f => { try { f(); return ''; } catch (e) { return e.message; } };
    const bad = savedNetwork(net); bad.params[0] = bad.params[0].slice(1);
    const scores = Array.from(net.forward(x, 1)).join(), again = Array.from(copy.forward(x, 1)).join();
    process.stdout.write(JSON.stringify({links, same: scores === again,
      weights: copy.params.every((p, i) => p.value.join() === net.params[i].value.join()),
      badLink: refusal(() => parseLink('conv:8:3,relu')), badFile: refusal(() => loadNetwork(bad)),
      notSaved: refusal(() => loadNetwork({spec: input.specs[0]}))}));
    """
    js = run_js(program, {"specs": specs, "x": [0.5] * 64})
    assert js["links"] == [s["layers"] for s in specs]
    assert js["same"] and js["weights"]
    assert js["badLink"].startswith("the link's layer \"conv:8:3\" is not one of conv, maxpool, avgpool, fc"), js["badLink"]
    assert js["badFile"].startswith("saved.params must hold 6 arrays of 72, 8, 1152, 16, 640, 10 numbers"), js["badFile"]
    assert js["notSaved"].startswith("saved must be a network downloaded from this page"), js["notSaved"]


def preset_spec(name: str) -> dict:
    return {"input": ct.INPUT, "layers": ct.PRESETS[name]["layers"], "classes": ct.CLASSES}


@pytest.mark.slow
@needs_node
def test_the_embedded_digits_are_cnnlibs_split_and_the_default_network_reaches_95_percent() -> None:
    """Does the page decode exactly cnnlib.data.digits()'s held-out images, start at chance, and reach 95% held-out
    accuracy within 10 epochs at the default settings, as torch counts it with the trained weights?"""
    data = ct.trainer_data()
    program = """
    const t = training(input.data, input.spec), n = t.train.n;
    const start = {accuracy: t.evaluate(), loss: softmaxLoss(t.net.forward(t.train.x, n), t.train.y, n, 10).loss};
    while (t.seen < 10 * n && !(t.accuracy >= 0.95)) t.step(0.03, input.data.momentum);
    process.stdout.write(JSON.stringify({x: Array.from(t.test.x), y: Array.from(t.test.y), seen: t.seen, start,
      accuracy: t.accuracy, confusion: t.confusion, weights: t.net.params.map(p => Array.from(p.value))}));
    """
    spec = preset_spec("page")
    js = run_js(program, {"data": data, "spec": spec}, TRAINING)
    _, test = digits()
    images = torch.stack([image for image, _ in test]).double()
    labels = torch.tensor([int(label) for _, label in test])
    np.testing.assert_array_equal(js["x"], images.numpy().ravel())
    np.testing.assert_array_equal(js["y"], labels.numpy())
    # The page says: the random network guesses, with a loss above that of equal scores for all ten classes.
    assert js["start"]["accuracy"] < 0.2 and js["start"]["loss"] > np.log(10)
    assert js["accuracy"] >= 0.95 and js["seen"] <= 10 * len(data["train"]["y"])
    model = with_weights(torch_net(spec, []), js["weights"], [p.shape for p in torch_net(spec, []).parameters()])
    with torch.no_grad():
        predicted = model(images).argmax(1)
    assert (predicted == labels).double().mean().item() == pytest.approx(js["accuracy"], abs=1e-12)
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (labels.numpy(), predicted.numpy()), 1)
    np.testing.assert_array_equal(js["confusion"], confusion)


@pytest.mark.slow
@needs_node
def test_the_learning_rates_at_the_sliders_ends_and_every_preset_do_what_the_page_says() -> None:
    """At 0.3 does the accuracy fall back to chance within two epochs, with every ReLU of the last conv layer dead on
    the held-out digits, and at 0.001 is it still under 90% after one epoch, while 0.03 passes 90% within two epochs
    for every preset?"""
    program = """
    const out = {};
    for (const [name, spec, lr, epochs, enough] of input.runs) {
      const t = training(input.data, spec);
      let best = 0, v = t.test.x, alive = 0;
      while (t.seen < epochs * t.train.n && best < enough) if (t.step(lr, input.data.momentum)) best = Math.max(best, t.accuracy);
      t.net.layers.forEach(l => { v = l.forward(v, t.test.n); if (l.kind === 'relu') alive = v.filter(a => a > 0).length; });
      out[name + ' ' + lr] = {best, last: t.accuracy, alive};
    }
    process.stdout.write(JSON.stringify(out));
    """
    page = preset_spec("page")
    # A run stops early once its best accuracy reaches its last entry (1: never).
    runs = [["page", page, 0.3, 2, 1], ["page", page, 0.001, 1, 1]]
    runs += [[name, preset_spec(name), 0.03, 2, 0.9] for name in ct.PRESETS]
    out = run_js(program, {"data": ct.trainer_data(), "runs": runs}, TRAINING)
    assert out["page 0.3"]["last"] <= 0.2 and out["page 0.3"]["alive"] == 0, out["page 0.3"]
    assert out["page 0.001"]["best"] < 0.9, out
    assert all(out[f"{name} 0.03"]["best"] >= 0.9 for name in ct.PRESETS), out


def test_encode_digits_refuses_what_it_cannot_pack() -> None:
    """Are pixel values outside 0..16, or labels that do not match the images, refused with the rule named?"""
    with pytest.raises(ValueError, match="whole pixel values from 0 to 16"):
        ct.encode_digits(np.full((1, 8, 8), 17), np.array([0]))
    with pytest.raises(ValueError, match="labels must be 2 digits 0..9"):
        ct.encode_digits(np.zeros((2, 8, 8)), np.array([0]))


def test_bad_settings_are_refused_with_the_rule_named() -> None:
    """Are a learning rate off the slider and a zero batch refused clearly?"""
    with pytest.raises(ValueError, match=r"lr must be one of \[0.001, .*0.3\], the slider's steps, got 0.05"):
        ct.convnet_trainer(lr=0.05)
    with pytest.raises(ValueError, match="batch_size must be a positive whole number, got 0"):
        ct.trainer_data(batch_size=0)


def test_the_panel_is_labelled_and_self_contained() -> None:
    """Does the panel carry the digits, the presets, the worker's and the page's scripts, label every control, name
    its canvases, and reach no URL?"""
    html = ct.convnet_trainer().html
    worker = json.dumps(script(*ct.WORKER_SCRIPTS)).replace("</", "<\\/")
    assert f"const WORKER = {worker};\n" + script(*ct.PAGE_SCRIPTS) + "\ntrainer();" in html
    data = panel_data(html)
    assert (len(data["train"]["y"]), len(data["test"]["y"]), data["presets"]) == (1442, 355, ct.PRESETS)
    for name in re.findall(r'<(?:input|select) [^>]*id="([^"]+)"', html):
        assert f'<label for="{name}">' in html, name
    assert re.findall(r'<button type="button" name="([\w-]+)">', html) == [
        "run", "reset", "add-layer", "download", "clear"]
    assert len(re.findall(r'<canvas [^>]*role="(?:img|application)" aria-label="[^"]{40,}"', html)) == 6
    assert "http://" not in html and "https://" not in html


ROOT = Path(__file__).resolve().parents[3]
WABT = ROOT / ".venv" / "convnet_wasm" / "node_modules" / "wabt"


@needs_node
def test_the_committed_kernels_are_the_wat_source_assembled() -> None:
    """Is js/convnet_kernels.js what tools/convnet_wasm/build.js makes of js/convnet_kernels.wat today?"""
    if not WABT.exists():
        # Only a machine without npm cannot install the assembler; CI has npm, and `make test` installs it.
        if shutil.which("npm") is None and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
            pytest.skip("npm is not installed here, so the assembler is not (make system-deps, then make wabt)")
        pytest.fail("the assembler is not installed: run `make wabt` (make test and make test-fast do)", pytrace=False)
    program = "require('./tools/convnet_wasm/build.js').kernelsScript().then(t => process.stdout.write(t))"
    built = subprocess.run([NODE, "-e", program], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert built == (ROOT / "cnnlib" / "explorers" / "js" / "convnet_kernels.js").read_text(), "run make convnet-kernels"
