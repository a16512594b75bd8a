"""The layout as the engine returns it: everything shifted to a margin from the origin,
rounded to 0.01 px, as plain lists and dicts (JSON-ready)."""

from __future__ import annotations

import numpy as np

from .columns import Columns
from .layered import Layered, Order
from .route import Routes
from .text import GRAD_GAP, GRAD_H, GRAD_W

MARGIN = 8.0


def result(lg: Layered, rows: Order, cl: Columns, y: np.ndarray, rt: Routes,
           sizes: list[tuple[float, float, str]], graded: list[bool], text_scale: float) -> dict:
    n, s = lg.n_real, text_scale
    n_cols = len(rt.xc)
    col = cl.col
    left0, right1 = rt.xc[0] - rt.col_w[0] / 2, rt.xc[-1] + rt.col_w[-1] / 2
    min_y = min([rt.top, *rt.track_y])
    bottom = y + cl.half
    g = np.asarray(graded[:n])
    h = np.asarray([sz[1] for sz in sizes])
    if g.any():  # the gradient written under a node
        bottom[:n] = np.where(g, y[:n] + h / 2 + (GRAD_GAP + GRAD_H) * s, bottom[:n])
    max_y = float(bottom.max())
    # A gradient under a node of the first or last column may be wider than the column.
    spill = []
    for c in (0, n_cols - 1):
        wide = [(GRAD_W * s - rt.col_w[c]) / 2 for v in cl.cols[c] if v < n and graded[v]]
        spill.append(max([0.0, *wide]))
    dx, dy = MARGIN + spill[0] - left0, MARGIN - min_y
    px = np.round(rt.px + dx, 2).tolist()
    py = np.round(rt.py + dy, 2).tolist()
    value_at = np.round(rt.value_at + (dx, dy), 2).tolist()
    grad_at = np.round(rt.grad_at + (dx, dy), 2).tolist()
    at = rt.starts.tolist()
    edges = [{
        "id": e, "source": u, "target": v, "operand": k,
        "points": [list(p) for p in zip(px[at[e]:at[e + 1]], py[at[e]:at[e + 1]], strict=True)],
        "value_at": value_at[e], "grad_at": grad_at[e], "label_anchor": "middle",
    } for e, (u, v, k) in enumerate(lg.edges)]
    order_in_layer = [0] * n
    for row in rows:
        i = 0
        for v in row:
            if v < n:
                order_in_layer[v] = i
                i += 1
    nx = np.round(rt.xc[col[:n]] + dx, 2).tolist()
    ny = np.round(y[:n] + dy, 2).tolist()
    wh = np.round(np.asarray([sz[:2] for sz in sizes], dtype=float), 2).tolist()
    nodes = [{
        "id": v, "x": nx[v], "y": ny[v], "w": wh[v][0], "h": wh[v][1], "layer": lg.layer[v],
        "order": order_in_layer[v], "shape": sizes[v][2],
    } for v in range(n)]
    return {
        "width": _r(right1 - left0 + 2 * MARGIN + spill[0] + spill[1]),
        "height": _r(max_y - min_y + 2 * MARGIN),
        "nodes": nodes,
        "edges": edges,
    }


def _r(v: float) -> float:
    return round(float(v), 2) + 0.0
