"""The public entry point analyze(source, values, **options), in two halves.

prepare() parses, builds the graph, binds the values, infers every shape and
prices the analysis (cost.py), refusing it over a limit before any array is
allocated; Prepared.run() then runs forward and backward with the trace,
checks the gradients numerically, and returns an Analysis whose to_dict() is
the JSON contract (to_json() gives the same as bytes, fast). User errors
raise EngineError; nothing else escapes for any source string.

A program runs on Python floats unless it needs tensors (a vector or matrix
value or literal, `@`, a sum, a loss, a param(...)); then every value is a
numpy array and evaluate_tensor.py does the passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from . import classroom, reading
from .contract import Analysis
from .cost import Cost, analysis_cost, layout_work
from .cost import check as check_cost
from .diagnostics import evaluation_warnings
from .display import tensor_literal_text
from .errors import EngineError, EngineWarning
from .evaluate import Evaluation, evaluate, forward_plan
from .evaluate_tensor import evaluate_tensors, tensor_plan
from .gcpause import collector_paused
from .gradcheck import central_differences, planned_checks, tensor_checks
from .graph import Graph
from .layout import layout_graph
from .options import AnalysisOptions, check_deadline
from .shapes import infer_shapes
from .tensor import shape_text
from .values import bind_values, check_given_parameters, has_tensor, parameter_values

# Below this size (characters of source) the cycle collector would hardly run anyway, and
# pausing it costs more than it saves.
SMALL = 2_000


def analyze(source: str, values: Mapping[str, object] | None = None, **options) -> Analysis:
    """Parse, build, run forward and backward with the trace, check the gradients.

    `options` are AnalysisOptions' fields (merge, gradcheck, layout, default_value,
    seed, learning_rate, text_scale, mistakes, paths, nudge, forward_mode, limits,
    deadline); a user error raises EngineError."""
    return prepare(source, values, **options).run()


def prepare(source: str, values: Mapping[str, object] | None = None, **options) -> Prepared:
    """Everything before the arrays: parse, build, bind the values, infer every shape, and
    price the analysis (its `cost`); over a limit, EngineError. `run()` then does the work."""
    settings = AnalysisOptions.of(options)
    if not isinstance(source, str):
        raise EngineError("invalid_source", "the source must be text", 0, 0)
    if len(source) < SMALL:
        return _prepare(source, values, settings)
    with collector_paused():
        return _prepare(source, values, settings)


def _prepare(source: str, values: Mapping[str, object] | None, options: AnalysisOptions) -> Prepared:
    limits = options.limits
    graph = reading.read(source, limits, options.merge)
    variable_values, given_parameters, warnings = bind_values(graph, values or {}, options.default_value)
    tensor = graph.uses_tensors or has_tensor(variable_values)
    classroom.check(graph, options, tensor, variable_values)  # before the work it limits
    shapes = None
    if tensor:
        check_given_parameters(graph, given_parameters)
        shapes = infer_shapes(graph, [getattr(v, "shape", ()) for v in variable_values])
    checks = planned_checks(graph, variable_values) if options.gradcheck else 0
    if checks:
        operations = sum(1 for kind in graph.kinds if kind == "op")
        if checks * operations > limits.max_gradcheck_evaluations:
            warnings.append(EngineWarning("gradcheck_skipped",
                                          f"numerical gradient check skipped: {checks:,} checks "
                                          f"× {operations:,} operations is too much work", 0, 0))
            checks = 0
    base, checked = analysis_cost(graph, shapes, checks)
    check_cost(base, graph, shapes, limits)
    cost = checked
    if checks and not checked.within(limits, limits.max_work):
        checks, cost = 0, base
        warnings.append(EngineWarning("gradcheck_skipped",
                                      "numerical gradient check skipped: it would take this analysis "
                                      "past its limits", 0, 0))
    if options.layout:  # priced, so that a drawing never runs where only tiny work may
        cost = replace(cost, work=cost.work + layout_work(len(graph)))
    return Prepared(source, graph, options, variable_values, given_parameters, warnings, tensor,
                    bool(checks), cost)


@dataclass(slots=True)
class Prepared:
    """An analysis ready to run: its graph, its bound values and what it will cost."""

    source: str
    graph: Graph
    options: AnalysisOptions
    variable_values: list
    given_parameters: dict
    warnings: list[EngineWarning]
    tensor: bool
    gradcheck: bool  # whether the gradient check runs (it fits the limits)
    cost: Cost

    def run(self) -> Analysis:
        """Forward and backward with the trace, the gradient check, the layout."""
        if len(self.source) < SMALL:
            return self._run()
        with collector_paused():
            return self._run()

    def _run(self) -> Analysis:
        graph, options, tensor = self.graph, self.options, self.tensor
        warnings = list(self.warnings)
        check_deadline(options.deadline)
        if tensor:
            parameters = parameter_values(graph, self.given_parameters, options.seed)
            plan = tensor_plan(graph)
            evaluation = evaluate_tensors(graph, self.variable_values, parameters, plan)
        else:
            plan = forward_plan(graph)
            evaluation = evaluate(graph, self.variable_values, plan)
        check_deadline(options.deadline)
        warnings += evaluation_warnings(graph, evaluation, self.source)
        gradcheck = None
        if self.gradcheck:
            check = tensor_checks if tensor else central_differences
            gradcheck = check(graph, plan, evaluation.values, evaluation.grads,
                              lambda: check_deadline(options.deadline))
        drawing = (graph_layout(graph, evaluation if tensor else None, float(options.text_scale))
                   if options.layout else None)
        # An update step only makes sense for a loss: parameters and a scalar output.
        trainable = bool(graph.parameters) and not getattr(evaluation.values[graph.output], "shape", ())
        learning_rate = float(options.learning_rate) if trainable and options.learning_rate else None
        extras = classroom.results(graph, evaluation, plan, options, self.source,
                                   lambda: check_deadline(options.deadline))
        return Analysis(self.source, graph, evaluation, gradcheck, warnings, drawing, tensor,
                        learning_rate, options, classroom=extras)


def graph_layout(graph: Graph, evaluation: Evaluation | None = None, text_scale: float = 1.0) -> dict:
    """Where to draw each node and edge: inputs on the left, the output on the right.
    On tensors each node also shows its shape."""
    inputs, kinds, texts, output = layout_request(graph, evaluation)
    return layout_graph(inputs, kinds, texts, output, text_scale=text_scale)


def layout_request(graph: Graph, evaluation: Evaluation | None = None) -> tuple[list, list[str], list[str], int]:
    """What the layout is given for `graph`: (operands, kinds, texts, output), the texts as
    the page writes them in the nodes."""
    texts = []
    for node in range(len(graph)):
        op, label = graph.ops[node], graph.label(node)
        if node in graph.tensor_constants:
            label = tensor_literal_text(label, graph.tensor_constants[node].shape)
        text = label if op is None else (f"{op.symbol} {label}" if label else op.symbol)
        if evaluation is not None and node not in graph.tensor_constants:
            shape = getattr(evaluation.values[node], "shape", ())
            if shape:
                text += f" {shape_text(shape)}"
        texts.append(text)
    # A parameter sits next to the operation that uses it, like a constant: W2 beside the
    # second layer, not far left with the data.
    kinds = ["const" if kind == "param" else kind for kind in graph.kinds]
    return graph.inputs, kinds, texts, graph.output
