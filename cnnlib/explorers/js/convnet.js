// A small convnet in plain JavaScript, as ConvNetJS is: its layers, forward and backward passes,
// softmax cross-entropy and SGD with momentum. It touches no page, so that the tests can run it
// under node and compare it with torch and cnnlib; convnet_trainer.js trains it on the page.
// Volumes are Float64Arrays in PyTorch's layout: (N, C, H, W), row-major.

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
  ({name, value: new Float64Array(size), grad: new Float64Array(size), velocity: new Float64Array(size)});

// K filters of F x F x C, stride 1, zero padding (F - 1) / 2, so that the output stays H x W.
function conv(C, H, W, K, F, rand) {
  const P = (F - 1) / 2, w = parameter('weight', K * C * F * F), b = parameter('bias', K);
  // He initialisation: ReLU follows, so the variance 2 / fan-in keeps the signal's scale.
  w.value.forEach((_, i) => { w.value[i] = gaussian(rand, Math.sqrt(2 / (C * F * F))); });
  let x, N;
  return {
    kind: 'conv', shape: [K, H, W], params: [w, b],
    forward(input, n) {
      x = input; N = n;
      const y = new Float64Array(N * K * H * W);
      for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        let s = b.value[k];
        for (let d = 0; d < C; d++) for (let u = 0; u < F; u++) {
          const rr = r + u - P;
          if (rr < 0 || rr >= H) continue;
          for (let v = 0; v < F; v++) {
            const cc = c + v - P;
            if (cc >= 0 && cc < W) s += x[((i * C + d) * H + rr) * W + cc] * w.value[((k * C + d) * F + u) * F + v];
          }
        }
        y[((i * K + k) * H + r) * W + c] = s;
      }
      return y;
    },
    backward(dy) {
      const dx = new Float64Array(N * C * H * W);
      w.grad.fill(0); b.grad.fill(0);
      for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        const g = dy[((i * K + k) * H + r) * W + c];
        b.grad[k] += g;
        for (let d = 0; d < C; d++) for (let u = 0; u < F; u++) {
          const rr = r + u - P;
          if (rr < 0 || rr >= H) continue;
          for (let v = 0; v < F; v++) {
            const cc = c + v - P;
            if (cc < 0 || cc >= W) continue;
            const at = ((i * C + d) * H + rr) * W + cc, wt = ((k * C + d) * F + u) * F + v;
            w.grad[wt] += g * x[at];
            dx[at] += g * w.value[wt];
          }
        }
      }
      return dx;
    },
  };
}

function relu(shape) {
  let x;
  return {
    kind: 'relu', shape, params: [],
    forward(input) { x = input; return input.map(v => (v > 0 ? v : 0)); },
    backward(dy) { return dy.map((g, i) => (x[i] > 0 ? g : 0)); },
  };
}

// 2x2 max pooling with stride 2; the gradient goes to the first maximum of each window, as in PyTorch.
function maxpool(C, H, W) {
  const H2 = H / 2, W2 = W / 2;
  let winner, size;
  return {
    kind: 'pool', shape: [C, H2, W2], params: [],
    forward(x, n) {
      const y = new Float64Array(n * C * H2 * W2);
      winner = new Int32Array(y.length); size = x.length;
      for (let o = 0; o < y.length; o++) {
        const c = o % W2, r = Math.floor(o / W2) % H2, plane = Math.floor(o / (W2 * H2));
        let best = -Infinity;
        for (let u = 0; u < 2; u++) for (let v = 0; v < 2; v++) {
          const at = (plane * H + 2 * r + u) * W + 2 * c + v;
          if (x[at] > best) { best = x[at]; winner[o] = at; }
        }
        y[o] = best;
      }
      return y;
    },
    backward(dy) {
      const dx = new Float64Array(size);
      dy.forEach((g, o) => { dx[winner[o]] += g; });
      return dx;
    },
  };
}

// Fully connected: y = x w^T + b, with w of shape (out, in), as torch.nn.Linear.
function linear(inputs, outputs, rand) {
  const w = parameter('weight', outputs * inputs), b = parameter('bias', outputs);
  w.value.forEach((_, i) => { w.value[i] = gaussian(rand, Math.sqrt(1 / inputs)); });
  let x, N;
  return {
    kind: 'fc', shape: [outputs], params: [w, b],
    forward(input, n) {
      x = input; N = n;
      const y = new Float64Array(N * outputs);
      for (let i = 0; i < N; i++) for (let o = 0; o < outputs; o++) {
        let s = b.value[o];
        for (let j = 0; j < inputs; j++) s += x[i * inputs + j] * w.value[o * inputs + j];
        y[i * outputs + o] = s;
      }
      return y;
    },
    backward(dy) {
      const dx = new Float64Array(N * inputs);
      w.grad.fill(0); b.grad.fill(0);
      for (let i = 0; i < N; i++) for (let o = 0; o < outputs; o++) {
        const g = dy[i * outputs + o];
        b.grad[o] += g;
        for (let j = 0; j < inputs; j++) {
          w.grad[o * inputs + j] += g * x[i * inputs + j];
          dx[i * inputs + j] += g * w.value[o * inputs + j];
        }
      }
      return dx;
    },
  };
}

// [CONV-RELU-POOL] for each entry of spec.filters, then FC to spec.classes scores.
function network(spec, seed) {
  const rand = generator(seed), layers = [];
  let [C, H, W] = spec.input;
  for (const K of spec.filters) {
    layers.push(conv(C, H, W, K, spec.F, rand), relu([K, H, W]), maxpool(K, H, W));
    [C, H, W] = [K, H / 2, W / 2];
  }
  layers.push(linear(C * H * W, spec.classes, rand));
  return {
    layers, params: layers.flatMap(l => l.params), classes: spec.classes,
    forward: (x, n) => layers.reduce((v, l) => l.forward(v, n), x),
    backward: dscores => layers.reduceRight((g, l) => l.backward(g), dscores),
  };
}

// Softmax and the mean cross-entropy loss over n images, with d loss / d scores.
function softmaxLoss(scores, labels, n, classes) {
  const dscores = new Float64Array(scores.length);
  let loss = 0, correct = 0;
  for (let i = 0; i < n; i++) {
    const row = scores.subarray(i * classes, (i + 1) * classes), top = Math.max(...row);
    let sum = 0;
    row.forEach((s, j) => { dscores[i * classes + j] = Math.exp(s - top); sum += dscores[i * classes + j]; });
    for (let j = 0; j < classes; j++) dscores[i * classes + j] /= sum;
    loss -= Math.log(dscores[i * classes + labels[i]]);
    if (row.indexOf(top) === labels[i]) correct++;
    dscores[i * classes + labels[i]] -= 1;
  }
  return {loss: loss / n, correct, dscores: dscores.map(g => g / n)};
}

// SGD with momentum, as torch.optim.SGD:
// v = momentum v + grad, then w = w - lr v.
function sgd(params, lr, momentum) {
  for (const p of params) for (let i = 0; i < p.value.length; i++) {
    p.velocity[i] = momentum * p.velocity[i] + p.grad[i];
    p.value[i] -= lr * p.velocity[i];
  }
}

// One mini-batch: forward, loss, backward, update.
function trainStep(net, x, labels, n, lr, momentum) {
  const scores = net.forward(x, n), result = softmaxLoss(scores, labels, n, net.classes);
  net.backward(result.dscores);
  sgd(net.params, lr, momentum);
  return result;
}
