"""Forward and backward passes over a graph, recording the step trace.

Forward: in id order (a topological order), each operator node's value from
its operands' values. Backward, as the lecture draws it: seed the output's
gradient with 1, then visit operator nodes in reverse topological order and,
for each operand (last operand first), send back
    upstream gradient x local gradient
adding it to the operand's gradient, so a node that feeds several successors
sums their contributions. Gradients flow only to nodes that depend on a
variable; constants get none.

The trace keeps one compact record per backward edge; forward steps need no
record, since the values they show never change (see trace.py).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from .graph import NONE, OP, Graph


@dataclass(slots=True)
class Records:
    """One row per backward edge step, in the order the backward pass took them:
    the edge, the local gradient, upstream x local, and the operand's gradient so far."""

    edges: array
    local: array
    product: array
    total: array

    def __len__(self) -> int:
        return len(self.edges)

    def __iter__(self):
        return zip(self.edges, self.local, self.product, self.total, strict=True)


@dataclass(slots=True)
class Evaluation:
    values: list  # value of each node
    grads: list  # gradient of the output w.r.t. each node; None where none flows
    live: bytearray  # 1 where the node reaches the output
    records: Records
    nonfinite_values: list[int]  # nodes where a non-finite value first appears
    nonfinite_grads: list[int]  # edges where a non-finite gradient contribution first appears

    @property
    def all_finite(self) -> bool:
        return not self.nonfinite_values and not self.nonfinite_grads


@dataclass(slots=True)
class ForwardPlan:
    """The operator nodes in evaluation order, with their forward functions and operands."""

    nodes: array
    functions: list
    operand_a: array
    operand_b: array

    def __iter__(self):
        return zip(self.nodes, self.functions, self.operand_a, self.operand_b, strict=True)

    def __len__(self) -> int:
        return len(self.nodes)


def forward_plan(graph: Graph) -> ForwardPlan:
    # The operator nodes are those with an operand (graph.py), in id order.
    operand_a = np.frombuffer(graph.operand_a, dtype=np.intc)
    nodes = np.flatnonzero(operand_a != NONE).astype(np.intc)
    plan_a, plan_b = array("i"), array("i")
    plan_a.frombytes(operand_a[nodes].tobytes())
    plan_b.frombytes(np.frombuffer(graph.operand_b, dtype=np.intc)[nodes].tobytes())
    ids = array("i")
    ids.frombytes(nodes.tobytes())
    return ForwardPlan(ids, list(map(_FORWARD, map(graph.ops.__getitem__, ids))), plan_a, plan_b)


_FORWARD = attrgetter("forward")


def leaf_values(graph: Graph, variable_values: list) -> list:
    values: list = [0.0] * len(graph.kinds)
    values[: len(variable_values)] = variable_values
    for node, value in zip(graph.const_nodes, graph.const_values, strict=True):
        values[node] = value
    return values


def run_forward(plan: ForwardPlan, values: list) -> list[int]:
    """Fill `values` in place; return the nodes whose value first turned non-finite."""
    bad: list[int] = []
    for node, forward, a, b in plan:
        value = forward(values[a]) if b == NONE else forward(values[a], values[b])
        values[node] = value
        if value - value != 0:  # inf or nan (inf - inf is nan)
            va = values[a]
            if va - va == 0 and (b == NONE or values[b] - values[b] == 0):
                bad.append(node)
    return bad


def run_backward(graph: Graph, values: list) -> tuple[list, bytearray, Records, list[int]]:
    n = len(graph.kinds)
    requires = graph.requires_grad
    grads: list = [0.0 if r else None for r in requires]
    output = graph.output
    grads[output] = 1.0
    live = bytearray(n)
    live[output] = 1
    records = Records(array("i"), array("d"), array("d"), array("d"))
    rec_edge, rec_local = records.edges.append, records.local.append
    rec_product, rec_total = records.product.append, records.total.append
    bad: list[int] = []
    kinds, ops, first_edge = graph.kinds, graph.ops, graph.first_edge
    operand_a, operand_b = graph.operand_a, graph.operand_b
    for node in range(output, -1, -1):
        if not live[node] or kinds[node] is not OP:
            continue
        upstream = grads[node]
        out = values[node]
        partials = ops[node].partials
        edge = first_edge[node]
        a, b = operand_a[node], operand_b[node]
        live[a] = 1
        if b == NONE:
            if requires[a]:
                local = partials[0].local(values[a], out)
                product = upstream * local
                before = grads[a]
                grads[a] = total = before + product
                rec_edge(edge), rec_local(local), rec_product(product), rec_total(total)
                if total - total != 0 and before - before == 0 and upstream - upstream == 0:
                    bad.append(edge)  # where a gradient first stops being finite
            continue
        live[b] = 1
        va, vb = values[a], values[b]
        # Last operand first, as the lecture goes: ∂f/∂z before ∂f/∂q.
        if requires[b]:
            local = partials[1].local(va, vb, out)
            product = upstream * local
            before = grads[b]
            grads[b] = total = before + product
            rec_edge(edge + 1), rec_local(local), rec_product(product), rec_total(total)
            if total - total != 0 and before - before == 0 and upstream - upstream == 0:
                bad.append(edge + 1)
        if requires[a]:
            local = partials[0].local(va, vb, out)
            product = upstream * local
            before = grads[a]
            grads[a] = total = before + product
            rec_edge(edge), rec_local(local), rec_product(product), rec_total(total)
            if total - total != 0 and before - before == 0 and upstream - upstream == 0:
                bad.append(edge)
    return grads, live, records, bad


def evaluate(graph: Graph, variable_values: list, plan: ForwardPlan | None = None) -> Evaluation:
    values = leaf_values(graph, variable_values)
    bad_values = [k for k, v in enumerate(variable_values) if v - v != 0]
    bad_values += run_forward(plan if plan is not None else forward_plan(graph), values)
    grads, live, records, bad_grads = run_backward(graph, values)
    return Evaluation(values, grads, live, records, bad_values, bad_grads)
