"""Tests for cnnlib.explorers.panel: the two-way display and the static panel every explorer shares."""

from __future__ import annotations

import subprocess
import sys

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
