// The pooling explorer's static panel: the input and output tables of the chosen setting,
// the window of one output cell highlighted. Python computed the tables and each output
// cell's window (data.windows, from cnnlib.ops.geometry): the script only looks them up.
function draw() {
  const setting = val('F') + '|' + val('S') + '|' + (val('floor') ? 1 : 0);
  $('.cnn-tables').innerHTML = data.tables[val('mode') + '|' + setting];
  const outputs = root.querySelectorAll('td[data-k]'), slider = position(outputs.length, 'window');
  $('#' + slider.id + '-v').textContent = 'none';
  if (!outputs.length) return;
  // The output cell as (row, col): the output table (the second) has this many columns.
  const k = +slider.value, columns = root.querySelectorAll('table.cnn-grid')[1].rows[0].cells.length;
  $('#' + slider.id + '-v').textContent = '(' + Math.floor(k / columns) + ', ' + (k % columns) + ')';
  const [top, bottom, left, right] = data.windows[setting][k];
  root.querySelectorAll('td[data-r]').forEach(td => {
    const r = +td.dataset.r, c = +td.dataset.c;
    td.classList.toggle('cnn-on', r >= top && r < bottom && c >= left && c < right);
  });
  outputs.forEach(td => td.classList.toggle('cnn-on', +td.dataset.k === k));
}

root.addEventListener('input', draw);
root.addEventListener('change', draw);
draw();
