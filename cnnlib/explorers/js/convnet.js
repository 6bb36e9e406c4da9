// A convnet in JavaScript, as ConvNetJS is, for any architecture of the editor (convnet_spec.js, and
// the conv layer's loops, convnet_kernels.js, convnet_kernels_reference.js and convnet_im2col.js, load
// before this file): each layer's forward and backward pass, softmax cross-entropy and SGD with
// momentum. It touches no page, so that the tests run it under node and compare it with torch, and
// the page trains it in a Web Worker.
//
// Volumes are Float32Arrays in PyTorch's layout (N, C, H, W), row-major. A conv layer (and a fully
// connected one, a conv layer over its whole input) unrolls its input into rows (im2col), so that
// its loops run over contiguous memory, as a matrix product does, in WebAssembly SIMD (or, where the
// engine has none, in their plain JavaScript reference).

// A seeded random number generator (mulberry32), so that Reset gives the same start every time.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A normal number (Box-Muller) with standard deviation std.
const gaussian = (rand, std) => std * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const parameter = (name, size) =>
  ({name, value: new Float32Array(size), grad: new Float32Array(size), velocity: new Float32Array(size)});

// He initialisation: the variance 2 / fan-in keeps the signal's scale through a ReLU.
function initialise(w, fanIn, gain, rand) {
  const std = Math.sqrt(gain / fanIn);
  for (let i = 0; i < w.value.length; i++) w.value[i] = gaussian(rand, std);
}

// A buffer of `size` numbers that keeps the memory of the last one, so training allocates nothing.
const reuse = (old, size) => (old && old.buffer.byteLength >= 4 * size ? new Float32Array(old.buffer, 0, size) : new Float32Array(size));

// K filters of F x F x C with stride S and zero padding P, initialised with `gain` / fan-in, computed
// by the kernels h (convnet_im2col.js). Each row of cols holds the F*F*C input values under one output
// position p = (image, row, column): y[k][p] = w[k] . cols[p] + b[k].
function conv(C, H, W, {K, F, S, P}, rand, h, gain = 2) {
  const Ho = (H - F + 2 * P) / S + 1, Wo = (W - F + 2 * P) / S + 1, R = C * F * F, Q = Ho * Wo, size = C * H * W;
  const w = parameter('weight', K * R), b = parameter('bias', K);
  initialise(w, R, gain, rand);
  let n, cols, y, dx;

  // For one image: tap[q * R + r], where in the input filter tap r = (c, u, v) at output position q
  // reads, or -1 in the zero padding. im2col copies through it; col2im adds back through it.
  const tap = new Int32Array(Q * R);
  for (let oy = 0, j = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) for (let c = 0; c < C; c++) for (let u = 0; u < F; u++) {
    for (let v = 0, iy = oy * S + u - P, ix = ox * S - P; v < F; v++, ix++, j++) tap[j] = iy >= 0 && iy < H && ix >= 0 && ix < W ? (c * H + iy) * W + ix : -1;
  }

  return {
    kind: 'conv', shape: [K, Ho, Wo], params: [w, b],
    forward(x, N) {
      n = N; cols = reuse(cols, N * Q * R); y = reuse(y, N * K * Q);
      convForward(h, x, tap, cols, w.value, b.value, y, N, K, R, Q, size);
      return y;
    },
    backward(dy, wantDx) {
      dx = wantDx ? reuse(dx, n * size) : null;
      convBackward(h, dy, cols, tap, w.value, w.grad, b.grad, dx, n, K, R, Q, size);
      return dx;
    },
  };
}

// ReLU, tanh or sigmoid, element by element; each derivative is written with the output y. Each
// kind has its own loops, so that the engine inlines its arithmetic rather than calling a function
// per value.
const NONLINEAR = {
  relu: {
    forward(x, y) { for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0; },
    backward(dy, y, dx) { for (let i = 0; i < dy.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0; },
  },
  tanh: {
    forward(x, y) { for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]); },
    backward(dy, y, dx) { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]); },
  },
  sigmoid: {
    forward(x, y) { for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i])); },
    backward(dy, y, dx) { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]); },
  },
};

function activation(kind, shape) {
  const f = NONLINEAR[kind];
  let y, dx;
  return {
    kind, shape, params: [],
    forward(x) {
      y = reuse(y, x.length);
      f.forward(x, y);
      return y;
    },
    backward(dy) {
      dx = reuse(dx, dy.length);
      f.backward(dy, y, dx);
      return dx;
    },
  };
}

// Max or average pooling of F x F windows with stride S, no padding. Max sends each gradient to
// the first maximum of its window, as PyTorch does; average spreads it evenly over the F*F inputs.
function pool(C, H, W, {kind, F, S}) {
  const Ho = (H - F) / S + 1, Wo = (W - F) / S + 1, max = kind === 'maxpool', area = F * F;
  let y, winner, dx, size;
  return {
    kind, shape: [C, Ho, Wo], params: [],
    forward(x, n) {
      y = reuse(y, n * C * Ho * Wo); size = x.length;
      if (!winner || winner.length < y.length) winner = new Int32Array(y.length);
      for (let plane = 0, o = 0; plane < n * C; plane++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++, o++) {
        const corner = (plane * H + oy * S) * W + ox * S;
        let best = x[corner], at = corner, sum = 0;
        for (let u = 0; u < F; u++) for (let v = 0, i = corner + u * W; v < F; v++, i++) {
          if (x[i] > best) { best = x[i]; at = i; }
          sum += x[i];
        }
        y[o] = max ? best : sum / area;
        winner[o] = at;
      }
      return y;
    },
    backward(dy) {
      dx = reuse(dx, size);
      dx.fill(0);
      if (max) {
        for (let o = 0; o < dy.length; o++) dx[winner[o]] += dy[o];
        return dx;
      }
      for (let plane = 0, o = 0; plane < dy.length / (Ho * Wo); plane++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++, o++) {
        const g = dy[o] / area, corner = (plane * H + oy * S) * W + ox * S;
        for (let u = 0; u < F; u++) for (let v = 0, i = corner + u * W; v < F; v++, i++) dx[i] += g;
      }
      return dx;
    },
  };
}

// Fully connected: y = x w^T + b, with w of shape (K, C*H*W), as torch.nn.Linear after Flatten. This
// is a conv layer whose K filters cover the whole (square) input: one output position, and a
// filter's taps in (c, u, v) order are Flatten's order.
function linear([C, H], K, gain, rand, h) {
  return {...conv(C, H, H, {K, F: H, S: 1, P: 0}, rand, h, gain), kind: 'fc'};
}

// Inverted dropout, as torch.nn.Dropout: in training each value is kept with probability 1 - p
// and scaled by 1 / (1 - p); in evaluation the layer passes its input through. `mask` is public,
// so that the tests can give torch the same draw.
function dropout(shape, p, rand) {
  let y, dx;
  const layer = {
    kind: 'dropout', shape, params: [], mask: null,
    forward(x, n, train) {
      if (!train || p === 0) { layer.mask = null; return x; }
      layer.mask = reuse(layer.mask, x.length); y = reuse(y, x.length);
      for (let i = 0; i < x.length; i++) { layer.mask[i] = rand() < p ? 0 : 1 / (1 - p); y[i] = x[i] * layer.mask[i]; }
      return y;
    },
    backward(dy) {
      if (!layer.mask) return dy;
      dx = reuse(dx, dy.length);
      for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * layer.mask[i];
      return dx;
    },
  };
  return layer;
}

// The layers of spec (see convnet_spec.js), then FC to spec.classes scores. A spec that does not
// fit is refused with the formula's reason. options.kernels picks the conv layers' loops,
// 'webassembly' or 'javascript' (see convnet_im2col.js); by default WebAssembly where it runs.
function network(spec, seed, options = {}) {
  const error = specError(spec);
  if (error) throw new Error(`spec: ${error}`);
  const h = kernels(options.kernels), rand = generator(seed), layers = [];
  let [C, H, W] = spec.input;
  spec.layers.forEach(l => {
    if (l.kind === 'conv') layers.push(conv(C, H, W, l, rand, h));
    else if (l.kind === 'maxpool' || l.kind === 'avgpool') layers.push(pool(C, H, W, l));
    else if (l.kind === 'fc') layers.push(linear([C, H], l.K, 2, rand, h));
    else if (l.kind === 'dropout') layers.push(dropout([C, H, W], l.p, rand));
    else layers.push(activation(l.kind, [C, H, W]));
    [C, H, W] = layers[layers.length - 1].shape;
  });
  // The scores' layer: variance 1 / fan-in, as no ReLU follows it.
  layers.push(linear([C, H], spec.classes, 1, rand, h));
  return {
    spec, layers, params: layers.flatMap(l => l.params), classes: spec.classes, kernels: h.kind,
    forward: (x, n, train = false) => layers.reduce((v, l) => l.forward(v, n, train), x),
    // wantInput: also the gradient of the loss with respect to the input images (training needs none).
    backward: (dscores, wantInput = true) => layers.reduceRight((g, l, k) => l.backward(g, k > 0 || wantInput), dscores),
  };
}

// Softmax and the mean cross-entropy loss over n images, with d loss / d scores.
function softmaxLoss(scores, labels, n, classes) {
  const dscores = new Float32Array(n * classes), p = new Float64Array(classes);
  let loss = 0, correct = 0;
  for (let i = 0; i < n; i++) {
    let top = 0, sum = 0;
    for (let j = 1; j < classes; j++) if (scores[i * classes + j] > scores[i * classes + top]) top = j;
    for (let j = 0; j < classes; j++) { p[j] = Math.exp(scores[i * classes + j] - scores[i * classes + top]); sum += p[j]; }
    loss -= Math.log(p[labels[i]] / sum);
    if (top === labels[i]) correct++;
    for (let j = 0; j < classes; j++) dscores[i * classes + j] = (p[j] / sum - (j === labels[i] ? 1 : 0)) / n;
  }
  return {loss: loss / n, correct, dscores};
}

// SGD with momentum, as torch.optim.SGD:
// v = momentum v + grad, then w = w - lr v.
function sgd(params, lr, momentum) {
  for (const p of params) for (let i = 0; i < p.value.length; i++) {
    p.velocity[i] = momentum * p.velocity[i] + p.grad[i];
    p.value[i] -= lr * p.velocity[i];
  }
}

// One mini-batch: forward (dropout on), loss, backward, update.
function trainStep(net, x, labels, n, lr, momentum) {
  const scores = net.forward(x, n, true), result = softmaxLoss(scores, labels, n, net.classes);
  net.backward(result.dscores, false);
  sgd(net.params, lr, momentum);
  return result;
}

// A network as JSON-ready data (its spec and every parameter's values) and back again.
const savedNetwork = net => ({format: 'cnnlib-convnet', spec: net.spec, params: net.params.map(p => Array.from(p.value))});

function loadNetwork(saved) {
  if (!saved || saved.format !== 'cnnlib-convnet' || !saved.spec || !Array.isArray(saved.params)) {
    throw new Error('saved must be a network downloaded from this page: {format: "cnnlib-convnet", spec, params}');
  }
  const net = network(saved.spec, 0);
  const sizes = net.params.map(p => p.value.length), given = saved.params.map(p => (Array.isArray(p) ? p.length : -1));
  if (given.join() !== sizes.join()) {
    throw new Error(`saved.params must hold ${sizes.length} arrays of ${sizes.join(', ')} numbers for its spec, got ${given.join(', ')}`);
  }
  net.params.forEach((p, i) => p.value.set(saved.params[i]));
  return net;
}
