// The page's Web Worker: it trains (convnet_training.js) in slices of about 20 ms and reports
// what the page draws, so that the page stays free to draw and to answer the reader.
// In:  {type: 'build', data, spec, saved?}, {type: 'run', on}, {type: 'lr', lr}, {type: 'probe', image},
//      {type: 'save'}
// Out: {type: 'report', ...} every 250 ms while training, and after each command (stopped:
//      true when it paused itself after data.max_epochs more epochs; kernels: 'webassembly', or
//      'javascript' where this browser cannot run WebAssembly SIMD),
//      {type: 'saved', saved}, {type: 'error', message}
let t = null, data = null, running = false, lr = 0.03, image = null, limit = 0, lastReport = 0;
const SLICE_MS = 20, REPORT_MS = 250, wake = new MessageChannel();

function report(news = '', stopped = false) {
  const first = t.net.layers[0], probe = image ? t.probe(image) : null;
  postMessage({type: 'report', stopped, news, kernels: t.net.kernels, seen: t.seen, trainImages: t.train.n,
    history: t.history, confusion: t.confusion, probe,
    filters: first.kind === 'conv' ? {values: Array.from(first.params[0].value), K: first.shape[0], F: t.net.spec.layers[0].F} : null});
  lastReport = performance.now();
}

// A throwaway copy of the network trains for about 100 ms, so that the engine has compiled the
// training code before the reader presses Start: compiling then would compete with the page.
function warmUp(spec) {
  const copy = training(data, spec), start = performance.now();
  while (performance.now() - start < 100) copy.step(lr, data.momentum);
}

// One slice of training, then a message to itself: the worker reads the page's messages between slices.
function slice() {
  if (!running) return;
  const start = performance.now();
  while (performance.now() - start < SLICE_MS) t.step(lr, data.momentum);
  if (t.seen >= limit * t.train.n) {
    running = false;
    limit += data.max_epochs;
    report(`Paused after ${Math.round(t.seen / t.train.n)} epochs; Resume trains on.`, true);
    return;
  }
  // A few reports a second: each costs the page a redraw, and the page must stay quick.
  if (performance.now() - lastReport > REPORT_MS) report();
  wake.port2.postMessage(null);
}
wake.port1.onmessage = slice;

onmessage = ({data: m}) => {
  try {
    if (m.type === 'build') {
      data = m.data; running = false; limit = data.max_epochs;
      t = training(data, m.spec, m.saved ? loadNetwork(m.saved) : undefined);
      report();
      warmUp(m.spec);
    } else if (m.type === 'run') {
      if (m.on !== running) { running = m.on; if (running) wake.port2.postMessage(null); else report(); }
    } else if (m.type === 'lr') lr = m.lr;
    else if (m.type === 'probe') { image = m.image; report(); }
    else if (m.type === 'save') postMessage({type: 'saved', saved: {...savedNetwork(t.net), seen: t.seen, lr}});
  } catch (error) {
    postMessage({type: 'error', message: error.message});
  }
};
