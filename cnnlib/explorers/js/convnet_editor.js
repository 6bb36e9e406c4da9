// The architecture editor: an ordered list of layers that the reader adds, removes, moves and
// sets, each row with its output volume and parameter count by the lecture's formulas, or the
// reason the layer does not fit (volumes() of convnet_spec.js). The list ends with the fixed
// FC layer to the class scores. changed(layers, rows) follows every edit.

// A new layer's settings, and each setting's label.
const FRESH = {conv: {K: 8, F: 3, S: 1, P: 1}, relu: {}, tanh: {}, sigmoid: {}, maxpool: {F: 2, S: 2},
  avgpool: {F: 2, S: 2}, fc: {K: 32}, dropout: {p: 0.5}};
const SETTING_LABELS = {K: 'K', F: 'F', S: 'S', P: 'P', p: 'p'};
const SETTING_NAMES = {K: 'filters K', F: 'filter size F', S: 'stride S', P: 'padding P', p: 'drop probability p'};

function editor(list, spec, changed) {
  let layers = [];
  const kindOptions = selected => Object.keys(SETTINGS).map(kind =>
    `<option value="${kind}"${kind === selected ? ' selected' : ''}>${NAMES[kind]}</option>`).join('');

  function row(l, k) {
    const n = k + 1, settings = SETTINGS[l.kind].map(s => {
      const name = l.kind === 'fc' && s === 'K' ? 'units K' : SETTING_NAMES[s];
      const step = s === 'p' ? ' step="0.1" min="0" max="0.9"' : ' step="1" min="0"';
      return `<label class="cnn-net-setting">${SETTING_LABELS[s]} <input type="number" inputmode="decimal" name="${s}"` +
        `${step} value="${l[s]}" aria-label="layer ${n}: ${name}"></label>`;
    }).join('');
    return `<li data-k="${k}"><span class="cnn-net-row"><select name="kind" aria-label="layer ${n}: kind">` +
      `${kindOptions(l.kind)}</select>${settings}<span class="cnn-net-moves">` +
      `<button type="button" data-act="up" aria-label="move layer ${n} up"${k ? '' : ' disabled'}>&uarr;</button>` +
      `<button type="button" data-act="down" aria-label="move layer ${n} down"${k < layers.length - 1 ? '' : ' disabled'}>&darr;</button>` +
      `<button type="button" data-act="remove" aria-label="remove layer ${n}">&times;</button></span></span>` +
      '<span class="cnn-net-volume"></span></li>';
  }

  // Each row's volume and parameters, or its refusal; rows after a refusal wait for it to be fixed.
  function update() {
    const rows = volumes({...spec, layers}), items = list.querySelectorAll('li');
    items.forEach((li, k) => {
      const r = rows[k], out = li.querySelector('.cnn-net-volume');
      out.classList.toggle('cnn-error', Boolean(r && r.error));
      out.textContent = !r ? 'waits for the layers above to fit' : r.error ? `does not fit: ${r.error}` :
        `${r.shape[2]}x${r.shape[1]}x${r.shape[0]}${r.params ? `, ${r.params.toLocaleString('en')} parameters` : ''}: ${r.formula}`;
    });
    changed(layers.map(l => ({...l})), rows);
  }

  // Redraw every row, then give the keyboard's focus back to the control it was on.
  function render(focus) {
    list.innerHTML = layers.map(row).join('') + `<li class="cnn-net-final"><span class="cnn-net-row">` +
      `FC ${spec.classes} to the class scores, then softmax</span><span class="cnn-net-volume"></span></li>`;
    if (focus) {
      const [k, selector] = focus, li = list.querySelector(`li[data-k="${k}"]`);
      const target = li && (li.querySelector(`${selector}:not([disabled])`) || li.querySelector('select'));
      if (target) target.focus();
    }
    update();
  }

  list.addEventListener('change', e => {
    if (e.target.name !== 'kind') return;
    const k = +e.target.closest('li').dataset.k;
    layers[k] = {kind: e.target.value, ...FRESH[e.target.value]};
    render([k, 'select']);
  });
  list.addEventListener('input', e => {
    if (e.target.name === 'kind') return;
    const k = +e.target.closest('li').dataset.k;
    layers[k][e.target.name] = e.target.value.trim() === '' ? NaN : Number(e.target.value);
    update();
  });
  list.addEventListener('click', e => {
    const button = e.target.closest('button[data-act]');
    if (!button) return;
    const k = +button.closest('li').dataset.k, act = button.dataset.act, to = act === 'up' ? k - 1 : k + 1;
    if (act === 'remove') { layers.splice(k, 1); render([Math.min(k, layers.length - 1), 'button[data-act=remove]']); return; }
    [layers[k], layers[to]] = [layers[to], layers[k]];
    render([to, `button[data-act=${act}]`]);
  });

  return {
    set(next) { layers = next.map(l => ({...l})); render(); },
    add(kind) { layers.push({kind, ...FRESH[kind]}); render([layers.length - 1, 'select']); },
  };
}
