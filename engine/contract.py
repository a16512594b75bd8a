"""An analysis's result, and the JSON contract it turns into (Analysis.to_dict(), the
object form; Analysis.to_json("compact") is the same as columns, see wire.py).

Fields may be added, never renamed. Numbers are JSON numbers, or the strings
"nan", "inf", "-inf" where they are not finite; on tensors, a value is an
object {"shape", "min", "max", "mean", "norm"} with "data" (nested lists)
when it is small (see tensor.json_tensor).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import orjson

from .display import formula_texts, output_name
from .errors import EngineWarning
from .evaluate import Evaluation
from .gcpause import collector_paused
from .graph import Graph
from .mistakes import add_mistakes
from .numbers import json_number, json_numbers
from .options import AnalysisOptions
from .tensor import json_tensor
from .trace import backward_steps, forward_steps, update_steps
from .wire import compact_json

# Below this many nodes the cycle collector would hardly run while the JSON is built, and
# pausing it costs more than it saves.
SMALL = 2_000


@dataclass(slots=True)
class Analysis:
    source: str
    graph: Graph
    evaluation: Evaluation
    gradcheck: dict[str, dict] | None
    warnings: list[EngineWarning]
    layout: dict | None = None  # node positions and edge routes for drawing, when asked for
    tensor: bool = False  # values are numpy arrays
    learning_rate: float | None = None  # when given, the trace ends with the parameters' update
    options: AnalysisOptions = AnalysisOptions()  # what the analysis ran with
    classroom: dict | None = None  # "paths", "nudge", "forward_mode", when asked for (classroom.py)

    @property
    def value(self):
        return self.evaluation.values[self.graph.output]

    @property
    def gradients(self) -> dict[str, object]:
        """d(output)/d(each variable and parameter)."""
        grads = self.evaluation.grads
        out = {name: grads[k] for k, name in enumerate(self.graph.variables)}
        out.update((name, grads[node]) for node, (name, _) in sorted(self.graph.parameters.items()))
        return out

    def to_dict(self) -> dict:
        if len(self.graph) < SMALL:
            return to_dict(self)
        with collector_paused():
            return to_dict(self)

    def to_json(self, format: str | None = None) -> bytes:
        """The answer as JSON bytes, in `format` ("object": to_dict(); "compact": wire.py),
        by default the one the options asked for."""
        if (format or self.options.format) == "compact":
            if len(self.graph) < SMALL:
                return compact_json(self)
            with collector_paused():
                return compact_json(self)
        return orjson.dumps(self.to_dict())


def to_dict(analysis: Analysis) -> dict:
    graph, ev = analysis.graph, analysis.evaluation
    texts = formula_texts(graph, analysis.source)
    names, formulas, expressions = list(texts.names), texts.formulas, texts.expressions
    out_name = output_name(graph)
    if graph.labels[graph.output] is None:  # an unnamed operation is called by the output's name
        names[graph.output] = out_name
    if analysis.tensor:
        convert = json_tensor
        values = [json_tensor(v) for v in ev.values]
        grads = [json_tensor(g) for g in ev.grads]
        shapes = [list(np.shape(v)) for v in ev.values]
    else:
        strict = ev.all_finite and _finite_checks(analysis.gradcheck)
        convert = None if strict else json_number
        values = ev.values if strict else json_numbers(ev.values)
        grads = ev.grads if strict else json_numbers(ev.grads)
        shapes = None
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
            "span": [starts[node], ends[node]],
            "formulas": None if formulas[node] is None else list(formulas[node]), "live": bool(ev.live[node]),
            "shape": shapes[node] if shapes else [],
        }
        if node < len(graph.variables):
            entry["occurrences"] = [list(span) for span in graph.occurrence_spans(node)]
        nodes.append(entry)
    source_of = graph.edge_source
    edges = [
        {"id": e, "source": source_of(e), "target": t, "operand": k}
        for e, (t, k) in enumerate(zip(graph.edge_targets, graph.edge_operands, strict=True))
    ]
    steps = forward_steps(graph, values)
    steps += backward_steps(graph, ev, formulas, grads, convert, names if analysis.tensor else None)
    if analysis.learning_rate is not None:
        steps += update_steps(graph, ev, analysis.learning_rate, json_tensor)
    if analysis.options.mistakes:
        add_mistakes(steps, graph, ev, names, formulas)
    gradcheck = analysis.gradcheck
    if gradcheck is not None and (analysis.tensor or convert is not None):
        gradcheck = {name: {**check, **{key: json_number(check[key]) for key in _CHECK_NUMBERS}}
                     for name, check in gradcheck.items()}
    gradients = {name: grads[k] for k, name in enumerate(graph.variables)}
    parameters = sorted(graph.parameters.items())
    gradients.update((name, grads[node]) for node, (name, _shape) in parameters)
    return {
        "value": values[graph.output],
        "output": graph.output,
        "output_name": out_name,
        "variables": list(graph.variables),
        "parameters": [name for _node, (name, _shape) in parameters],
        "gradients": gradients,
        "nodes": nodes,
        "edges": edges,
        "steps": steps,
        "gradcheck": gradcheck,
        "warnings": [w.to_dict() for w in analysis.warnings],
        **({"layout": analysis.layout} if analysis.layout is not None else {}),
        **(analysis.classroom or {}),
    }


_CHECK_NUMBERS = ("analytic", "numeric", "rel_error")


def _finite_checks(checks: dict[str, dict] | None) -> bool:
    if not checks:
        return True
    return all(check[key] is None or math.isfinite(check[key])
               for check in checks.values() for key in _CHECK_NUMBERS)
