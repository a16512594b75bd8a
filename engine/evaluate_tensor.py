"""Forward and backward passes on tensors (numpy float64 arrays).

The same walk as evaluate.py, in the same order, with the same records, but
every value is an array (0-d for a number) and every operator's contribution
to an operand is either
    unbroadcast(upstream ⊙ local)   for an elementwise operator, summing over the
                                     axes broadcasting added, or
    vjp(upstream, operands, output) for one that mixes elements (a matrix
                                     product, a sum, a loss).
A non-scalar output is seeded with ones: the gradients are then those of the
sum of its elements, as PyTorch's y.backward(torch.ones_like(y)).

Shapes were checked before any of this runs (shapes.py), so the passes only
meet errors that need the values themselves (class labels that are not
whole numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import EngineError
from .evaluate import Evaluation, Records
from .graph import NONE, OP, Graph
from .tensor import ShapeError, is_finite, unbroadcast


@dataclass(slots=True)
class TensorStep:
    """What the plan needs of one operator node."""

    node: int
    op: object
    forward: object
    a: int
    b: int
    param: int | None


def tensor_plan(graph: Graph) -> list[TensorStep]:
    plan = []
    for node, kind in enumerate(graph.kinds):
        if kind is OP:
            op = graph.ops[node]
            plan.append(TensorStep(node, op, op.tensor_forward or op.forward, graph.operand_a[node],
                                   graph.operand_b[node], graph.op_params.get(node)))
    return plan


def initial_parameters(graph: Graph, seed: int) -> dict[str, np.ndarray]:
    """Glorot-uniform values for every param(...), drawn in order of appearance from `seed`:
    U(−√(6/(fan_in + fan_out)), +√(…)), with fan_in = fan_out = n for a vector."""
    rng = np.random.default_rng(seed)
    values = {}
    for _node, (name, shape) in sorted(graph.parameters.items()):
        fans = shape if len(shape) == 2 else (shape[0], shape[0])
        limit = np.sqrt(6.0 / (fans[0] + fans[1]))
        values[name] = rng.uniform(-limit, limit, size=shape)
    return values


def leaf_arrays(graph: Graph, variable_values: list, parameter_values: dict[str, np.ndarray]) -> list:
    values: list = [None] * len(graph.kinds)
    for k, value in enumerate(variable_values):
        values[k] = np.asarray(value, dtype=np.float64)
    for node, value in zip(graph.const_nodes, graph.const_values, strict=True):
        values[node] = np.float64(value)
    for node, value in graph.tensor_constants.items():
        values[node] = value
    for node, (name, _shape) in graph.parameters.items():
        values[node] = parameter_values[name]
    return values


def check_parameter(graph: Graph, node: int, value: np.ndarray) -> None:
    name, shape = graph.parameters[node]
    if value.shape != shape:
        start, end = graph.span(node)
        raise EngineError("shape_mismatch",
                          f"the value given for the parameter '{name}' has shape "
                          f"{'×'.join(map(str, value.shape)) or 'a number'}, but param() says "
                          f"{'×'.join(map(str, shape))}", start, end)


def run_forward(graph: Graph, plan: list[TensorStep], values: list, *, check: bool = True) -> list[int]:
    """Fill `values`; with `check`, return the nodes whose value first turned non-finite."""
    bad: list[int] = []
    with np.errstate(all="ignore"):
        for step in plan:
            a = values[step.a]
            args = (a,) if step.b == NONE else (a, values[step.b])
            if step.op.params:
                args = (*args, step.param)
            try:
                out = step.forward(*args)
            except ShapeError as error:  # a check only the values can make (class labels)
                start, end = graph.span(step.node)
                raise EngineError("shape_mismatch", str(error), start, end) from None
            values[step.node] = out = np.asarray(out, dtype=np.float64)
            if check and not is_finite(out) and all(is_finite(x) for x in args[:2] if x is not None):
                bad.append(step.node)
    return bad


def contribution(op, k: int, upstream, a, b, out, param):
    """(local gradient or None, the contribution to operand k) — None when no gradient flows."""
    partial = op.partials[k]
    if partial.vjp is not None:
        args = (upstream, a, out, param) if b is None else (upstream, a, b, out, param)
        return None, partial.vjp(*args)
    local_fn = partial.tensor_local or partial.local
    local = local_fn(a, out) if b is None else local_fn(a, b, out)
    local = np.asarray(local, dtype=np.float64)
    operand = a if k == 0 else b
    return local, unbroadcast(np.asarray(upstream * local), operand.shape)


def run_backward(graph: Graph, values: list, *, requires=None, record: bool = True):
    """Gradients of the output (summed, if it is not a scalar) w.r.t. every node that needs one."""
    requires = graph.requires_grad if requires is None else requires
    n = len(graph.kinds)
    grads: list = [None] * n
    output = graph.output
    grads[output] = np.ones_like(values[output])
    live = bytearray(n)
    live[output] = 1
    records = Records([], [], [], [])
    bad: list[int] = []
    kinds, ops, first_edge = graph.kinds, graph.ops, graph.first_edge
    with np.errstate(all="ignore"):
        for node in range(output, -1, -1):
            if not live[node] or kinds[node] is not OP:
                continue
            op = ops[node]
            upstream = grads[node]
            if upstream is None:
                continue
            a, b = graph.operand_a[node], graph.operand_b[node]
            va = values[a]
            vb = values[b] if b != NONE else None
            param = graph.op_params.get(node)
            live[a] = 1
            if b != NONE:
                live[b] = 1
            # Last operand first, as the lecture goes.
            for k, source in ((1, b), (0, a)) if b != NONE else ((0, a),):
                if not requires[source]:
                    continue
                local, part = contribution(op, k, upstream, va, vb, values[node], param)
                if part is None:
                    continue
                previous = grads[source]
                total = part if previous is None else previous + part
                grads[source] = total
                if record:
                    edge = first_edge[node] + k
                    records.edges.append(edge)
                    records.local.append(local)
                    records.product.append(part)
                    records.total.append(total)
                    if not is_finite(part) and is_finite(upstream):
                        bad.append(edge)
    return grads, live, records, bad


def evaluate_tensors(graph: Graph, variable_values: list, parameter_values: dict[str, np.ndarray],
                     plan: list[TensorStep] | None = None) -> Evaluation:
    values = leaf_arrays(graph, variable_values, parameter_values)
    bad_values = [k for k, v in enumerate(variable_values) if not is_finite(np.asarray(v))]
    plan = plan if plan is not None else tensor_plan(graph)
    bad_values += run_forward(graph, plan, values)
    grads, live, records, bad_grads = run_backward(graph, values)
    # A node that does not reach the output has gradient 0; one that does but got no
    # contribution (class labels: not differentiable) keeps None.
    for node in range(len(grads)):
        if grads[node] is None and graph.requires_grad[node] and not live[node]:
            grads[node] = np.zeros_like(values[node])
    return Evaluation(values, grads, live, records, bad_values, bad_grads)
