// Training the network of convnet.js on the embedded digits: mini-batches in a fresh random order
// each epoch, and the held-out accuracy and confusion matrix measured every data.evaluate_every
// images. It touches no page: the page runs it in a Web Worker (convnet_worker.js) and the tests
// run it under node.

// Digits ship as one character per pixel (base 17: 0..g for 0..16) and one per label.
const decodeDigits = set => ({
  x: Float32Array.from(set.x, ch => parseInt(ch, 17) / 16), y: Int32Array.from(set.y, Number), n: set.y.length,
});

// data: the panel's JSON (digits, batch_size, seed, evaluate_every); spec: the architecture to
// train; net: a network to train on (one loaded from a file), or a new one from spec and the seed.
function training(data, spec, net = network(spec, data.seed)) {
  const train = decodeDigits(data.train), test = decodeDigits(data.test), pixels = spec.input.reduce((a, b) => a * b);
  const t = {net, rand: generator(data.seed + 1), order: [], seen: 0,
    history: [], lossSum: 0, lossBatches: 0, accuracy: null, confusion: null, train, test};
  const batchOf = (set, indices) => {
    const x = new Float32Array(indices.length * pixels);
    indices.forEach((k, i) => x.set(set.x.subarray(k * pixels, (k + 1) * pixels), i * pixels));
    return {x, y: Int32Array.from(indices, k => set.y[k])};
  };
  // The held-out accuracy, and confusion[true label][predicted label] counts.
  t.evaluate = () => {
    const classes = t.net.classes, confusion = Array.from({length: classes}, () => new Array(classes).fill(0));
    let correct = 0;
    for (let k = 0; k < test.n; k += 64) {
      const n = Math.min(64, test.n - k), scores = t.net.forward(test.x.subarray(k * pixels, (k + n) * pixels), n);
      for (let i = 0; i < n; i++) {
        let top = 0;
        for (let j = 1; j < classes; j++) if (scores[i * classes + j] > scores[i * classes + top]) top = j;
        confusion[test.y[k + i]][top]++;
        if (top === test.y[k + i]) correct++;
      }
    }
    t.confusion = confusion;
    return correct / test.n;
  };
  t.step = (lr, momentum) => {
    if (!t.order.length) {
      // A new epoch: Fisher-Yates shuffle of every training image (the last batch may be smaller).
      const order = Array.from({length: train.n}, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(t.rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      t.order = order;
    }
    const indices = t.order.splice(0, data.batch_size), b = batchOf(train, indices);
    const result = trainStep(t.net, b.x, b.y, indices.length, lr, momentum);
    const before = Math.floor(t.seen / data.evaluate_every);
    t.seen += indices.length; t.lossSum += result.loss; t.lossBatches++;
    if (Math.floor(t.seen / data.evaluate_every) > before) {
      t.accuracy = t.evaluate();
      t.history.push({epoch: t.seen / train.n, loss: t.lossSum / t.lossBatches, accuracy: t.accuracy});
      t.lossSum = 0; t.lossBatches = 0;
      return true;
    }
    return false;
  };
  // Every layer's output for one image (a copy each), and the class probabilities.
  t.probe = image => {
    const maps = [];
    let v = Float32Array.from(image);
    for (const layer of t.net.layers) { v = layer.forward(v, 1, false); maps.push(Array.from(v)); }
    const top = Math.max(...v), e = Array.from(v, s => Math.exp(s - top)), sum = e.reduce((a, b) => a + b);
    return {maps, shapes: t.net.layers.map(l => l.shape), probabilities: e.map(p => p / sum)};
  };
  return t;
}
