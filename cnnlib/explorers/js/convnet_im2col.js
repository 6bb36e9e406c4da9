// The conv layer of convnet.js as matrix products over contiguous memory: im2col copies the
// input values under the filter at each output position into one row, and each output value is
// then a dot product. These are functions of typed arrays and sizes only, shared by every conv
// layer, so that the JavaScript engine compiles each once for all of them. Sums are taken in
// 64-bit numbers; volumes are stored in Float32Arrays in PyTorch's (N, C, H, W) layout.

// im2col: cols[(i Q + q) R + r] = x[i size + tap[q R + r]], or 0 where tap is -1 (the padding).
function im2col(x, tap, cols, N, size) {
  for (let i = 0, j = 0; i < N; i++) for (let t = 0, base = i * size; t < tap.length; t++, j++) cols[j] = tap[t] < 0 ? 0 : x[base + tap[t]];
}

// col2im: the gradient of each column entry goes back to the input value it was copied from.
function col2im(dcols, tap, dx, N, size) {
  dx.fill(0);
  for (let i = 0, j = 0; i < N; i++) for (let t = 0, base = i * size; t < tap.length; t++, j++) if (tap[t] >= 0) dx[base + tap[t]] += dcols[j];
}

// The SIMD kernels of convnet_kernels.wat (convnet_kernels.js holds them) and their memory, where
// each product's operands are copied, as Float32Array and Int32Array views from float 0.
const simd = {exports: null, f32: null, i32: null};

// The kernels with room for `floats` numbers; growing the memory replaces its views.
function kernels(floats) {
  if (!simd.exports) {
    const bytes = Uint8Array.from(atob(KERNELS_WASM), c => c.charCodeAt(0));
    simd.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  }
  const memory = simd.exports.memory, missing = 4 * floats - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  if (!simd.f32 || simd.f32.buffer !== memory.buffer) { simd.f32 = new Float32Array(memory.buffer); simd.i32 = new Int32Array(memory.buffer); }
  return simd;
}

// y (N, K, Q) = w (K, R) . cols (N Q, R) + b. The positions run over all N images, so that a fully
// connected layer (Q = 1) is the same product.
function convProduct(cols, w, b, y, N, K, R, Q) {
  const NQ = N * Q, at = {w: NQ * R, b: NQ * R + K * R, y: NQ * R + K * R + K}, h = kernels(at.y + N * K * Q);
  h.f32.set(cols.subarray(0, NQ * R)); h.f32.set(w, at.w); h.f32.set(b, at.b);
  h.exports.product(0, 4 * at.w, 4 * at.b, 4 * at.y, NQ, K, R, Q);
  y.set(h.f32.subarray(at.y, at.y + N * K * Q));
}

// dw[k] = sum over positions p of dy[k][p] cols[p], and db: filter by filter, over the nonzero
// gradients only (after a ReLU and max pooling most are 0), whose rows addRows sums.
function convWeightGradient(dy, cols, dw, db, N, K, R, Q) {
  // Four spare places after the rows' offsets and weights: addRows reads whole groups of four.
  const NQ = N * Q, at = {dw: NQ * R, rows: NQ * R + K * R, g: NQ * R + K * R + NQ + 4}, h = kernels(at.g + NQ + 4);
  h.f32.set(cols.subarray(0, NQ * R)); h.f32.fill(0, at.dw, at.dw + K * R);
  for (let k = 0; k < K; k++) {
    let m = 0, sum = 0;
    for (let i = 0; i < N; i++) for (let q = 0, o = (i * K + k) * Q; q < Q; q++) {
      const v = dy[o + q];
      if (v !== 0) { h.i32[at.rows + m] = 4 * (i * Q + q) * R; h.f32[at.g + m++] = v; sum += v; }
    }
    db[k] = sum;
    h.exports.addRows(4 * (at.dw + k * R), 0, 4 * at.rows, 4 * at.g, m, R);
  }
  dw.set(h.f32.subarray(at.dw, at.dw + K * R));
}

// dcols[p] = sum over filters k of dy[k][p] w[k]: position by position, the same way.
function convColumnGradient(dy, w, dcols, N, K, R, Q) {
  const NQ = N * Q, at = {dcols: K * R, rows: K * R + NQ * R, g: K * R + NQ * R + K + 4}, h = kernels(at.g + K + 4);
  h.f32.set(w); h.f32.fill(0, at.dcols, at.dcols + NQ * R);
  for (let i = 0; i < N; i++) for (let q = 0; q < Q; q++) {
    let m = 0;
    for (let k = 0; k < K; k++) { const v = dy[(i * K + k) * Q + q]; if (v !== 0) { h.i32[at.rows + m] = 4 * k * R; h.f32[at.g + m++] = v; } }
    h.exports.addRows(4 * (at.dcols + (i * Q + q) * R), 0, 4 * at.rows, 4 * at.g, m, R);
  }
  dcols.set(h.f32.subarray(at.dcols, at.dcols + NQ * R));
}
