"""Left-to-right layered (Sugiyama-style) layout of a computational graph.

Pipeline: node sizes from their labels -> layers (layout_rank) -> proper
layered graph with a dummy per layer a long edge crosses -> ordering within
layers (layout_order) -> vertical coordinates (layout_coord) -> columns,
edge polylines and label anchors (here).

Between every two layers sits a label column. Each edge segment crossing it
gets an item there; the item of an edge's last segment carries its two text
labels (forward value above the line, gradient below, in a box) and the edge
runs horizontally underneath them. Because labels, dummies and nodes are all
items of columns that the coordinate step keeps apart, nothing overlaps: edges
only ever slope inside the empty gaps between columns.

Each node but an input also gets room under it for its gradient, two lines
(the number, then "k of n so far" while contributions are still arriving):
NODE_PAD keeps what follows in its column clear of them, and a node's column is
wide enough that the text, wider than the node, stays out of the label columns
beside it. An input's gradient is written to its left, outside the drawing.

`text_scale` scales every text size, and the room reserved for it, together.

Everything is deterministic: no hashing-order dependence, no randomness,
no recursion (a 20,000-node chain is fine).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .gcpause import collector_paused
from .layout_build import LABEL, PASS, LayoutGraph, build, dedupe, overflow_tracks
from .layout_coord import compact_components, solve_y
from .layout_order import order_layers
from .layout_rank import assign_layers
from .layout_text import (
    EDGE_CHAR_EM,
    EDGE_FONT,
    EDGE_LABEL_CHARS,
    GRAD_GAP,
    GRAD_H,
    GRAD_W,
    LABEL_LINE_H,
    node_size,
)

LABEL_GAP = 6.0         # between a label box and the edge line it sits on
LABEL_SIDE = 4.0        # line beyond each side of the label boxes
NODE_PAD = 36.0         # clearance around nodes in a column: room for the gradient drawn under a node
DUMMY_PAD = 8.0         # spacing of parallel edge lines
LABEL_PAD = 10.0        # between the label boxes of neighbouring edges, so they never read as one column
GAP = 26.0              # between adjacent columns
GAP_SLOPE = 0.12        # extra gap per px of vertical travel, to tame steep lines
GAP_EXTRA_MAX = 48.0
TRACK_GAP = 8.0         # spacing of overflow tracks above the drawing
MARGIN = 8.0
DUMMY_BUDGET = 30_000   # beyond this many dummies the longest edges use tracks
TEXT_SCALES = (0.5, 3.0)  # the text scales a layout accepts


def grad_column_width(w: float, text_scale: float = 1.0) -> float:
    """How wide a node's column must be for the gradient written under it: the text may
    reach into the gap beside the column, short of the label column's boxes."""
    return max(w, GRAD_W * text_scale - 2 * (GAP - LABEL_SIDE - 2.0))


def port_offsets(h: float, m: int) -> list[float]:
    """y offsets of a node's m input ports, top to bottom in operand order."""
    if m <= 1:
        return [0.0] * m
    span = min(0.6 * h, 20.0 * (m - 1))
    return [-span / 2 + k * span / (m - 1) for k in range(m)]


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
        row = [int(j) for j in args]
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
    for its gradient (see the module docs).
    """
    ins = _check(inputs, kinds, labels, output, edge_label_chars, text_scale)
    if not ins:
        return {"width": 0, "height": 0, "nodes": [], "edges": []}
    # Everything built here is acyclic: the cycle collector only costs time.
    with collector_paused():
        return _layout(ins, kinds, labels, output, edge_label_chars, text_scale)


def _layout(ins: list[list[int]], kinds: Sequence[str], labels: Sequence[str], output: int,
            edge_label_chars: int, text_scale: float) -> dict:
    n = len(ins)
    sizes = [node_size(kinds[i], str(labels[i]), len(ins[i]), text_scale) for i in range(n)]
    layer = assign_layers(ins, kinds, output)
    n_layers = max(layer) + 1
    g = build(ins, layer, n_layers, DUMMY_BUDGET)
    rows, _ = order_layers(g.lg, ins, output, g.chains, g.edge_of)
    graded = [kinds[v] != "input" for v in range(n)]
    return _geometry(g, rows, ins, sizes, layer, edge_label_chars, text_scale, graded)


def _geometry(g: LayoutGraph, rows: list[list[int]], ins: list[list[int]],
              sizes: list[tuple[float, float, str]], layer: list[int],
              edge_label_chars: int, text_scale: float, graded: list[bool]) -> dict:
    lg = g.lg
    n = lg.n_real
    n_cols = 2 * lg.n_layers - 1
    pos = [0] * lg.n_items
    for row in rows:
        for i, v in enumerate(row):
            pos[v] = i
    s = text_scale
    label_w = edge_label_chars * EDGE_CHAR_EM * EDGE_FONT * s
    label_half = LABEL_LINE_H * s + LABEL_GAP / 2
    node_pad = NODE_PAD * s

    # Items: real nodes and dummies first (ids as in lg), then label-column items.
    kind = list(g.kind)
    width = [(grad_column_width(sizes[v][0], s) if graded[v] else sizes[v][0]) if v < n else 0.0
             for v in range(lg.n_items)]
    half = [sizes[v][1] / 2 if v < n else 0.0 for v in range(lg.n_items)]
    pad = [node_pad if v < n else DUMMY_PAD for v in range(lg.n_items)]
    col = [2 * lg.layer[v] for v in range(lg.n_items)]
    ports = [port_offsets(sizes[v][1], len(ins[v])) for v in range(n)]

    def port_dy(b: int, port: int) -> float:
        return ports[b][port] if b < n else 0.0

    cols: list[list[int]] = [[] for _ in range(n_cols)]
    for r, row in enumerate(rows):
        cols[2 * r] = list(row)
    odd_keys: list[list[tuple[int, int, int, int, int]]] = [[] for _ in range(n_cols)]
    seg_item: list[list[int]] = []  # per edge: its label-column items, left to right
    terms: list[tuple[int, int, float, float]] = []
    for e, (_, v, k) in enumerate(g.edges):
        chain = g.chains[e]
        mids: list[int] = []
        pairs = list(zip(chain, chain[1:], strict=False)) if chain else [(-1, v)]
        for a, b in pairs:
            o = len(kind)
            last = b == v
            kind.append(LABEL if last else PASS)
            width.append(label_w + 2 * LABEL_SIDE if last else 0.0)
            half.append(label_half if last else 0.0)
            pad.append(LABEL_PAD if last else DUMMY_PAD)
            c = col[b] - 1
            col.append(c)
            port = k if last else 0
            odd_keys[c].append((pos[b], port, pos[a] if a >= 0 else -1, e, o))
            mids.append(o)
            inner = (a >= n) + (b >= n)
            wt = (1.0, 2.0, 8.0)[inner]
            if a >= 0:
                terms.append((o, a, 0.0, wt))
            terms.append((o, b, port_dy(b, port), wt))
        seg_item.append(mids)
    for c in range(1, n_cols, 2):
        odd_keys[c].sort()
        cols[c] = [key[-1] for key in odd_keys[c]]

    n_items = len(kind)
    # Exact block sweeps from centred columns, as many as a fixed budget of
    # item updates allows (the first few sweeps do most of the work).
    sweeps = min(80, max(1, 60_000 // n_items))
    y = solve_y(cols, half, pad, terms, max_sweeps=sweeps, tol=0.1)
    y = compact_components(cols, y, half, pad, terms)

    # Columns: widths, then gaps sized by how far edges travel vertically.
    col_w = [max((width[v] for v in cs), default=0.0) for cs in cols]
    travel = [0.0] * n_cols
    if terms:
        ti, tj, toff, _ = (np.asarray(a) for a in zip(*terms, strict=True))
        ya, ca = np.asarray(y), np.asarray(col)
        ti, tj = ti.astype(np.int64), tj.astype(np.int64)
        far = np.zeros(n_cols)
        np.maximum.at(far, np.minimum(ca[ti], ca[tj]), np.abs(ya[ti] - ya[tj] - toff))
        travel = far.tolist()
    channel_edges = [e for e in range(len(g.edges)) if g.channel[e]]
    tracks, track_of = overflow_tracks(g, channel_edges, col)
    gap = [GAP + min(GAP_EXTRA_MAX, GAP_SLOPE * travel[c]) for c in range(n_cols)]
    for c in range(n_cols):
        if tracks[c]:
            gap[c] += 4.0 * tracks[c] + 4.0
    xc = [0.0] * n_cols
    for c in range(1, n_cols):
        xc[c] = xc[c - 1] + col_w[c - 1] / 2 + gap[c - 1] + col_w[c] / 2
    left = [xc[c] - col_w[c] / 2 for c in range(n_cols)]
    right = [xc[c] + col_w[c] / 2 for c in range(n_cols)]

    ya, ha = np.asarray(y), np.asarray(half)
    top = float((ya - ha).min())
    track_y = [top - TRACK_GAP * (t + 1) for t in range(max(track_of.values(), default=-1) + 1)]

    def boundary(v: int, dy: float, side: float) -> float:
        w, h, shape = sizes[v]
        cx = xc[col[v]]
        if shape == "box":
            return cx + side * w / 2
        q = 1.0 - (2 * dy / h) ** 2
        return cx + side * (w / 2) * math.sqrt(max(q, 0.0))

    edges_out: list[dict] = []
    for e, (u, v, k) in enumerate(g.edges):
        yu = y[u]
        pts: list[tuple[float, float]] = [(boundary(u, 0.0, 1.0), yu), (right[col[u]], yu)]
        mids = seg_item[e]
        if g.channel[e]:
            t = track_of[e]
            rise = right[col[u]] + 4.0 + 4.0 * t
            o = mids[0]
            drop = right[col[o] - 1] + 4.0 + 4.0 * t
            pts += [(rise, yu), (rise, track_y[t]), (drop, track_y[t]), (drop, y[o])]
        chain = g.chains[e]
        for idx, o in enumerate(mids):
            pts += [(left[col[o]], y[o]), (right[col[o]], y[o])]
            nxt = chain[idx + 1] if chain else v
            if nxt != v:
                pts += [(left[col[nxt]], y[nxt]), (right[col[nxt]], y[nxt])]
        dy = ports[v][k]
        pts += [(left[col[v]], y[v] + dy), (boundary(v, dy, -1.0), y[v] + dy)]
        lab = mids[-1]
        edges_out.append({
            "id": e, "source": u, "target": v, "operand": k,
            "points": dedupe(pts),
            "value_at": [xc[col[lab]], y[lab] - LABEL_GAP / 2 - LABEL_LINE_H * s / 2],
            "grad_at": [xc[col[lab]], y[lab] + LABEL_GAP / 2 + LABEL_LINE_H * s / 2],
            "label_anchor": "middle",
        })

    # Shift everything to a margin from the origin and round (vectorised:
    # big graphs have hundreds of thousands of points).
    min_y = min([top, *track_y])
    max_y = float((ya + ha).max())
    below = [y[v] + sizes[v][1] / 2 + (GRAD_GAP + GRAD_H) * s for v in range(n) if graded[v]]
    max_y = max([max_y, *below])
    # A gradient under a node of the first or last column may be wider than the column.
    spill = [max([0.0, *((GRAD_W * s - col_w[c]) / 2 for v in cols[c] if v < n and graded[v])])
             for c in (0, n_cols - 1)]
    dx, dy0 = MARGIN + spill[0] - (xc[0] - col_w[0] / 2), MARGIN - min_y
    order_in_layer = [0] * n
    for row in rows:
        i = 0
        for v in row:
            if v < n:
                order_in_layer[v] = i
                i += 1
    flat_x: list[float] = []
    flat_y: list[float] = []
    for ed in edges_out:
        for px, py in ed["points"]:
            flat_x.append(px)
            flat_y.append(py)
        for key in ("value_at", "grad_at"):
            flat_x.append(ed[key][0])
            flat_y.append(ed[key][1])
    for v in range(n):
        flat_x.append(xc[col[v]])
        flat_y.append(y[v])
    fx = np.round(np.asarray(flat_x) + dx, 2).tolist()
    fy = np.round(np.asarray(flat_y) + dy0, 2).tolist()
    at = 0
    for ed in edges_out:
        k = len(ed["points"])
        ed["points"] = [[a, b] for a, b in zip(fx[at:at + k], fy[at:at + k], strict=True)]
        ed["value_at"] = [fx[at + k], fy[at + k]]
        ed["grad_at"] = [fx[at + k + 1], fy[at + k + 1]]
        at += k + 2
    size_r = np.round(np.asarray([sz[:2] for sz in sizes], dtype=float), 2).tolist()
    nodes_out = [{
        "id": v, "x": fx[at + v], "y": fy[at + v],
        "w": size_r[v][0], "h": size_r[v][1], "layer": layer[v],
        "order": order_in_layer[v], "shape": sizes[v][2],
    } for v in range(n)]
    return {
        "width": _r(right[-1] - left[0] + 2 * MARGIN + spill[0] + spill[1]),
        "height": _r(max_y - min_y + 2 * MARGIN),
        "nodes": nodes_out,
        "edges": edges_out,
    }


def _r(v: float) -> float:
    return round(float(v), 2) + 0.0
