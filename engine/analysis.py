"""The one public entry point: analyze(source, values, **options).

Parse, build the graph, run forward and backward with the trace, check the
gradients numerically, and return an Analysis whose to_dict() is the JSON
contract (to_json() gives the same as bytes, fast). User errors raise
EngineError; nothing else escapes for any source string.

A program runs on Python floats unless it needs tensors (a vector or matrix
value or literal, `@`, a sum, a loss, a param(...)); then every value is a
numpy array and evaluate_tensor.py does the passes.
"""

from __future__ import annotations

import numbers as _numbers
import time
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from .contract import to_dict
from .diagnostics import evaluation_warnings
from .errors import EngineError, quoted
from .evaluate import Evaluation, Warning_, evaluate, forward_plan
from .evaluate_tensor import check_parameter, evaluate_tensors, initial_parameters, tensor_plan
from .gcpause import collector_paused
from .gradcheck import central_differences, directional_checks
from .graph import Graph, build_graph
from .layout import layout_graph
from .limits import Limits
from .parser import iter_statements
from .tensor import shape_text
from .values import bind_values, has_tensor

DEFAULT_LIMITS = Limits()
OPTIONS = ("merge", "gradcheck", "limits", "deadline", "default_value", "layout", "seed", "learning_rate")


@dataclass(slots=True)
class Analysis:
    source: str
    graph: Graph
    evaluation: Evaluation
    gradcheck: dict[str, dict] | None
    warnings: list[Warning_]
    layout: dict | None = None  # node positions and edge routes for drawing, when asked for
    tensor: bool = False  # values are numpy arrays
    learning_rate: float | None = None  # when given, the trace ends with the parameters' update

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

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())


# Below this size (characters of source, nodes of graph) the cycle collector would hardly
# run anyway, and pausing it costs more than it saves.
SMALL = 2_000


def analyze(source: str, values: Mapping[str, object] | None = None, **options) -> Analysis:
    if isinstance(source, str) and len(source) < SMALL:
        return _analyze(source, values, **options)
    with collector_paused():
        return _analyze(source, values, **options)


def _analyze(source: str, values: Mapping[str, object] | None = None, **options) -> Analysis:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise EngineError("invalid_option",
                          f"unknown option {quoted(unknown[0])}; the options are {', '.join(OPTIONS)}", 0, 0)
    if not isinstance(source, str):
        raise EngineError("invalid_source", "the source must be text", 0, 0)
    limits = options.get("limits") or DEFAULT_LIMITS
    deadline = Deadline(options.get("deadline"))
    learning_rate = options.get("learning_rate")
    learning_rate = None if learning_rate is None else check_learning_rate(learning_rate)
    # Each statement's syntax tree is built into the graph and let go at once.
    merge = bool(options.get("merge", False))
    graph = build_graph(iter_statements(source, limits, count_nodes=not merge), limits, merge=merge,
                        source=source)
    variable_values, given_parameters, warnings = bind_values(graph, values or {}, options.get("default_value"))
    deadline.check()
    tensor = graph.uses_tensors or has_tensor(variable_values)
    if tensor:
        parameters = parameter_values(graph, given_parameters, options.get("seed", 0))
        plan = tensor_plan(graph)
        evaluation = evaluate_tensors(graph, variable_values, parameters, plan)
    else:
        plan = forward_plan(graph)
        evaluation = evaluate(graph, variable_values, plan)
    deadline.check()
    warnings += evaluation_warnings(graph, evaluation, source)
    gradcheck = None
    if options.get("gradcheck", True):
        leaves = len(graph.variables) + len(graph.parameters)
        if leaves * len(plan) <= limits.max_gradcheck_evaluations:
            check = directional_checks if tensor else central_differences
            gradcheck = check(graph, plan, evaluation.values, evaluation.grads, deadline.check)
        else:
            warnings.append(Warning_("gradcheck_skipped",
                                     f"numerical gradient check skipped: {leaves:,} variables "
                                     f"× {len(plan):,} operations is too much work", 0, 0))
    drawing = graph_layout(graph, evaluation if tensor else None) if options.get("layout") else None
    # An update step only makes sense for a loss: parameters and a scalar output.
    trainable = bool(graph.parameters) and not getattr(evaluation.values[graph.output], "shape", ())
    return Analysis(source, graph, evaluation, gradcheck, warnings, drawing, tensor,
                    learning_rate if trainable else None)


def parameter_values(graph: Graph, given: dict, seed) -> dict:
    """Each parameter's value: the one given (of the right shape), else its seeded start."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise EngineError("invalid_option", "the seed must be a whole number ≥ 0", 0, 0)
    start = initial_parameters(graph, seed)
    for node, (name, _shape) in graph.parameters.items():
        if name in given:
            check_parameter(graph, node, given[name])
            start[name] = given[name]
    return start


def check_learning_rate(value) -> float:
    """η as a float, or the engine's error: analyze() and train() share the rule. (Compared
    as given: float() of a 400-digit int would raise OverflowError.)"""
    if isinstance(value, bool) or not isinstance(value, _numbers.Real) or not 0 < value < 1e6:
        raise EngineError("invalid_option", "the learning rate must be a positive number below 1e6", 0, 0)
    return float(value)


def graph_layout(graph: Graph, evaluation: Evaluation | None = None) -> dict:
    """Where to draw each node and edge: inputs on the left, the output on the right.
    On tensors each node also shows its shape."""
    texts = []
    for node in range(len(graph)):
        op, label = graph.ops[node], graph.label(node)
        if node in graph.tensor_constants:
            label = "[" + shape_text(graph.tensor_constants[node].shape) + "]"
        text = label if op is None else (f"{op.symbol} {label}" if label else op.symbol)
        if evaluation is not None and node not in graph.tensor_constants:
            shape = getattr(evaluation.values[node], "shape", ())
            if shape:
                text += f" {shape_text(shape)}"
        texts.append(text)
    # A parameter sits next to the operation that uses it, like a constant: W2 beside the
    # second layer, not far left with the data.
    kinds = ["const" if kind == "param" else kind for kind in graph.kinds]
    return layout_graph(graph.inputs, kinds, texts, graph.output)


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
