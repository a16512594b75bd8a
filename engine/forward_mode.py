"""Forward-mode differentiation: one tangent pass per variable, as steps on the same graph.

A tangent pass for the variable x sets x's tangent ẋ = 1 and carries it forward in
evaluation order; each operator node n that depends on x gets

    ṅ = Σ over its operands p that depend on x of  ∂n/∂p · ṗ

where ∂n/∂p is the operator's own local derivative (engine/ops, the function the
backward pass calls, so relu′(0) = 0, a max/min tie's ½ and the other conventions
agree). An operand that does not depend on x has tangent exactly 0 and adds no term,
as the backward pass sends no gradient to a constant, so an infinite local
derivative there makes no nan. A node that does not depend on x has tangent 0 and
no step. After the pass the output's tangent is ∂f/∂x: the same sum over paths of
products of local derivatives as the backward pass's gradient, multiplied and added
in another order, so equal up to rounding.

Cost: one pass per variable over the operations, checked before any pass runs:
variables × operations is at most MAX_STEPS.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import EngineError
from .evaluate import Evaluation
from .graph import NONE, OP, Graph
from .numbers import json_number

MAX_STEPS = 100_000  # variables × operations; each is a step of the JSON


def check_size(graph: Graph) -> None:
    """Before the work: refuse a graph whose passes would exceed MAX_STEPS."""
    passes = len(graph.variables)
    operations = sum(1 for kind in graph.kinds if kind is OP)
    if passes * operations > MAX_STEPS:
        raise EngineError(
            "too_many_steps",
            f"forward mode would take {passes:,} passes × {operations:,} operations = "
            f"{passes * operations:,} steps, more than {MAX_STEPS:,}; reverse mode needs one pass "
            "(ask for forward_mode on a smaller graph)", 0, 0)


def edge_locals(graph: Graph, values: list) -> list[float | None]:
    """Per edge, the local derivative of its target w.r.t. its source, where the source depends
    on a variable (None elsewhere): computed once, shared by every pass."""
    locals_: list[float | None] = [None] * graph.edge_count
    requires, ops, first_edge = graph.requires_grad, graph.ops, graph.first_edge
    for node, kind in enumerate(graph.kinds):
        if kind is not OP:
            continue
        a, b = graph.operand_a[node], graph.operand_b[node]
        partials, out = ops[node].partials, values[node]
        if b == NONE:
            if requires[a]:
                locals_[first_edge[node]] = partials[0].local(values[a], out)
            continue
        for k, operand in ((0, a), (1, b)):
            if requires[operand]:
                locals_[first_edge[node] + k] = partials[k].local(values[a], values[b], out)
    return locals_


def tangents(graph: Graph, locals_: list, variable: int) -> list[float | None]:
    """Every node's derivative w.r.t. the variable; None where the node does not depend on it
    (its derivative is exactly 0)."""
    tangent: list[float | None] = [None] * len(graph.kinds)
    tangent[variable] = 1.0
    kinds, first_edge = graph.kinds, graph.first_edge
    operand_a, operand_b = graph.operand_a, graph.operand_b
    for node in range(len(graph.variables), len(kinds)):
        if kinds[node] is not OP:
            continue
        ta = tangent[operand_a[node]]
        b = operand_b[node]
        tb = tangent[b] if b != NONE else None
        if ta is None and tb is None:
            continue
        edge = first_edge[node]
        if ta is None:
            tangent[node] = locals_[edge + 1] * tb
        elif tb is None:
            tangent[node] = locals_[edge] * ta
        else:
            tangent[node] = locals_[edge] * ta + locals_[edge + 1] * tb
    return tangent


def forward_mode(graph: Graph, evaluation: Evaluation, formulas: list,
                 check_time: Callable[[], None] = lambda: None) -> dict:
    """The "forward_mode" field: each variable's derivative, the passes' steps, and the cost of
    both modes (passes, and operator nodes at which a pass computes a derivative)."""
    locals_ = edge_locals(graph, evaluation.values)
    derivatives: dict[str, object] = {}
    steps: list[dict] = []
    operations = 0
    for k, name in enumerate(graph.variables):
        check_time()
        tangent = tangents(graph, locals_, k)
        steps.append({"phase": "forward_mode", "kind": "seed", "pass": k, "variable": name,
                      "node": k, "tangent": 1.0})
        for node in range(len(graph.variables), len(graph.kinds)):
            if tangent[node] is not None and graph.kinds[node] is OP:
                steps.append(_op_step(graph, locals_, tangent, formulas, k, name, node))
                operations += 1
        output = tangent[graph.output]
        derivatives[name] = json_number(0.0 if output is None else output)
    # The backward pass computes a contribution at each operator node that reaches the output
    # and depends on a variable: the targets of its edge records.
    reverse = len({graph.edge_targets[edge] for edge in evaluation.records.edges})
    return {
        "derivatives": derivatives,
        "steps": steps,
        "counts": {"forward_mode": {"passes": len(graph.variables), "operations": operations},
                   "reverse_mode": {"passes": 1, "operations": reverse}},
    }


def _op_step(graph: Graph, locals_: list, tangent: list, formulas: list, k: int, name: str,
             node: int) -> dict:
    operands = graph.operands(node)
    edge = graph.first_edge[node]
    depends = [tangent[p] is not None for p in operands]
    local = [json_number(locals_[edge + i]) if d else None for i, d in enumerate(depends)]
    terms = [json_number(locals_[edge + i] * tangent[p]) if d else None
             for i, (p, d) in enumerate(zip(operands, depends, strict=True))]
    return {
        "phase": "forward_mode", "kind": "op", "pass": k, "variable": name, "node": node,
        "op": graph.ops[node].name, "inputs": list(operands),
        "edges": [edge + i for i in range(len(operands))],
        "operand_tangents": [json_number(tangent[p]) if d else 0.0
                             for p, d in zip(operands, depends, strict=True)],
        "locals": local, "local_formulas": list(formulas[node]), "terms": terms,
        "tangent": json_number(tangent[node]),
    }
