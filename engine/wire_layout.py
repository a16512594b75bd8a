"""The layout in the compact wire format: coordinates as flat arrays.

layout_graph returns a dict per node and per edge; here each field becomes one
column, read with C-level iteration (map, itemgetter, chain) rather than a Python
loop per item. Node i's box and edge e's polyline keep their ids' order, and an
edge's id, source, target and operand are the graph's own (node i's operand edges,
in order), so they are not repeated.

    {"width", "height",
     "nodes": {"x", "y", "w", "h", "layer", "order", "shape": [index into "shapes"],
               "shapes": ["circle", "box"]},
     "edges": {"points": [x0, y0, x1, y1, ...] (every edge's polyline, one after
               another), "count": [points per edge], "value_at": [x, y, ...],
               "grad_at": [x, y, ...], "label_anchor": one string for every edge, or
               one per edge}}

Polylines are most of a drawing's numbers. When every coordinate is a whole number of
hundredths (the layout rounds them so) they travel as "points_centi" instead of
"points": integers, per edge its first point in hundredths of a px, then each next
point's difference from the one before (x and y interleaved), which is half the size;
k / 100 gives back the very same double.
"""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

import numpy as np

_flat = chain.from_iterable


def layout_columns(layout: dict, edge_count: int) -> dict:
    nodes, edges = layout["nodes"], layout["edges"]
    if len(edges) != edge_count:
        raise ValueError(f"the layout has {len(edges)} edges, the graph {edge_count}")
    shapes = sorted(set(map(itemgetter("shape"), nodes)))
    shape_index = {shape: k for k, shape in enumerate(shapes)}
    anchors = list(map(itemgetter("label_anchor"), edges))
    points = list(map(itemgetter("points"), edges))
    counts = list(map(len, points))
    flat = list(_flat(_flat(points)))
    centi = _centi_deltas(flat, counts)
    return {
        "width": layout["width"], "height": layout["height"],
        "nodes": {
            **{key: list(map(itemgetter(key), nodes)) for key in ("x", "y", "w", "h", "layer", "order")},
            "shape": list(map(shape_index.__getitem__, map(itemgetter("shape"), nodes))),
            "shapes": shapes,
        },
        "edges": {
            **({"points": flat} if centi is None else {"points_centi": centi}),
            "count": counts,
            "value_at": list(_flat(map(itemgetter("value_at"), edges))),
            "grad_at": list(_flat(map(itemgetter("grad_at"), edges))),
            "label_anchor": anchors[0] if len(set(anchors)) == 1 else anchors,
        },
    }


def _centi_deltas(flat: list[float], counts: list[int]) -> np.ndarray | None:
    """The polylines in hundredths, each point after an edge's first as a difference; None
    unless that gives back every coordinate exactly (a negative zero would come back as 0)."""
    coordinates = np.asarray(flat, dtype=np.float64)
    if not coordinates.size:
        return None
    hundredths = np.rint(coordinates * 100)
    if (not np.isfinite(hundredths).all() or np.abs(hundredths).max() > 2.0**52
            or not (hundredths / 100 == coordinates).all() or np.signbit(coordinates[coordinates == 0]).any()):
        return None
    whole = hundredths.astype(np.int64).reshape(-1, 2)
    deltas = whole.copy()
    deltas[1:] -= whole[:-1]
    firsts = np.cumsum([0, *counts[:-1]])
    deltas[firsts] = whole[firsts]
    return deltas.ravel()
