"""Every node's shape, from the inputs' shapes and param()'s, before any array exists.

The pass walks the graph in id order (a topological order) and asks each
operator's `infer_shape` (engine/ops/) for its output's shape; an elementwise
operator without one broadcasts its operands as numpy does. A mismatch is an
EngineError at that operation's span, naming both shapes, so a program whose
shapes do not fit is refused before anything is computed, and cost.py can
price every array the analysis will hold.
"""

from __future__ import annotations

import math

from .errors import EngineError
from .graph import NONE, OP, Graph
from .tensor import ShapeError, broadcast_shape

Shape = tuple[int, ...]

# The verb of an elementwise operator's broadcasting error ("cannot add 2 and 3").
_STRETCH = {"add": "add", "sub": "subtract", "mul": "multiply elementwise", "div": "divide",
            "pow": "raise", "max": "compare", "min": "compare"}


def operation_shape(op, a: Shape, b: Shape | None, param: int | None) -> Shape:
    """The output's shape of `op` on operands of shapes a (and b), or ShapeError."""
    if op.infer_shape is not None:
        return op.infer_shape(a, b, param)
    if b is None:
        return a
    return broadcast_shape(a, b, _STRETCH.get(op.name, op.name))


def infer_shapes(graph: Graph, variable_shapes: list[Shape], *, context: str = "") -> list[Shape]:
    """The shape of every node; `variable_shapes` are the inputs' shapes in order.

    `context` starts a mismatch's message (training says which minibatch shapes it tried)."""
    shapes: list[Shape] = [()] * len(graph.kinds)
    shapes[:len(variable_shapes)] = [tuple(s) for s in variable_shapes]
    for node, value in graph.tensor_constants.items():
        shapes[node] = value.shape
    for node, (_name, shape) in graph.parameters.items():
        shapes[node] = tuple(shape)
    kinds, ops, operand_a, operand_b, op_params = (graph.kinds, graph.ops, graph.operand_a,
                                                   graph.operand_b, graph.op_params)
    for node in range(len(variable_shapes), len(kinds)):
        if kinds[node] is not OP:
            continue
        b = operand_b[node]
        try:
            shapes[node] = operation_shape(ops[node], shapes[operand_a[node]],
                                           shapes[b] if b != NONE else None, op_params.get(node))
        except ShapeError as error:
            start, end = graph.span(node)
            raise EngineError("shape_mismatch", context + str(error), start, end) from None
    return shapes


def size(shape: Shape) -> int:
    """How many numbers an array of this shape holds (1 for a number)."""
    return math.prod(shape)
