"""Interactive explorers for the book: output size, filter playground, pooling.

Each explorer is one :class:`Explorer` object that displays two ways at once.
In a live JupyterLab kernel it is an ipywidgets panel that recomputes with
cnnlib on every change. In the static HTML book it is a small self-contained
HTML/JS panel whose numbers were all computed by cnnlib when the book was
built, so it responds to the reader with no kernel and no network.

ipywidgets and Pillow are imported inside the functions that need them, so
``import cnnlib`` stays light.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cnnlib import filters
from cnnlib.pooling import avg_pool2d_fast, max_pool2d_fast
from cnnlib.shapes import conv_output_size, effective_kernel_size

# The explorers' ranges: wide enough for every example of the lecture, small
# enough that the precomputed tables keep a page light.
SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS = range(3, 13), range(1, 8), range(1, 5), range(0, 4), range(1, 4)
GAUSSIAN_SIGMAS = (1.0, 2.0, 3.0, 4.0)
GABOR_THETAS_DEG = tuple(22.5 * i for i in range(8))
GABOR_WAVELENGTHS = (4.0, 8.0)

_counter = itertools.count()


@dataclass
class Explorer:
    """An explorer that shows an ipywidget in a live kernel and HTML/JS in the static book.

    Args:
        html: the self-contained panel (markup, data and script) for the HTML book.
        make_widget: builds the ipywidgets panel; called only when the explorer is displayed.
    """

    html: str
    make_widget: Callable[[], Any] | None = field(default=None, repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        # Both views in one bundle: JupyterLab picks the widget, the book (whose
        # config drops the widget mime type) picks the HTML.
        bundle: dict[str, Any] = {"text/plain": "explorer (open the book or JupyterLab to use it)"}
        if self.make_widget is not None:
            bundle.update(self.make_widget()._repr_mimebundle_())
        bundle["text/html"] = self.html
        return bundle


def output_size_code(n: int, f: int, s: int, p: int, d: int) -> int:
    """Classify one setting with :func:`~cnnlib.shapes.conv_output_size`.

    Returns the output size when the filter fits exactly, minus the number of
    positions that fit (PyTorch's floor) when the stride does not fit, and 0
    when the filter is larger than the padded input.

    >>> output_size_code(7, 3, 2, 0, 1), output_size_code(7, 3, 3, 0, 1), output_size_code(3, 5, 1, 0, 1)
    (3, -2, 0)
    """
    if effective_kernel_size(f, d) > n + 2 * p:
        return 0
    try:
        return conv_output_size(n, f, s, p, d)
    except ValueError:
        return -conv_output_size(n, f, s, p, d, floor=True)


def output_size_table() -> list[int]:
    """:func:`output_size_code` for every (N, F, S, P, dilation) of the explorer's ranges, N slowest.

    >>> table = output_size_table()
    >>> len(table) == len(SIZES) * len(KERNELS) * len(STRIDES) * len(PADDINGS) * len(DILATIONS)
    True
    """
    return [output_size_code(*c) for c in itertools.product(SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS)]


def png_data_uri(image: np.ndarray, scale: int = 1) -> str:
    """Encode an (H, W) or (H, W, 3) float image in [0, 1] as a base64 PNG data URI.

    ``scale`` repeats every pixel, so a small filter stays crisp when shown large.

    >>> png_data_uri(np.zeros((2, 2)))[:22]
    'data:image/png;base64,'
    """
    from PIL import Image

    pixels = np.clip(np.asarray(image, dtype=np.float64), 0, 1)
    pixels = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray((pixels * 255).round().astype(np.uint8)).save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def signed_to_grey(response: np.ndarray) -> np.ndarray:
    """Map a signed filter response to [0, 1]: 0.5 is zero, black and white the largest magnitudes.

    >>> signed_to_grey(np.array([-2.0, 0.0, 1.0])).tolist()
    [0.0, 0.5, 0.75]
    """
    peak = np.abs(response).max()
    return 0.5 + response / (2 * peak) if peak > 0 else np.full_like(response, 0.5)


def filter_kernel(kind: str, sigma: float = 2.0, theta_deg: float = 0.0, wavelength: float = 8.0) -> np.ndarray:
    """The playground's filter: ``"edge-x"``, ``"edge-y"``, ``"gaussian"`` or ``"gabor"``.

    Gaussian and Gabor filters are ``2 * ceil(3 sigma) + 1`` wide, enough to hold
    their envelope; the Gabor envelope's sigma is half the wavelength.

    >>> filter_kernel("gaussian", sigma=1.0).shape
    (7, 7)
    """
    if kind == "edge-x":
        return filters.edge_detector()
    if kind == "edge-y":
        return filters.edge_detector().T.copy()
    if kind == "gaussian":
        return filters.gaussian(2 * int(np.ceil(3 * sigma)) + 1, sigma)
    if kind == "gabor":
        envelope = wavelength / 2
        size = 2 * int(np.ceil(3 * envelope)) + 1
        return filters.gabor(size, envelope, np.deg2rad(theta_deg), wavelength)
    raise ValueError(f"kind must be 'edge-x', 'edge-y', 'gaussian' or 'gabor', got {kind!r}")


def filter_response(image: np.ndarray, kernel: np.ndarray, kind: str) -> np.ndarray:
    """What the playground shows: a blurred colour photo, or the signed response on its grey version.

    Args:
        image: an (H, W, 3) photo in [0, 1].
        kernel: an (F, F) filter from :func:`filter_kernel`.
        kind: the filter's kind; "gaussian" blurs each RGB channel separately.

    >>> filter_response(np.ones((8, 8, 3)), filter_kernel("edge-x"), "edge-x").shape
    (8, 8)
    """
    if kind == "gaussian":
        return np.clip(filters.apply_per_channel(image, kernel), 0, 1)
    return signed_to_grey(filters.apply_per_channel(image.mean(axis=2), kernel))


def _uid(prefix: str) -> str:
    # Counted rather than random, so that a rebuilt page is byte-identical.
    return f"{prefix}-{next(_counter)}"


def _slider(uid: str, name: str, label: str, values: Sequence[float], value: float) -> str:
    return (
        f'<label for="{uid}-{name}">{html.escape(label)} <output id="{uid}-{name}-v">{value:g}</output></label>'
        f'<input type="range" id="{uid}-{name}" name="{name}" min="0" max="{len(values) - 1}" step="1" '
        f'value="{list(values).index(value)}" data-values="{",".join(f"{v:g}" for v in values)}">'
    )


def _panel(uid: str, kind: str, controls: str, outputs: str, data: object, script: str) -> str:
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="cnn-explorer" id="{uid}" data-explorer="{kind}">'
        f'<div class="cnn-controls">{controls}</div>'
        f'<div class="cnn-output" data-explorer-output aria-live="polite">{outputs}</div>'
        f'<script type="application/json">{payload}</script>'
        f"<script>(function(){{const root=document.getElementById({json.dumps(uid)});{_JS_COMMON}{script}}})();</script>"
        "</div>"
    )


# Shared by every panel: read a slider's value from its list, echo it, redraw on any change.
_JS_COMMON = (
    "const data=JSON.parse(root.querySelector('script[type=\"application/json\"]').textContent);"
    "const val=n=>{const e=root.querySelector('[name='+n+']');if(e.tagName==='SELECT')return e.value;"
    "const v=e.dataset.values.split(',')[+e.value];const o=root.querySelector('#'+e.id+'-v');if(o)o.textContent=v;return +v;};"
    "const $=s=>root.querySelector(s);"
)


_OUTPUT_SIZE_JS = r"""
const ax=data.axes;
function code(N,F,S,P,D){let i=0;const v=[N,F,S,P,D];
 for(let a=0;a<5;a++){i=i*ax[a].length+ax[a].indexOf(v[a]);}return data.table[i];}
function draw(){
 const N=val('N'),F=val('F'),S=val('S'),P=val('P'),D=val('D');
 const c=code(N,F,S,P,D),ext=D*(F-1)+1,M=N+2*P,count=Math.abs(c);
 const step=$('[name=step]');step.max=Math.max(count*count-1,0);if(+step.value>+step.max)step.value=step.max;
 const k=+step.value,i=Math.floor(k/Math.max(count,1)),j=k%Math.max(count,1);
 $('#'+step.id+'-v').textContent=count?('('+i+', '+j+')'):'none';
 const q=(N-ext+2*P)/S+1;
 let text='(N - F + 2P)/S + 1 = ('+N+' - '+ext+' + 2\u00b7'+P+')/'+S+' + 1 = ';
 if(c>0)text+=c+': a '+c+'\u00d7'+c+' output';
 else if(c<0)text+=q.toFixed(2)+', not an integer: stride '+S+' does not fit ('+count+' positions fit; PyTorch drops the rest)';
 else text='does not fit: the filter spans '+ext+' positions, more than the padded input '+M;
 if(D>1)text+=' (a '+F+'\u00d7'+F+' filter with dilation '+D+' spans '+ext+')';
 const cell=Math.min(26,Math.floor(300/M)),W=M*cell,gap=30;
 let s='<svg xmlns="http://www.w3.org/2000/svg" role="img" width="'+(W+gap+Math.max(count,1)*cell+2)+'" height="'+(W+2)+'">';
 s+='<title>'+M+' by '+M+' padded input grid with the filter window at output position ('+i+', '+j+
  '), and the '+count+' by '+count+' output</title>';
 for(let r=0;r<M;r++)for(let q2=0;q2<M;q2++){const pad=r<P||q2<P||r>=N+P||q2>=N+P;
  let fill=pad?'#d9d9d9':'#ffffff';if(c<0&&(r>=(count-1)*S+ext||q2>=(count-1)*S+ext))fill=pad?'#f2b8b5':'#fbe3e1';
  s+='<rect x="'+(1+q2*cell)+'" y="'+(1+r*cell)+'" width="'+cell+'" height="'+cell+'" fill="'+fill+'" stroke="#555"/>';}
 if(count){for(let a=0;a<F;a++)for(let b=0;b<F;b++)
  s+='<rect x="'+(1+(j*S+b*D)*cell)+'" y="'+(1+(i*S+a*D)*cell)+'" width="'+cell+'" height="'+cell+
  '" fill="#1f77b4" fill-opacity="0.55"/>';
  s+='<rect x="'+(1+j*S*cell)+'" y="'+(1+i*S*cell)+'" width="'+ext*cell+'" height="'+ext*cell+
  '" fill="none" stroke="#0b3d91" stroke-width="3"/>';}
 for(let r=0;r<count;r++)for(let q2=0;q2<count;q2++)
  s+='<rect x="'+(W+gap+q2*cell)+'" y="'+(1+r*cell)+'" width="'+cell+'" height="'+cell+
  '" fill="'+(r===i&&q2===j?'#1f77b4':'#ffffff')+'" stroke="#555"/>';
 $('.cnn-figure').innerHTML=s+'</svg>';$('.cnn-formula').textContent=text;}
root.addEventListener('input',draw);
let timer=null;$('button').addEventListener('click',e=>{const st=$('[name=step]');
 if(timer){clearInterval(timer);timer=null;e.target.textContent='Slide';return;}
 e.target.textContent='Stop';timer=setInterval(()=>{st.value=(+st.value+1)%(+st.max+1);draw();},600);});
draw();
"""


def output_size_explorer(n: int = 7, f: int = 3, s: int = 1, p: int = 0, dilation: int = 1) -> Explorer:
    """Sliders for N, F, S, P and dilation; the window drawn over the padded grid and the rule evaluated.

    >>> "does not fit" in output_size_explorer(7, 3, 3).html
    True
    """
    uid = _uid("output-size")
    controls = "".join(
        _slider(uid, name, label, values, value)
        for name, label, values, value in (
            ("N", "input size N", SIZES, n), ("F", "filter size F", KERNELS, f), ("S", "stride S", STRIDES, s),
            ("P", "padding P", PADDINGS, p), ("D", "dilation", DILATIONS, dilation),
        )
    )
    controls += (
        f'<label for="{uid}-step">window position <output id="{uid}-step-v"></output></label>'
        f'<input type="range" id="{uid}-step" name="step" min="0" max="0" value="0">'
        '<button type="button">Slide</button>'
    )
    outputs = '<div class="cnn-figure"></div><p class="cnn-formula"></p>'
    axes = [list(r) for r in (SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS)]
    return Explorer(
        _panel(uid, "output-size", controls, outputs, {"axes": axes, "table": output_size_table()}, _OUTPUT_SIZE_JS),
        lambda: _output_size_widget(n, f, s, p, dilation),
    )


def _output_size_widget(n: int, f: int, s: int, p: int, dilation: int) -> Any:
    import ipywidgets as widgets

    sliders = {
        "n": widgets.IntSlider(n, SIZES.start, SIZES.stop - 1, description="N"),
        "f": widgets.IntSlider(f, KERNELS.start, KERNELS.stop - 1, description="F"),
        "s": widgets.IntSlider(s, STRIDES.start, STRIDES.stop - 1, description="S"),
        "p": widgets.IntSlider(p, PADDINGS.start, PADDINGS.stop - 1, description="P"),
        "dilation": widgets.IntSlider(dilation, DILATIONS.start, DILATIONS.stop - 1, description="dilation"),
        "step": widgets.IntSlider(0, 0, 63, description="position"),
    }

    def show(**kwargs: int) -> None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4, 4))
        print(draw_windows(ax, **kwargs))
        plt.show()
        plt.close(fig)

    out = widgets.interactive_output(show, sliders)
    return widgets.HBox([widgets.VBox(list(sliders.values())), out])


def output_size_text(n: int, f: int, s: int = 1, p: int = 0, dilation: int = 1) -> str:
    """The rule evaluated for one setting, or why the filter does not fit, in words.

    >>> output_size_text(7, 3, 2)
    '(N - F + 2P)/S + 1 = (7 - 3 + 2*0)/2 + 1 = 3: a 3x3 output'
    """
    extent = effective_kernel_size(f, dilation)
    code = output_size_code(n, f, s, p, dilation)
    if code == 0:
        return f"does not fit: the filter spans {extent} positions, more than the padded input {n + 2 * p}"
    text = f"(N - F + 2P)/S + 1 = ({n} - {extent} + 2*{p})/{s} + 1 = "
    if code > 0:
        return text + f"{code}: a {code}x{code} output"
    return text + f"{(n - extent + 2 * p) / s + 1:.2f}, not an integer: stride {s} does not fit"


def draw_windows(ax: Any, n: int, f: int, s: int = 1, p: int = 0, dilation: int = 1, step: int = 0) -> str:
    """Draw the padded N x N grid with the filter window at output position ``step`` (row-major).

    Padding is grey, the window's taps blue; where the stride does not fit, the
    rows and columns no window reaches are red. Returns :func:`output_size_text`.

    Args:
        ax: a matplotlib Axes to draw on.
        n, f, s, p, dilation: input size N, filter size F, stride S, padding P, dilation.
        step: which output position to draw the window at (wraps around).
    """
    from matplotlib.patches import Rectangle

    code, extent, m = output_size_code(n, f, s, p, dilation), effective_kernel_size(f, dilation), n + 2 * p
    count = abs(code)
    reach = (count - 1) * s + extent if count else 0
    for r, c in itertools.product(range(m), repeat=2):
        pad = min(r, c) < p or max(r, c) >= n + p
        missed = code < 0 and max(r, c) >= reach
        colour = "#f2b8b5" if missed else ("#d9d9d9" if pad else "white")
        ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="#555"))
    if count:
        i, j = divmod(step % (count * count), count)
        for a, b in itertools.product(range(f), repeat=2):
            ax.add_patch(Rectangle((j * s + b * dilation, i * s + a * dilation), 1, 1, color="#1f77b4", alpha=0.55))
        ax.add_patch(Rectangle((j * s, i * s), extent, extent, fill=False, edgecolor="#0b3d91", linewidth=3))
    ax.set(xlim=(0, m), ylim=(m, 0), aspect="equal", xticks=[], yticks=[])
    text = output_size_text(n, f, s, p, dilation)
    ax.set_title(f"N={n}, F={f}, S={s}, P={p}" + (f", dilation {dilation}" if dilation > 1 else ""), fontsize=10)
    return text


_FILTER_JS = r"""
function key(){const k=val('kind');
 root.querySelectorAll('fieldset[data-kind]').forEach(f=>{f.hidden=!f.dataset.kind.split(' ').includes(k);});
 if(k==='gaussian')return k+'|'+val('sigma');if(k==='gabor')return k+'|'+val('theta')+'|'+val('wavelength');return k;}
function draw(){const d=data[key()];const im=$('img.cnn-response'),kn=$('img.cnn-kernel');
 im.src=d.response;im.alt=d.alt;kn.src=d.kernel;kn.alt=d.kernel_alt;$('.cnn-formula').textContent=d.text;}
root.addEventListener('input',draw);root.addEventListener('change',draw);draw();
"""

_KIND_LABELS = {"edge-x": "edge detector, left to right", "edge-y": "edge detector, top to bottom",
                "gaussian": "Gaussian blur", "gabor": "Gabor filter"}


def _filter_entry(image: np.ndarray, kind: str, **params: float) -> dict[str, str]:
    kernel = filter_kernel(kind, **params)
    what = _KIND_LABELS[kind] + "".join(f", {k.replace('_deg', '')} {v:g}" for k, v in params.items())
    response = filter_response(image, kernel, kind)
    scale = max(1, 90 // kernel.shape[0])
    how = "each RGB channel blurred" if kind == "gaussian" else "grey response: mid-grey is zero, white positive, black negative"
    return {
        "response": png_data_uri(response),
        "kernel": png_data_uri(signed_to_grey(kernel) if kind != "gaussian" else kernel / kernel.max(), scale),
        "alt": f"The photo filtered by the {what} ({how}).",
        "kernel_alt": f"The {kernel.shape[0]}x{kernel.shape[0]} {what} drawn as an image.",
        "text": f"{kernel.shape[0]}x{kernel.shape[0]} {what}: each output pixel is the sum of W_ij x_ij over its window",
    }


def filter_explorer(image: np.ndarray) -> Explorer:
    """A filter playground on a photo: edge detectors, Gaussian blur per RGB channel, Gabor filters.

    Args:
        image: an (H, W, 3) photo in [0, 1]; keep it small (about 128 pixels a side):
            the book stores every setting's result as a PNG.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (H, W, 3), got {image.shape}")
    data = {k: _filter_entry(image, k) for k in ("edge-x", "edge-y")}
    data |= {f"gaussian|{s:g}": _filter_entry(image, "gaussian", sigma=s) for s in GAUSSIAN_SIGMAS}
    data |= {
        f"gabor|{t:g}|{w:g}": _filter_entry(image, "gabor", theta_deg=t, wavelength=w)
        for t, w in itertools.product(GABOR_THETAS_DEG, GABOR_WAVELENGTHS)
    }
    uid = _uid("filter")
    options = "".join(f'<option value="{k}">{v}</option>' for k, v in _KIND_LABELS.items())
    controls = (
        f'<label for="{uid}-kind">filter</label><select id="{uid}-kind" name="kind">{options}</select>'
        f'<fieldset data-kind="gaussian"><legend>Gaussian</legend>'
        f'{_slider(uid, "sigma", "sigma (pixels)", GAUSSIAN_SIGMAS, 2.0)}</fieldset>'
        f'<fieldset data-kind="gabor"><legend>Gabor</legend>'
        f'{_slider(uid, "theta", "orientation (degrees)", GABOR_THETAS_DEG, 0.0)}'
        f'{_slider(uid, "wavelength", "wavelength (pixels)", GABOR_WAVELENGTHS, 8.0)}</fieldset>'
    )
    first = data["edge-x"]
    outputs = (
        f'<img class="cnn-response" src="{first["response"]}" alt="{html.escape(first["alt"])}">'
        f'<img class="cnn-kernel" src="{first["kernel"]}" alt="{html.escape(first["kernel_alt"])}">'
        '<p class="cnn-formula"></p>'
    )
    return Explorer(_panel(uid, "filter", controls, outputs, data, _FILTER_JS), lambda: _filter_widget(image))


def _filter_widget(image: np.ndarray) -> Any:
    import ipywidgets as widgets

    kind = widgets.Dropdown(options=[(v, k) for k, v in _KIND_LABELS.items()], description="filter")
    sigma = widgets.FloatSlider(2.0, min=0.5, max=5.0, step=0.25, description="sigma")
    theta = widgets.FloatSlider(0.0, min=0.0, max=180.0, step=5.0, description="theta (deg)")
    wavelength = widgets.FloatSlider(8.0, min=3.0, max=16.0, step=0.5, description="wavelength")
    picture, kernel_picture, caption = widgets.Image(format="png"), widgets.Image(format="png"), widgets.Label()

    def update(_: object = None) -> None:
        params = {"gaussian": {"sigma": sigma.value}, "gabor": {"theta_deg": theta.value, "wavelength": wavelength.value}}
        entry = _filter_entry(image, kind.value, **params.get(kind.value, {}))
        picture.value = base64.b64decode(entry["response"].split(",", 1)[1])
        kernel_picture.value = base64.b64decode(entry["kernel"].split(",", 1)[1])
        caption.value = entry["text"]

    for w in (kind, sigma, theta, wavelength):
        w.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([kind, sigma]), widgets.HBox([theta, wavelength]),
                         widgets.HBox([picture, kernel_picture]), caption])


def pool_tables_html(x: np.ndarray, mode: str, f: int, s: int) -> str:
    """Input and output of one pooling as two HTML tables, computed by cnnlib (or cnnlib's refusal).

    Input cells carry ``data-r``/``data-c``, output cells ``data-k`` (row-major)
    so that the page's script can highlight a window.

    >>> x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4.0]])
    >>> "<td data-k=\\"1\\">8</td>" in pool_tables_html(x, "max", 2, 2)
    True
    """
    pool = {"max": max_pool2d_fast, "average": avg_pool2d_fast}[mode]
    cells = "".join(
        "<tr>" + "".join(f'<td data-r="{r}" data-c="{c}">{v:g}</td>' for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(x)
    )
    table = f'<table class="cnn-grid"><caption>input {x.shape[0]}x{x.shape[1]}</caption>{cells}</table>'
    try:
        out = pool(x[None, None].astype(np.float64), f, s)[0, 0]
    except ValueError as error:
        return table + f'<p class="cnn-error">does not fit: {html.escape(str(error))}</p>'
    w2 = out.shape[1]
    cells = "".join(
        "<tr>" + "".join(f'<td data-k="{r * w2 + c}">{v:.3g}</td>' for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(out)
    )
    caption = f"{mode} pooling {f}x{f}, stride {s}: output {out.shape[0]}x{w2}"
    return table + f'<table class="cnn-grid"><caption>{caption}</caption>{cells}</table>'


_POOL_JS = r"""
function draw(){const F=val('F'),S=val('S'),m=val('mode');$('.cnn-tables').innerHTML=data.tables[m+'|'+F+'|'+S];
 const outs=root.querySelectorAll('td[data-k]'),n=outs.length,st=$('[name=window]');st.max=Math.max(n-1,0);
 if(+st.value>+st.max)st.value=st.max;const k=+st.value;$('#'+st.id+'-v').textContent=n?k:'none';if(!n)return;
 const w2=Math.round(Math.sqrt(n)),i=Math.floor(k/w2),j=k%w2;
 root.querySelectorAll('td[data-r]').forEach(td=>{const r=+td.dataset.r,c=+td.dataset.c;
  td.classList.toggle('cnn-on',r>=i*S&&r<i*S+F&&c>=j*S&&c<j*S+F);});
 outs.forEach(td=>td.classList.toggle('cnn-on',+td.dataset.k===k));}
root.addEventListener('input',draw);root.addEventListener('change',draw);draw();
"""

POOL_SIZES = range(1, 5)


def pooling_explorer(x: np.ndarray, f: int = 2, s: int = 2) -> Explorer:
    """Max or average pooling of a small square grid, with the window of one output highlighted.

    Args:
        x: an (H, H) grid of numbers (e.g. the lecture's 4x4 or an 8x8 digit).
        f, s: the window size and stride shown first.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ValueError(f"x must be a square (H, H) grid, got shape {x.shape}")
    tables = {
        f"{m}|{a}|{b}": pool_tables_html(x, m, a, b)
        for m, a, b in itertools.product(("max", "average"), POOL_SIZES, POOL_SIZES)
    }
    uid = _uid("pooling")
    controls = (
        f'<label for="{uid}-mode">pooling</label><select id="{uid}-mode" name="mode">'
        '<option value="max">max</option><option value="average">average</option></select>'
        f'{_slider(uid, "F", "window F", POOL_SIZES, f)}{_slider(uid, "S", "stride S", POOL_SIZES, s)}'
        f'<label for="{uid}-window">output cell <output id="{uid}-window-v">0</output></label>'
        f'<input type="range" id="{uid}-window" name="window" min="0" max="0" value="0">'
    )
    outputs = f'<div class="cnn-tables">{tables[f"max|{f}|{s}"]}</div>'
    return Explorer(_panel(uid, "pooling", controls, outputs, {"tables": tables}, _POOL_JS),
                    lambda: _pooling_widget(x, f, s))


def _pooling_widget(x: np.ndarray, f: int, s: int) -> Any:
    import ipywidgets as widgets

    mode = widgets.Dropdown(options=["max", "average"], description="pooling")
    size = widgets.IntSlider(f, POOL_SIZES.start, POOL_SIZES.stop - 1, description="F")
    stride = widgets.IntSlider(s, POOL_SIZES.start, POOL_SIZES.stop - 1, description="S")
    view = widgets.HTML()

    def update(_: object = None) -> None:
        view.value = pool_tables_html(x, mode.value, size.value, stride.value)

    for w in (mode, size, stride):
        w.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([mode, size, stride]), view])
