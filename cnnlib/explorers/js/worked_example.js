// The worked example's static panel: highlight the window, the filter and the output neuron of
// the chosen step and write its sum (neuron() and sentence() from worked_example_step.js).
const slider = $('[name=n]'), count = +slider.max + 1;
let timer = null;

function draw() {
  const r = neuron(data, +slider.value);
  $('#' + slider.id + '-v').textContent = (+slider.value + 1) + ' of ' + count;
  root.querySelectorAll('table[data-x] td').forEach(td => {
    const a = +td.dataset.r - r.top, b = +td.dataset.c - r.left;
    td.classList.toggle('cnn-on', a >= 0 && a < r.F && b >= 0 && b < r.F);
  });
  root.querySelectorAll('.cnn-filter').forEach(f => f.classList.toggle('cnn-active', +f.dataset.k === r.k));
  root.querySelectorAll('table[data-w] td').forEach(td => td.classList.toggle('cnn-on', +td.closest('table').dataset.w === r.k));
  root.querySelectorAll('table[data-o] td').forEach(td => td.classList.toggle('cnn-on',
    +td.closest('table').dataset.o === r.k && +td.dataset.r === r.i && +td.dataset.c === r.j));
  $('.cnn-formula').textContent = sentence(r);
}

function go(n) {
  slider.value = ((n % count) + count) % count;
  draw();
}

function pause() {
  clearInterval(timer);
  timer = null;
  $('[data-play]').textContent = 'play';
}

root.querySelectorAll('[data-step]').forEach(b => b.addEventListener('click', () => { pause(); go(+slider.value + +b.dataset.step); }));
$('[data-play]').addEventListener('click', e => {
  if (timer) return pause();
  e.target.textContent = 'pause';
  timer = setInterval(() => go(+slider.value + 1), 1500);
});
slider.addEventListener('input', () => { pause(); draw(); });
// Arrow keys step from any control of the panel (the slider steps by itself).
root.addEventListener('keydown', e => {
  if (e.target === slider || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
  e.preventDefault();
  pause();
  go(+slider.value + (e.key === 'ArrowRight' ? 1 : -1));
});
draw();
