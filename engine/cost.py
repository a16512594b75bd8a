"""What an analysis or a training run will cost, priced from its shapes before it runs.

Two figures, each an upper bound:

- elements: the numbers held at once at the peak: every node's value, every
  gradient, the trace's records (per backward edge its local gradient, its
  contribution and the running total), one extra forward pass for the
  gradient check, and room for the temporaries of the largest operation;
- work, in operations: one multiply-add of a matrix product is one operation
  (m×k×n costs m·k·n forward and as much again per operand backward); an
  elementwise numpy operation costs ELEMENTWISE per number (sin and its kin
  more), and each node costs NODE for Python's own bookkeeping around it
  (the trace, its JSON). On this machine an operation is about 0.04 ns.

`check` turns a cost over the engine's Limits into an EngineError
(tensor_too_large, too_much_work) at the span of the operation that costs the
most, whose message names its shape and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import EngineError
from .graph import NONE, OP, PARAM, Graph
from .layout.draw import DUMMY_BUDGET
from .layout.order import longest_search_us
from .limits import Limits
from .shapes import Shape, size
from .tensor import shape_text

ELEMENTWISE = 120  # one number through +, ×, exp, ... into a new array ≈ 120 multiply-adds of a product
NODE = 300_000  # Python's work per node of a traced analysis (forward, backward, JSON): ~10 µs
TRAIN_NODE = 100_000  # the same per node and step of training, which keeps no trace
SCALAR_EVALUATION = 12_500  # one node evaluated on Python floats (the scalar gradient check)
PARSE_PER_CHAR = 50_000  # reading one character of source into the graph (~2 µs)
PER_VALUE = 25_000  # binding one value (a warning if unused)
PER_NUMBER = 2_500  # one number of a vector or matrix value
OPS_PER_US = 25_000  # an operation is about 0.04 ns
LAYOUT_US, LAYOUT_PER_ITEM_US = 3_000, 120  # the layout's fixed cost and cost per item, measured x2
JSON_PER_NUMBER = 150  # summarizing an array for the JSON (min, max, mean, norm)
TEMPORARIES = 6  # arrays of the largest size an operation may hold while it runs (bce's gradient)

# Elementwise operators dearer than ELEMENTWISE per number, measured against +.
_PER_ELEMENT = {"sin": 400, "cos": 400, "tan": 400, "pow": 250, "softplus": 250, "sigmoid": 250,
                "max": 200, "min": 200}
# Operators that mix elements: (forward, backward per operand) per number of their largest operand.
_MIXING = {"transpose": (50, 50), "sum": (60, 120), "mean": (60, 120), "softmax": (250, 200),
           "log_softmax": (250, 200), "mse": (150, 300), "bce": (400, 400),
           "cross_entropy": (400, 500)}


@dataclass(frozen=True, slots=True)
class Cost:
    elements: int  # numbers held at once, at the peak
    largest: int  # numbers in the largest single array
    largest_node: int
    work: int  # operations
    costliest_node: int  # the node whose work is the largest (-1: none)

    def within(self, limits: Limits, max_work: int) -> bool:
        return (self.largest <= limits.max_array_elements and self.elements <= limits.max_total_elements
                and self.work <= max_work)


def layout_work(nodes: int) -> int:
    """Drawing the graph, an upper bound: the layout works on the nodes plus a dummy per layer
    a long edge crosses (at most 2 edges per node, each crossing fewer than `nodes` layers, and
    never more than the layout's dummy budget), spends a fixed cost and at most 120 µs per such
    item (twice the most measured, 16-110 µs), and its ordering search stops at a budget that
    grows with the items, or a little past it (layout/order.py). Loose by design: a graph of this size may need that
    many dummies. Bounded by the node limit, not by max_work: the page cannot draw a graph
    without it."""
    items = nodes + min(DUMMY_BUDGET, 2 * nodes * nodes)
    return int(OPS_PER_US * (LAYOUT_US + LAYOUT_PER_ITEM_US * items + longest_search_us(items)))


def parse_work(source: str, values: dict | None = None) -> int:
    """Operations to read `source` and bind `values` before any estimate can be made; counted
    from their lengths alone (a matrix's rows times its first row)."""
    numbers = 0
    for value in (values or {}).values():
        if isinstance(value, list | tuple) and value:
            first = value[0]
            numbers += len(value) * (len(first) if isinstance(first, list | tuple) else 1)
    return PARSE_PER_CHAR * len(source) + PER_VALUE * len(values or ()) + PER_NUMBER * numbers


def matmul_work(a: Shape, b: Shape) -> int:
    """m·k·n multiply-adds for a (m×k or k) @ b (k×n or k)."""
    m = a[0] if len(a) == 2 else 1
    n = b[1] if len(b) == 2 else 1
    return m * a[-1] * n


def forward_work(graph: Graph, node: int, shapes: list[Shape]) -> int:
    op = graph.ops[node]
    a, b = graph.operand_a[node], graph.operand_b[node]
    if op.name == "matmul":
        return matmul_work(shapes[a], shapes[b]) + ELEMENTWISE * size(shapes[node])
    if op.name in _MIXING:
        return _MIXING[op.name][0] * _operand_size(shapes, a, b)
    return _PER_ELEMENT.get(op.name, ELEMENTWISE) * size(shapes[node])


def backward_work(graph: Graph, node: int, shapes: list[Shape], operand: int) -> int:
    op = graph.ops[node]
    a, b = graph.operand_a[node], graph.operand_b[node]
    if op.name == "matmul":
        return matmul_work(shapes[a], shapes[b])
    if op.name in _MIXING:
        return _MIXING[op.name][1] * _operand_size(shapes, a, b)
    # local gradient, upstream × local, and the sum over broadcast axes
    return (_PER_ELEMENT.get(op.name, ELEMENTWISE) + 2 * ELEMENTWISE) * size(shapes[node])


def _operand_size(shapes: list[Shape], a: int, b: int) -> int:
    """The numbers an operator that mixes elements works through: its operand's, or both
    operands' broadcast together (a loss); cross-entropy's class labels do not broadcast."""
    if b == NONE or shapes[a] == shapes[b]:
        return size(shapes[a])
    try:
        return size(np.broadcast_shapes(shapes[a], shapes[b]))
    except ValueError:
        return max(size(shapes[a]), size(shapes[b]))


def _operands_needing_grad(graph: Graph, node: int, requires) -> list[tuple[int, int]]:
    """(operand index, operand node) of the edges the backward pass will take from `node`."""
    a, b = graph.operand_a[node], graph.operand_b[node]
    edges = [(0, a)] if requires[a] else []
    if b != NONE and requires[b]:
        edges.append((1, b))
    return edges


def analysis_cost(graph: Graph, shapes: list[Shape] | None, checks: int) -> tuple[Cost, Cost]:
    """(the cost without the gradient check, the cost with its `checks` central differences,
    two forward passes each; the same when there are none).

    `shapes` None: a program on Python floats, every node one number."""
    n = len(graph.kinds)
    requires = graph.requires_grad
    if shapes is None:  # scalars: the values, gradients and trace records are a few numbers a node
        operations = sum(1 for kind in graph.kinds if kind is OP)
        base = Cost(5 * n, 1, 0, NODE * n, -1)
        extra = 2 * checks * operations * SCALAR_EVALUATION
        return base, Cost(base.elements, 1, 0, base.work + extra, -1)
    held = [size(shape) for shape in shapes]  # each node's value
    # A gradient is the last running total of its contributions: the first contribution is
    # that total (one array), each later one adds a contribution and a new total (two).
    contributions = [0] * n
    work = [0] * n
    forward_total = 0
    ops_values = 0  # what one more forward pass holds (the gradient check's)
    for node in range(n):
        if graph.kinds[node] is not OP:
            continue
        forward = forward_work(graph, node, shapes)
        forward_total += forward
        ops_values += size(shapes[node])
        work[node] = NODE + forward
        elementwise = graph.ops[node].partials[0].vjp is None
        for k, operand in _operands_needing_grad(graph, node, requires):
            work[node] += backward_work(graph, node, shapes, k)
            held[operand] += size(shapes[operand]) * (1 if contributions[operand] == 0 else 2)
            contributions[operand] += 1
            if elementwise:  # the trace keeps its local gradient too
                held[node] += size(shapes[node])
    for node in range(n):
        if requires[node] and not contributions[node]:
            held[node] += size(shapes[node])  # the output's seed, or zeros where nothing flows
    largest_node = max(range(n), key=lambda i: size(shapes[i]))
    largest = size(shapes[largest_node])
    transient = TEMPORARIES * largest  # inside an operation (a loss's gradient), the JSON's squares
    elements = sum(held) + transient
    json_work = JSON_PER_NUMBER * sum(held)  # min, max, mean and norm of every array sent
    base_work = sum(work) + json_work
    costliest = max(range(n), key=work.__getitem__)
    base = Cost(elements, largest, largest_node, base_work, costliest)
    if not checks:
        return base, base
    operations = sum(1 for kind in graph.kinds if kind is OP)
    check_work = 2 * checks * (forward_total + TRAIN_NODE * operations)
    checked = Cost(elements + ops_values, largest, largest_node, base_work + check_work, costliest)
    return base, checked


def training_cost(graph: Graph, full: list[Shape], batch: list[Shape], needs: bytearray,
                  steps: int, snapshots: int) -> Cost:
    """The cost of `steps` SGD steps on minibatch shapes `batch` (`full`: the whole data set's,
    used for the first and the last forward pass), returning `snapshots` parameter sets."""
    n = len(graph.kinds)
    operations = [node for node in range(n) if graph.kinds[node] is OP]
    parameters = sum(size(shape) for _name, shape in graph.parameters.values())
    data = sum(size(full[k]) for k in range(len(graph.variables)))
    full_values = sum(size(full[node]) for node in operations)
    step_values = sum(size(batch[node]) for node in range(n))
    step_grads = sum(size(batch[node]) for node in range(n) if needs[node])
    largest_node = max(range(n), key=lambda i: size(full[i]))
    largest = size(full[largest_node])
    # a snapshot travels as Python floats and then JSON text: ~8 numbers' worth of memory each
    elements = (2 * parameters + data + step_values + step_grads + full_values + TEMPORARIES * largest
                + 8 * snapshots * parameters + 4 * steps)
    per_node = [0] * n
    for node in operations:
        per_node[node] = TRAIN_NODE + forward_work(graph, node, batch)
        for k, _operand in _operands_needing_grad(graph, node, needs):
            per_node[node] += backward_work(graph, node, batch, k)
    per_step = sum(per_node) + 2 * ELEMENTWISE * (parameters + step_values)  # update, slicing
    full_forward = sum(TRAIN_NODE + forward_work(graph, node, full) for node in operations)
    work = steps * per_step + 2 * full_forward + ELEMENTWISE * snapshots * parameters
    costliest = max(range(n), key=per_node.__getitem__)
    return Cost(elements, largest, largest_node, work, costliest)


def check(cost: Cost, graph: Graph, shapes: list[Shape] | None, limits: Limits, *,
          max_work: int | None = None, steps: int | None = None) -> None:
    """EngineError if `cost` passes a limit: the largest array first, then the total, then the work."""
    if cost.largest > limits.max_array_elements:
        node = cost.largest_node
        raise EngineError("tensor_too_large",
                          f"{describe(graph, node, shapes)} holds {cost.largest:,} numbers; the limit is "
                          f"{limits.max_array_elements:,} per tensor", *graph.span(node))
    if cost.elements > limits.max_total_elements:
        node = cost.largest_node
        raise EngineError("tensor_too_large",
                          f"{'training' if steps else 'this analysis'} would hold {cost.elements:,} "
                          f"numbers at once (values, gradients{', snapshots' if steps else ', the trace'}); "
                          f"the limit is {limits.max_total_elements:,}; the largest is "
                          f"{describe(graph, node, shapes)}, {cost.largest:,} numbers", *graph.span(node))
    max_work = limits.max_work if max_work is None else max_work
    if cost.work > max_work:
        node = cost.costliest_node
        where = f"; the costliest step is {describe(graph, node, shapes)}" if node >= 0 else ""
        what = f"training for {steps:,} steps" if steps else "this analysis"
        raise EngineError("too_much_work",
                          f"{what} would take about {cost.work:.2g} operations; the limit is "
                          f"{max_work:.2g}{where}", *(graph.span(node) if node >= 0 else (0, 0)))


def describe(graph: Graph, node: int, shapes: list[Shape] | None) -> str:
    """A node as the user wrote it, with its shape: W = param(20000, 20000), or x * y (3000×3000)."""
    start, end = graph.span(node)
    text = " ".join(graph.source[start:end].split())
    if len(text) > 40:
        text = text[:39] + "…"
    if graph.kinds[node] is PARAM:
        return f"{graph.labels[node]} = {text}"
    return f"{text} ({shape_text(shapes[node])})" if shapes and shapes[node] else text
