"""Does cnnlib install on its own: the core with numpy alone, every part with its ``[all]`` extra?

Each test builds the wheel, makes a fresh virtual environment that has never
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
    """A copy of the sources to build from, so that the build leaves nothing in the repository."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "cnnlib", source / "cnnlib", ignore=shutil.ignore_patterns("__pycache__"))
    return source


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from ``source``."""
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", out, source, cwd=source)
    (built,) = out.glob("cnnlib-*.whl")
    return built


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


def test_every_module_imports_with_the_all_extra(wheel: Path, source: Path, tmp_path: Path) -> None:
    """With ``[all]``, does every module of the package import, the explorers' scripts, assignment 5's weights and
    the feedback's template ship, and a torch doctest pass?"""
    python = fresh_venv(tmp_path / "all")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(f"torch=={metadata.version('torch')}\n")
    run(python, "-m", "pip", "install", "--quiet", "-c", constraints, f"{wheel}[all]", cwd=tmp_path)
    check = (
        "import doctest, importlib, pkgutil, cnnlib, cnnlib.models.lenet, cnnlib.explorers.panel as panel\n"
        "names = [m.name for m in pkgutil.walk_packages(cnnlib.__path__, 'cnnlib.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert 'function rule(' in panel.script('output_size_rule')\n"
        "import cnnlib.grading.trained as trained\n"
        "assert trained.WEIGHTS.is_file(), 'assignment 5 weights missing from the wheel'\n"
        "import cnnlib.grading.feedback as feedback, pathlib\n"
        "assert pathlib.Path(feedback.TEMPLATES[0], 'feedback', 'mathjax.html.j2').is_file(), 'feedback template missing'\n"
        f"assert doctest.testmod(cnnlib.models.lenet, optionflags={DOCTEST_FLAGS}).failed == 0\n"
        "print(' '.join(names))\n"
    )
    built_from = [m.name for m in pkgutil.walk_packages([str(source / "cnnlib")], "cnnlib.")]
    assert sorted(run(python, "-c", check, cwd=tmp_path).split()) == sorted(built_from)
