"""Warnings about an evaluation: non-finite values and gradients, unused statements."""

from __future__ import annotations

import numpy as np

from .display import bare_names, fill, operand_names
from .errors import EngineWarning, quoted
from .evaluate import Evaluation
from .graph import OP, Graph
from .ops import CONSTANTS


def evaluation_warnings(graph: Graph, ev: Evaluation, source: str) -> list[EngineWarning]:
    warnings: list[EngineWarning] = []
    values = ev.values
    names = operand_names(graph, source) if ev.nonfinite_grads else []
    for node in ev.nonfinite_values:
        start, end = graph.span(node)
        if graph.kinds[node] is OP:
            shown = [short(values[p]) for p in graph.operands(node)]
            message = f"{graph.ops[node].render(*shown)} = {short(values[node])}"
        else:
            message = f"the value of {quoted(graph.label(node))} is {short(values[node])}"
        warnings.append(EngineWarning("non_finite_value", f"{message} is not a finite number",
                                 start, end, node))
    for edge in ev.nonfinite_grads:
        target, source_node = graph.edge_targets[edge], graph.edge_source(edge)
        operand = graph.edge_operands[edge]
        start, end = graph.span(target)
        shown = [names[p] for p in graph.operands(target)]
        formula = fill(graph.ops[target].partials[operand].formula, shown, bare_names(shown))
        warnings.append(EngineWarning(
            "non_finite_gradient",
            f"the local gradient ∂{names[target]}/∂{names[source_node]} = {formula} is not finite here, "
            f"so the gradient of {names[source_node]} is {short(ev.grads[source_node])}",
            start, end, target))
    rebound: set[str] = set()
    for i, (name, node, start, end) in enumerate(graph.statements):
        if name in CONSTANTS and name not in rebound:
            rebound.add(name)
            warnings.append(EngineWarning(
                "constant_rebound",
                f"from here on {quoted(name)} is the value assigned here, no longer the constant "
                f"{name} ≈ {CONSTANTS[name]:.6g}", start, start + len(name), node))
        if i < len(graph.statements) - 1 and not ev.live[node]:
            what = quoted(name) if name else "this statement"
            warnings.append(EngineWarning("unused_statement",
                                     f"the value of {what} is never used by the output", start, end, node))
    return warnings


def short(x) -> str:
    """A number in six digits; a tensor by its shape and what is not finite in it."""
    if isinstance(x, float):
        return f"{x:.6g}"
    array = np.asarray(x)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    bad = [word for word, test in (("nan", np.isnan), ("inf", np.isinf)) if test(array).any()]
    shape = "×".join(map(str, array.shape))
    return f"[{shape}{' with ' + ' and '.join(bad) if bad else ''}]"
