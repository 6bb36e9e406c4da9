// The filter playground's static panel: Python stored every setting's filtered photo and
// kernel as PNGs in data, keyed by the controls; the script shows the one asked for.
function key() {
  const kind = val('kind');
  root.querySelectorAll('fieldset[data-kind]').forEach(f => { f.hidden = !f.dataset.kind.split(' ').includes(kind); });
  if (kind === 'gaussian') return kind + '|' + val('sigma');
  if (kind === 'gabor') return kind + '|' + val('theta') + '|' + val('wavelength');
  return kind;
}

function draw() {
  const d = data[key()], image = $('img.cnn-response'), kernel = $('img.cnn-kernel');
  image.src = d.response;
  image.alt = d.alt;
  kernel.src = d.kernel;
  kernel.alt = d.kernel_alt;
  $('.cnn-formula').textContent = d.text;
}

root.addEventListener('input', draw);
root.addEventListener('change', draw);
draw();
