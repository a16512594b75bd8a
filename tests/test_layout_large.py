"""The vectorised ordering of large graphs (layout/large.py): its crossing counts, the gains its
exchanges claim, and the rules that end its search early without changing its result."""

from __future__ import annotations

import random

import compgraph.engine.layout.draw as draw_mod
import numpy as np
from compgraph.engine.layout import large
from compgraph.engine.layout.layered import build, id_order
from compgraph.engine.layout.rank import assign_layers
from compgraph.engine.layout.starts import starts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_layout import G, _reference_crossings, dags


def _layered(g):
    inputs, kinds, _, output = g
    layer = assign_layers(inputs, kinds, output)
    return build(inputs, layer, max(layer) + 1, draw_mod.DUMMY_BUDGET)


def _shuffled(lg, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    rng = random.Random(seed)
    rows = id_order(lg)
    for row in rows:
        rng.shuffle(row)
    pos = np.zeros(lg.n_items, dtype=np.int64)
    for row in rows:
        pos[row] = np.arange(len(row))
    return [np.asarray(r, dtype=np.int64) for r in rows], pos


def _ref(lg, rows) -> int:
    return _reference_crossings(lg, [list(map(int, r)) for r in rows])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_nodes=60), st.integers(0, 2**16))
def test_both_crossing_counts_agree_with_the_reference(g, seed):
    """crossings() compares same-gap pairs directly on sparse graphs and merge-sorts on dense
    ones: both give the pair-by-pair count."""
    lg = _layered(g)
    fo = large.FastOrder(lg)
    rows, pos = _shuffled(lg, seed)
    fo.pairs = fo._gap_pairs() if fo.pairs is None else fo.pairs
    direct = fo.crossings(pos)
    fo.pairs = None
    assert direct == fo.crossings(pos) == _ref(lg, rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_nodes=60), st.integers(0, 2**16), st.booleans(), st.booleans(), st.sampled_from([0, 2, 64]))
def test_large_exchanges_gain_exactly_what_they_say(g, seed, equal, hubs, few):
    """run() trusts transpose's gain (count after the sweep minus the gain): from a shuffled
    order, with or without the hub path (and in it, the item pairs with more than `few` key
    pairs counted by searchsorted), that is the reference count afterwards."""
    lg = _layered(g)
    fo = large.FastOrder(lg)
    fo.hubs = hubs
    rows, pos = _shuffled(lg, seed)
    before = fo.crossings(pos)
    kept, large.FEW_KEY_PAIRS = large.FEW_KEY_PAIRS, few
    try:
        gain = fo.transpose(rows, pos, equal=equal, count=before)
    finally:
        large.FEW_KEY_PAIRS = kept
    assert gain >= 0 or equal
    assert sorted(int(v) for r in rows for v in r) == list(range(lg.n_items))
    assert all(pos[v] == i for r in rows for i, v in enumerate(r))
    assert before - gain == _ref(lg, rows)


def test_exchange_passes_stop_when_one_gains_little(monkeypatch):
    """A pass that gains less than MIN_GAIN of the count is the last one."""
    lg = _layered(G.random_dag(200, seed=1))
    passes = []
    counts = large.FastOrder._pair_counts

    def counted(self, *args):
        passes.append(1)
        return counts(self, *args)

    monkeypatch.setattr(large.FastOrder, "_pair_counts", counted)
    rows, pos = _shuffled(lg, 0)
    large.FastOrder(lg).transpose(rows, pos, equal=False, count=10**9)  # any gain is small
    once = len(passes)
    passes.clear()
    monkeypatch.setattr(large, "MIN_GAIN", 0.0)  # only a pass without gain is the last
    rows, pos = _shuffled(lg, 0)
    large.FastOrder(lg).transpose(rows, pos, equal=False, count=10**9)
    assert 0 < once <= 8  # one pass: two parities of layers, two of positions, both sides
    assert len(passes) > once


def test_the_large_search_stops_when_its_start_repeats(monkeypatch):
    """Once an iteration starts from an order and phase seen before, the rest would repeat:
    run() stops there, with the result of the full run."""
    g = G.random_dag(100, seed=2)
    lg = _layered(g)
    start = starts(lg, g[0], g[3], 1)[0]
    sweeps = []

    def run(stop: bool):
        monkeypatch.setattr(large, "STOP_ON_REPEAT", stop)
        fo = large.FastOrder(lg)
        sweep = fo.sweep
        fo.sweep = lambda *a, **k: (sweeps.append(stop), sweep(*a, **k))[1]
        return fo.run(start, 12)

    full, stopped = run(False), run(True)
    assert stopped == full
    assert sweeps.count(True) < sweeps.count(False) == 12
