// The output-size explorer's static panel: the padded grid with one window, the output, the rule.
// The arithmetic is rule() and taps() from output_size_rule.js.
function code(N, F, S, P, D) {
  const v = [N, F, S, P, D];
  let i = 0;
  for (let a = 0; a < 5; a++) i = i * data.axes[a].length + data.axes[a].indexOf(v[a]);
  return data.table[i];
}

function rect(x, y, w, h, attributes) {
  return '<rect x="' + x + '" y="' + y + '" width="' + w + '" height="' + h + '" ' + attributes + '/>';
}

function draw() {
  const N = val('N'), F = val('F'), S = val('S'), P = val('P'), D = val('D');
  const r = rule(N, F, S, P, D, code(N, F, S, P, D)), M = r.padded, count = r.count;
  const step = position(count * count, 'step');
  const k = +step.value, i = Math.floor(k / Math.max(count, 1)), j = k % Math.max(count, 1);
  $('#' + step.id + '-v').textContent = count ? '(' + i + ', ' + j + ')' : 'none';
  const text = r.text + fitNote(r);
  // Cells small enough that the grid and the output fit the column at 1280 px; the SVG scales down on a phone.
  const cell = Math.max(4, Math.min(26, Math.floor(560 / (M + count + 2)))), W = M * cell, gap = 2 * cell;
  let s = '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="' + (W + gap + Math.max(count, 1) * cell + 2) +
    '" height="' + (W + 2) + '" viewBox="0 0 ' + (W + gap + Math.max(count, 1) * cell + 2) + ' ' + (W + 2) + '">';
  s += '<title>' + M + ' by ' + M + ' padded input grid with the filter window at output position (' + i + ', ' + j +
    '), and the ' + count + ' by ' + count + ' output</title>';
  for (let row = 0; row < M; row++) {
    for (let col = 0; col < M; col++) {
      const pad = row < P || col < P || row >= N + P || col >= N + P;
      const missed = count && (row >= r.reach || col >= r.reach);
      const fill = missed ? (pad ? '#f2b8b5' : '#fbe3e1') : (pad ? '#d9d9d9' : '#ffffff');
      s += rect(1 + col * cell, 1 + row * cell, cell, cell, 'fill="' + fill + '" stroke="#555"');
    }
  }
  if (count) {
    const cells = taps(F, S, D, i, j);
    for (const [row, col] of cells) {
      s += rect(1 + col * cell, 1 + row * cell, cell, cell, 'fill="#1f77b4" fill-opacity="0.55"');
    }
    const [top, left] = cells[0];
    s += rect(1 + left * cell, 1 + top * cell, r.extent * cell, r.extent * cell,
              'fill="none" stroke="#0b3d91" stroke-width="3"');
  }
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      const fill = row === i && col === j ? '#1f77b4' : '#ffffff';
      s += rect(W + gap + col * cell, 1 + row * cell, cell, cell, 'fill="' + fill + '" stroke="#555"');
    }
  }
  $('.cnn-figure').innerHTML = s + '</svg>';
  $('.cnn-formula').textContent = text;
}

root.addEventListener('input', draw);
let timer = null;
$('button').addEventListener('click', e => {
  const slider = $('[name=step]');
  if (timer) {
    clearInterval(timer);
    timer = null;
    e.target.textContent = 'Slide';
    return;
  }
  e.target.textContent = 'Stop';
  timer = setInterval(() => { slider.value = (+slider.value + 1) % (+slider.max + 1); draw(); }, 600);
});
draw();
