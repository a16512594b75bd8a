"""The one public entry point: analyze(source, values, **options).

Parse, build the graph, run forward and backward with the trace, check the
gradients numerically, and return an Analysis whose to_dict() is the JSON
contract (to_json() gives the same as bytes, fast). User errors raise
EngineError; nothing else escapes for any source string.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from .display import node_expressions, node_formulas, operand_names, output_name
from .errors import EngineError, quoted
from .evaluate import Evaluation, Warning_, evaluate, forward_plan
from .gcpause import collector_paused
from .gradcheck import central_differences
from .graph import OP, Graph, build_graph
from .layout import layout_graph
from .limits import Limits
from .numbers import json_number, json_numbers
from .parser import iter_statements
from .trace import backward_steps, forward_steps, make_strict

OPTIONS = ("merge", "gradcheck", "limits", "deadline", "default_value", "layout")


@dataclass(slots=True)
class Analysis:
    source: str
    graph: Graph
    evaluation: Evaluation
    gradcheck: dict[str, dict] | None
    warnings: list[Warning_]
    layout: dict | None = None  # node positions and edge routes for drawing, when asked for

    @property
    def value(self) -> float:
        return self.evaluation.values[self.graph.output]

    @property
    def gradients(self) -> dict[str, float]:
        grads = self.evaluation.grads
        return {name: grads[k] for k, name in enumerate(self.graph.variables)}

    def to_dict(self) -> dict:
        with collector_paused():
            return self._to_dict()

    def _to_dict(self) -> dict:
        graph, ev = self.graph, self.evaluation
        names = operand_names(graph, self.source)
        formulas = node_formulas(graph, names)
        expressions = node_expressions(graph, names)
        names[graph.output] = output_name(graph)
        strict = ev.all_finite and _finite_gradcheck(self.gradcheck)
        values = ev.values if strict else json_numbers(ev.values)
        grads = ev.grads if strict else json_numbers(ev.grads)
        nodes = []
        kinds, ops, label, starts, ends = graph.kinds, graph.ops, graph.label, graph.starts, graph.ends
        operands = graph.operands
        for node in range(len(kinds)):
            op = ops[node]
            entry = {
                "id": node, "kind": kinds[node], "op": op.name if op else None,
                "symbol": op.symbol if op else None, "label": label(node), "name": names[node],
                "expression": expressions[node],
                "inputs": list(operands(node)), "value": values[node], "grad": grads[node],
                "span": [starts[node], ends[node]], "formulas": formulas[node], "live": bool(ev.live[node]),
            }
            if node < len(graph.variables):
                entry["occurrences"] = [list(span) for span in graph.occurrence_spans(node)]
            nodes.append(entry)
        source_of = graph.edge_source
        edges = [
            {"id": e, "source": source_of(e), "target": t, "operand": k}
            for e, (t, k) in enumerate(zip(graph.edge_targets, graph.edge_operands, strict=True))
        ]
        steps = forward_steps(graph, ev.values) + backward_steps(graph, ev, formulas)
        if not strict:
            make_strict(steps)
        gradcheck = None
        if self.gradcheck is not None:
            gradcheck = {name: {key: json_number(v) for key, v in check.items()}
                         for name, check in self.gradcheck.items()}
        return {
            "value": values[graph.output],
            "output": graph.output,
            "output_name": output_name(graph),
            "variables": list(graph.variables),
            "gradients": {name: grads[k] for k, name in enumerate(graph.variables)},
            "nodes": nodes,
            "edges": edges,
            "steps": steps,
            "gradcheck": gradcheck,
            "warnings": [w.to_dict() for w in self.warnings],
            **({"layout": self.layout} if self.layout is not None else {}),
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())


def analyze(source: str, values: Mapping[str, object] | None = None, **options) -> Analysis:
    with collector_paused():
        return _analyze(source, values, **options)


def _analyze(source: str, values: Mapping[str, object] | None = None, **options) -> Analysis:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise EngineError("invalid_option",
                          f"unknown option {quoted(unknown[0])}; the options are {', '.join(OPTIONS)}", 0, 0)
    if not isinstance(source, str):
        raise EngineError("invalid_source", "the source must be text", 0, 0)
    limits = options.get("limits") or Limits()
    deadline = Deadline(options.get("deadline"))
    # Each statement's syntax tree is built into the graph and let go at once.
    merge = bool(options.get("merge", False))
    graph = build_graph(iter_statements(source, limits, count_nodes=not merge), limits, merge=merge,
                        source=source)
    variable_values, warnings = _bind_values(graph, values or {}, options.get("default_value"))
    plan = forward_plan(graph)
    deadline.check()
    evaluation = evaluate(graph, variable_values, plan)
    deadline.check()
    warnings += _evaluation_warnings(graph, evaluation, source)
    gradcheck = None
    if options.get("gradcheck", True):
        work = len(graph.variables) * len(plan)
        if work <= limits.max_gradcheck_evaluations:
            gradcheck = central_differences(graph, plan, evaluation.values, evaluation.grads,
                                            deadline.check)
        else:
            warnings.append(Warning_("gradcheck_skipped",
                                     f"numerical gradient check skipped: {len(graph.variables):,} variables "
                                     f"× {len(plan):,} operations is too much work", 0, 0))
    drawing = graph_layout(graph) if options.get("layout") else None
    return Analysis(source, graph, evaluation, gradcheck, warnings, drawing)


def graph_layout(graph: Graph) -> dict:
    """Where to draw each node and edge: inputs on the left, the output on the right."""
    texts = []
    for node in range(len(graph)):
        op, label = graph.ops[node], graph.label(node)
        texts.append(label if op is None else (f"{op.symbol} {label}" if label else op.symbol))
    return layout_graph(graph.inputs, graph.kinds, texts, graph.output)


class Deadline:
    """`deadline` is a time.monotonic() value; past it, the analysis stops with an error.

    Checked between phases and between the gradient check's variables, so a
    server's worker thread is freed soon after its time budget runs out."""

    def __init__(self, deadline: float | None):
        self.deadline = deadline

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise EngineError("time_budget_exceeded",
                              "the analysis took longer than its time budget; try a smaller input", 0, 0)


def _bind_values(graph: Graph, values: Mapping[str, object],
                 default: float | None) -> tuple[list[float], list[Warning_]]:
    """The variables' values in order. With a `default`, a missing value is that
    default and a warning (a page fills in variables as the user types them)."""
    if not isinstance(values, Mapping):
        raise EngineError("non_numeric_value", "values must map each variable name to a number", 0, 0)
    bound: list[float] = []
    warnings: list[Warning_] = []
    for k, name in enumerate(graph.variables):
        start, end = graph.occurrences[k][0], graph.occurrences[k][1]
        if name in values:
            bound.append(_number(name, values[name], start, end))
        elif default is not None:
            bound.append(_number(name, default, start, end))
            warnings.append(Warning_("default_value", f"no value given for {quoted(name)}; using {default:g}",
                                     start, end, k))
        else:
            raise EngineError("missing_value", f"no value given for the variable {quoted(name)}", start, end)
    variables = set(graph.variables)
    warnings += [
        Warning_("unused_value", f"{quoted(str(name))} is not a variable of this expression; its value is ignored", 0, 0)
        for name in values if name not in variables
    ]
    return bound, warnings


def _number(name: str, value: object, start: int, end: int) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        shown = ascii(value) if len(ascii(value)) <= 40 else ascii(value)[:37] + "..."
        raise EngineError("non_numeric_value",
                          f"the value of {quoted(name)} must be a number, not {type(value).__name__} {shown}",
                          start, end)
    try:
        return float(value)
    except OverflowError:
        raise EngineError("number_too_large",
                          f"the value of {quoted(name)} is too large for a 64-bit float", start, end) from None


def _evaluation_warnings(graph: Graph, ev: Evaluation, source: str) -> list[Warning_]:
    warnings: list[Warning_] = []
    values = ev.values
    names = operand_names(graph, source) if ev.nonfinite_grads else []
    for node in ev.nonfinite_values:
        start, end = graph.span(node)
        if graph.kinds[node] is OP:
            shown = [_short(values[p]) for p in graph.operands(node)]
            message = f"{graph.ops[node].render(*shown)} = {_short(values[node])}"
        else:
            message = f"the value of {quoted(graph.label(node))} is {_short(values[node])}"
        warnings.append(Warning_("non_finite_value", f"{message} is not a finite number",
                                 start, end, node))
    for edge in ev.nonfinite_grads:
        target, source_node = graph.edge_targets[edge], graph.edge_source(edge)
        operand = graph.edge_operands[edge]
        start, end = graph.span(target)
        formula = graph.ops[target].partials[operand].render(*[names[p] for p in graph.operands(target)])
        warnings.append(Warning_(
            "non_finite_gradient",
            f"the local gradient ∂{names[target]}/∂{names[source_node]} = {formula} is not finite here, "
            f"so the gradient of {names[source_node]} is {_short(ev.grads[source_node])}",
            start, end, target))
    for i, (name, node, start, end) in enumerate(graph.statements):
        if i < len(graph.statements) - 1 and not ev.live[node]:
            what = quoted(name) if name else "this statement"
            warnings.append(Warning_("unused_statement",
                                     f"the value of {what} is never used by the output", start, end, node))
    return warnings


def _finite_gradcheck(checks: dict[str, dict] | None) -> bool:
    if not checks:
        return True
    return all(v is None or math.isfinite(v) for check in checks.values() for v in check.values())


def _short(x: float) -> str:
    return f"{x:.6g}"
