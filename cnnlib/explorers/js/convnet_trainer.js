// The page's panel: the architecture editor (convnet_editor.js), a Web Worker that trains the
// network (convnet_worker.js, its source in WORKER), and the views (convnet_views.js) redrawn
// after each of the worker's reports, one view an animation frame.
function trainer() {
  const worker = new Worker(URL.createObjectURL(new Blob([WORKER], {type: 'text/javascript'})));
  const run = $('[name=run]'), test = decodeDigits(data.test), HASH = '#net=';
  const noCounts = Array.from({length: data.classes}, () => new Array(data.classes).fill(0));
  let spec = null, names = [], last = null, running = false, elapsed = 0, since = 0, reached = {}, pending = 0;
  let image = Array.from(test.x.subarray(0, 64)), cursor = null, saved = null, paintValue = 1;
  const seconds = () => (elapsed + (running ? performance.now() - since : 0)) / 1000;
  const news = text => { $('.cnn-trainer-news').textContent = text; };

  function status() {
    const h = last ? last.history : [], point = h[h.length - 1], seen = last ? last.seen : 0;
    const measured = point ? `training loss ${point.loss.toFixed(3)}, held-out accuracy ${(100 * point.accuracy).toFixed(1)}%` :
      `first measurement at ${data.evaluate_every} images`;
    $('.cnn-trainer-status').textContent = !spec ? 'Fix the layer that does not fit to train.' : !seen ? 'Press Start to train.' :
      `epoch ${(seen / data.train.y.length).toFixed(2)}, ${seen.toLocaleString('en')} images seen, ${measured}, ` +
      `${seconds().toFixed(1)} s of training`;
    Object.assign(root.dataset, {images: seen, seconds: seconds().toFixed(2), state: running ? 'running' : 'paused',
      accuracy: point ? point.accuracy : '', loss: point ? point.loss : '', reached: reached[0.95] || ''});
  }

  // Shows or hides a figure, touching the page only when that changes.
  const show = (selector, on) => { if ($(selector).hidden === Boolean(on)) $(selector).hidden = !on; };
  // The views, each drawn in a frame of its own after a report, so that no frame carries them all.
  const views = [
    () => drawDigit(root, $('.cnn-net-digit'), image, cursor),
    () => last && drawChart(root, $('.cnn-trainer-chart'), last.history, last.seen, last.trainImages),
    () => {
      if (!last || !last.probe) return;
      drawScores(root, $('.cnn-net-scores'), last.probe.probabilities);
      const p = last.probe.probabilities, best = p.indexOf(Math.max(...p)), answer = `The network reads it as ${best}.`;
      if ($('.cnn-net-answer').textContent !== answer) $('.cnn-net-answer').textContent = answer;
    },
    () => last && last.probe && drawMaps(root, $('.cnn-net-maps'), last.probe, names),
    () => {
      show('.cnn-net-filters-figure', last && last.filters);
      if (last && last.filters) drawFilters(root, $('.cnn-trainer-filters'), last.filters);
    },
    // Empty until the first held-out measurement, but drawn: a figure that appeared mid-training would
    // move the page under the reader and cost a long frame.
    () => drawConfusion(root, $('.cnn-net-confusion'), (last && last.confusion) || noCounts),
  ];
  const stale = new Set();
  function draw() {
    pending = 0;
    const next = views.find((_, k) => stale.has(k));
    if (next) { stale.delete(views.indexOf(next)); next(); }
    if (stale.size) pending = requestAnimationFrame(draw);
  }
  const redraw = () => { views.forEach((_, k) => stale.add(k)); if (!pending) pending = requestAnimationFrame(draw); };

  worker.onmessage = ({data: m}) => {
    if (m.type === 'error') { news(`That did not work: ${m.message}`); return; }
    if (m.type === 'saved') {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(m.saved)], {type: 'application/json'}));
      link.download = 'convnet.json';
      link.click();
      return;
    }
    last = m;
    show('.cnn-trainer-fallback', m.kernels === 'javascript');
    if (m.stopped) toggle(false);
    status();
    if (m.news) news(m.news);
    for (const target of [0.9, 0.95]) {
      if (!reached[target] && m.history.some(point => point.accuracy >= target)) {
        reached[target] = seconds().toFixed(1);
        news(`Held-out accuracy reached ${100 * target}% after ${reached[target]} s of training.`);
      }
    }
    redraw();
  };

  function toggle(on) {
    if (on === running || (on && !spec)) return;
    running = on;
    if (on) since = performance.now(); else elapsed += performance.now() - since;
    run.textContent = on ? 'Pause' : (last && last.seen ? 'Resume' : 'Start');
    worker.postMessage({type: 'run', on});
    status();
  }

  // A fresh network for the current layers (or the loaded one), at epoch 0.
  function build() {
    toggle(false);
    elapsed = 0; reached = {}; last = null;
    run.textContent = 'Start';
    worker.postMessage({type: 'build', data, spec, saved});
    worker.postMessage({type: 'lr', lr: val('lr')});
    worker.postMessage({type: 'probe', image});
    saved = null;
    redraw();
  }

  // Each edit: the total, or the refusal that keeps Start off; a valid network is shared in the
  // page's link and built afresh.
  const edit = editor($('.cnn-net-layers'), {input: data.input, classes: data.classes}, (layers, rows) => {
    const error = specError({input: data.input, layers, classes: data.classes});
    spec = error ? null : {input: data.input, layers, classes: data.classes};
    names = rows.map(r => r.name);
    run.disabled = Boolean(error);
    $('.cnn-net-total').textContent = error ? `Start waits: ${error}.` :
      `${rows.reduce((a, r) => a + r.params, 0).toLocaleString('en')} parameters in all.`;
    $('.cnn-net-total').classList.toggle('cnn-error', Boolean(error));
    if (error) { toggle(false); status(); return; }
    const link = HASH + specLink(layers);
    $('.cnn-net-link').href = link;
    if (location.hash !== link && (location.hash.startsWith(HASH) || !location.hash)) history.replaceState(null, '', link);
    const preset = Object.keys(data.presets).find(name => specLink(data.presets[name].layers) === specLink(layers));
    $('[name=preset]').value = preset || 'custom';
    build();
  });

  // The digit: a held-out one picked by number, or the reader's drawing on the 8x8 grid.
  function setImage(next, label) {
    image = next;
    $('.cnn-net-digit-label').textContent = label;
    worker.postMessage({type: 'probe', image});
    redraw();
  }
  const pick = () => {
    const k = +$('[name=digit]').value;
    setImage(Array.from(test.x.subarray(64 * k, 64 * k + 64)), `held-out digit ${k}, a ${test.y[k]}`);
  };
  const paint = (cell, value) => {
    if (image[cell] === value) return;
    const next = image.slice();
    next[cell] = value;
    setImage(next, 'your drawing');
  };
  const canvas = $('.cnn-net-digit'), cellAt = e => {
    const r = canvas.getBoundingClientRect(), size = Math.min(r.width, 200);
    const c = Math.floor((e.clientX - r.left) / size * 8), w = Math.floor((e.clientY - r.top) / size * 8);
    return c >= 0 && c < 8 && w >= 0 && w < 8 ? w * 8 + c : null;
  };
  canvas.addEventListener('pointerdown', e => {
    const cell = cellAt(e);
    if (cell === null) return;
    canvas.setPointerCapture(e.pointerId);
    paintValue = image[cell] > 0.5 ? 0 : 1;
    paint(cell, paintValue);
  });
  canvas.addEventListener('pointermove', e => { const cell = cellAt(e); if (e.buttons && cell !== null) paint(cell, paintValue); });
  canvas.addEventListener('focus', () => { if (cursor === null) cursor = 0; redraw(); });
  canvas.addEventListener('blur', () => { cursor = null; redraw(); });
  canvas.addEventListener('keydown', e => {
    const moves = {ArrowLeft: -1, ArrowRight: 1, ArrowUp: -8, ArrowDown: 8};
    if (e.key in moves) {
      const to = cursor + moves[e.key];
      if (to >= 0 && to < 64 && !(Math.abs(moves[e.key]) === 1 && Math.floor(to / 8) !== Math.floor(cursor / 8))) cursor = to;
      redraw();
    } else if (e.key === ' ' || e.key === 'Enter') paint(cursor, image[cursor] > 0.5 ? 0 : 1);
    else if (e.key === 'Delete' || e.key === 'Backspace') paint(cursor, 0);
    else return;
    e.preventDefault();
  });

  run.addEventListener('click', () => toggle(!running));
  $('[name=reset]').addEventListener('click', build);
  $('[name=lr]').addEventListener('input', () => worker.postMessage({type: 'lr', lr: val('lr')}));
  $('[name=preset]').addEventListener('change', e => { if (e.target.value in data.presets) edit.set(data.presets[e.target.value].layers); });
  $('[name=add-layer]').addEventListener('click', () => edit.add($('[name=add]').value));
  $('[name=digit]').addEventListener('input', pick);
  $('[name=clear]').addEventListener('click', () => setImage(new Array(64).fill(0), 'your drawing'));
  $('[name=download]').addEventListener('click', () => worker.postMessage({type: 'save'}));
  $('[name=load]').addEventListener('change', async e => {
    const file = e.target.files[0];
    if (!file) return;
    try {
      const loaded = JSON.parse(await file.text()), error = loaded && loaded.spec ? specError(loaded.spec) : 'no spec';
      if (error) throw new Error(`the file's network does not fit: ${error}`);
      saved = loaded;
      edit.set(loaded.spec.layers);
      news(`Loaded ${file.name}: its trained weights, at epoch 0 of this page's count.`);
    } catch (error) {
      news(`${file.name} is not a network saved from this page: ${error.message}`);
    }
    e.target.value = '';
  });
  window.addEventListener('resize', redraw);
  // Follow the book's light/dark switch: the canvases read their colours from CSS variables.
  new MutationObserver(redraw).observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});

  // The layers from the page's link when it names a network, else the first preset.
  let start = data.presets[Object.keys(data.presets)[0]].layers;
  if (location.hash.startsWith(HASH)) {
    try {
      start = parseLink(decodeURIComponent(location.hash.slice(HASH.length)));
    } catch (error) {
      news(`The link's network could not be read (${error.message}); here is the page's network.`);
    }
  }
  $('.cnn-net-digit-label').textContent = `held-out digit 0, a ${test.y[0]}`;
  edit.set(start);
}
