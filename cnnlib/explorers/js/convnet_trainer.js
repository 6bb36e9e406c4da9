// Trains the network of convnet.js (loaded before this file) on the embedded digits, in the
// reader's browser. training() needs no page, so the tests run it under node; trainer(), at the
// end, is the page's panel: the controls, the chart, the filters and the loop that drives them.

// Digits ship as one character per pixel (base 17: 0..g for 0..16) and one per label.
const decode = set => ({
  x: Float64Array.from(set.x, ch => parseInt(ch, 17) / 16), y: Int32Array.from(set.y, Number), n: set.y.length,
});

// Training on the embedded digits: mini-batches in a fresh random order each epoch, and the
// held-out accuracy measured every data.evaluate_every images, for the chart.
function training(data) {
  const train = decode(data.train), test = decode(data.test), pixels = data.spec.input.reduce((a, b) => a * b);
  const t = {net: network(data.spec, data.seed), rand: generator(data.seed + 1), order: [], seen: 0,
    history: [], lossSum: 0, lossBatches: 0, accuracy: null, train, test};
  const batchOf = (set, indices) => {
    const x = new Float64Array(indices.length * pixels);
    indices.forEach((k, i) => x.set(set.x.subarray(k * pixels, (k + 1) * pixels), i * pixels));
    return {x, y: Int32Array.from(indices, k => set.y[k])};
  };
  t.evaluate = () => {
    let correct = 0;
    for (let k = 0; k < test.n; k += 64) {
      const indices = Array.from({length: Math.min(64, test.n - k)}, (_, i) => k + i), b = batchOf(test, indices);
      correct += softmaxLoss(t.net.forward(b.x, indices.length), b.y, indices.length, t.net.classes).correct;
    }
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
  return t;
}

// The page's panel: Start/Pause, Reset and the learning rate drive training(); each animation
// frame trains for a few milliseconds, then redraws the status, the chart and the filters.
function trainer() {
  const run = $('[name=run]'), chart = $('.cnn-trainer-chart'), filters = $('.cnn-trainer-filters');
  let t, running = false, elapsed = 0, since = 0, reached = null, limit, pending = 0;
  const colour = (name, fallback) => getComputedStyle(root).getPropertyValue(name).trim() || fallback;
  const seconds = () => (elapsed + (running ? performance.now() - since : 0)) / 1000;

  function status() {
    const last = t.history[t.history.length - 1];
    const measured = last ? `training loss ${last.loss.toFixed(3)}, ` +
      `held-out accuracy ${(100 * last.accuracy).toFixed(1)}%` : `first measurement at ${data.evaluate_every} images`;
    $('.cnn-trainer-status').textContent = !t.seen ? 'Press Start to train.' :
      `epoch ${(t.seen / t.train.n).toFixed(2)}, ${t.seen.toLocaleString('en')} images seen, ${measured}, ` +
      `${seconds().toFixed(1)} s of training`;
    Object.assign(root.dataset, {images: t.seen, seconds: seconds().toFixed(2), state: running ? 'running' : 'paused',
      accuracy: last ? last.accuracy : '', loss: last ? last.loss : '', reached: reached === null ? '' : reached});
  }

  // A canvas as wide as its box and `aspect` times as high, drawn at the screen's pixel density.
  function fit(canvas, aspect) {
    const w = canvas.clientWidth, h = Math.round(w * aspect), dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); canvas.style.height = h + 'px';
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    return [g, w, h];
  }

  function drawChart() {
    // Outside the book (no theme variables) the chart takes the text colour around it.
    const [g, w, h] = fit(chart, 0.5), text = colour('--cnn-trainer-text', getComputedStyle(root).color);
    const left = 40, right = w - 40, top = 10, bottom = h - 30;
    const epochs = Math.max(1, Math.ceil(t.seen / t.train.n));
    const maxLoss = Math.min(10, Math.max(2.5, ...t.history.map(p => Math.ceil(p.loss)).filter(Number.isFinite)));
    const x = e => left + (right - left) * e / epochs, y = (v, max) => bottom - (bottom - top) * Math.min(v / max, 1);
    g.clearRect(0, 0, w, h);
    g.font = '12px sans-serif'; g.fillStyle = text; g.strokeStyle = text; g.lineWidth = 1;
    g.strokeRect(left, top, right - left, bottom - top);
    g.textAlign = 'center';
    const every = Math.ceil(epochs / 8);
    for (let e = 0; e <= epochs; e += every) g.fillText(String(e), x(e), bottom + 14);
    g.fillText('epoch', (left + right) / 2, h - 2);
    g.setLineDash([4, 4]); g.beginPath(); g.moveTo(left, y(0.9, 1)); g.lineTo(right, y(0.9, 1)); g.stroke();
    g.setLineDash([]);
    // Loss on the left axis, accuracy on the right, each labelled in its line's colour.
    const series = [['loss', maxLoss, colour('--cnn-trainer-loss', '#b03a2e'), 'training loss', left - 4, 'right'],
      ['accuracy', 1, colour('--cnn-trainer-accuracy', '#1f6fb4'), 'held-out accuracy', right + 4, 'left']];
    series.forEach(([key, max, stroke, label, at, align], k) => {
      g.strokeStyle = stroke; g.fillStyle = stroke; g.lineWidth = 2; g.beginPath();
      t.history.forEach((p, i) => (i ? g.lineTo : g.moveTo).call(g, x(p.epoch), y(p[key], max)));
      g.stroke();
      g.textAlign = align;
      g.fillText('0', at, bottom);
      g.fillText(key === 'loss' ? String(maxLoss) : '100%', at, top + 10);
      g.textAlign = 'right'; g.fillText(label, right - 8, (top + bottom) / 2 + 16 * k);
    });
  }

  // Layer-1 filters in grey on one scale, so that a filter that grows looks stronger.
  function drawFilters() {
    const w = t.net.layers[0].params[0].value, K = t.net.layers[0].shape[0], F = 3;
    if (!filters.clientWidth) return;
    const width = Math.min(filters.clientWidth, 640), cell = Math.floor(width / (K * (F + 1))), gap = cell;
    const [g] = fit(filters, (F * cell) / filters.clientWidth);
    const peak = Math.max(...w.map(Math.abs)) || 1;
    g.clearRect(0, 0, filters.clientWidth, F * cell);
    for (let k = 0; k < K; k++) for (let u = 0; u < F; u++) for (let v = 0; v < F; v++) {
      const grey = Math.round(127.5 + 127.5 * w[(k * F + u) * F + v] / peak);
      g.fillStyle = `rgb(${grey},${grey},${grey})`;
      g.fillRect(k * (F * cell + gap) + v * cell, u * cell, cell, cell);
    }
  }

  const draw = () => { status(); drawChart(); drawFilters(); };

  function frame() {
    pending = 0;
    if (!running) return;
    const lr = val('lr'), start = performance.now();
    let measured = false;
    // About 12 ms of training a frame leaves the browser time to draw and stay responsive.
    while (performance.now() - start < 12) measured = t.step(lr, data.momentum) || measured;
    if (measured && reached === null && t.accuracy >= 0.9) {
      reached = seconds().toFixed(1);
      $('.cnn-trainer-news').textContent = `Held-out accuracy reached 90% after ${reached} s of training.`;
    }
    if (t.seen >= limit * t.train.n) {
      toggle(false);
      $('.cnn-trainer-news').textContent = `Paused after ${limit} epochs; Resume trains on.`;
      limit += data.max_epochs;
    }
    draw();
    if (running) pending = requestAnimationFrame(frame);
  }

  function toggle(on) {
    if (on === running) return;
    running = on;
    if (on) since = performance.now(); else elapsed += performance.now() - since;
    run.textContent = on ? 'Pause' : (t.seen ? 'Resume' : 'Start');
    status();
    // At most one frame waiting: a quick Pause and Resume must not start a second loop.
    if (on && !pending) pending = requestAnimationFrame(frame);
  }

  function reset() {
    toggle(false);
    t = training(data); elapsed = 0; reached = null; limit = data.max_epochs;
    run.textContent = 'Start';
    $('.cnn-trainer-news').textContent = '';
    draw();
  }

  run.addEventListener('click', () => toggle(!running));
  $('[name=reset]').addEventListener('click', reset);
  $('[name=lr]').addEventListener('input', () => val('lr'));
  window.addEventListener('resize', draw);
  // Follow the book's light/dark switch: the canvases read their colours from CSS variables.
  new MutationObserver(draw).observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});
  reset();
}
