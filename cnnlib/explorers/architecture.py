"""The architecture explorer: pick a network and an input size, see its layer table and where it is heavy.

Every figure is a row of :func:`cnnlib.summary.summary` for a model of
:mod:`cnnlib.models`, built on torch's "meta" device (shapes and counts, no
weights). The static panel ships those rows as JSON and draws the table with
bars for memory, parameters and FLOPs; the ipywidgets panel draws the same
table with :func:`table_html`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from cnnlib.explorers.panel import Explorer, new_uid, panel, redraw_on_change, script, select
from cnnlib.models import AlexNet, AlphaGoPolicy, GoogLeNet, LeNet5, ZFNet, resnet, vgg
from cnnlib.summary import Row, Summary, summary


@dataclass(frozen=True)
class Network:
    """A network the explorer offers: its label, a builder taking the input side, and the sides it accepts."""

    label: str
    build: Callable[[int], nn.Module]
    channels: int
    sizes: tuple[int, ...]


NETWORKS: dict[str, Network] = {
    "lenet5": Network("LeNet-5", lambda _: LeNet5(), 1, (28,)),
    "alexnet": Network("AlexNet (single stream)", lambda _: AlexNet(), 3, (227,)),
    "alexnet2": Network("AlexNet (two groups)", lambda _: AlexNet(groups=2), 3, (227,)),
    "zfnet": Network("ZFNet", lambda _: ZFNet(), 3, (224,)),
    **{
        f"vgg{depth}": Network(f"VGG-{depth} ({config})", lambda s, c=config: vgg(c, image_size=s), 3,
                               (224, 128, 64, 32))
        for depth, config in ((11, "A"), (13, "B"), (16, "D"), (19, "E"))
    },
    "googlenet": Network("GoogLeNet", lambda _: GoogLeNet(), 3, (224, 320, 128, 64)),
    **{
        f"resnet{depth}": Network(f"ResNet-{depth}", lambda _, d=depth: resnet(d), 3, (224, 320, 128, 64))
        for depth in (18, 34, 50, 101, 152)
    },
    "alphago": Network("AlphaGo policy (k=192)", lambda _: AlphaGoPolicy(), 48, (19,)),
}


def network_summary(key: str, size: int) -> Summary:
    """The layer table of network ``key`` of :data:`NETWORKS` for one (C, size, size) input, computed on "meta".

    >>> network_summary("alexnet", 227).rows[1].output
    '[55x55x96]'
    """
    if key not in NETWORKS:
        raise ValueError(f"key must be one of {sorted(NETWORKS)}, got {key!r}")
    network = NETWORKS[key]
    if size not in network.sizes:
        raise ValueError(f"size must be one of {network.sizes} for {network.label}, got {size!r}")
    with torch.device("meta"):
        return summary(network.build(size), (network.channels, size, size))


def _kind(row: Row) -> str:
    return "CONV" if row.layer.startswith("CONV") else "FC" if row.layer.startswith("FC") else "other"


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def concentration(table: Summary) -> list[str]:
    """Where memory, parameters and FLOPs sit: the CONV and FC layers' shares, the heaviest row, the first half's.

    >>> lines = concentration(network_summary("vgg16", 224))
    >>> lines[1]
    'parameters: 11% in CONV layers, 89% in FC layers; the heaviest row, classifier 2 FC-4096 [4096], holds 74%'
    """
    rows = table.rows
    half = rows[: len(rows) // 2]
    lines = []
    for label, value in (("memory", lambda r: r.activations), ("parameters", lambda r: r.params),
                         ("FLOPs", lambda r: r.flops)):
        total = sum(value(r) for r in rows)
        by_kind = {kind: sum(value(r) for r in rows if _kind(r) == kind) for kind in ("CONV", "FC")}
        heaviest = max(rows, key=value)
        lines.append(
            f"{label}: {_share(by_kind['CONV'], total)} in CONV layers, {_share(by_kind['FC'], total)} in FC layers; "
            f"the heaviest row, {heaviest.name.replace('.', ' ')} {heaviest.layer} {heaviest.output}, "
            f"holds {_share(value(heaviest), total)}"
        )
    lines.append(
        f"the first half of the rows ({len(half)} of {len(rows)}) holds "
        f"{_share(sum(r.activations for r in half), table.activations)} of the memory and "
        f"{_share(sum(r.params for r in half), table.params)} of the parameters"
    )
    return lines


def table_data(table: Summary) -> dict[str, Any]:
    """The rows, totals and concentration lines of ``table`` as the static panel's script reads them.

    >>> table_data(network_summary("lenet5", 28))["rows"][1]
    ['features 0', 'CONV5-6', '[28x28x6]', 4704, 156, 235200]
    """
    return {
        "rows": [[r.name.replace(".", " "), r.layer, r.output, r.activations, r.params, r.flops] for r in table.rows],
        "totals": [table.activations, table.bytes, table.params, table.flops],
        "where": concentration(table),
    }


# Inline, so that the panel carries its look with it (the same strings are in js/architecture.js):
# a thin bar under each figure; a table that scrolls sideways inside the panel on a phone and is as
# tall as its rows, so that the FC rows at its end (89% of VGG-16's parameters) show without a
# scrolling box.
BAR_STYLE = "display:block;height:4px;background:#1f77b4;"
SCROLL_STYLE = "overflow-x:auto;max-width:100%;"
TABLE_STYLE = "font-size:0.8rem;white-space:nowrap;border-collapse:separate;border-spacing:0.6rem 0.1rem;"


def _bar(value: int, largest: int) -> str:
    width = 100 * value / largest if largest else 0
    return f'<span class="cnn-bar" style="{BAR_STYLE}width:{width:.1f}%"></span>'


def table_html(data: dict[str, Any]) -> str:
    """The table of :func:`table_data` as HTML: one row per layer with bars, totals and concentration lines.

    >>> "<td>[28x28x6]</td>" in table_html(table_data(network_summary("lenet5", 28)))
    True
    """
    rows = data["rows"]
    largest = [max(r[i] for r in rows) for i in (3, 4, 5)]
    head = "".join(f"<th>{c}</th>" for c in ("layer", "name", "output", "memory (values)", "params", "FLOPs"))
    body = "".join(
        f"<tr><td>{html.escape(layer)}</td><td>{html.escape(name)}</td><td>{out}</td>"
        + "".join(f"<td>{v:,}{_bar(v, m)}</td>" for v, m in zip((a, p, f), largest, strict=True))
        + "</tr>"
        for name, layer, out, a, p, f in rows
    )
    values, memory, params, flops = data["totals"]
    totals = (f"TOTAL: {values:,} values ({memory / 1e6:.1f} MB in float32, forward only), "
              f"{params:,} parameters, {flops / 1e9:.2f} GFLOPs per image")
    where = "".join(f"<li>{html.escape(line)}</li>" for line in data["where"])
    return (
        f'<p class="cnn-totals">{totals}</p><ul class="cnn-where">{where}</ul>'
        f'<div class="cnn-scroll" role="region" aria-label="layer table" tabindex="0" style="{SCROLL_STYLE}">'
        f'<table class="cnn-layers" style="{TABLE_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def architecture_explorer(key: str = "vgg16") -> Explorer:
    """Pick a network and an input size; see its layer table with memory, parameters, FLOPs and where they sit.

    Args:
        key: the network shown first, a key of :data:`NETWORKS`.

    >>> 'data-explorer="architecture"' in architecture_explorer("lenet5").html
    True
    """
    if key not in NETWORKS:
        raise ValueError(f"key must be one of {sorted(NETWORKS)}, got {key!r}")
    tables = {name: {str(s): table_data(network_summary(name, s)) for s in net.sizes} for name, net in NETWORKS.items()}
    uid = new_uid("architecture")
    network = NETWORKS[key]
    labels = {name: net.label for name, net in NETWORKS.items()}
    controls = (
        select(uid, "network", "network", labels).replace(f'value="{key}"', f'value="{key}" selected')
        + select(uid, "size", "input size", {str(s): f"{s}x{s}" for s in network.sizes})
    )
    outputs = f'<div class="cnn-table">{table_html(tables[key][str(network.sizes[0])])}</div>'
    # The sizes travel as lists: a browser orders number-like object keys numerically, not as listed.
    data = {"tables": tables, "sizes": {name: list(net.sizes) for name, net in NETWORKS.items()}}
    return Explorer(panel(uid, "architecture", controls, outputs, data, script("architecture")),
                    lambda: _architecture_widget(key))


def _architecture_widget(key: str) -> Any:
    import ipywidgets as widgets

    network = widgets.Dropdown(options=[(n.label, k) for k, n in NETWORKS.items()], value=key, description="network")
    size = widgets.Dropdown(options=NETWORKS[key].sizes, description="input size")
    view = widgets.HTML()

    def update(_: object = None) -> None:
        sizes = NETWORKS[network.value].sizes
        if tuple(size.options) != sizes:
            size.options = sizes  # setting the options sets the value, which calls update again
            return
        view.value = table_html(table_data(network_summary(network.value, size.value)))

    redraw_on_change(update, (network, size))
    return widgets.VBox([widgets.HBox([network, size]), view])
