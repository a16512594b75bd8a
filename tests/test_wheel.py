"""The wheel, as pip users get it: built from the source, installed into a fresh venv outside
the checkout, and run from there (`compgraph eval`, `compgraph serve` with its page, static
files, API docs and /api/graph).

The fresh venv takes the runtime dependencies from the package index (PyPI, or the machine's
pip configuration), so this needs the index to be reachable, as CI has it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
from conftest import free_port, running_server

ROOT = Path(__file__).resolve().parents[1]
# What never goes into the wheel's source copy: local state, not part of the project.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".ruff_cache", ".hypothesis", "artifacts")
LECTURE = ["(x + y) * z", "x=-2", "y=5", "z=-4"]


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    place = tmp_path_factory.mktemp("wheel")
    assert ROOT not in place.parents
    return place


@pytest.fixture(scope="module")
def wheel(outside: Path) -> Path:
    # Built from a copy: setuptools reuses build/ in the tree it builds, and a file deleted from
    # the source would live on there and in the wheel.
    source = outside / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
         str(outside / "dist"), str(source)], cwd=outside, timeout=300)
    (built,) = (outside / "dist").glob("compgraph-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(outside: Path, wheel: Path) -> Path:
    """A fresh venv with nothing but the wheel and its runtime dependencies."""
    run([sys.executable, "-m", "venv", str(outside / "venv")], cwd=outside, timeout=120)
    bin_dir = outside / "venv" / "bin"
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=outside,
        timeout=600)
    return bin_dir


def run(command: list[str], cwd: Path, timeout: float) -> str:
    done = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def clean_env() -> dict[str, str]:
    """The environment without anything that would point Python back at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["COMPGRAPH_LOG_LEVEL"] = "warning"
    return env


def test_the_wheel_holds_the_package_its_page_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"compgraph", wheel.name.split("-py3")[0] + ".dist-info"}
    for folder in ("static", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"compgraph/{folder}/{path.relative_to(ROOT / folder).as_posix()}" in names
    assert not [n for n in names if re.search(r"(^|/)(tests|bench)/|(^|/)test_[^/]*\.py$|conftest", n)]


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, outside: Path) -> None:
    where = run([str(venv / "python"), "-c", "import compgraph, sys; print(compgraph.__file__); "
                 "print(sorted({m.split('.')[0] for m in sys.modules} & {'engine', 'app'}))"],
                cwd=outside, timeout=60).splitlines()
    assert Path(where[0]).is_relative_to(venv.parent), where
    assert where[1] == "[]"
    site = Path(where[0]).parents[1]
    assert not (site / "engine").exists() and not (site / "app").exists()


def test_compgraph_eval_runs_from_the_wheel(venv: Path, outside: Path) -> None:
    table = run([str(venv / "compgraph"), "eval", *LECTURE], cwd=outside, timeout=60)
    assert any(line.startswith("∂f/∂x = -4") for line in table.splitlines()), table
    contract = json.loads(run([str(venv / "compgraph"), "eval", "--json", *LECTURE], cwd=outside,
                              timeout=60))
    assert (contract["value"], contract["gradients"]) == (-12, {"x": -4, "y": -4, "z": 3})


def test_compgraph_export_writes_the_walk_through_from_the_wheel(venv: Path, outside: Path) -> None:
    target = outside / "walkthrough.html"
    run([str(venv / "compgraph"), "export", "-o", str(target), *LECTURE], cwd=outside, timeout=60)
    html = target.read_text()
    # the player's modules (package data of the wheel) and the engine's answer are in the file
    assert '"walkthrough.js"' in html and '"gradients"' in html and "<style>" in html


def test_compgraph_serve_serves_the_page_from_the_wheel(venv: Path, outside: Path) -> None:
    port = free_port()
    with running_server([str(venv / "compgraph"), "serve", "--port", str(port)], port, cwd=outside,
                        base_env=clean_env()) as url:
        page = httpx.get(url + "/", timeout=10)
        assert page.status_code == 200 and "<script" in page.text
        # Everything the page links to, and every static file, byte for byte.
        linked = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        assert "/static/js/main.js" in linked
        for path in (ROOT / "static").rglob("*"):
            if path.is_file():
                linked.append("/static/" + path.relative_to(ROOT / "static").as_posix())
        for address in linked:
            asset = httpx.get(url + address, timeout=10)
            assert asset.status_code == 200, address
            assert asset.content == (ROOT / address.removeprefix("/")).read_bytes(), address
        docs = httpx.get(url + "/docs", timeout=10)
        assert docs.status_code == 200
        for address in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', docs.text):
            assert httpx.get(url + address, timeout=10).status_code == 200, address
        answer = httpx.post(url + "/api/graph", timeout=10, json={
            "source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}})
        assert answer.status_code == 200, answer.text
        assert answer.json()["gradients"] == {"x": -4, "y": -4, "z": 3}
        assert httpx.get(url + "/api/examples", timeout=10).json()
