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

// y (N, K, Q) = w (K, R) . cols (N Q, R) + b: two positions and four filters at a time, eight dot
// products from six loads a step. The two positions may be in different images, so that a fully
// connected layer (Q = 1) pairs its images the same way.
function convProduct(cols, w, b, y, N, K, R, Q) {
  for (let p = 0, NQ = N * Q; p < NQ; p += 2) {
    const two = p + 1 < NQ, p0 = p * R, p1 = two ? p0 + R : p0;
    // y's index of filter 0 at each position: (image, 0, q).
    const o0 = p + Math.floor(p / Q) * (K - 1) * Q, o1 = two ? p + 1 + Math.floor((p + 1) / Q) * (K - 1) * Q : o0;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const w0 = k * R, w1 = w0 + R, w2 = w1 + R, w3 = w2 + R;
      let s0 = b[k], s1 = b[k + 1], s2 = b[k + 2], s3 = b[k + 3], t0 = s0, t1 = s1, t2 = s2, t3 = s3;
      for (let r = 0; r < R; r++) {
        const x0 = cols[p0 + r], x1 = cols[p1 + r], a0 = w[w0 + r], a1 = w[w1 + r], a2 = w[w2 + r], a3 = w[w3 + r];
        s0 += a0 * x0; s1 += a1 * x0; s2 += a2 * x0; s3 += a3 * x0;
        t0 += a0 * x1; t1 += a1 * x1; t2 += a2 * x1; t3 += a3 * x1;
      }
      const kq = k * Q;
      y[o0 + kq] = s0; y[o0 + kq + Q] = s1; y[o0 + kq + 2 * Q] = s2; y[o0 + kq + 3 * Q] = s3;
      y[o1 + kq] = t0; y[o1 + kq + Q] = t1; y[o1 + kq + 2 * Q] = t2; y[o1 + kq + 3 * Q] = t3;
    }
    for (; k < K; k++) {
      let s = b[k], t = s;
      for (let r = 0, wk = k * R; r < R; r++) { s += w[wk + r] * cols[p0 + r]; t += w[wk + r] * cols[p1 + r]; }
      y[o0 + k * Q] = s; y[o1 + k * Q] = t;
    }
  }
}

// dw[k] = sum over positions p of dy[k][p] cols[p], and db: filter by filter, over the nonzero
// gradients only (after a ReLU and max pooling most are 0), through addScaledRows. at and g
// are scratch for the nonzero gradients' places and values.
function convWeightGradient(dy, cols, dw, db, at, g, N, K, R, Q) {
  dw.fill(0);
  for (let k = 0; k < K; k++) {
    let m = 0, sum = 0;
    for (let i = 0; i < N; i++) for (let q = 0, o = (i * K + k) * Q; q < Q; q++) {
      if (dy[o + q] !== 0) { at[m] = (i * Q + q) * R; g[m++] = dy[o + q]; sum += dy[o + q]; }
    }
    db[k] = sum;
    addScaledRows(dw, k * R, cols, at, g, m, R);
  }
}

// out[o + r] += sum over j < m of g[j] * src[at[j] + r], for r < R: the rows that a sparse gradient picks,
// eight (then four) at a time, so that each pass over out does eight multiply-adds per load and store.
function addScaledRows(out, o, src, at, g, m, R) {
  let j = 0;
  for (; j + 7 < m; j += 8) {
    const g0 = g[j], g1 = g[j + 1], g2 = g[j + 2], g3 = g[j + 3], p0 = at[j], p1 = at[j + 1], p2 = at[j + 2], p3 = at[j + 3];
    const g4 = g[j + 4], g5 = g[j + 5], g6 = g[j + 6], g7 = g[j + 7], p4 = at[j + 4], p5 = at[j + 5], p6 = at[j + 6], p7 = at[j + 7];
    for (let r = 0; r < R; r++) {
      out[o + r] += g0 * src[p0 + r] + g1 * src[p1 + r] + g2 * src[p2 + r] + g3 * src[p3 + r] +
        g4 * src[p4 + r] + g5 * src[p5 + r] + g6 * src[p6 + r] + g7 * src[p7 + r];
    }
  }
  for (; j + 3 < m; j += 4) {
    const g0 = g[j], g1 = g[j + 1], g2 = g[j + 2], g3 = g[j + 3], p0 = at[j], p1 = at[j + 1], p2 = at[j + 2], p3 = at[j + 3];
    for (let r = 0; r < R; r++) out[o + r] += g0 * src[p0 + r] + g1 * src[p1 + r] + g2 * src[p2 + r] + g3 * src[p3 + r];
  }
  for (; j < m; j++) for (let r = 0, p0 = at[j]; r < R; r++) out[o + r] += g[j] * src[p0 + r];
}

// dcols[p] = sum over filters k of dy[k][p] w[k]: position by position, the same way.
function convColumnGradient(dy, w, dcols, at, g, N, K, R, Q) {
  dcols.fill(0);
  for (let i = 0; i < N; i++) for (let q = 0; q < Q; q++) {
    let m = 0;
    for (let k = 0; k < K; k++) { const v = dy[(i * K + k) * Q + q]; if (v !== 0) { at[m] = k * R; g[m++] = v; } }
    addScaledRows(dcols, (i * Q + q) * R, w, at, g, m, R);
  }
}

