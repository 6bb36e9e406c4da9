// What the in-browser convnet's panel draws: the training curves, the class scores, every layer's
// activation maps, the first layer's filters and the confusion matrix, each on a canvas as wide as
// its box and drawn at the screen's pixel density, in the theme's colours (see convnet_trainer.css).

// A canvas as wide as its box and `height` CSS pixels high, cleared; its 2D context and width. Its
// size is set only when it changes: setting it costs the page a new layout and a new bitmap.
function fit(canvas, height) {
  const w = canvas.clientWidth, dpr = window.devicePixelRatio || 1, width = Math.round(w * dpr), high = Math.round(height * dpr);
  if (canvas.width !== width || canvas.height !== high) {
    canvas.width = width; canvas.height = high; canvas.style.height = height + 'px';
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, height);
  g.font = '12px sans-serif'; g.textBaseline = 'alphabetic';
  return [g, w];
}

// A CSS colour of the panel; outside the book (no theme variables) the text colour around it.
function colour(root, name, fallback) {
  return getComputedStyle(root).getPropertyValue(name).trim() || fallback || getComputedStyle(root).color;
}

// A bitmap of width x height pixels and its ImageData, one of each size kept for the next draw: a new
// canvas and ImageData each draw would leave the garbage collector work that lands in some frame.
const bitmaps = new Map();
function bitmap(width, height) {
  const key = `${width}x${height}`;
  if (!bitmaps.has(key)) {
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    bitmaps.set(key, {canvas, image: new ImageData(width, height)});
  }
  return bitmaps.get(key);
}

// C maps of H x W values drawn at (x0, y0), `perRow` to a row with a one-cell gap, each value a
// cell x cell square on a grey scale from -peak (black) through 0 (mid-grey) to +peak (white). The
// values go into a bitmap of one pixel each, scaled up in one step: a few calls, not one per value.
function drawGrid(g, values, C, H, W, x0, y0, cell, perRow) {
  const across = Math.min(C, perRow), rows = Math.ceil(C / perRow);
  let peak = 0;
  for (const v of values) peak = Math.max(peak, Math.abs(v));
  const {canvas, image} = bitmap(across * (W + 1), rows * (H + 1)), scale = 127.5 / (peak || 1);
  for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) {
    const x = (c % perRow) * (W + 1) + (i % W), y = Math.floor(c / perRow) * (H + 1) + Math.floor(i / W), at = 4 * (y * image.width + x);
    const grey = Math.round(127.5 + Math.max(-127.5, Math.min(127.5, values[c * H * W + i] * scale)));
    image.data[at] = image.data[at + 1] = image.data[at + 2] = grey; image.data[at + 3] = 255;
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(canvas, x0, y0, image.width * cell, image.height * cell);
}

// Training loss (left axis) and held-out accuracy (right axis) against epochs; dashed line at 95%.
function drawChart(root, canvas, history, seen, trainImages) {
  const [g, w] = fit(canvas, Math.max(180, Math.round(canvas.clientWidth / 2))), h = canvas.height / (window.devicePixelRatio || 1);
  const text = colour(root, '--cnn-trainer-text'), left = 40, right = w - 40, top = 10, bottom = h - 30;
  const epochs = Math.max(1, Math.ceil(seen / trainImages));
  const maxLoss = Math.min(10, Math.max(2.5, ...history.map(p => Math.ceil(p.loss)).filter(Number.isFinite)));
  const x = e => left + (right - left) * e / epochs, y = (v, max) => bottom - (bottom - top) * Math.min(v / max, 1);
  g.fillStyle = text; g.strokeStyle = text; g.lineWidth = 1;
  g.strokeRect(left, top, right - left, bottom - top);
  g.textAlign = 'center';
  const every = Math.ceil(epochs / 8);
  for (let e = 0; e <= epochs; e += every) g.fillText(String(e), x(e), bottom + 14);
  g.fillText('epoch', (left + right) / 2, h - 2);
  g.setLineDash([4, 4]); g.beginPath(); g.moveTo(left, y(0.95, 1)); g.lineTo(right, y(0.95, 1)); g.stroke();
  g.setLineDash([]);
  const series = [['loss', maxLoss, colour(root, '--cnn-trainer-loss', '#b03a2e'), 'training loss', left - 4, 'right'],
    ['accuracy', 1, colour(root, '--cnn-trainer-accuracy', '#1f6fb4'), 'held-out accuracy', right + 4, 'left']];
  series.forEach(([key, max, stroke, label, at, align], k) => {
    g.strokeStyle = stroke; g.fillStyle = stroke; g.lineWidth = 2; g.beginPath();
    history.forEach((p, i) => (i ? g.lineTo : g.moveTo).call(g, x(p.epoch), y(p[key], max)));
    g.stroke();
    g.textAlign = align;
    g.fillText('0', at, bottom);
    g.fillText(key === 'loss' ? String(maxLoss) : '100%', at, top + 10);
    g.textAlign = 'right'; g.fillText(label, right - 8, (top + bottom) / 2 + 16 * k);
  });
}

// The 8x8 digit the network reads, ink in the text colour, with the keyboard's cursor outlined.
function drawDigit(root, canvas, image, cursor) {
  const size = Math.min(canvas.clientWidth, 200), [g] = fit(canvas, size), cell = size / 8;
  const ink = colour(root, '--cnn-trainer-text'), paper = colour(root, '--cnn-trainer-background', '#fff');
  g.fillStyle = paper; g.fillRect(0, 0, size, size);
  g.fillStyle = ink;
  image.forEach((v, i) => { g.globalAlpha = v; g.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell); });
  g.globalAlpha = 1; g.strokeStyle = ink; g.lineWidth = 1; g.strokeRect(0.5, 0.5, size - 1, size - 1);
  if (cursor !== null) {
    g.strokeStyle = colour(root, '--cnn-trainer-accuracy', '#1f6fb4'); g.lineWidth = 3;
    g.strokeRect((cursor % 8) * cell + 1.5, Math.floor(cursor / 8) * cell + 1.5, cell - 3, cell - 3);
  }
}

// The ten class probabilities as bars, the largest in the accuracy colour.
function drawScores(root, canvas, probabilities) {
  const [g, w] = fit(canvas, 10 * 18 + 4), text = colour(root, '--cnn-trainer-text');
  const best = probabilities.indexOf(Math.max(...probabilities));
  probabilities.forEach((p, c) => {
    g.fillStyle = c === best ? colour(root, '--cnn-trainer-accuracy', '#1f6fb4') : text;
    g.fillRect(20, 4 + 18 * c, Math.max(1, (w - 70) * p), 13);
    g.fillStyle = text; g.textAlign = 'left';
    g.fillText(String(c), 4, 15 + 18 * c);
    g.fillText(`${(100 * p).toFixed(0)}%`, 24 + (w - 70) * p, 15 + 18 * c);
  });
}

// Every layer's output for the digit: a labelled block of C maps of H x W each (a strip of cells
// when H = W = 1), each layer in grey on its own scale.
function drawMaps(root, canvas, probe, names) {
  const width = canvas.clientWidth, text = colour(root, '--cnn-trainer-text');
  const layout = probe.shapes.map(([C, H, W]) => {
    const cell = H === 1 ? Math.max(3, Math.min(12, Math.floor(width / (2 * C)))) : Math.max(2, Math.min(6, Math.floor(48 / H)));
    const perRow = Math.max(1, Math.floor(width / ((W + 1) * cell)));
    return {C, H, W, cell, perRow, height: 18 + Math.ceil(C / perRow) * (H + 1) * cell + 4};
  });
  const [g] = fit(canvas, layout.reduce((a, l) => a + l.height, 0));
  let top = 0;
  layout.forEach((l, k) => {
    g.fillStyle = text; g.textAlign = 'left';
    g.fillText(`${names[k]}: ${l.W}x${l.H}x${l.C}`, 0, top + 13);
    drawGrid(g, probe.maps[k], l.C, l.H, l.W, 0, top + 18, l.cell, l.perRow);
    top += l.height;
  });
}

// The first layer's K filters (F x F, one input channel) in grey on one scale.
function drawFilters(root, canvas, filters) {
  const {values, K, F} = filters, cell = Math.max(3, Math.min(14, Math.floor(canvas.clientWidth / (K * (F + 1)))));
  const perRow = Math.max(1, Math.floor(canvas.clientWidth / ((F + 1) * cell)));
  const [g] = fit(canvas, Math.ceil(K / perRow) * (F + 1) * cell);
  drawGrid(g, values, K, F, F, 0, 0, cell, perRow);
}

// confusion[true][predicted] of the held-out digits: each cell shaded by its share of the row,
// with its count; rows are the true digits, columns the network's answers.
function drawConfusion(root, canvas, confusion) {
  const size = Math.min(canvas.clientWidth, 360), cell = Math.floor((size - 20) / 10), [g] = fit(canvas, 20 + 10 * cell);
  const text = colour(root, '--cnn-trainer-text'), mark = colour(root, '--cnn-trainer-accuracy', '#1f6fb4');
  const paper = colour(root, '--cnn-trainer-background', '#fff');
  g.textAlign = 'center'; g.fillStyle = text;
  for (let c = 0; c < 10; c++) { g.fillText(String(c), 20 + c * cell + cell / 2, 13); g.fillText(String(c), 8, 20 + c * cell + cell / 2 + 4); }
  confusion.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, c) => {
      const share = count / total;
      g.globalAlpha = share; g.fillStyle = mark; g.fillRect(20 + c * cell, 20 + r * cell, cell - 1, cell - 1);
      g.globalAlpha = 1;
      if (count) { g.fillStyle = share > 0.5 ? paper : text; g.fillText(String(count), 20 + c * cell + cell / 2, 20 + r * cell + cell / 2 + 4); }
    });
  });
}
