"""Tests for the in-browser convnet's benchmark: does ConvNetJS race the same networks as the page?

``benchmarks/convnet_js.js`` builds each architecture in ConvNetJS (installed by ``make convnetjs``);
a head-to-head means something only if both networks have the same layers and parameters.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cnnlib.explorers import convnet_trainer as ct
from cnnlib.explorers.panel import script
from cnnlib.shapes import conv_params, linear_params

ROOT = Path(__file__).resolve().parents[3]
CONVNETJS = ROOT / ".venv" / "convnetjs" / "node_modules" / "convnetjs"


@pytest.mark.skipif(shutil.which("node") is None or not CONVNETJS.exists(),
                    reason="node or ConvNetJS is missing here (make convnetjs installs it with npm)")
def test_convnetjs_builds_the_benchmarks_architectures_with_the_pages_parameter_counts() -> None:
    """For the page's preset (the issue's architecture) and the all-convolutional one, do ConvNetJS's network and the
    page's hold the same number of parameters, layer by layer, as cnnlib.shapes counts them?"""
    program = script(*ct.NETWORK_SCRIPTS) + "\n" + (ROOT / "benchmarks" / "convnet_js.js").read_text() + """
    const convnetjs = require(process.env.CONVNETJS), input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(input.map(spec => ({
      theirs: convnetjsNet(convnetjs, spec).getParamsAndGrads().map(p => p.params.length),
      ours: network(spec, 0).params.map(p => p.value.length)}))));
    """
    specs = [{"input": ct.INPUT, "layers": ct.PRESETS[name]["layers"], "classes": ct.CLASSES} for name in ("page", "allconv")]
    ran = subprocess.run(["node", "-e", program], input=json.dumps(specs), capture_output=True, text=True,
                         env={**os.environ, "CONVNETJS": str(CONVNETJS)})
    assert ran.returncode == 0, ran.stderr[-2000:]
    page, allconv = json.loads(ran.stdout)
    # By cnnlib.shapes: each conv layer's weights and biases, then the final FC's.
    assert sum(page["ours"]) == sum(page["theirs"]) == (conv_params(1, 8, 3) + conv_params(8, 16, 3)
                                                        + linear_params(2 * 2 * 16, 10))
    assert sum(allconv["ours"]) == sum(allconv["theirs"]) == (conv_params(1, 16, 3) + conv_params(16, 16, 4)
                                                              + conv_params(16, 32, 4) + linear_params(2 * 2 * 32, 10))
    # ConvNetJS keeps one array per filter (or FC unit), then the layer's biases: the page's layers, split by filter.
    assert page["theirs"] == [9] * 8 + [8] + [72] * 16 + [16] + [64] * 10 + [10]
    assert page["ours"] == [8 * 9, 8, 16 * 72, 16, 10 * 64, 10]
