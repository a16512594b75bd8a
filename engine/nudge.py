"""Nudge one variable by ε: each node's predicted change beside its actual change.

    predicted = ∂node/∂x · ε        (first order: the node's derivative w.r.t. x,
                                     from one forward-mode tangent pass)
    actual    = node(x + ε) − node(x)  (the engine's own forward pass, run again)
    error     = actual − predicted   (what the first-order prediction misses)

x + ε is rounded to a double as any value is, so the actual change of x itself is
(x + ε) − x, which is ε unless ε is tiny beside x. At a non-differentiable point the
prediction uses the engine's convention (relu′(0) = 0 predicts no change where relu
actually moves by ε) and where values are not finite the changes are "nan"/"inf"
as computed (inf − inf is nan).

Where the linear prediction breaks down as ε grows: `curve` holds the output's predicted
and actual change at CURVE_POINTS evenly spaced nudges from ε/CURVE_POINTS to ε, each with
its relative error |actual − predicted| / max(|actual|, |predicted|) (0 when both are 0),
and `breaks_down_at` the first of those nudges at which the relative error passes
LINEAR_WITHIN (null if none does). The cost is CURVE_POINTS + 1 passes over the graph,
with the deadline checked between them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .evaluate import Evaluation, ForwardPlan, leaf_values, run_forward
from .forward_mode import edge_locals, tangents
from .graph import Graph
from .numbers import json_number

CURVE_POINTS = 16
LINEAR_WITHIN = 0.1  # the prediction holds while it misses at most 10% of the change


def nudge(graph: Graph, evaluation: Evaluation, plan: ForwardPlan, name: str,
          epsilon: float, check_time: Callable[[], None] = lambda: None) -> dict:
    """The "nudge" field."""
    k = graph.variables.index(name)
    values = evaluation.values
    derivative = tangents(graph, edge_locals(graph, values), k)
    after = _nudged(graph, plan, values, k, epsilon)
    nodes = {}
    for node, (before, now, slope) in enumerate(zip(values, after, derivative, strict=True)):
        slope = 0.0 if slope is None else slope
        nodes[str(node)] = {"derivative": json_number(slope), "predicted": json_number(slope * epsilon),
                            "actual": json_number(now - before), "nudged": json_number(now),
                            "error": json_number((now - before) - slope * epsilon)}
    out = graph.output
    slope = 0.0 if derivative[out] is None else derivative[out]
    curve = []
    for i in range(1, CURVE_POINTS + 1):
        check_time()
        e = epsilon * i / CURVE_POINTS
        moved = after if i == CURVE_POINTS else _nudged(graph, plan, values, k, e)
        predicted, actual = slope * e, moved[out] - values[out]
        curve.append({"epsilon": e, "predicted": json_number(predicted), "actual": json_number(actual),
                      "relative_error": json_number(_relative(actual, predicted))})
    breaks = next((p["epsilon"] for p in curve if not _holds(p["relative_error"])), None)
    output = nodes[str(out)]
    return {"variable": name, "epsilon": epsilon, "value": json_number(values[k]),
            "nudged": json_number(values[k] + epsilon), "derivative": output["derivative"],
            "predicted": output["predicted"], "actual": output["actual"], "error": output["error"],
            "relative_error": curve[-1]["relative_error"], "linear_within": LINEAR_WITHIN,
            "breaks_down_at": breaks, "curve": curve, "nodes": nodes}


def _nudged(graph: Graph, plan: ForwardPlan, values: list, k: int, epsilon: float) -> list:
    """Every node's value with variable k moved by ε (one forward pass)."""
    moved = list(values[: len(graph.variables)])
    moved[k] = values[k] + epsilon
    after = leaf_values(graph, moved)
    run_forward(plan, after)
    return after


def _relative(actual: float, predicted: float) -> float:
    scale = max(abs(actual), abs(predicted))
    if scale == 0:
        return 0.0
    return abs(actual - predicted) / scale


def _holds(relative) -> bool:
    return isinstance(relative, float) and math.isfinite(relative) and relative <= LINEAR_WITHIN
