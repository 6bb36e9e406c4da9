// The architecture explorer's static panel: the layer table of the chosen network and input
// size. Python computed every row, total and "where" line (data.tables, from cnnlib.summary);
// the script only fills the size list and writes the table, as table_html does in a kernel.
const BAR = 'display:block;height:4px;background:#1f77b4;';
const SCROLL = 'overflow-x:auto;max-width:100%;';
const TABLE = 'font-size:0.8rem;white-space:nowrap;border-collapse:separate;border-spacing:0.6rem 0.1rem;';
const escape = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const number = v => v.toLocaleString('en-US');

function tableHtml(t) {
  const largest = [3, 4, 5].map(i => Math.max(...t.rows.map(r => r[i])));
  const bar = (v, m) => '<span class="cnn-bar" style="' + BAR + 'width:' + (m ? 100 * v / m : 0).toFixed(1) + '%"></span>';
  const head = ['layer', 'name', 'output', 'memory (values)', 'params', 'FLOPs'].map(c => '<th>' + c + '</th>').join('');
  const body = t.rows.map(([name, layer, out, a, p, f]) =>
    '<tr><td>' + escape(layer) + '</td><td>' + escape(name) + '</td><td>' + out + '</td>' +
    [a, p, f].map((v, i) => '<td>' + number(v) + bar(v, largest[i]) + '</td>').join('') + '</tr>').join('');
  const [values, memory, params, flops] = t.totals;
  const totals = 'TOTAL: ' + number(values) + ' values (' + (memory / 1e6).toFixed(1) + ' MB in float32, forward only), ' +
    number(params) + ' parameters, ' + (flops / 1e9).toFixed(2) + ' GFLOPs per image';
  const where = t.where.map(line => '<li>' + escape(line) + '</li>').join('');
  return '<p class="cnn-totals">' + totals + '</p><ul class="cnn-where">' + where + '</ul>' +
    '<div class="cnn-scroll" role="region" aria-label="layer table" tabindex="0" style="' + SCROLL + '">' +
    '<table class="cnn-layers" style="' + TABLE + '"><thead><tr>' + head + '</tr></thead><tbody>' + body +
    '</tbody></table></div>';
}

function draw(event) {
  const network = val('network'), sizes = data.sizes[network], menu = $('[name=size]');
  if (event && event.target === $('[name=network]')) {
    menu.innerHTML = sizes.map(s => '<option value="' + s + '">' + s + 'x' + s + '</option>').join('');
  }
  $('.cnn-table').innerHTML = tableHtml(data.tables[network][val('size')]);
}

root.addEventListener('change', draw);
draw();
