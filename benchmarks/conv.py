"""Time cnnlib's conv2d and max pooling tiers against torch.nn.functional on the CPU.

Run from the repository root, without the OpenBLAS work-around variables that
these machines set (they slow numpy's matrix products about 1.8x and are not
set on a user's machine):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/conv.py

Each row gives the median wall time, GFLOP/s (a multiply-add counts as two
operations, see ``cnnlib.shapes.conv_flops``) and the time ratio to
``torch.nn.functional`` on the CPU measured in the same process. The loop
reference runs on a reduced batch and is scaled to the full batch. With a
GPU, a row for the torch tier on it is added.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

from cnnlib import torch_ops
from cnnlib.ops import conv, pooling
from cnnlib.shapes import conv_flops, conv_output_shape

CONV_CASES = [
    # (name, x shape, w shape, stride, padding)
    ("CIFAR 5x5", (64, 3, 32, 32), (32, 3, 5, 5), 1, 2),
    ("VGG 3x3", (8, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    ("AlexNet CONV1", (8, 3, 227, 227), (96, 3, 11, 11), 4, 0),
]
POOL_SHAPE = (64, 32, 32, 32)
# Pause between blocks of runs, long enough for spinning BLAS/OpenMP threads to go idle.
SETTLE_S = 0.3


def interleaved_medians(tiers: dict[str, Callable[[], object]], rounds: int = 4, block: int = 6) -> dict[str, float]:
    """Median wall time of each tier over several rounds of back-to-back runs.

    Rounds spread machine noise over all tiers alike. Within a round each tier
    runs ``block`` times in a row and the first run is dropped (first-call
    allocations and caches). Between blocks the process sleeps: OpenBLAS and
    OpenMP worker threads keep spinning for a while after a call, and would
    otherwise steal the cores from whichever tier runs next.
    """
    times: dict[str, list[float]] = {name: [] for name in tiers}
    for _ in range(rounds):
        for name, fn in tiers.items():
            time.sleep(SETTLE_S)
            for i in range(block):
                t0 = time.perf_counter()
                fn()
                if i:
                    times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def once(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def report(name: str, seconds: dict[str, float], flops: float) -> None:
    peer = seconds[PEER]
    for tier, s in seconds.items():
        print(f"{name:<15} {tier:<18} {s * 1e3:>10.2f} ms {flops / s / 1e9:>8.2f} GFLOP/s {s / peer:>8.2f}x")


PEER = "torch cpu (peer)"


def bench_conv() -> None:
    for case in CONV_CASES:
        bench_conv_case(*case)


def bench_conv_case(name: str, xs: tuple[int, ...], ws: tuple[int, ...], stride: int, padding: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(xs, dtype=np.float32)
    w = rng.standard_normal(ws, dtype=np.float32)
    b = rng.standard_normal(ws[0], dtype=np.float32)
    flops = conv_flops(conv_output_shape(xs, ws[0], ws[2], stride, padding), ws[1], ws[2])
    xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
    seconds = interleaved_medians({
        PEER: lambda: torch.nn.functional.conv2d(xt, wt, bt, stride, padding),
        "cnnlib fast": lambda: conv.conv2d_fast(x, w, b, stride, padding),
        "cnnlib torch": lambda: torch_ops.conv2d_torch(x, w, b, stride, padding),
    })
    # The loop reference runs on one image, scaled to the batch.
    seconds["cnnlib reference"] = once(lambda: conv.conv2d_reference(x[:1], w, b, stride, padding)) * xs[0]
    if torch.cuda.is_available():
        xg, wg, bg = (a.cuda() for a in (xt, wt, bt))

        def on_gpu() -> None:
            torch.nn.functional.conv2d(xg, wg, bg, stride, padding)
            torch.cuda.synchronize()

        seconds["torch cuda"] = interleaved_medians({"gpu": on_gpu})["gpu"]
    report(name, seconds, flops)


def bench_pool() -> None:
    x = np.random.default_rng(0).standard_normal(POOL_SHAPE, dtype=np.float32)
    xt = torch.from_numpy(x)
    # One comparison per input value read (2x2 windows, stride 2, no overlap).
    flops = float(x.size)
    seconds = interleaved_medians({
        PEER: lambda: torch.nn.functional.max_pool2d(xt, 2, 2),
        "cnnlib fast": lambda: pooling.max_pool2d_fast(x, 2, 2),
        "cnnlib torch": lambda: torch_ops.max_pool2d_torch(x, 2, 2),
    })
    seconds["cnnlib reference"] = once(lambda: pooling.max_pool2d_reference(x[:1], 2, 2)) * x.shape[0]
    report("maxpool 2x2/2", seconds, flops)


def steady_state_malloc() -> str:
    """Keep freed blocks in the heap, as a long-running training loop ends up doing.

    glibc serves blocks above its mmap threshold (128 KiB at start) with fresh
    pages, so a new process pays thousands of page faults on every call that
    allocates an output of a few MB, until some large free happens to raise the
    threshold. Which tier triggers that first would decide the ratios: torch's
    CIFAR conv measured 10 ms before and 2.5 ms after. Fixing the thresholds up
    front times both libraries in the steady state.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's mallopt parameters
        if libc.mallopt(m_mmap_threshold, 32 << 20) and libc.mallopt(m_trim_threshold, 512 << 20):
            return "glibc malloc held in steady state (mmap threshold 32 MiB)"
    except (OSError, AttributeError):
        pass
    return "malloc left as is (not glibc)"


def main() -> None:
    malloc = steady_state_malloc()
    unset = all(v not in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    print(f"torch {torch.__version__}, numpy {np.__version__}, torch threads {torch.get_num_threads()}, "
          f"OpenBLAS work-around variables {'unset' if unset else 'SET (numpy runs slower than on a user machine)'}; {malloc}")
    print(f"{'case':<15} {'tier':<18} {'median time':>13} {'throughput':>16} {'vs torch':>9}")
    bench_conv()
    bench_pool()


if __name__ == "__main__":
    main()
