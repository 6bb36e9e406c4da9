"""The output-size explorer: N, F, S, P and dilation, the window over the padded grid, the rule evaluated.

Every number comes from :mod:`cnnlib.shapes`; the static panel carries the
whole table of settings so that it answers with no kernel.
"""

from __future__ import annotations

import itertools
from typing import Any

from cnnlib.explorers.panel import Explorer, new_uid, panel, position_slider, range_slider, slider
from cnnlib.shapes import conv_output_size, effective_kernel_size

# The explorer's ranges: wide enough for every example of the lecture, small
# enough that the precomputed table keeps a page light.
SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS = range(3, 13), range(1, 8), range(1, 5), range(0, 4), range(1, 4)
# The table's axes, N slowest; the panel's script indexes the table in this order.
_AXES = (SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS)


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
    return [output_size_code(*c) for c in itertools.product(*_AXES)]


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

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_windows(ax, 7, 3, 3)
    '(N - F + 2P)/S + 1 = (7 - 3 + 2*0)/3 + 1 = 2.33, not an integer: stride 3 does not fit'
    >>> plt.close(fig)
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


# The static twin of draw_windows and output_size_text, driven by the table.
_OUTPUT_SIZE_JS = r"""
const ax=data.axes;
function code(N,F,S,P,D){let i=0;const v=[N,F,S,P,D];
 for(let a=0;a<5;a++){i=i*ax[a].length+ax[a].indexOf(v[a]);}return data.table[i];}
function draw(){
 const N=val('N'),F=val('F'),S=val('S'),P=val('P'),D=val('D');
 const c=code(N,F,S,P,D),ext=D*(F-1)+1,M=N+2*P,count=Math.abs(c);
 const step=position(count*count,'step');
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

    Args:
        n, f, s, p, dilation: the setting shown first; each must lie in its range (``SIZES``...).

    >>> "does not fit" in output_size_explorer(7, 3, 3).html
    True
    """
    uid = new_uid("output-size")
    controls = "".join(
        slider(uid, name, label, values, value)
        for name, label, values, value in (
            ("N", "input size N", SIZES, n), ("F", "filter size F", KERNELS, f), ("S", "stride S", STRIDES, s),
            ("P", "padding P", PADDINGS, p), ("D", "dilation", DILATIONS, dilation),
        )
    )
    controls += position_slider(uid, "step", "window position") + '<button type="button">Slide</button>'
    outputs = '<div class="cnn-figure"></div><p class="cnn-formula"></p>'
    data = {"axes": [list(r) for r in _AXES], "table": output_size_table()}
    return Explorer(
        panel(uid, "output-size", controls, outputs, data, _OUTPUT_SIZE_JS),
        lambda: _output_size_widget(n, f, s, p, dilation),
    )


def _output_size_widget(n: int, f: int, s: int, p: int, dilation: int) -> Any:
    import ipywidgets as widgets

    sliders = {
        "n": range_slider(n, SIZES, "N"),
        "f": range_slider(f, KERNELS, "F"),
        "s": range_slider(s, STRIDES, "S"),
        "p": range_slider(p, PADDINGS, "P"),
        "dilation": range_slider(dilation, DILATIONS, "dilation"),
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
