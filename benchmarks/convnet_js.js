// One side of benchmarks/convnet_js.py, run under node after the page's network scripts
// (ct.NETWORK_SCRIPTS: convnet_spec.js to convnet.js): an architecture of the editor built in
// ConvNetJS, and one epoch of SGD with momentum on the digits timed for either network, the page's
// with its WebAssembly kernels or their plain JavaScript reference.

// The editor's layers as ConvNetJS's layer definitions; its softmax layer adds the final FC itself.
function convnetjsLayers(spec) {
  const [C, H, W] = spec.input, defs = [{type: 'input', out_sx: W, out_sy: H, out_depth: C}];
  for (const l of spec.layers) {
    if (l.kind === 'conv') defs.push({type: 'conv', sx: l.F, filters: l.K, stride: l.S, pad: l.P});
    else if (l.kind === 'maxpool') defs.push({type: 'pool', sx: l.F, stride: l.S});
    else if (l.kind === 'fc') defs.push({type: 'fc', num_neurons: l.K});
    else if (l.kind === 'dropout') defs.push({type: 'dropout', drop_prob: l.p});
    else if (['relu', 'tanh', 'sigmoid'].includes(l.kind)) defs.push({type: l.kind});
    else throw new Error(`ConvNetJS has no ${l.kind} layer`);
  }
  defs.push({type: 'softmax', num_classes: spec.classes});
  return defs;
}

function convnetjsNet(convnetjs, spec) {
  const net = new convnetjs.Net();
  net.makeLayers(convnetjsLayers(spec));
  return net;
}

// Milliseconds for each of `epochs` epochs (after one to warm up) of batches of `batch` images
// in a fixed order: this page's trainStep with the peer's kernels ('webassembly' or 'javascript'),
// or ConvNetJS's Trainer (peer 'convnetjs': one image at a time, gradients summed over the batch,
// as its SGD with momentum does).
function timeEpochs(peer, spec, x, labels, batch, lr, epochs) {
  const n = labels.length, pixels = spec.input.reduce((a, b) => a * b), times = [];
  let epoch;
  if (peer === 'convnetjs') {
    const convnetjs = require(process.env.CONVNETJS);
    const net = convnetjsNet(convnetjs, spec), [C, H, W] = spec.input;
    const trainer = new convnetjs.Trainer(net, {method: 'sgd', learning_rate: lr, momentum: 0.9, batch_size: batch, l2_decay: 0});
    // ConvNetJS keeps volumes as (H, W, C); the digits have one channel, so the order is the same.
    const volumes = Array.from({length: n}, (_, k) => {
      const v = new convnetjs.Vol(W, H, C, 0);
      v.w.set(x.subarray(k * pixels, (k + 1) * pixels));
      return v;
    });
    epoch = () => { for (let k = 0; k < n; k++) trainer.train(volumes[k], labels[k]); };
  } else {
    const net = network(spec, 0, {kernels: peer});
    epoch = () => {
      for (let k = 0; k < n; k += batch) {
        const m = Math.min(batch, n - k);
        trainStep(net, x.subarray(k * pixels, (k + m) * pixels), labels.subarray(k, k + m), m, lr, 0.9);
      }
    };
  }
  for (let e = 0; e <= epochs; e++) {
    const start = performance.now();
    epoch();
    if (e) times.push(performance.now() - start);
  }
  return times;
}
