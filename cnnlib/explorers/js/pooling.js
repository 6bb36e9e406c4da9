// The pooling explorer's static panel: the input and output tables of the chosen setting,
// the window of one output cell highlighted. Python computed the tables and each output
// cell's window (data.windows, from cnnlib.ops.geometry): the script only looks them up.
function draw() {
  const F = val('F'), S = val('S'), setting = F + '|' + S;
  $('.cnn-tables').innerHTML = data.tables[val('mode') + '|' + setting];
  const outputs = root.querySelectorAll('td[data-k]'), slider = position(outputs.length, 'window');
  const k = +slider.value;
  $('#' + slider.id + '-v').textContent = outputs.length ? k : 'none';
  if (!outputs.length) return;
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
