// What every static explorer panel's script starts with. The panel wraps it, and the
// explorer's own script after it, in a function where `root` is the panel's element.
// data: the JSON the panel ships (every number was computed by cnnlib when the book was built).
const data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
const $ = selector => root.querySelector(selector);
// A control's value: a select's option, a check box's state, or a slider's entry of its data-values list, echoed beside it.
const val = name => {
  const e = $('[name=' + name + ']');
  if (e.tagName === 'SELECT') return e.value;
  if (e.type === 'checkbox') return e.checked;
  const v = e.dataset.values.split(',')[+e.value];
  const shown = $('#' + e.id + '-v');
  if (shown) shown.textContent = v;
  return +v;
};
// Clamp a position slider to the n positions the current setting has.
const position = (n, name) => {
  const e = $('[name=' + name + ']');
  e.max = Math.max(n - 1, 0);
  if (+e.value > +e.max) e.value = e.max;
  return e;
};
