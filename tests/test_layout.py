"""engine.layout: layering rules, operand order, no overlaps, determinism, scale."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import compgraph.engine.layout.draw as draw_mod
import numpy as np
import pytest
from compgraph.engine.layout import cache, layout_graph
from compgraph.engine.layout.rank import DEEP_INPUT
from compgraph.engine.layout.text import (
    EDGE_CHAR_EM,
    EDGE_FONT,
    EDGE_LABEL_CHARS,
    GRAD_GAP,
    GRAD_H,
    GRAD_W,
    LABEL_LINE_H,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


def _load_graphs():
    spec = importlib.util.spec_from_file_location("layout_bench_graphs", ROOT / "bench" / "graphs.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while building
    spec.loader.exec_module(mod)
    return mod


G = _load_graphs()

# ---------------------------------------------------------------------------
# Geometry helpers


def _boxes(res: dict, chars: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Node boxes and label boxes as (x0, y0, x1, y1) rows."""
    nodes = np.array([[n["x"] - n["w"] / 2, n["y"] - n["h"] / 2,
                       n["x"] + n["w"] / 2, n["y"] + n["h"] / 2] for n in res["nodes"]])
    lw, lh = chars * EDGE_CHAR_EM * EDGE_FONT * scale, LABEL_LINE_H * scale
    labels = np.array([[x - lw / 2, y - lh / 2, x + lw / 2, y + lh / 2]
                       for e in res["edges"] for x, y in (e["value_at"], e["grad_at"])])
    return nodes.reshape(-1, 4), labels.reshape(-1, 4)


def _grad_boxes(res: dict, kinds, scale: float = 1.0) -> np.ndarray:
    """Where the page writes each node's gradient: under it (an input's goes to its left,
    outside the drawing)."""
    w = GRAD_W * scale
    boxes = [[n["x"] - w / 2, n["y"] + n["h"] / 2 + GRAD_GAP * scale,
              n["x"] + w / 2, n["y"] + n["h"] / 2 + (GRAD_GAP + GRAD_H) * scale]
             for n, kind in zip(res["nodes"], kinds, strict=True) if kind != "input"]
    return np.array(boxes).reshape(-1, 4)


def _overlapping_pairs(a: np.ndarray, b: np.ndarray | None = None, margin: float = 0.0) -> list:
    """Index pairs of boxes closer than margin (within a, or between a and b)."""
    other = a if b is None else b
    if not len(a) or not len(other):
        return []
    hit = ((a[:, None, 0] < other[None, :, 2] + margin) & (other[None, :, 0] < a[:, None, 2] + margin)
           & (a[:, None, 1] < other[None, :, 3] + margin) & (other[None, :, 1] < a[:, None, 3] + margin))
    if b is None:
        hit &= ~np.eye(len(a), dtype=bool)
    return [tuple(p) for p in np.argwhere(hit)]


def _segments(res: dict) -> list[tuple[int, tuple[float, float], tuple[float, float]]]:
    return [(e["id"], p, q) for e in res["edges"] for p, q in pairwise(map(tuple, e["points"]))]


def _crossings(res: dict) -> int:
    """Proper intersections between segments of different edges."""
    segs = _segments(res)

    def orient(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    count = 0
    for i, (e1, p1, q1) in enumerate(segs):
        for e2, p2, q2 in segs[i + 1:]:
            if e1 == e2 or max(p2[0], q2[0]) < min(p1[0], q1[0]) or max(p1[0], q1[0]) < min(p2[0], q2[0]):
                continue
            a, b = orient(p1, q1, p2), orient(p1, q1, q2)
            c, d = orient(p2, q2, p1), orient(p2, q2, q1)
            if a * b < -1e-9 and c * d < -1e-9:
                count += 1
    return count


def _segment_hits_box(p, q, box, shrink: float) -> bool:
    """Does segment pq run through the box shrunk by `shrink` (Liang-Barsky)?"""
    x0, y0, x1, y1 = box[0] + shrink, box[1] + shrink, box[2] - shrink, box[3] - shrink
    if x0 >= x1 or y0 >= y1:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def check_layout(graph, res: dict, chars: int = EDGE_LABEL_CHARS, *, strict_output: bool = True,
                 scale: float = 1.0) -> None:
    """Every invariant layout_graph promises, on one drawing."""
    inputs, kinds, labels, output = graph
    n = len(inputs)
    assert len(res["nodes"]) == n
    edges = [(u, v, k) for v, args in enumerate(inputs) for k, u in enumerate(args)]
    assert [(e["source"], e["target"], e["operand"]) for e in res["edges"]] == edges
    assert [e["id"] for e in res["edges"]] == list(range(len(edges)))
    assert [nd["id"] for nd in res["nodes"]] == list(range(n))
    json.dumps(res)  # JSON-ready

    nodes, lab = _boxes(res, chars, scale)
    grads = _grad_boxes(res, kinds, scale)
    if n == 0:
        return
    w, h = res["width"], res["height"]
    for arr in (nodes, lab, grads):
        assert (arr >= -1e-6).all(), "coordinates must be >= 0"
        assert (arr[:, 2] <= w + 1e-6).all() and (arr[:, 3] <= h + 1e-6).all()
    for e in res["edges"]:
        pts = np.asarray(e["points"])
        assert (pts >= -1e-6).all() and (pts[:, 0] <= w + 1e-6).all() and (pts[:, 1] <= h + 1e-6).all()

    # The drawing is tight: nothing but the margin around its contents.
    pts = np.concatenate([np.asarray(e["points"]) for e in res["edges"]] + [nodes[:, :2], nodes[:, 2:],
                                                                            lab[:, :2], lab[:, 2:],
                                                                            grads[:, :2], grads[:, 2:]])
    assert pts[:, 0].min() <= 20 and pts[:, 1].min() <= 20
    assert pts[:, 0].max() >= w - 20 and pts[:, 1].max() >= h - 20

    # No overlaps: nodes (with a margin), labels among themselves and with nodes.
    assert _overlapping_pairs(nodes, margin=4.0) == []
    assert _overlapping_pairs(lab) == []
    assert _overlapping_pairs(lab, nodes) == []
    # The gradient written under each node keeps clear of every other text and node.
    assert _overlapping_pairs(grads) == []
    assert _overlapping_pairs(grads, lab) == []
    assert _overlapping_pairs(grads, nodes) == []

    # Label text sizes follow their node labels; ops are circles, leaves boxes.
    for nd, kind in zip(res["nodes"], kinds, strict=True):
        assert nd["shape"] == ("circle" if kind == "op" else "box")
        if kind == "op":
            assert min(nd["w"], nd["h"]) >= 48 * min(1.0, scale) - 1e-6

    # Layers: inputs first (or, first used deep, just before that use), output last, edges
    # strictly left to right.
    layer = [nd["layer"] for nd in res["nodes"]]
    xs = [nd["x"] for nd in res["nodes"]]
    for i, kind in enumerate(kinds):
        if kind == "input":
            first = min((layer[v] for v, args in enumerate(inputs) if i in args), default=0)
            assert layer[i] == (first - 1 if first >= DEEP_INPUT else 0)
    used_later = any(output in args for args in inputs)
    if strict_output and not used_later and kinds[output] != "input":
        assert layer[output] == max(layer)
    for u, v, _ in edges:
        assert layer[u] < layer[v]
        assert xs[u] < xs[v]
    for e in res["edges"]:
        px = [p[0] for p in e["points"]]
        assert all(b >= a - 1e-6 for a, b in pairwise(px)), "edges run left to right"
        src, dst = res["nodes"][e["source"]], res["nodes"][e["target"]]
        assert px[0] >= src["x"] and px[-1] <= dst["x"]

    # Operand order: each op's operands enter at distinct ports, top to bottom.
    by_target: dict[int, list[dict]] = {}
    for e in res["edges"]:
        by_target.setdefault(e["target"], []).append(e)
    for es in by_target.values():
        ends = [e["points"][-1][1] for e in sorted(es, key=lambda e: e["operand"])]
        assert all(a < b for a, b in pairwise(ends)), "ports must follow operand order"

    # Edges only cross empty space: never through a node they do not touch,
    # never through a label box.
    for eid, p, q in _segments(res):
        u, v, _ = edges[eid]
        for i in np.flatnonzero((nodes[:, 0] <= max(p[0], q[0])) & (nodes[:, 2] >= min(p[0], q[0]))):
            if i not in (u, v):
                assert not _segment_hits_box(p, q, nodes[i], 0.5), (eid, int(i))
        for i in np.flatnonzero((lab[:, 0] <= max(p[0], q[0])) & (lab[:, 2] >= min(p[0], q[0]))):
            assert not _segment_hits_box(p, q, lab[i], 0.5), (eid, int(i) // 2)


def is_tree(inputs) -> bool:
    uses = [0] * len(inputs)
    for args in inputs:
        for u in args:
            uses[u] += 1
    return all(c <= 1 for c in uses)


# ---------------------------------------------------------------------------
# The lecture graphs, exactly


def test_xyz_lecture_graph():
    g = ([[], [], [], [0, 1], [3, 2]], ["input", "input", "input", "op", "op"],
         ["x", "y", "z", "+", "×"], 4)
    res = layout_graph(*g)
    check_layout(g, res)
    nodes = res["nodes"]
    assert [nd["layer"] for nd in nodes] == [0, 0, 0, 1, 2]
    assert [nd["order"] for nd in nodes[:3]] == [0, 1, 2]
    assert nodes[0]["y"] < nodes[1]["y"] < nodes[2]["y"]
    assert _crossings(res) == 0
    # The output sits between its operands' ports, + between x and y.
    assert nodes[0]["y"] < nodes[3]["y"] < nodes[1]["y"]


def test_log_sin_lecture_graph():
    g = ([[], [], [0, 1], [2], [1], [3, 4]], ["input", "input", "op", "op", "op", "op"],
         ["x1", "x2", "×", "log", "sin", "×"], 5)
    res = layout_graph(*g)
    check_layout(g, res)
    layer = [nd["layer"] for nd in res["nodes"]]
    assert layer[:4] == [0, 0, 1, 2] and layer[5] == 3
    assert _crossings(res) == 0
    assert res["nodes"][3]["y"] < res["nodes"][4]["y"]  # log above sin, as operands 0 and 1


@pytest.mark.parametrize("name, graph", [
    ("sigmoid neuron", G.sigmoid_neuron()),
    ("fan-out", G.fan_out(6)),
    ("xyz", G.xyz()),
    ("log_sin", G.log_sin()),
])
def test_lecture_graphs_valid(name, graph):
    res = layout_graph(*graph)
    check_layout(graph, res)
    if name == "sigmoid neuron":
        assert _crossings(res) == 0


def test_constants_sit_next_to_their_consumer():
    b = G.Builder()
    x = b.var("x")
    v = x
    for _ in range(5):
        v = b.op("sin", v)
    two = b.const("2")
    b.op("×", two, v)
    g = b.graph()
    res = layout_graph(*g)
    check_layout(g, res)
    layer = [nd["layer"] for nd in res["nodes"]]
    assert layer[two] == layer[-1] - 1


# ---------------------------------------------------------------------------
# Table of small cases


def _g(inputs, kinds, labels=None, output=None):
    labels = labels or [k[0] for k in kinds]
    return inputs, kinds, labels, len(inputs) - 1 if output is None else output


CASES = {
    "single input": _g([[]], ["input"], ["x"]),
    "single const": _g([[]], ["const"], ["3.14"]),
    "x*x repeated operand": _g([[], [0, 0]], ["input", "op"], ["x", "×"]),
    "x*x*x three ports": _g([[], [0, 0, 0]], ["input", "op"], ["x", "mul3"]),
    "wide op, long label": _g([[], [], [0, 1]], ["input", "input", "op"],
                              ["a_long_variable_name", "b", "logsumexp q"]),
    "dead nodes after output": _g([[], [0], [1], [0]], ["input", "op", "op", "op"],
                                  ["x", "sin", "cos", "exp"], output=2),
    "output consumed by a dead node": _g([[], [0], [1]], ["input", "op", "op"],
                                         ["x", "sin", "cos"], output=1),
    "output is an input": _g([[], [0]], ["input", "op"], ["x", "sin"], output=0),
    "dead chain longer than output": _g([[], [0], [1], [2], [3], [0]], ["input"] + ["op"] * 5,
                                        ["x", "a", "b", "c", "d", "e"], output=5),
    "input declared late": _g([[], [0], [], [1, 2]], ["input", "op", "input", "op"],
                              ["x", "sin", "y", "+"]),
    "unused const and input": _g([[], [], [], [0]], ["input", "const", "input", "op"],
                                 ["x", "7", "y", "neg"]),
    "many operands": _g([[], [], [], [], [], [0, 1, 2, 3, 4]], ["input"] * 5 + ["op"],
                        ["a", "b", "c", "d", "e", "sum"]),
    "shared subexpression": _g([[], [], [0, 1], [2, 2], [2, 3]], ["input", "input", "op", "op", "op"],
                               ["x", "y", "+ q", "×", "×"]),
    "two components": _g([[], [0], [], [2]], ["input", "op", "input", "op"], ["x", "f", "y", "g"], 3),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("chars", [0, 9, 24])
def test_small_cases(name, chars):
    g = CASES[name]
    res = layout_graph(*g, edge_label_chars=chars)
    check_layout(g, res, chars)
    if is_tree(g[0]):
        assert _crossings(res) == 0


def test_empty_graph():
    assert layout_graph([], [], [], 0) == {"width": 0, "height": 0, "nodes": [], "edges": []}


@pytest.mark.parametrize("args, match", [
    (([[1], []], ["op", "input"], ["f", "x"], 0), "earlier"),
    (([[]], ["input", "op"], ["x"], 0), "same length"),
    (([[]], ["input"], ["x"], 3), "output"),
    (([[]], ["variable"], ["x"], 0), "kind"),
    (([[], [-1]], ["input", "op"], ["x", "f"], 1), "earlier"),
])
def test_bad_input_raises(args, match):
    with pytest.raises(ValueError, match=match):
        layout_graph(*args)


# ---------------------------------------------------------------------------
# Random graphs: invariants hold on everything


@st.composite
def dags(draw, max_nodes: int = 300):
    n = draw(st.integers(1, max_nodes))
    inputs: list[list[int]] = []
    kinds: list[str] = []
    labels: list[str] = []
    pool = ["+", "×", "log", "sin", "sigmoid", "+ q", "relu t12", "x", "2.5", "w_hidden"]
    for i in range(n):
        kind = "input" if i == 0 else draw(st.sampled_from(["input", "const", "op", "op", "op", "op"]))
        if kind == "op":
            arity = draw(st.integers(1, 3))
            lo = draw(st.integers(0, i - 1))  # recent operands, like real programs
            args = [draw(st.integers(lo, i - 1)) for _ in range(arity)]
        else:
            args = []
        inputs.append(args)
        kinds.append(kind)
        labels.append(draw(st.sampled_from(pool)))
    output = draw(st.one_of(st.just(n - 1), st.integers(0, n - 1)))
    return inputs, kinds, labels, output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags())
def test_random_dags_invariants(g):
    res = layout_graph(*g)
    check_layout(g, res)


@st.composite
def trees(draw, max_ops: int = 60):
    """Expression trees: every node used once, operands in id order."""
    b = G.Builder()
    frontier: list[int] = []
    for _ in range(draw(st.integers(1, max_ops))):
        arity = draw(st.integers(1, 3))
        args = []
        for _ in range(arity):
            if frontier and draw(st.booleans()):
                args.append(frontier.pop(draw(st.integers(0, len(frontier) - 1))))
            elif draw(st.booleans()):
                args.append(b.var(f"x{len(b.inputs)}"))
            else:
                args.append(b.const("2"))
        frontier.append(b.op(draw(st.sampled_from(["+", "×", "f"])), *args))
    while len(frontier) > 1:
        frontier.append(b.op("+", frontier.pop(0), frontier.pop(0)))
    return b.graph()


@settings(max_examples=40, deadline=None)
@given(trees())
def test_trees_planar_with_operands_in_order(g):
    assert is_tree(g[0])
    res = layout_graph(*g)
    check_layout(g, res)
    assert _crossings(res) == 0
    nodes = res["nodes"]
    for args in g[0]:
        for a, b in pairwise(args):
            if nodes[a]["layer"] == nodes[b]["layer"]:
                assert nodes[a]["order"] < nodes[b]["order"]
                assert nodes[a]["y"] < nodes[b]["y"]


@pytest.mark.parametrize("size, seed", [(10, 0), (40, 1), (100, 2), (300, 3)])
def test_random_programs(size, seed):
    g = G.random_program(size, seed=seed)
    check_layout(g, layout_graph(*g))


def test_overflow_tracks_keep_invariants(monkeypatch):
    """Past the dummy budget the longest edges go over the top; still tidy."""
    monkeypatch.setattr(draw_mod, "DUMMY_BUDGET", 0)
    cache.clear()
    for g in (G.random_dag(120, seed=4, window=60), G.sigmoid_neuron(), G.fan_out(6)):
        res = layout_graph(*g)
        check_layout(g, res)
        tops = [min(p[1] for p in e["points"]) for e in res["edges"]]
        assert min(tops) < min(nd["y"] - nd["h"] / 2 for nd in res["nodes"])


# ---------------------------------------------------------------------------
# Determinism


def test_same_input_same_output():
    g = G.random_program(150, seed=11)
    first = layout_graph(*g)
    cache.clear()
    assert layout_graph(*g) == first


def test_independent_of_hash_seed():
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]);"
              "from bench.graphs import random_program, fan_out;"
              "from compgraph.engine.layout import layout_graph;"
              "print(json.dumps([layout_graph(*random_program(120, seed=5)), layout_graph(*fan_out(5))]))")
    outs = []
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", script, str(ROOT)], env=env,
                             capture_output=True, text=True, check=True)
        outs.append(run.stdout)
    assert outs[0] == outs[1]
    here = [layout_graph(*G.random_program(120, seed=5)), layout_graph(*G.fan_out(5))]
    assert json.loads(outs[0]) == json.loads(json.dumps(here))


# ---------------------------------------------------------------------------
# Scale: no recursion, bounded work


def test_chain_20000():
    g = G.chain(20_000)
    res = layout_graph(*g)
    assert len(res["nodes"]) == 20_000 and len(res["edges"]) == 19_999
    assert res["nodes"][-1]["layer"] == 19_999


def test_random_dag_20000():
    g = G.random_dag(20_000, seed=1)
    res = layout_graph(*g)
    assert len(res["nodes"]) == 20_000
    layer = [nd["layer"] for nd in res["nodes"]]
    assert all(layer[e["source"]] < layer[e["target"]] for e in res["edges"])
    assert layer[g[3]] == max(layer)


# ---------------------------------------------------------------------------
# Real programs through the engine: the labels the page writes keep apart


def _engine_graph(source: str, values: dict, **options) -> tuple[tuple, dict]:
    from compgraph import engine

    answer = engine.analyze(source, values, layout=True, default_value=0.5, **options).to_dict()
    nodes = answer["nodes"]
    graph = ([n["inputs"] for n in nodes], ["const" if n["kind"] == "param" else n["kind"] for n in nodes],
             [n["label"] or n["symbol"] for n in nodes], answer["output"])
    return graph, answer["layout"]


def _examples():
    from compgraph.app.examples import EXAMPLES

    return [(e["id"], e["source"], e["values"], e["options"]) for e in EXAMPLES]


def random_source(seed: int, statements: int = 8) -> str:
    """A program whose names fan out: each statement reuses earlier names."""
    import random

    rng = random.Random(seed)
    names = ["x", "y", "z"]
    lines = []
    for k in range(statements):
        a, b = rng.choice(names), rng.choice(names)
        form = rng.choice(["{a}*{b}", "{a} + {b}", "sin({a})*{b}", "tanh({a} - {b})", "{a}*{a} + {b}",
                           "exp(-{a})*{b}", "max({a}, {b})"])
        lines.append(f"q{k} = " + form.format(a=a, b=b))
        names.append(f"q{k}")
    lines.append(" + ".join(names[-3:]))
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "source", "values", "options"), [
    *_examples(),
    ("x*x*x*x", "x*x*x*x", {}, {}),
    *((f"random-{seed}", random_source(seed), {}, {}) for seed in range(12)),
], ids=lambda v: v if isinstance(v, str) and len(v) < 24 else None)
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_programs_keep_every_label_clear(name, source, values, options, scale):
    graph, res = _engine_graph(source, values, text_scale=scale, **options)
    check_layout(graph, res, scale=scale, strict_output=False)


@pytest.mark.parametrize("scale", [0.5, 0.8, 1.25, 2.0, 3.0])
def test_larger_text_gets_more_room(scale):
    g = G.log_sin()
    base, scaled = layout_graph(*g), layout_graph(*g, text_scale=scale)
    check_layout(g, scaled, scale=scale)
    assert (scaled["width"] > base["width"]) == (scale > 1)
    assert all((s["w"] > b["w"]) == (scale > 1) for s, b in zip(scaled["nodes"], base["nodes"], strict=True))


@pytest.mark.parametrize("scale", [0.4, 3.5, float("nan")])
def test_a_text_scale_out_of_range_is_refused(scale):
    with pytest.raises(ValueError, match="text_scale"):
        layout_graph(*G.xyz(), text_scale=scale)


# ---------------------------------------------------------------------------
# Inputs first used deep sit just before that use


def test_an_input_first_used_deep_sits_before_its_use():
    graph, res = _engine_graph(G.chain_program(8), {})
    check_layout(graph, res, strict_output=False)
    inputs, kinds, labels, _ = graph
    layer = [nd["layer"] for nd in res["nodes"]]
    for i, name in enumerate(labels):
        if kinds[i] != "input":
            continue
        first = min(layer[v] for v, args in enumerate(inputs) if i in args)
        if name in ("x", "y"):
            assert layer[i] == 0
        else:  # w2 ... w8, each beside the tanh it multiplies
            assert first >= DEEP_INPUT and layer[i] == first - 1, name


@pytest.mark.parametrize("graph", [G.xyz(), G.sigmoid_neuron(), G.log_sin()], ids=["xyz", "sigmoid", "log-sin"])
def test_the_lecture_graphs_keep_every_input_in_the_first_column(graph):
    res = layout_graph(*graph)
    assert all(nd["layer"] == 0 for nd, kind in zip(res["nodes"], graph[1], strict=True) if kind == "input")


# ---------------------------------------------------------------------------
# The ordering search: counted right, bounded


def _reference_crossings(lg, rows) -> int:
    """Crossings of an order, counted pair by pair (ports included)."""
    pos = {v: i for row in rows for i, v in enumerate(row)}
    segs = [(pos[u], pos[b], p, lg.layer[u]) for u, d in enumerate(lg.downs) for b, p in d]
    return sum(1 for a in segs for b in segs
               if a[3] == b[3] and a[0] < b[0] and (a[1], a[2]) > (b[1], b[2]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_nodes=60))
def test_the_search_counts_its_crossings_right(g):
    from compgraph.engine.layout.layered import build
    from compgraph.engine.layout.order import order_layers
    from compgraph.engine.layout.rank import assign_layers

    inputs, kinds, _, output = g
    layer = assign_layers(inputs, kinds, output)
    lg = build(inputs, layer, max(layer) + 1, draw_mod.DUMMY_BUDGET)
    rows, count = order_layers(lg, inputs, output)
    assert sorted(v for row in rows for v in row) == list(range(lg.n_items))
    assert all(lg.layer[v] == r for r, row in enumerate(rows) for v in row)
    assert count == _reference_crossings(lg, rows)


def test_the_search_is_bounded_by_its_budget():
    from compgraph.engine.layout.copies import pair_count
    from compgraph.engine.layout.layered import build
    from compgraph.engine.layout.order import SCHEDULES, budget_us, schedule, search_cost
    from compgraph.engine.layout.rank import assign_layers

    plans = []
    for size in (20, 100, 400):
        inputs, kinds, _, output = G.random_program(size, seed=size)
        layer = assign_layers(inputs, kinds, output)
        lg = build(inputs, layer, max(layer) + 1, draw_mod.DUMMY_BUDGET)
        plan = schedule(lg, pair_count(lg))
        assert plan == SCHEDULES[-1] or search_cost(lg, pair_count(lg), plan) <= budget_us(lg.n_items)
        plans.append(SCHEDULES.index(plan))
    assert plans[-1] > 0, "a large graph gets less than the fullest search"



def _shuffled_search(g, seed: int):
    """The layered graph of `g`, its layers' items shuffled by `seed`, and a Sweeps state."""
    import random

    from compgraph.engine.layout.layered import build, id_order
    from compgraph.engine.layout.rank import assign_layers
    from compgraph.engine.layout.sweeps import Sweeps

    inputs, kinds, _, output = g
    layer = assign_layers(inputs, kinds, output)
    lg = build(inputs, layer, max(layer) + 1, draw_mod.DUMMY_BUDGET)
    rows = id_order(lg)
    rng = random.Random(seed)
    for row in rows:
        rng.shuffle(row)
    return lg, rows, Sweeps(lg)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_nodes=60), st.integers(0, 2**16))
def test_plain_python_exchanges_gain_exactly_what_they_say(g, seed):
    """sweeps.py trusts every exchange's gain (it never recounts after a transpose): from a
    shuffled order, count minus gain is the reference count afterwards, and never more."""
    lg, rows, sw = _shuffled_search(g, seed)
    for it in range(3):
        pos = sw.positions(rows)
        before = sw.count(rows, pos)
        assert before == _reference_crossings(lg, rows)
        sw.sweep(rows, pos, down=it % 2 == 0)
        after_sweep = sw.count(rows, pos)
        gain = sw.transpose(rows, pos, equal=it == 2)
        assert gain >= 0
        assert pos == sw.positions(rows)
        assert after_sweep - gain == _reference_crossings(lg, rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_nodes=60), st.integers(0, 2**16))
def test_the_keys_the_count_hands_to_the_exchanges_are_the_ones_they_would_build(g, seed):
    """improve() passes the right keys _count built on to transpose instead of building them
    again: the exchanges, their gain and the order come out as with keys built afresh."""
    lg, rows, sw = _shuffled_search(g, seed)
    pos = sw.positions(rows)
    for it in range(3):
        sw.sweep(rows, pos, down=it % 2 == 0)
        fresh_rows, fresh_pos = [list(row) for row in rows], list(pos)
        count, rights = sw._count(rows, pos)
        assert count == sw.count(fresh_rows, fresh_pos)
        handed = sw.transpose(rows, pos, equal=it == 2, rights=rights)
        built = sw.transpose(fresh_rows, fresh_pos, equal=it == 2)
        assert (handed, rows, pos) == (built, fresh_rows, fresh_pos)


def test_the_plain_python_search_stops_at_its_budget(monkeypatch):
    from compgraph.engine.layout import sweeps
    from compgraph.engine.layout.layered import build
    from compgraph.engine.layout.order import (
        BUDGET_BASE,
        OVERRUN,
        PY_BUDGET_PER_ITEM,
        PY_ITEMS,
        budget_us,
    )
    from compgraph.engine.layout.rank import assign_layers
    from compgraph.engine.layout.starts import lazy_starts
    from compgraph.engine.layout.sweeps import MAX_PASSES, WORK_US, search

    begun = []  # the work done when each start began, in µs
    improve = sweeps.Sweeps.improve

    def watched(self, start, limit_us):
        begun.append(self.work * WORK_US)
        return improve(self, start, limit_us)

    monkeypatch.setattr(sweeps.Sweeps, "improve", watched)
    cut, overran = [], []
    for size in (20, 60, 100):
        inputs, kinds, _, output = G.random_program(size, seed=size)
        layer = assign_layers(inputs, kinds, output)
        lg = build(inputs, layer, max(layer) + 1, draw_mod.DUMMY_BUDGET)
        assert lg.n_items <= PY_ITEMS
        budget = budget_us(lg.n_items, PY_BUDGET_PER_ITEM)
        iteration = WORK_US * (3 + MAX_PASSES) * lg.n_items  # the most one iteration visits
        overrun = OVERRUN * (BUDGET_BASE + PY_BUDGET_PER_ITEM * lg.n_items)
        begun.clear()
        _, _, sw = search(lg, lazy_starts(lg, inputs, output), budget, overrun)
        # no start begins past the budget, no iteration past the overrun
        assert all(w <= budget for w in begun)
        assert sw.work * WORK_US <= budget + overrun + iteration
        cut.append(sw.work * WORK_US > budget)
        overran.append(sw.work * WORK_US > budget + iteration)
    assert cut[-1], "a 100-statement program's search ends at the budget, not at its last start"
    assert any(overran), "the start begun within the budget goes on past it"


def test_isotonic_regression_pooled_and_padded_agree_with_pav():
    from compgraph.engine.layout.coord import _isotonic, _isotonic_padded

    def pav(z, w):
        blocks = []
        for zi, wi in zip(z, w, strict=True):
            blocks.append([zi * wi, wi, 1])
            while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
                s, ww, c = blocks.pop()
                blocks[-1] = [blocks[-1][0] + s, blocks[-1][1] + ww, blocks[-1][2] + c]
        return [s / ww for s, ww, c in blocks for _ in range(c)]

    rng = np.random.default_rng(7)
    for _ in range(200):
        lens = rng.integers(1, 9, size=rng.integers(1, 6))
        z, w = rng.normal(size=lens.sum()), rng.uniform(0.1, 3.0, size=lens.sum())
        first = np.zeros(lens.sum(), dtype=bool)
        first[np.concatenate([[0], np.cumsum(lens)[:-1]])] = True
        run = np.cumsum(first) - 1
        where = (run, np.arange(lens.sum()) - np.concatenate([[0], np.cumsum(lens)])[run])
        want = np.concatenate([pav(z[a:a + k], w[a:a + k]) for a, k in zip(np.cumsum(lens) - lens, lens, strict=True)])
        assert np.allclose(_isotonic(z, w, first), want)
        assert np.allclose(_isotonic_padded(z, w, where, (len(lens), lens.max())), want)


# ---------------------------------------------------------------------------
# The cache of layouts


def test_the_same_graph_again_comes_from_the_cache_as_a_fresh_copy():
    cache.clear()
    g = G.random_program(60, seed=3)
    first = layout_graph(*g)
    assert cache.held()[0] == 1
    first["nodes"][0]["x"] = -1.0
    first["edges"][0]["points"][0][0] = -1.0
    again = layout_graph(*g)
    assert cache.held()[0] == 1
    assert again["nodes"][0]["x"] != -1.0 and again["edges"][0]["points"][0][0] != -1.0
    cache.clear()
    assert layout_graph(*g) == again


def test_the_cache_key_holds_what_the_layout_reads():
    cache.clear()
    inputs, kinds, labels, output = G.log_sin()
    base = layout_graph(inputs, kinds, labels, output)
    # the same sizes (a label of the same width): the same layout, from the cache
    same = layout_graph(inputs, kinds, ["x3", *labels[1:]], output)
    assert same == base and cache.held()[0] == 1
    # a wider label, another text size, another output, another operand order: laid out anew
    wide = layout_graph(inputs, kinds, ["x_first_input", *labels[1:]], output)
    assert wide["nodes"][0]["w"] > base["nodes"][0]["w"]
    assert layout_graph(inputs, kinds, labels, output, text_scale=1.5)["width"] > base["width"]
    swapped = [list(reversed(a)) if len(a) == 2 else a for a in inputs]
    assert layout_graph(swapped, kinds, labels, output)["edges"][0]["source"] == swapped[2][0]
    assert cache.held()[0] == 4
    assert layout_graph(inputs, kinds, labels, output, edge_label_chars=4)["width"] < base["width"]


def test_the_cache_is_bounded(monkeypatch):
    cache.clear()
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    for seed in range(8):
        layout_graph(*G.random_program(30, seed=seed))
    assert cache.held()[0] == 5
    monkeypatch.setattr(cache, "MAX_BYTES", 200_000)
    for seed in range(8, 16):
        layout_graph(*G.random_program(80, seed=seed))
    entries, held = cache.held()
    assert held <= 200_000 and 0 < entries <= 5
    cache.clear()
