"""The step trace as JSON-ready dicts.

Forward: one "input" step per variable, then one "op" step per operator node
in topological order, with its operands' values and its result.
Backward: one "seed" step (the output's gradient is 1), then one "edge" step
per operand edge in the order the backward pass visited them, with the
upstream gradient, the local gradient (value and formula), their product,
and the operand's gradient accumulated so far; `contribution` k of
`contributions` says which of the operand's incoming contributions this is,
so fan-out reads as a running sum.
"""

from __future__ import annotations

from .evaluate import Evaluation
from .graph import OP, Graph
from .numbers import json_number


def forward_steps(graph: Graph, values: list) -> list[dict]:
    steps: list[dict] = [
        {"phase": "forward", "kind": "input", "node": k, "value": values[k]}
        for k in range(len(graph.variables))
    ]
    kinds, ops, operands_of = graph.kinds, graph.ops, graph.operands
    for node in range(len(graph.variables), len(kinds)):
        if kinds[node] is OP:
            operands = operands_of(node)
            steps.append({
                "phase": "forward", "kind": "op", "node": node, "op": ops[node].name,
                "inputs": list(operands), "operands": [values[p] for p in operands],
                "value": values[node],
            })
    return steps


def backward_steps(graph: Graph, evaluation: Evaluation, formulas: list) -> list[dict]:
    targets, operand_of, source_of = graph.edge_targets, graph.edge_operands, graph.edge_source
    records = evaluation.records
    sources = [source_of(edge) for edge in records.edges]
    totals: dict[int, int] = {}
    for source in sources:
        totals[source] = totals.get(source, 0) + 1
    seen: dict[int, int] = {}
    grads = evaluation.grads
    steps: list[dict] = [{"phase": "backward", "kind": "seed", "node": graph.output, "grad": 1.0}]
    for source, (edge, local, product, total) in zip(sources, records, strict=True):
        target, operand = targets[edge], operand_of[edge]
        count = seen[source] = seen.get(source, 0) + 1
        steps.append({
            "phase": "backward", "kind": "edge", "edge": edge, "node": target, "source": source,
            "operand": operand, "upstream": grads[target], "local": local,
            "local_formula": formulas[target][operand], "product": product, "grad": total,
            "contribution": count, "contributions": totals[source],
        })
    return steps


def make_strict(steps: list[dict]) -> None:
    """Replace non-finite floats in the steps by their JSON strings, in place."""
    for step in steps:
        for key in ("value", "upstream", "local", "product", "grad"):
            if key in step:
                step[key] = json_number(step[key])
        if "operands" in step:
            step["operands"] = [json_number(v) for v in step["operands"]]
