// The architecture editor's arithmetic: each layer's output volume and parameter count by the
// lecture's formulas, the reason a layer does not fit, and an architecture written as a link.
// It touches no page: convnet.js builds networks with it, and the tests run it under node and
// check its numbers against cnnlib.shapes.
//
// A spec is {input: [C, H, W], layers: [...], classes}; each layer one of
//   {kind: 'conv', K, F, S, P}  {kind: 'relu' | 'tanh' | 'sigmoid'}  {kind: 'maxpool' | 'avgpool', F, S}
//   {kind: 'fc', K}  {kind: 'dropout', p}
// and the network always ends with FC to the class scores, then the softmax.

// What each setting may be in the editor; a value outside is refused with this rule.
const LIMITS = {K: [1, 64], F: [1, 7], S: [1, 3], P: [0, 3]};
const FC_UNITS = [1, 256], DROPOUT = [0, 0.9], MAX_LAYERS = 12;
const NAMES = {conv: 'CONV', relu: 'RELU', tanh: 'tanh', sigmoid: 'sigmoid', maxpool: 'max POOL', avgpool: 'average POOL',
  fc: 'FC', dropout: 'dropout'};
// The settings of each kind of layer, in the order of the link's fields.
const SETTINGS = {conv: ['K', 'F', 'S', 'P'], maxpool: ['F', 'S'], avgpool: ['F', 'S'], fc: ['K'], dropout: ['p'],
  relu: [], tanh: [], sigmoid: []};

// A layer's name as the lecture writes it: "CONV 8 3x3, S=1, P=1".
function layerName(l) {
  if (l.kind === 'conv') return `CONV ${l.K} ${l.F}x${l.F}, S=${l.S}, P=${l.P}`;
  if (l.kind === 'maxpool' || l.kind === 'avgpool') return `${NAMES[l.kind]} ${l.F}x${l.F}, S=${l.S}`;
  if (l.kind === 'fc') return `FC ${l.K}`;
  if (l.kind === 'dropout') return `dropout p=${l.p}`;
  return NAMES[l.kind] || String(l.kind);
}

// The rule a setting breaks, or '' when it is within the editor's range.
function outOfRange(name, value, [low, high], whole = true) {
  const ok = typeof value === 'number' && Number.isFinite(value) && (!whole || Number.isInteger(value)) &&
    value >= low && value <= high;
  return ok ? '' : `${name} must be ${whole ? 'a whole number' : 'a number'} from ${low} to ${high}, got ${Number.isNaN(value) ? 'nothing' : value}`;
}

// The output width (W - F + 2P)/S + 1 with its numbers (pooling has no P), or the reason it is not a width.
function outputWidth(W, F, S, P, pooling) {
  const formula = pooling ? `(W - F)/S + 1 = (${W} - ${F})/${S} + 1` : `(W - F + 2P)/S + 1 = (${W} - ${F} + ${2 * P})/${S} + 1`;
  const size = (W - F + 2 * P) / S + 1;
  if (W + 2 * P < F) {
    return {formula, error: `${formula} = ${size}: the ${F}x${F} window is larger than the ${W + 2 * P}x${W + 2 * P} ` +
      'padded input'};
  }
  if (!Number.isInteger(size)) return {formula, error: `${formula} = ${size.toFixed(2)} is not an integer: stride ${S} does not fit`};
  return {formula: `${formula} = ${size}`, size};
}

// One row per layer (the final FC to the classes included): its name, output volume [C, H, W],
// parameter count and the formula, or the error that stops the network there.
function volumes(spec) {
  const rows = [], all = [...spec.layers, {kind: 'fc', K: spec.classes, final: true}];
  let [C, H, W] = spec.input;
  if (spec.layers.length > MAX_LAYERS) return [{name: 'network', error: `at most ${MAX_LAYERS} layers, got ${spec.layers.length}`}];
  for (const l of all) {
    const row = {name: layerName(l), kind: l.kind, params: 0};
    rows.push(row);
    if (!(l.kind in SETTINGS)) { row.error = `unknown layer kind ${l.kind}`; break; }
    if (l.kind === 'conv' || l.kind === 'maxpool' || l.kind === 'avgpool') {
      const P = l.kind === 'conv' ? l.P : 0;
      const error = SETTINGS[l.kind].map(s => outOfRange(s, l[s], LIMITS[s])).find(Boolean);
      if (error) { row.error = error; break; }
      const width = outputWidth(W, l.F, l.S, P, l.kind !== 'conv');
      if (width.error) { row.error = width.error; break; }
      if (l.kind === 'conv') {
        row.params = (l.F * l.F * C + 1) * l.K;
        row.formula = `${width.formula}; (F*F*C + 1)*K = (${l.F}*${l.F}*${C} + 1)*${l.K} = ${row.params} parameters`;
        C = l.K;
      } else row.formula = `${width.formula}; depth stays ${C}, no parameters`;
      H = W = width.size;
    } else if (l.kind === 'fc') {
      const error = l.final ? '' : outOfRange('K', l.K, FC_UNITS);
      if (error) { row.error = error; break; }
      row.params = (C * H * W + 1) * l.K;
      row.formula = `(C*H*W + 1)*K = (${C}*${H}*${W} + 1)*${l.K} = ${row.params} parameters`;
      [C, H, W] = [l.K, 1, 1];
    } else if (l.kind === 'dropout') {
      const error = outOfRange('p', l.p, DROPOUT, false);
      if (error) { row.error = error; break; }
      row.formula = 'volume unchanged, no parameters';
    } else row.formula = 'volume unchanged, no parameters';
    row.shape = [C, H, W];
  }
  return rows;
}

// The first error of an architecture, named by its layer, or '' when every layer fits.
function specError(spec) {
  const rows = volumes(spec), k = rows.findIndex(r => r.error);
  return k < 0 ? '' : `layer ${k + 1} (${rows[k].name}): ${rows[k].error}`;
}

// An architecture as a link's hash and back: "conv:8:3:1:1,relu,maxpool:2:2,fc:32,dropout:0.5".
const specLink = layers => layers.map(l => [l.kind, ...SETTINGS[l.kind].map(s => l[s])].join(':')).join(',');

function parseLink(text) {
  const layers = text ? text.split(',').map(token => {
    const [kind, ...fields] = token.split(':');
    if (!(kind in SETTINGS) || fields.length !== SETTINGS[kind].length || fields.some(f => !/^\d+(\.\d+)?$/.test(f))) {
      throw new Error(`the link's layer "${token}" is not one of ${Object.keys(SETTINGS).join(', ')} with its settings`);
    }
    return Object.fromEntries([['kind', kind], ...SETTINGS[kind].map((s, i) => [s, Number(fields[i])])]);
  }) : [];
  return layers;
}
