"""Time the in-browser convnet against ConvNetJS under node, and its time to 95% in headless Chromium.

Run from the repository root after ``make convnetjs`` (``make benchmark`` does both):

    .venv/bin/python benchmarks/convnet_js.py

Part 1: one epoch of the 1,442 training digits, batches of 32, SGD with momentum 0.9, for the
page's network (``cnnlib/explorers/js/convnet.js``) with its WebAssembly SIMD kernels, the same
network with their plain JavaScript reference (what browsers without WebAssembly SIMD run), and
ConvNetJS 0.3.0 (the npm package ``convnetjs``, pinned in ``tools/convnetjs``), on the issue's
architecture (the page's preset) and on the larger all-convolutional preset. Each timed epoch
runs in a fresh node process after one epoch to warm up, the three taking turns, five times
each, so that a machine shared with other work slows them alike; the medians of the five and the
ratios to ConvNetJS are printed. Without npm's ConvNetJS only the page's two are timed.

Part 2: the page's panel alone in headless Chromium (Debian's chromium and chromedriver, as the
browser test uses): the wall time from pressing Start to 95% held-out accuracy for the default
network, three page loads, each figure printed with the median.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cnnlib.explorers import convnet_trainer as ct  # noqa: E402
from cnnlib.explorers.panel import script  # noqa: E402

CONVNETJS = ROOT / ".venv" / "convnetjs" / "node_modules" / "convnetjs"
PEER_SCRIPT = Path(__file__).with_suffix(".js")
ARCHITECTURES = {"the issue's (page preset)": "page", "all-convolutional preset": "allconv"}
BATCH, LR, EPOCHS, TARGET = 32, 0.01, 5, 0.95
PEERS = {"webassembly": "page", "javascript": "JS reference", "convnetjs": "ConvNetJS"}
"""The networks timed: the page's with each kind of kernels, and ConvNetJS."""


def node_program(body: str) -> str:
    """The page's network scripts, the peer script, then ``body`` (with ``input`` read from stdin)."""
    return (script(*ct.NETWORK_SCRIPTS) + "\n" + PEER_SCRIPT.read_text() +
            "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" + body)


def epoch_time(peer: str, spec: dict, data: dict) -> float:
    """Milliseconds for one epoch of ``peer`` (a key of ``PEERS``), after one to warm up, in a fresh node process."""
    body = """
    const x = Float32Array.from(input.x, ch => parseInt(ch, 17) / 16), y = Int32Array.from(input.y, Number);
    process.stdout.write(JSON.stringify(timeEpochs(input.peer, input.spec, x, y, input.batch, input.lr, input.epochs)));
    """
    payload = {"peer": peer, "spec": spec, **data["train"], "batch": BATCH, "lr": LR, "epochs": 1}
    ran = subprocess.run(["node", "-e", node_program(body)], input=json.dumps(payload), capture_output=True, text=True,
                         env={**os.environ, "CONVNETJS": str(CONVNETJS)}, check=True)
    return json.loads(ran.stdout)[0]


def head_to_head() -> None:
    data = ct.trainer_data()
    peers = [peer for peer in PEERS if peer != "convnetjs" or CONVNETJS.exists()]
    print(f"One epoch of {len(data['train']['y']):,} digits, batch {BATCH}, SGD momentum 0.9, "
          f"median of {EPOCHS}, each after one warm-up epoch (ms); page: WebAssembly SIMD kernels, "
          "JS reference: their plain JavaScript reference")
    if "convnetjs" not in peers:
        print("  ConvNetJS is not installed (make convnetjs needs npm): timing the page's network alone")
    for title, preset in ARCHITECTURES.items():
        spec = {"input": ct.INPUT, "layers": ct.PRESETS[preset]["layers"], "classes": ct.CLASSES}
        times: dict[str, list[float]] = {peer: [] for peer in peers}
        for _ in range(EPOCHS):
            for peer in peers:
                times[peer].append(epoch_time(peer, spec, data))
        median = {peer: statistics.median(t) for peer, t in times.items()}
        print(f"  {title:28s} " + "   ".join(f"{PEERS[peer]} {median[peer]:7.1f}" for peer in peers))
        if "convnetjs" in peers:
            print("      " + ", ".join(f"{PEERS[peer]} is {median['convnetjs'] / median[peer]:.1f}x ConvNetJS's speed"
                                       for peer in peers if peer != "convnetjs"))
        print(f"      page is {median['javascript'] / median['webassembly']:.1f}x the JS reference's speed")
        print("      " + "; ".join(f"{PEERS[peer]} {', '.join(f'{t:.0f}' for t in times[peer])}" for peer in peers))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        pass


def time_to_target(runs: int = 3, limit_s: float = 60.0) -> None:
    """Wall time from Start to 95% held-out accuracy, the panel alone in headless Chromium, ``runs`` page loads."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")) or not shutil.which("chromedriver"):
        print("Headless Chromium: chromium or chromedriver is missing (make system-deps); skipped")
        return
    from tests.book.conftest import start_chromium

    css = "".join((ROOT / "book" / "_static" / name).read_text() for name in ("explorers.css", "convnet_trainer.css"))
    with tempfile.TemporaryDirectory() as folder:
        page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>convnet</title><style>{css}</style>'
                f"</head><body>{ct.convnet_trainer().html}</body></html>")
        Path(folder, "index.html").write_text(page)
        handler = functools.partial(Quiet, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        browser = start_chromium()
        walls, clocks = [], []
        try:
            for _ in range(runs):
                browser.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
                browser.find_element("css selector", "button[name=run]").click()
                start = time.monotonic()
                reached = ""
                while not reached and time.monotonic() - start < limit_s:
                    time.sleep(0.02)
                    reached = browser.execute_script("return document.querySelector('[data-explorer]').dataset.reached")
                walls.append(time.monotonic() - start if reached else float("inf"))
                clocks.append(float(reached) if reached else float("inf"))
        finally:
            browser.quit()
            server.shutdown()
    print(f"Headless Chromium, default network, Start to {TARGET:.0%} held-out accuracy: median "
          f"{statistics.median(walls):.2f} s by this script's clock ({', '.join(f'{w:.2f}' for w in walls)}); "
          f"the page's own clock {', '.join(f'{c:.1f}' for c in clocks)} s")


if __name__ == "__main__":
    if not shutil.which("node"):
        sys.exit("node is not installed: the in-browser convnet's benchmark runs its JavaScript under node")
    head_to_head()
    time_to_target()
