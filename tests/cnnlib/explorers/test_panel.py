"""Tests for cnnlib.explorers.panel: the two-way display and the static panel every explorer shares."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from cnnlib import explorers
from cnnlib.explorers import panel
from tests.cnnlib.explorers.static import panel_data


def test_explorer_bundle_offers_widget_and_html() -> None:
    """Does an explorer's display bundle hold both the ipywidget view and the static HTML?"""
    bundle = explorers.pooling_explorer(np.eye(4))._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="cnn-explorer"')


def test_panel_data_cannot_close_its_script() -> None:
    """Does data containing '</script>' stay inside the panel's JSON and come back unchanged?"""
    data = {"text": "</script><p>not markup</p>"}
    html = panel.panel("demo-0", "demo", "", "", data, "")
    assert html.count("</script>") == 2
    assert panel_data(html) == data


def test_import_cnnlib_stays_light() -> None:
    """Does `import cnnlib.explorers` leave ipywidgets, PIL and matplotlib unimported?"""
    code = "import sys, cnnlib.explorers; print(sorted({'ipywidgets', 'PIL', 'matplotlib'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_every_panel_script_ships_as_a_file_and_reaches_the_page() -> None:
    """Is each explorer's JavaScript a file of the package, embedded whole in the panel it drives?"""
    shipped = {path.stem for path in (Path(panel.__file__).parent / "js").glob("*.js")}
    # Other explorers ship scripts of their own; these are the ones this test's panels use.
    assert shipped >= {"panel", "output_size_rule", "output_size", "pooling", "filter_playground"}
    pages = {
        "output_size": explorers.output_size_explorer().html,
        "pooling": explorers.pooling_explorer(np.eye(4)).html,
        "filter_playground": explorers.filter_explorer(np.ones((8, 8, 3))).html,
    }
    for name, html in pages.items():
        assert panel.script("panel") in html and panel.script(name) in html, name


def test_each_control_keeps_its_label_and_input_together() -> None:
    """Is every slider, drop-down and check box one unit (label and input in one nowrap span)?"""
    for markup in (panel.slider("d-0", "S", "stride S", (1, 2), 1), panel.select("d-0", "m", "mode", {"a": "a"}),
                   panel.position_slider("d-0", "k", "cell"), panel.checkbox("d-0", "floor", "floor")):
        assert markup.startswith('<span class="cnn-control">') and markup.endswith("</span>"), markup
        assert markup.count("<label") == 1 and markup.count("<input") + markup.count("<select") == 1, markup
