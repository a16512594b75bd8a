"""Names and formulas as the page and the CLI show them.

A local-derivative formula is the registry's template with the operands'
names filled in: for f = q·z, ∂f/∂q is "z". An operand without a name is
shown by its source text when that is short, else by its operator.
"""

from __future__ import annotations

import re

from .graph import OP, Graph

_SHORT = 16
_SPACES = re.compile(r"\s+")


def operand_names(graph: Graph, source: str) -> list[str]:
    """How each node is written when it appears inside a formula."""
    names: list[str] = []
    for node in range(len(graph)):
        label = graph.label(node)
        if label is not None:
            names.append(label)
            continue
        op = graph.ops[node]
        start, end = graph.starts[node], graph.ends[node]
        text = _SPACES.sub("", source[start:end]) if end - start <= 3 * _SHORT else ""
        if not text or len(text) > _SHORT:
            text = f"{op.names[0]}(…)" if op.notation == "function" else "(…)"
        elif op.notation != "function":
            text = f"({text})"
        names.append(text)
    return names


def node_formulas(graph: Graph, names: list[str]) -> list[list[str] | None]:
    """Per node, the local derivative formula w.r.t. each operand (None for leaves)."""
    formulas: list[list[str] | None] = []
    kinds, ops, operands = graph.kinds, graph.ops, graph.operands
    for node in range(len(kinds)):
        if kinds[node] is not OP:
            formulas.append(None)
            continue
        shown = [names[p] for p in operands(node)]
        formulas.append([partial.render(*shown) for partial in ops[node].partials])
    return formulas


def node_expressions(graph: Graph, names: list[str]) -> list[str | None]:
    """Per operator node, its forward written with its operands' names: "x + y"."""
    kinds, ops, operands = graph.kinds, graph.ops, graph.operands
    return [
        ops[node].render(*[names[p] for p in operands(node)]) if kinds[node] is OP else None
        for node in range(len(kinds))
    ]


def output_name(graph: Graph) -> str:
    """What the output is called in ∂f/∂x: its given name, else f (or L, y, out if taken)."""
    label = graph.labels[graph.output]
    if label is not None and graph.kinds[graph.output] is OP:
        return label
    taken = set(graph.variables) | {name for name in graph.statements.targets if name}
    return next(name for name in ("f", "L", "y", "out", "output") if name not in taken)
