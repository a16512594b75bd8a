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
"""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

_flat = chain.from_iterable


def layout_columns(layout: dict, edge_count: int) -> dict:
    nodes, edges = layout["nodes"], layout["edges"]
    if len(edges) != edge_count:
        raise ValueError(f"the layout has {len(edges)} edges, the graph {edge_count}")
    shapes = sorted(set(map(itemgetter("shape"), nodes)))
    shape_index = {shape: k for k, shape in enumerate(shapes)}
    anchors = list(map(itemgetter("label_anchor"), edges))
    points = list(map(itemgetter("points"), edges))
    return {
        "width": layout["width"], "height": layout["height"],
        "nodes": {
            **{key: list(map(itemgetter(key), nodes)) for key in ("x", "y", "w", "h", "layer", "order")},
            "shape": list(map(shape_index.__getitem__, map(itemgetter("shape"), nodes))),
            "shapes": shapes,
        },
        "edges": {
            "points": list(_flat(_flat(points))),
            "count": list(map(len, points)),
            "value_at": list(_flat(map(itemgetter("value_at"), edges))),
            "grad_at": list(_flat(map(itemgetter("grad_at"), edges))),
            "label_anchor": anchors[0] if len(set(anchors)) == 1 else anchors,
        },
    }
