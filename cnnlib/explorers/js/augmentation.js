// The augmentation explorer's static panel: Python stored one JPEG per augmentation, strength
// and random draw in data, keyed by the controls; the script shows the one asked for.
function draw() {
  const d = data[val('kind') + '|' + val('strength') + '|' + val('draw')], image = $('img.cnn-augmented');
  image.src = d.src;
  image.alt = d.alt;
  $('.cnn-formula').textContent = d.text;
}

root.addEventListener('input', draw);
root.addEventListener('change', draw);
draw();
