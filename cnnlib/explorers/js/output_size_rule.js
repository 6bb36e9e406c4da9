// The output-size explorer's arithmetic, the twin of output_size_text in output_size.py.
// tests/cnnlib/explorers/test_output_size.py runs this file with node over the explorer's
// whole grid and checks every number and sentence against cnnlib.shapes and output_size_text.

// The rule (N - F + 2P)/S + 1 for one setting. c is the setting's code from data.table,
// computed by cnnlib.shapes: the output size when the stride fits, minus the number of
// positions that fit when it does not, 0 when the filter is larger than the padded input.
function rule(N, F, S, P, D, c) {
  const extent = D * (F - 1) + 1, padded = N + 2 * P, count = Math.abs(c);
  let text = '(N - F + 2P)/S + 1 = (' + N + ' - ' + extent + ' + 2*' + P + ')/' + S + ' + 1 = ';
  // With dilation the rule uses the dilated filter size F' = D(F - 1) + 1, shown with its numbers.
  if (D > 1) {
    text = "F' = D(F - 1) + 1 = " + D + '(' + F + ' - 1) + 1 = ' + extent + "; (N - F' + 2P)/S + 1 = (" +
      N + ' - ' + extent + ' + 2*' + P + ')/' + S + ' + 1 = ';
  }
  if (c > 0) text += c + ': a ' + c + 'x' + c + ' output';
  else if (c < 0) text += ((padded - extent) / S + 1).toFixed(2) + ', not an integer: stride ' + S + ' does not fit';
  else text = 'does not fit: the filter spans ' + extent + ' positions, more than the padded input ' + padded;
  // reach: the padded rows (and columns) that some window covers; PyTorch drops the rest.
  return {extent, padded, count, reach: count ? (count - 1) * S + extent : 0, text};
}

// [row, column] in the padded input of each filter tap of output (i, j), row-major,
// as cnnlib.ops.geometry's Geometry.window gives them.
function taps(F, S, D, i, j) {
  const cells = [];
  for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) cells.push([i * S + a * D, j * S + b * D]);
  return cells;
}

// Where the stride does not fit: how many positions (per side) PyTorch keeps, "1 position" in the singular.
function fitNote(r) {
  if (!r.count || r.reach >= r.padded) return '';
  return ' (' + r.count + (r.count === 1 ? ' position fits' : ' positions fit') + '; PyTorch drops the rest)';
}
