// The conv layer of convnet.js as matrix products over contiguous memory: im2col copies the
// input values under the filter at each output position into one row, and each output value is
// then a dot product. The loops are WebAssembly (convnet_kernels.wat, held by convnet_kernels.js),
// whose SIMD takes four 32-bit floats a step, or, where the engine cannot run that, their plain
// JavaScript reference (convnet_kernels_reference.js), which has the same exports; these functions
// copy each pass's operands into the kernels' memory and the results back. Volumes are
// Float32Arrays in PyTorch's (N, C, H, W) layout.

// The WebAssembly module's bytes where this engine runs WebAssembly SIMD, else null (no
// WebAssembly, or one without SIMD: Safari before 16.4); undefined until first asked.
let simdBytes;
function simdModule() {
  if (simdBytes === undefined) {
    const bytes = Uint8Array.from(atob(KERNELS_WASM), c => c.charCodeAt(0));
    simdBytes = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? bytes : null;
  }
  return simdBytes;
}

// Each kind of kernels, made on first use: their exports, and their memory as Float32Array and
// Int32Array views.
const KERNELS = {webassembly: null, javascript: null};

// The kernels of `kind`: 'webassembly', or 'javascript' (the reference); by default the WebAssembly
// ones where this engine runs them.
function kernels(kind = simdModule() ? 'webassembly' : 'javascript') {
  if (kind !== 'webassembly' && kind !== 'javascript') {
    throw new Error(`kernels must be 'webassembly' or 'javascript', got ${JSON.stringify(kind)}`);
  }
  if (kind === 'webassembly' && !simdModule()) throw new Error("kernels: WebAssembly SIMD is not available here; use 'javascript'");
  if (!KERNELS[kind]) {
    const exports = kind === 'javascript' ? referenceKernels() : new WebAssembly.Instance(new WebAssembly.Module(simdModule())).exports;
    KERNELS[kind] = {kind, exports, f32: null, i32: null};
  }
  return KERNELS[kind];
}

// Consecutive places (in floats) for arrays of the given lengths in the memory of kernels h, grown to
// hold them; growing the memory replaces its views.
function layout(h, lengths) {
  const at = {};
  let end = 0;
  for (const [name, length] of Object.entries(lengths)) { at[name] = end; end += length; }
  const memory = h.exports.memory, missing = 4 * end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  if (!h.f32 || h.f32.buffer !== memory.buffer) { h.f32 = new Float32Array(memory.buffer); h.i32 = new Int32Array(memory.buffer); }
  return at;
}

// Forward, with kernels h: cols (N Q, R) = im2col(x), where tap[q R + r] is the input value that filter
// tap r reads at output position q (-1 in the padding), kept for the backward pass; then
// y (N, K, Q) = w (K, R) . cols + b.
function convForward(h, x, tap, cols, w, b, y, N, K, R, Q, size) {
  const T = Q * R, at = layout(h, {x: N * size, tap: T, cols: N * T, w: K * R, b: K, y: N * K * Q});
  h.f32.set(x.subarray(0, N * size), at.x); h.i32.set(tap, at.tap); h.f32.set(w, at.w); h.f32.set(b, at.b);
  h.exports.im2col(4 * at.cols, 4 * at.x, 4 * at.tap, T, N, size);
  h.exports.product(4 * at.cols, 4 * at.w, 4 * at.b, 4 * at.y, N * Q, K, R, Q);
  cols.set(h.f32.subarray(at.cols, at.cols + N * T));
  y.set(h.f32.subarray(at.y, at.y + N * K * Q));
}

// Backward, with kernels h: dw[k] = sum over positions p of dy[k][p] cols[p] and db[k] = sum of dy[k];
// then, when dx is given, dcols[p] = sum over filters k of dy[k][p] w[k] and dx = col2im(dcols). Each sum runs over
// the nonzero gradients only (after a ReLU and max pooling most are 0): their rows' byte offsets
// and weights are gathered for addRows, with four spare places, as it reads whole groups of four.
function convBackward(h, dy, cols, tap, w, dw, db, dx, N, K, R, Q, size) {
  const T = Q * R, NQ = N * Q, at = layout(h, {cols: N * T, dw: K * R, rows: NQ + K + 4, g: NQ + K + 4,
    w: K * R, dcols: N * T, tap: T, dx: N * size, sink: 1});
  h.f32.set(cols.subarray(0, N * T), at.cols); h.f32.fill(0, at.dw, at.dw + K * R);
  for (let k = 0; k < K; k++) {
    let m = 0, sum = 0;
    for (let i = 0; i < N; i++) for (let q = 0, o = (i * K + k) * Q; q < Q; q++) {
      const v = dy[o + q];
      if (v !== 0) { h.i32[at.rows + m] = 4 * (i * Q + q) * R; h.f32[at.g + m++] = v; sum += v; }
    }
    db[k] = sum;
    h.exports.addRows(4 * (at.dw + k * R), 4 * at.cols, 4 * at.rows, 4 * at.g, m, R);
  }
  dw.set(h.f32.subarray(at.dw, at.dw + K * R));
  if (!dx) return;
  h.f32.set(w, at.w); h.f32.fill(0, at.dcols, at.dcols + N * T);
  for (let i = 0; i < N; i++) for (let q = 0; q < Q; q++) {
    let m = 0;
    for (let k = 0; k < K; k++) { const v = dy[(i * K + k) * Q + q]; if (v !== 0) { h.i32[at.rows + m] = 4 * k * R; h.f32[at.g + m++] = v; } }
    h.exports.addRows(4 * (at.dcols + (i * Q + q) * R), 4 * at.w, 4 * at.rows, 4 * at.g, m, R);
  }
  h.i32.set(tap, at.tap); h.f32.fill(0, at.dx, at.dx + N * size);
  h.exports.col2im(4 * at.dx, 4 * at.dcols, 4 * at.tap, T, N, size, 4 * at.sink);
  dx.set(h.f32.subarray(at.dx, at.dx + N * size));
}
