"""The step trace as JSON-ready dicts.

Forward: one "input" step per variable, then one "op" step per operator node
in topological order, with its operands' values and its result.
Backward: one "seed" step (the output's gradient is 1), then one "edge" step
per operand edge in the order the backward pass visited them, with the
upstream gradient, the local gradient (value and formula), their product,
and the operand's gradient accumulated so far; `contribution` k of
`contributions` says which of the operand's incoming contributions this is,
so fan-out reads as a running sum. On tensors an edge step also carries the
`rule` that forms the contribution and the `shapes` it works on; an operator
that mixes elements (a matrix product) has no local gradient of its own
(`local` is null) and the rule says what happens instead.
Update (only when a learning rate is given): one step per parameter,
w ← w − η·∂L/∂w.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .evaluate import Evaluation
from .graph import OP, Graph
from .tensor import shape_text


def forward_steps(graph: Graph, values: list) -> list[dict]:
    """`values` are already as JSON carries them."""
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


def backward_steps(graph: Graph, evaluation: Evaluation, formulas: list, grads: list,
                   convert: Callable | None, names: list[str] | None = None) -> list[dict]:
    """`grads` are already as JSON carries them; `convert` turns the records' numbers
    into JSON (None: they already are). With `names` (tensors), each step gets its rule."""
    targets, operand_of, source_of = graph.edge_targets, graph.edge_operands, graph.edge_source
    records = evaluation.records
    sources = [source_of(edge) for edge in records.edges]
    totals: dict[int, int] = {}
    for source in sources:
        totals[source] = totals.get(source, 0) + 1
    seen: dict[int, int] = {}
    steps: list[dict] = [{"phase": "backward", "kind": "seed", "node": graph.output,
                          "grad": grads[graph.output]}]
    for source, (edge, local, product, total) in zip(sources, records, strict=True):
        target, operand = targets[edge], operand_of[edge]
        count = seen[source] = seen.get(source, 0) + 1
        step = {
            "phase": "backward", "kind": "edge", "edge": edge, "node": target, "source": source,
            "operand": operand, "upstream": grads[target],
            "local": convert(local) if convert else local,
            "local_formula": formulas[target][operand],
            "product": convert(product) if convert else product,
            "grad": convert(total) if convert else total,
            "contribution": count, "contributions": totals[source],
        }
        if names is not None:
            step["rule"], step["shapes"] = tensor_rule(graph, evaluation, target, operand, names)
        steps.append(step)
    return steps


def tensor_rule(graph: Graph, evaluation: Evaluation, target: int, operand: int,
                names: list[str]) -> tuple[str, str]:
    """How a tensor contribution is formed, in words and in shapes."""
    op = graph.ops[target]
    partial = op.partials[operand]
    operands = graph.operands(target)
    shape = [np.shape(evaluation.values[p]) for p in operands]
    up = np.shape(evaluation.values[target])
    if partial.vjp is not None:
        rule = partial.render_rule(*[names[p] for p in operands])
        shapes = (partial.shape_rule(up, *shape) if partial.shape_rule
                  else shape_text(shape[operand]))
        return rule, shapes
    mine = shape[operand]
    local = np.shape(evaluation.values[target])  # an elementwise local gradient has the output's shape
    shapes = f"{shape_text(mine)} = {shape_text(up)} ⊙ {shape_text(local)}"
    rule = "upstream ⊙ local"
    if up != mine:
        rule += ", summed over the broadcast axes"
    return rule, shapes


def update_steps(graph: Graph, evaluation: Evaluation, learning_rate: float,
                 convert: Callable) -> list[dict]:
    """w ← w − η·∂L/∂w for each parameter, in order of appearance."""
    steps = []
    for node, (name, _shape) in sorted(graph.parameters.items()):
        value, grad = evaluation.values[node], evaluation.grads[node]
        if grad is None:
            continue
        steps.append({
            "phase": "update", "kind": "update", "node": node, "name": name,
            "learning_rate": learning_rate, "value": convert(value), "grad": convert(grad),
            "new_value": convert(value - learning_rate * grad),
        })
    return steps
