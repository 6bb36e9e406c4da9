// The conv layer's loops in plain JavaScript: the readable reference for convnet_kernels.wat, and
// what trains where WebAssembly SIMD is missing (Safari before 16.4, older browsers, browsers that
// switch WebAssembly off). referenceKernels() has the WebAssembly module's exports: a memory that
// grows by 64 KiB pages, and im2col, product, addRows and col2im with the same arguments, pointers
// being byte offsets into that memory, so that convnet_im2col.js calls either alike. Sums are taken
// in JavaScript's 64-bit numbers and stored as 32-bit floats.
function referenceKernels() {
  const PAGE = 65536;
  let f32, i32;
  const memory = {
    buffer: null,
    // As WebAssembly.Memory's grow: a larger buffer that keeps the old bytes; returns the old size in pages.
    grow(pages) {
      const old = new Uint8Array(memory.buffer || 0);
      memory.buffer = new ArrayBuffer(old.length + pages * PAGE);
      new Uint8Array(memory.buffer).set(old);
      f32 = new Float32Array(memory.buffer);
      i32 = new Int32Array(memory.buffer);
      return old.length / PAGE;
    },
  };
  memory.grow(1);
  // A byte offset as an index into the 4-byte views (every pointer is a multiple of 4).
  const at = byte => byte >> 2;

  return {
    memory,

    // im2col: cols[i T + t] = x[i size + tap[t]] for N images, or 0 where tap[t] is -1 (the zero padding).
    im2col(cols, x, tap, T, N, size) {
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < T; t++) {
          const from = i32[at(tap) + t];
          f32[at(cols) + i * T + t] = from < 0 ? 0 : f32[at(x) + i * size + from];
        }
      }
    },

    // y (N, K, Q) = w (K, R) . cols (NQ, R) + b: for position p = (image i, q) and filter k,
    // y[(i K + k) Q + q] = b[k] + sum over r of w[k R + r] cols[p R + r].
    product(cols, w, b, y, NQ, K, R, Q) {
      for (let p = 0; p < NQ; p++) {
        const i = Math.floor(p / Q), q = p % Q, row = at(cols) + p * R;
        for (let k = 0; k < K; k++) {
          const filter = at(w) + k * R;
          let sum = 0;
          for (let r = 0; r < R; r++) sum += f32[filter + r] * f32[row + r];
          f32[at(y) + (i * K + k) * Q + q] = f32[at(b) + k] + sum;
        }
      }
    },

    // out[r] += sum over j < m of g[j] src[rows[j] + r], for r < R: the rows of src (rows holds byte
    // offsets) that a sparse gradient picks, each scaled by its gradient.
    addRows(out, src, rows, g, m, R) {
      for (let j = 0; j < m; j++) {
        const row = at(src + i32[at(rows) + j]), scale = f32[at(g) + j];
        for (let r = 0; r < R; r++) f32[at(out) + r] += scale * f32[row + r];
      }
    },

    // col2im: dx[i size + tap[t]] += dcols[i T + t], dx zeroed by the caller; the padding's
    // gradients (tap[t] = -1) go nowhere. (The WebAssembly module adds them to the float at `sink`,
    // so that it takes no branch.)
    col2im(dx, dcols, tap, T, N, size, sink) {
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < T; t++) {
          const to = i32[at(tap) + t];
          if (to >= 0) f32[at(dx) + i * size + to] += f32[at(dcols) + i * T + t];
        }
      }
    },
  };
}
