"""The compact wire format (options.format = "compact"): an analysis as columns.

The object contract (contract.py) builds a Python dict per node, edge and step and
repeats every key and formula. This form sends the same facts as parallel arrays,
copied from the engine's own arrays (numpy views where it has them) and serialized
by orjson, with no dict per node, edge or step:

- `operators`: each operator the graph uses, once (name, symbol, notation,
  precedence, and its display formula and local-derivative formulas as templates
  with numbered slots, display.positional); nodes refer to them by index;
- `nodes`: columns indexed by node id (op, operands a and b, label, name, value,
  grad, span start and end), and the few exceptions as lists of ids (dead nodes,
  parameters);
- `backward`: one row per backward edge step, in the order the pass took them;
- `updates` (with a learning rate) and `mistakes` (classroom mode) likewise;
- `layout`: coordinates as flat arrays (wire_layout.py).

What can be derived from these is not sent (each rule is in README's "The compact
format", and static/js/wire.js applies them): the edges (node i's operands, in
order), the forward steps (every input, then every operator node, in id order),
the seed step, upstream gradients, formulas and expressions (the templates filled
with the operands' names), kinds, gradients and the output's value. Numbers follow
the object form's rule: a JSON number, or "nan", "inf", "-inf" where not finite; on
tensors each value is the object form's summary (tensor.json_tensor).
"""

from __future__ import annotations

import numpy as np
import orjson

from .display import formula_texts, kept_names, output_name, positional
from .graph import Graph
from .mistakes import add_mistakes
from .numbers import json_number, json_numbers
from .tensor import json_tensor
from .trace import tensor_rule
from .wire_layout import layout_columns

VERSION = 1
_CHECK_NUMBERS = ("analytic", "numeric", "rel_error")
_CHECK_FIELDS = ("analytic", "numeric", "rel_error", "ok", "finite", "method", "checks", "worst")


def compact_json(analysis) -> bytes:
    """The analysis (contract.Analysis) in the compact form, as JSON bytes."""
    return orjson.dumps(compact(analysis), option=orjson.OPT_SERIALIZE_NUMPY)


def compact(analysis) -> dict:
    """The compact form as a dict of lists and numpy arrays, ready for orjson."""
    graph, ev = analysis.graph, analysis.evaluation
    labels = _labels(graph)
    names = kept_names(graph, analysis.source)
    out_name = output_name(graph)
    tensor = analysis.tensor
    if tensor:
        values = [json_tensor(v) for v in ev.values]
        grads = [json_tensor(g) for g in ev.grads]
    elif ev.all_finite:
        values, grads = ev.values, ev.grads
    else:
        values, grads = json_numbers(ev.values), json_numbers(ev.grads)
    operators, op_index = _operators(graph)
    output_node_name = out_name if graph.labels[graph.output] is None else names[graph.output]
    nodes = {
        "op": op_index,
        "a": _ints(graph.operand_a), "b": _ints(graph.operand_b),
        "label": labels,
        # null where a node is written by its label (most are); formulas use these names
        "name": [None if name == label else name for name, label in zip(names, labels, strict=True)],
        "value": values, "grad": grads,
        "start": _ints(graph.starts), "end": _ints(graph.ends),
        "dead": np.flatnonzero(np.frombuffer(ev.live, dtype=np.uint8) == 0),
        "params": sorted(graph.parameters),
        "occurrences": [occurrence.tolist() for occurrence in graph.occurrences],
    }
    if tensor:
        nodes["shape"] = [list(np.shape(v)) for v in ev.values]
    answer = {
        "format": "compact", "version": VERSION,
        "output": graph.output, "output_name": out_name, "output_node_name": output_node_name,
        "variables": list(graph.variables),
        "parameters": [name for _node, (name, _shape) in sorted(graph.parameters.items())],
        "operators": operators,
        "nodes": nodes,
        "backward": _backward(graph, ev, names, tensor),
        "gradcheck": _gradcheck(analysis.gradcheck),
        "warnings": [w.to_dict() for w in analysis.warnings],
    }
    if analysis.learning_rate is not None:
        answer["updates"] = _updates(graph, ev, analysis.learning_rate)
    if analysis.options.mistakes:
        answer["mistakes"] = _mistakes(graph, ev, names, analysis.source)
    if analysis.layout is not None:
        answer["layout"] = layout_columns(analysis.layout, graph.edge_count)
    answer.update(analysis.classroom or {})  # paths, nudge, forward_mode, predict: as in the object form
    return answer


def _ints(values) -> np.ndarray:
    """An array('i') or array('b') as a numpy view, without a copy."""
    return np.frombuffer(values, dtype=f"i{values.itemsize}")


def _operators(graph: Graph) -> tuple[dict, list[int]]:
    """The operators used, in order of first use, and each node's index into them (-1: a leaf)."""
    index: dict[int, int] = {id(None): -1}  # by identity: an Operator's own hash is slow
    used = []
    for op in graph.ops:
        if id(op) not in index:
            index[id(op)] = len(used)
            used.append(op)
    table = {
        "name": [op.name for op in used], "symbol": [op.symbol for op in used],
        "notation": [op.notation for op in used], "precedence": [op.precedence for op in used],
        "formula": [positional(op.formula) for op in used],
        "partials": [[positional(partial.formula) for partial in op.partials] for op in used],
    }
    return table, list(map(index.__getitem__, map(id, graph.ops)))


def _labels(graph: Graph) -> list:
    """graph.label of every node: a constant written as it is spelled is read from the source."""
    labels = list(graph.labels)
    source, starts, ends = graph.source, graph.starts, graph.ends
    for node in graph.const_nodes:
        if labels[node] is None:
            labels[node] = "".join(source[starts[node]:ends[node]].split())
    for node in graph.tensor_constants:
        if labels[node] is None:
            labels[node] = graph.label(node)
    return labels


def _numbers(values: np.ndarray) -> np.ndarray | list:
    """A float column as strict JSON: non-finite entries become "nan", "inf", "-inf"."""
    bad = np.flatnonzero(~np.isfinite(values))
    if not bad.size:
        return values
    out = values.tolist()
    for k in bad.tolist():
        out[k] = json_number(out[k])
    return out


def _backward(graph: Graph, ev, names: tuple[str, ...], tensor: bool) -> dict:
    records = ev.records
    if tensor:
        edges = np.asarray(records.edges, dtype=np.int64)
        local = [json_tensor(x) for x in records.local]
        product = [json_tensor(x) for x in records.product]
        total = [json_tensor(x) for x in records.total]
    else:
        edges = _ints(records.edges)
        local, product, total = (_numbers(np.frombuffer(column, dtype=np.float64))
                                 for column in (records.local, records.product, records.total))
    targets = _ints(graph.edge_targets)[edges]
    second = _ints(graph.edge_operands)[edges] == 1
    sources = np.where(second, _ints(graph.operand_b)[targets], _ints(graph.operand_a)[targets])
    contributions, contribution = _counts(sources)
    rows = {"edge": edges, "local": local, "product": product, "grad": total,
            "contribution": contribution, "contributions": contributions}
    if tensor:
        shown = list(names)
        if graph.labels[graph.output] is None:
            shown[graph.output] = output_name(graph)
        rules = [tensor_rule(graph, ev, int(t), int(k), shown)
                 for t, k in zip(targets, second, strict=True)]
        rows["rule"] = [rule for rule, _shapes in rules]
        rows["shapes"] = [shapes for _rule, shapes in rules]
    return rows


def _counts(sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: how many rows share its source, and which of them (1-based) it is, in order."""
    if not sources.size:
        return sources, sources
    totals = np.bincount(sources)[sources]
    order = np.argsort(sources, kind="stable")
    ordered = sources[order]
    rank = np.arange(1, len(order) + 1) - np.searchsorted(ordered, ordered, side="left")
    which = np.empty_like(rank)
    which[order] = rank
    return totals, which


def _gradcheck(checks: dict[str, dict] | None) -> dict | None:
    """The verdicts as columns, one row per checked variable or parameter."""
    if checks is None:
        return None
    columns: dict[str, list] = {"name": list(checks)}
    for key in _CHECK_FIELDS:
        column = [check[key] for check in checks.values()]
        columns[key] = json_numbers(column) if key in _CHECK_NUMBERS else column
    return columns


def _updates(graph: Graph, ev, learning_rate: float) -> dict:
    """w ← w − η·∂L/∂w per parameter with a gradient, in order of appearance (trace.update_steps)."""
    rows: dict[str, list] = {"node": [], "name": [], "value": [], "grad": [], "new_value": []}
    for node, (name, _shape) in sorted(graph.parameters.items()):
        value, grad = ev.values[node], ev.grads[node]
        if grad is None:
            continue
        for key, item in (("node", node), ("name", name), ("value", json_tensor(value)),
                          ("grad", json_tensor(grad)), ("new_value", json_tensor(value - learning_rate * grad))):
            rows[key].append(item)
    return {"learning_rate": learning_rate, **rows}


def _mistakes(graph: Graph, ev, names: tuple[str, ...], source: str) -> list:
    """Classroom mode: each step's likely wrong answers, in step order (mistakes.add_mistakes,
    which reads each step's kind and node)."""
    formulas = formula_texts(graph, source).formulas
    shown = list(names)
    if graph.labels[graph.output] is None:
        shown[graph.output] = output_name(graph)
    steps = [{"kind": "input", "node": k} for k in range(len(graph.variables))]
    steps += [{"kind": "op", "node": node} for node, op in enumerate(graph.ops) if op is not None]
    steps.append({"kind": "seed", "node": graph.output})
    steps += [{"kind": "edge"} for _ in range(len(ev.records))]
    add_mistakes(steps, graph, ev, shown, formulas)
    return [step["mistakes"] for step in steps]
