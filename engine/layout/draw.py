"""layout_graph: a computational graph laid out left to right (Sugiyama-style).

Pipeline: node sizes from their labels (text.py) -> layers (rank.py) -> the proper layered
graph, a dummy per layer a long edge crosses (layered.py) -> the order within layers
(order.py, bounded by a work budget) -> columns with a label item per edge segment
(columns.py) -> vertical coordinates (coord.py) -> columns placed left to right, edge
polylines and label anchors (route.py) -> the returned dict (result.py). A graph asked for
again comes from the cache (cache.py).

`text_scale` scales every text size, and the room reserved for it, together. Everything is
deterministic (no hashing-order dependence, no randomness, no clock) and nothing recurses:
a 20,000-node chain is fine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..gcpause import collector_paused
from . import cache
from .columns import build_columns
from .coord import Solver, compact_components
from .coordpy import PY_ITEMS, ListSolver
from .layered import build
from .order import order_layers
from .rank import assign_layers
from .result import result
from .route import route
from .text import EDGE_LABEL_CHARS, node_size

DUMMY_BUDGET = 30_000   # beyond this many dummies the longest edges go over the top
TEXT_SCALES = (0.5, 3.0)  # the text scales a layout accepts
SWEEP_ITEMS = 120_000   # item updates the coordinate sweeps may make (at most MAX_SWEEPS sweeps)
MAX_SWEEPS = 6


def _check(inputs: Sequence[Sequence[int]], kinds: Sequence[str], labels: Sequence[str],
           output: int, edge_label_chars: int, text_scale: float) -> list[list[int]]:
    n = len(inputs)
    if len(kinds) != n or len(labels) != n:
        raise ValueError("inputs, kinds and labels must have the same length")
    if n and not 0 <= output < n:
        raise ValueError(f"output {output} is not a node id")
    if edge_label_chars < 0:
        raise ValueError("edge_label_chars must be >= 0")
    if not TEXT_SCALES[0] <= text_scale <= TEXT_SCALES[1]:
        raise ValueError(f"text_scale must be from {TEXT_SCALES[0]} to {TEXT_SCALES[1]}")
    out: list[list[int]] = []
    for i, args in enumerate(inputs):
        if kinds[i] not in ("input", "const", "op"):
            raise ValueError(f"node {i}: unknown kind {kinds[i]!r}")
        row = list(map(int, args))  # no comprehension frame per node
        if row and (min(row) < 0 or max(row) >= i):
            raise ValueError(f"node {i}: operands must be earlier node ids, got {row}")
        out.append(row)
    return out


def layout_graph(inputs: Sequence[Sequence[int]], kinds: Sequence[str], labels: Sequence[str],
                 output: int, *, edge_label_chars: int = EDGE_LABEL_CHARS, text_scale: float = 1.0) -> dict:
    """Lay out a computational graph left to right; see the module docs.

    Returns {"width", "height", "nodes", "edges"} in px, origin top-left:
    nodes[i] = {"id", "x", "y" (centre), "w", "h", "layer", "order" (rank
    among the real nodes of its layer, top = 0), "shape": "circle" (an
    ellipse inscribed in w x h) | "box"}; edges[e] for the e-th operand
    edge = {"id", "source", "target", "operand", "points" (polyline from the
    source's right side to the target's port), "value_at", "grad_at" (centres
    of the two label boxes, each edge_label_chars * 0.6 * 15 px wide and
    23 px high, times text_scale: draw with text-anchor middle, dominant-baseline
    central), "label_anchor": "middle"}. Under each node but an input there is room
    for its gradient (see columns.py).
    """
    ins = _check(inputs, kinds, labels, output, edge_label_chars, text_scale)
    if not ins:
        return {"width": 0, "height": 0, "nodes": [], "edges": []}
    kinds = list(kinds)
    sizes = [node_size(kinds[i], str(labels[i]), len(ins[i]), text_scale) for i in range(len(ins))]
    k = cache.key(ins, kinds, output, sizes, edge_label_chars, text_scale, DUMMY_BUDGET)
    hit = cache.get(k)
    if hit is not None:
        return hit
    # Everything built here is acyclic: the cycle collector only costs time.
    with collector_paused():
        drawing = _layout(ins, kinds, output, sizes, edge_label_chars, text_scale)
    cache.put(k, drawing)
    return drawing


def _layout(ins: list[list[int]], kinds: list[str], output: int, sizes: list[tuple[float, float, str]],
            edge_label_chars: int, text_scale: float) -> dict:
    layer = assign_layers(ins, kinds, output)
    lg = build(ins, layer, max(layer) + 1, DUMMY_BUDGET)
    rows, _ = order_layers(lg, ins, output)
    graded = [kind != "input" for kind in kinds]
    cl = build_columns(lg, rows, ins, sizes, graded, edge_label_chars, text_scale)
    n_items = len(cl.half)
    sweeps = min(MAX_SWEEPS, max(2, SWEEP_ITEMS // n_items))
    half, pad = cl.half.tolist(), cl.pad.tolist()
    ti, tj, toff, tw = (t.tolist() for t in cl.terms)
    if n_items <= PY_ITEMS:  # numpy's per-call cost outweighs the work (coordpy.py)
        y = ListSolver(cl.cols, half, pad, (ti, tj, toff, tw)).solve(sweeps)
    else:
        y = Solver(cl.cols, cl.half, cl.pad, cl.terms).solve(sweeps).tolist()
    y = np.asarray(compact_components(cl.cols, y, half, pad, ti, tj))
    rt = route(lg, cl, y, sizes, text_scale)
    return result(lg, rows, cl, y, rt, sizes, graded, text_scale)
