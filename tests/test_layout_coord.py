"""The coordinate solver of small drawings in plain Python (layout/coordpy.py) gives coord.py's
numpy solver's coordinates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import compgraph.engine.layout.draw as draw_mod
import numpy as np
import pytest
from compgraph.engine.layout import cache, coordpy, layout_graph
from compgraph.engine.layout.coord import Solver
from compgraph.engine.layout.coordpy import ListSolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("layout_coord_bench_graphs", ROOT / "bench" / "graphs.py")
G = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = G  # dataclasses look their module up while building
spec.loader.exec_module(G)


def _columns_of(g) -> list:
    """The Columns that layout_graph hands its coordinate solver for graph g."""
    seen = []
    build = draw_mod.build_columns

    def grab(*args, **kwargs):
        seen.append(build(*args, **kwargs))
        return seen[-1]

    draw_mod.build_columns = grab
    try:
        cache.clear()
        layout_graph(*g)
    finally:
        draw_mod.build_columns = build
        cache.clear()
    return seen


def _agree(g) -> None:
    for cl in _columns_of(g):
        terms = tuple(t.tolist() for t in cl.terms)
        for sweeps in (1, 2, 6):
            want = Solver(cl.cols, cl.half, cl.pad, cl.terms).solve(sweeps)
            got = ListSolver(cl.cols, cl.half.tolist(), cl.pad.tolist(), terms).solve(sweeps)
            # numpy's padded regression sums weights of 1e-6 (an item with no terms) by
            # differences of cumulative sums, good to ~1e-7 px; the layout rounds to 0.01 px
            assert np.allclose(got, want, rtol=0, atol=1e-5), f"{sweeps} sweeps"


@st.composite
def programs(draw):
    return G.random_program(draw(st.integers(2, 120)), seed=draw(st.integers(0, 10_000)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_the_plain_python_solver_gives_numpys_coordinates_on_random_programs(g):
    _agree(g)


@pytest.mark.parametrize("size, seed", [(250, 5), (640, 6)])
def test_the_plain_python_solver_gives_numpys_coordinates_on_larger_programs(size, seed):
    _agree(G.random_program(size, seed=seed))


@pytest.mark.parametrize("size, seed", [(30, 1), (45, 2)])
def test_either_solver_draws_the_same_layout(monkeypatch, size, seed):
    g = G.random_program(size, seed=seed)
    assert len(_columns_of(g)[0].half) <= coordpy.PY_ITEMS  # drawn by the plain-Python path
    cache.clear()
    python = layout_graph(*g)
    monkeypatch.setattr(draw_mod, "PY_ITEMS", -1)  # numpy's
    cache.clear()
    assert layout_graph(*g) == python
    cache.clear()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**16))
def test_pieces_found_in_numpy_are_the_union_finds(n, seed):
    """compact_components finds the pieces of big drawings in numpy: each item's least item
    of its piece, as the plain-Python union-find says (None: one piece)."""
    from compgraph.engine.layout.coord import _roots_np, _roots_py

    rng = np.random.default_rng(seed)
    m = int(rng.integers(0, 2 * n))
    ti, tj = rng.integers(0, n, m).tolist(), rng.integers(0, n, m).tolist()
    want = _roots_py(n, ti, tj)
    got = _roots_np(n, ti, tj)
    assert got == (None if set(want) == {0} else want)
