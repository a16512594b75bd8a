"""The drawing's columns: what sits where before anything has a coordinate.

Even columns hold the layers' items (nodes and dummies), in their order. Between every two
layers sits a label column: each edge segment crossing it gets an item there; the item of an
edge's last segment carries its two text labels (forward value above the line, gradient
below, in a box) and the edge runs horizontally underneath them. Because labels, dummies and
nodes are all items of columns that the coordinate step keeps apart, nothing overlaps:
edges only ever slope inside the empty gaps between columns.

Each node but an input also gets room under it for its gradient, two lines (the number,
then "k of n so far" while contributions are still arriving): NODE_PAD keeps what follows in
its column clear of them, and a node's column is wide enough that the text, wider than the
node, stays out of the label columns beside it. An input's gradient is written to its left,
outside the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layered import Layered, Order
from .text import EDGE_CHAR_EM, EDGE_FONT, GRAD_W, LABEL_LINE_H

LABEL_GAP = 6.0         # between a label box and the edge line it sits on
LABEL_SIDE = 4.0        # line beyond each side of the label boxes
NODE_PAD = 36.0         # clearance around nodes in a column: room for the gradient under a node
DUMMY_PAD = 8.0         # spacing of parallel edge lines
LABEL_PAD = 10.0        # between the label boxes of neighbouring edges, so they never read as one
GAP = 26.0              # between adjacent columns
# Piece weights by how many of its two ends are dummies: long edges come out straight.
WEIGHT = (1.0, 2.0, 8.0)


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


@dataclass
class Columns:
    """Items: the layered graph's (ids as there), then one per edge segment in a label column."""

    cols: list[list[int]]          # per column: its items top to bottom
    col: np.ndarray                # per item: its column
    width: np.ndarray              # per item: how wide its column must be
    half: np.ndarray               # per item: half its height
    pad: np.ndarray                # per item: clearance to its neighbours in the column
    labels: list[list[int]]        # per edge: its label-column items, left to right
    ports: list[list[float]]       # per node: port offsets
    terms: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # (i, j, off, w): w(y_i - y_j - off)^2


def build_columns(lg: Layered, rows: Order, inputs: list[list[int]], sizes: list[tuple[float, float, str]],
                  graded: list[bool], edge_label_chars: int, text_scale: float) -> Columns:
    n, s = lg.n_real, text_scale
    n_cols = 2 * lg.n_layers - 1
    pos = [0] * lg.n_items
    for row in rows:
        for i, v in enumerate(row):
            pos[v] = i
    label_w = edge_label_chars * EDGE_CHAR_EM * EDGE_FONT * s + 2 * LABEL_SIDE
    label_half = LABEL_LINE_H * s + LABEL_GAP / 2
    width = [(grad_column_width(sizes[v][0], s) if graded[v] else sizes[v][0]) for v in range(n)]
    width += [0.0] * (lg.n_items - n)
    half = [sizes[v][1] / 2 for v in range(n)] + [0.0] * (lg.n_items - n)
    pad = [NODE_PAD * s] * n + [DUMMY_PAD] * (lg.n_items - n)
    col = [2 * c for c in lg.layer]
    ports = [port_offsets(sizes[v][1], len(inputs[v])) for v in range(n)]
    cols: list[list[int]] = [[] for _ in range(n_cols)]
    for r, row in enumerate(rows):
        cols[2 * r] = list(row)
    odd_keys: list[list[tuple[int, int, int, int, int]]] = [[] for _ in range(n_cols)]
    labels: list[list[int]] = []
    ti: list[int] = []
    tj: list[int] = []
    toff: list[float] = []
    tw: list[float] = []
    item = lg.n_items
    for e, (_, v, k) in enumerate(lg.edges):
        chain = lg.chains[e]
        mids: list[int] = []
        for a, b in (zip(chain, chain[1:], strict=False) if chain else [(-1, v)]):
            last = b == v
            width.append(label_w if last else 0.0)
            half.append(label_half if last else 0.0)
            pad.append(LABEL_PAD if last else DUMMY_PAD)
            c = col[b] - 1
            col.append(c)
            port = k if last else 0
            odd_keys[c].append((pos[b], port, pos[a] if a >= 0 else -1, e, item))
            mids.append(item)
            wt = WEIGHT[(a >= n) + (b >= n)]
            if a >= 0:
                ti.append(item)
                tj.append(a)
                toff.append(0.0)
                tw.append(wt)
            ti.append(item)
            tj.append(b)
            toff.append(ports[b][port] if b < n else 0.0)
            tw.append(wt)
            item += 1
        labels.append(mids)
    for c in range(1, n_cols, 2):
        odd_keys[c].sort()
        cols[c] = [key[-1] for key in odd_keys[c]]
    terms = (np.asarray(ti, dtype=np.int64), np.asarray(tj, dtype=np.int64),
             np.asarray(toff, dtype=np.float64), np.asarray(tw, dtype=np.float64))
    return Columns(cols, np.asarray(col, dtype=np.int64), np.asarray(width), np.asarray(half),
                   np.asarray(pad), labels, ports, terms)
