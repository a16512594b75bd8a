"""Every path from a variable to the output, with the product of local derivatives along it.

The chain rule, unrolled: ∂f/∂x is the sum over all paths x → … → f of the product of
the local derivatives on the path's edges (the same numbers the backward steps show).
A node used twice by one operation (x·x) gives two edges, so two paths.

A graph can have exponentially many paths (each `a = a + a` doubles them), so they are
counted without being enumerated: the number of paths from a node to the output is
the sum over its outgoing edges of its consumers' numbers, in one backward sweep.
Counts are doubles: exact up to 2^53, beyond that the nearest double, inf past
1.8e308. Then the first MAX_LISTED paths are listed, depth first, following each
node's consumers in edge order, at most MAX_LISTED_EDGES edges in all (the first path
is always listed whole). Each product is taken from the output back to the variable,
as the backward pass multiplies, so on a graph with a single path it is the gradient
to the last bit; in general the listed products add up to the gradient up to rounding.
"""

from __future__ import annotations

from .evaluate import Evaluation
from .graph import NONE, OP, Graph
from .numbers import json_number

MAX_LISTED = 64
MAX_LISTED_EDGES = 100_000
_EXACT = 2**53  # doubles count whole numbers exactly below this


def paths(graph: Graph, evaluation: Evaluation, name: str) -> dict:
    """The "paths" field for the variable `name`."""
    variable = graph.variables.index(name)
    useful = _on_some_path(graph, evaluation, variable)
    local = dict(zip(evaluation.records.edges, evaluation.records.local, strict=True))
    count = _count(graph, useful, variable)
    items, total = [], 0.0
    listed_edges = 0
    for edges in _enumerate(graph, useful, variable):
        if items and (len(items) == MAX_LISTED or listed_edges + len(edges) > MAX_LISTED_EDGES):
            break
        listed_edges += len(edges)
        product = 1.0
        for edge in reversed(edges):
            product = product * local[edge]
        total += product
        items.append({
            "nodes": [variable, *(graph.edge_targets[e] for e in edges)],
            "edges": edges,
            "locals": [json_number(local[e]) for e in edges],
            "product": json_number(product),
        })
    return {
        "variable": name,
        "count": int(count) if count < _EXACT else json_number(count),
        "items": items,
        "total": json_number(total),
        "gradient": json_number(evaluation.grads[variable]),
        "truncated": len(items) < count,
    }


def _on_some_path(graph: Graph, evaluation: Evaluation, variable: int) -> bytearray:
    """1 where a node depends on the variable and reaches the output."""
    depends = bytearray(len(graph.kinds))
    depends[variable] = 1
    operand_a, operand_b = graph.operand_a, graph.operand_b
    for node in range(variable + 1, len(graph.kinds)):
        if graph.kinds[node] is OP:
            b = operand_b[node]
            depends[node] = depends[operand_a[node]] or (b != NONE and depends[b])
    live = evaluation.live
    return bytearray(d and live[node] for node, d in enumerate(depends))


def _count(graph: Graph, useful: bytearray, variable: int) -> float:
    """How many paths run from the variable to the output (a double; see the module's doc)."""
    counts = [0.0] * len(graph.kinds)
    counts[graph.output] = 1.0 if useful[graph.output] else 0.0
    first_edge = graph.first_edge
    for node in range(graph.output, variable, -1):  # consumers before their operands
        if useful[node] and graph.kinds[node] is OP:
            for edge in range(first_edge[node], first_edge[node] + len(graph.operands(node))):
                source = graph.edge_source(edge)
                if useful[source]:
                    counts[source] += counts[node]
    return counts[variable]


def _enumerate(graph: Graph, useful: bytearray, variable: int):
    """Each path as its list of edges, depth first (no recursion: the path is the stack)."""
    consumers: dict[int, list[int]] = {}
    for edge, target in enumerate(graph.edge_targets):
        source = graph.edge_source(edge)
        if useful[target] and useful[source]:
            consumers.setdefault(source, []).append(edge)
    nodes, nexts, path = [variable], [0], []  # nexts: which consumer edge each node tries next
    while nodes:
        node = nodes[-1]
        if node == graph.output:
            yield list(path)
        else:
            edges = consumers.get(node, ())
            if nexts[-1] < len(edges):
                edge = edges[nexts[-1]]
                nexts[-1] += 1
                path.append(edge)
                nodes.append(graph.edge_targets[edge])
                nexts.append(0)
                continue
        nodes.pop()
        nexts.pop()
        if path:
            path.pop()
