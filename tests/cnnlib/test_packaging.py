"""Does cnnlib install on its own: the core with numpy alone, every part with its ``[all]`` extra, and without the
instructor's grader, which is a distribution of its own?

Both wheels are built once, in one pip command. Each install test makes a fresh virtual environment that has never
seen requirements.txt, installs the wheel there and imports cnnlib from it,
run from a folder outside the repository so that nothing is found by accident.
pip takes the packages from the index the machine is configured with; torch is
held to the version the course runs on (here its CPU build), so that no
multi-gigabyte CUDA build is pulled in.
"""

from __future__ import annotations

import doctest
import pkgutil
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The numpy layer: what must import, and run, where only numpy is installed.
CORE = ["cnnlib", "cnnlib.ops.geometry", "cnnlib.ops.conv", "cnnlib.ops.pooling", "cnnlib.ops.activations",
        "cnnlib.ops.fully_connected", "cnnlib.shapes", "cnnlib.gradcheck", "cnnlib.filters"]

# The flags of the doctests in the test suite (pyproject.toml): ELLIPSIS | NORMALIZE_WHITESPACE.
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources to build from (cnnlib, and the grader in ``grader/``), so that the build leaves nothing in
    the repository."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("cnnlib", "grader"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    return source


@pytest.fixture(scope="module")
def wheels(source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """cnnlib's wheel and the grader's, built from ``source`` in one pip command, by distribution name."""
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", out,
        source, source / "grader", cwd=source)
    (cnnlib,), (grader,) = out.glob("cnnlib-*.whl"), out.glob("deep_convnets_grader-*.whl")
    return {"cnnlib": cnnlib, "grader": grader}


@pytest.fixture(scope="module")
def wheel(wheels: dict[str, Path]) -> Path:
    """cnnlib's wheel, the one students install."""
    return wheels["cnnlib"]


def test_the_grader_ships_apart_from_cnnlib(wheels: dict[str, Path]) -> None:
    """Does cnnlib's wheel hold no grader module, and the grader's hold the sealed runner, its worker and the feedback's
    template, and nothing of cnnlib?"""
    cnnlib, grader = (set(zipfile.ZipFile(wheels[name]).namelist()) for name in ("cnnlib", "grader"))
    assert "cnnlib/grading/checks.py" in cnnlib and "cnnlib/grading/lenet5_mnist.pt" in cnnlib
    assert not {name for name in cnnlib if name.startswith("grader/") or "/sealed/" in name or name.endswith(".j2")}
    assert {"grader/sealed/runner.py", "grader/sealed/worker.py", "grader/sealed/batch.py", "grader/feedback.py",
            "grader/templates/feedback/mathjax.html.j2"} <= grader
    assert not {name for name in grader if name.startswith("cnnlib/") or name.endswith("pyproject.toml")}


def fresh_venv(where: Path) -> Path:
    """A new virtual environment with nothing but pip; returns its python."""
    run(sys.executable, "-m", "venv", where, cwd=where.parent)
    return where / "bin" / "python"


def test_the_core_installs_and_runs_with_numpy_alone(wheel: Path, tmp_path: Path) -> None:
    """With the wheel and no extra, is numpy the only package pulled in, and do the numpy layer's modules import and
    its doctests pass?"""
    python = fresh_venv(tmp_path / "core")
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    freeze = run(python, "-m", "pip", "freeze", cwd=tmp_path).splitlines()  # "numpy==2.4.6", "cnnlib @ file:..."
    installed = {line.split(" @ ")[0].split("==")[0].lower() for line in freeze}
    assert installed == {"cnnlib", "numpy"}
    check = (
        "import doctest, importlib\n"
        "import numpy as np\n"
        f"modules = [importlib.import_module(name) for name in {CORE!r}]\n"
        f"assert all(doctest.testmod(m, optionflags={DOCTEST_FLAGS}).failed == 0 for m in modules[1:])\n"
        "print(modules[0].conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))[0, 0, 0, 0])\n"
    )
    assert run(python, "-c", check, cwd=tmp_path).strip() == "9.0"


def test_every_module_imports_with_the_all_extra(wheels: dict[str, Path], source: Path, tmp_path: Path) -> None:
    """With ``[all]``, does every module of cnnlib import, the explorers' scripts and assignment 5's weights ship, a
    torch doctest pass, and, the grader's wheel added, every grader module import on that cnnlib and find the
    feedback's template?"""
    python = fresh_venv(tmp_path / "all")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(f"torch=={metadata.version('torch')}\n")
    # --no-compile: byte-compiling torch's sources took 40% of this test, and the imports below compile what they use.
    run(python, "-m", "pip", "install", "--quiet", "--no-compile", "-c", constraints, f"{wheels['cnnlib']}[all]", cwd=tmp_path)
    # cnnlib[all] holds the grader's nbgrader; its other needs (MathJax's files, Dask) are not imported at load time.
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheels["grader"], cwd=tmp_path)
    check = (
        "import doctest, importlib, pkgutil, cnnlib, cnnlib.models.lenet, cnnlib.explorers.panel as panel, grader\n"
        "names = [m.name for m in pkgutil.walk_packages(cnnlib.__path__, 'cnnlib.')]\n"
        "names += [m.name for m in pkgutil.walk_packages(grader.__path__, 'grader.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert 'function rule(' in panel.script('output_size_rule')\n"
        "import cnnlib.grading.trained as trained\n"
        "assert trained.WEIGHTS.is_file(), 'assignment 5 weights missing from the wheel'\n"
        "import grader.feedback as feedback, pathlib\n"
        "assert pathlib.Path(feedback.TEMPLATES[0], 'feedback', 'mathjax.html.j2').is_file(), 'feedback template missing'\n"
        f"assert doctest.testmod(cnnlib.models.lenet, optionflags={DOCTEST_FLAGS}).failed == 0\n"
        "print(' '.join(names))\n"
    )
    built_from = [m.name for package in ("cnnlib", "grader")
                  for m in pkgutil.walk_packages([str(source / package)], f"{package}.")]
    assert sorted(run(python, "-c", check, cwd=tmp_path).split()) == sorted(built_from)
