"""Nudge one variable by ε: each node's predicted change beside its actual change.

    predicted = ∂node/∂x · ε        (first order: the node's derivative w.r.t. x,
                                     from one forward-mode tangent pass)
    actual    = node(x + ε) − node(x)  (the engine's own forward pass, run again)

x + ε is rounded to a double as any value is, so the actual change of x itself is
(x + ε) − x, which is ε unless ε is tiny beside x. At a non-differentiable point the
prediction uses the engine's convention (relu′(0) = 0 predicts no change where relu
actually moves by ε) and where values are not finite the changes are "nan"/"inf"
as computed (inf − inf is nan). The cost is two passes over the graph.
"""

from __future__ import annotations

from .evaluate import Evaluation, ForwardPlan, leaf_values, run_forward
from .forward_mode import edge_locals, tangents
from .graph import Graph
from .numbers import json_number


def nudge(graph: Graph, evaluation: Evaluation, plan: ForwardPlan, name: str,
          epsilon: float) -> dict:
    """The "nudge" field."""
    k = graph.variables.index(name)
    values = evaluation.values
    derivative = tangents(graph, edge_locals(graph, values), k)
    moved = list(values[: len(graph.variables)])
    moved[k] = values[k] + epsilon
    after = leaf_values(graph, moved)
    run_forward(plan, after)
    nodes = {}
    for node, (before, now, slope) in enumerate(zip(values, after, derivative, strict=True)):
        slope = 0.0 if slope is None else slope
        nodes[str(node)] = {"derivative": json_number(slope), "predicted": json_number(slope * epsilon),
                            "actual": json_number(now - before), "nudged": json_number(now)}
    output = nodes[str(graph.output)]
    return {"variable": name, "epsilon": epsilon, "value": json_number(values[k]),
            "nudged": json_number(moved[k]), "derivative": output["derivative"],
            "predicted": output["predicted"], "actual": output["actual"], "nodes": nodes}
