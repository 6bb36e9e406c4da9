// The worked example's arithmetic, no DOM: which window, filter and numbers give output neuron n.
// tests/cnnlib/explorers/test_worked_example.py runs this file with node over every neuron and
// checks it against cnnlib's conv2d and torch.
// data: x (C, M, M) the padded input, w (K, C, F, F), b (K,), out (K, H2, W2) and stride, from cnnlib.

// Neuron n, filters slowest, then rows, then columns (the order of CS231n's demo): its map k,
// row i and column j, the window's top-left (top, left) in the padded input, the dot product of
// filter k with the window on each channel, the bias, their total and the output cnnlib computed.
function neuron(data, n) {
  const C = data.w[0].length, F = data.w[0][0].length, H2 = data.out[0].length, W2 = data.out[0][0].length;
  const k = Math.floor(n / (H2 * W2)), i = Math.floor(n / W2) % H2, j = n % W2;
  const top = i * data.stride, left = j * data.stride, terms = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let a = 0; a < F; a++) for (let d = 0; d < F; d++) s += data.x[c][top + a][left + d] * data.w[k][c][a][d];
    terms.push(s);
  }
  const total = terms.reduce((sum, t) => sum + t, data.b[k]);
  return {k, i, j, top, left, F, terms, bias: data.b[k], total, out: data.out[k][i][j]};
}

// A negative term in brackets, so that "+ (-2)" reads as adding a negative number.
const term = v => (v < 0 ? '(' + v + ')' : '' + v);

// The neuron's sum in words, with every number filled in.
function sentence(r) {
  const F = r.F, channels = r.terms.map((t, c) => 'channel ' + c + ': ' + term(t)).join(' + ');
  return 'Output (map ' + r.k + ', row ' + r.i + ', column ' + r.j + ') = filter W' + r.k + ' times the ' + F + 'x' +
    F + 'x' + r.terms.length + ' window at rows ' + r.top + '-' + (r.top + F - 1) + ', columns ' + r.left + '-' +
    (r.left + F - 1) + ' of the padded input: ' + channels + ', plus bias b' + r.k + ' = ' + term(r.bias) + ', gives ' +
    r.total + '.';
}
