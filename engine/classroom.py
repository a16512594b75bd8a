"""Classroom mode's options: checked before the analysis runs, computed after its passes.

`check` runs once the graph and the values are known and before any pass: it
refuses what cannot be done (a tensor program, an unknown variable, a size past a
feature's limit) with an EngineError. `results` computes the top-level fields
"paths", "nudge", "forward_mode" and "predict" (predict mode's quiz, predict.py);
"mistakes" go on the steps as the contract builds them (mistakes.add_mistakes).

All five work on programs of numbers only. On tensors a step's answer is a vector
or a matrix, not a number to type; a path's product would be a chain of Jacobian
matrices; and the operators that mix elements (@, sum, the losses) define only
their reverse rule (a vector-Jacobian product), not the forward one that tangents
and a nudge's prediction need.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import forward_mode, mistakes, predict
from .display import formula_texts
from .errors import EngineError, quoted
from .evaluate import Evaluation, ForwardPlan
from .graph import Graph
from .nudge import nudge
from .options import AnalysisOptions
from .paths import paths

_WHY_NOT_TENSORS = {
    "mistakes": "a step's answer is then a vector or a matrix, not a number to type",
    "paths": "a path's product is then a chain of matrices (Jacobians), not a number",
    "nudge": "its prediction needs forward-mode derivatives, and @, sum and the losses define "
             "only the reverse rule",
    "forward_mode": "@, sum and the losses define only the reverse rule, and a tensor input "
                    "would need a pass per element",
    "predict": "a step's answer is then a vector or a matrix, not a number to type",
}


def asked(options: AnalysisOptions) -> list[str]:
    return [name for name, on in (("mistakes", options.mistakes), ("paths", options.paths is not None),
                                  ("nudge", options.nudge is not None),
                                  ("forward_mode", options.forward_mode),
                                  ("predict", options.predict is not None)) if on]


def check(graph: Graph, options: AnalysisOptions, tensor: bool, variable_values: list) -> None:
    """Before the work: what is asked for can be done on this graph, within its limits."""
    wanted = asked(options)
    if not wanted:
        return
    if tensor:
        start, end = _first_tensor(graph, variable_values)
        raise EngineError("not_for_tensors",
                          f"{wanted[0]} works on programs of numbers only: on a tensor program "
                          f"{_WHY_NOT_TENSORS[wanted[0]]}", start, end)
    if options.paths is not None:
        _known(graph, options.paths, "paths")
    if options.nudge is not None:
        _known(graph, next(iter(options.nudge)), "nudge")
    if options.forward_mode:
        forward_mode.check_size(graph)
    if options.mistakes or options.predict is not None:
        mistakes.check_size(graph)


def results(graph: Graph, evaluation: Evaluation, plan: ForwardPlan, options: AnalysisOptions,
            source: str, check_time: Callable[[], None]) -> dict:
    """The fields asked for: "paths", "nudge", "forward_mode", "predict" (JSON-ready)."""
    out: dict = {}
    if options.paths is not None:
        out["paths"] = paths(graph, evaluation, options.paths)
        check_time()
    if options.nudge is not None:
        ((name, epsilon),) = options.nudge.items()
        out["nudge"] = nudge(graph, evaluation, plan, name, epsilon, check_time)
        check_time()
    if options.forward_mode:
        formulas = formula_texts(graph, source).formulas
        out["forward_mode"] = forward_mode.forward_mode(graph, evaluation, formulas, check_time)
    if options.predict is not None:
        out["predict"] = predict.quiz(graph, evaluation, options.predict, source)
    return out


def _known(graph: Graph, name: str, option: str) -> None:
    if name not in graph.variables:
        known = ", ".join(graph.variables[:10]) + (", …" if len(graph.variables) > 10 else "")
        raise EngineError("invalid_option", f"{option}: {quoted(name)} is not a variable of this "
                                            f"source; its variables are {known or 'none'}", 0, 0)


def _first_tensor(graph: Graph, variable_values: list) -> tuple[int, int]:
    """The span of what makes the program a tensor program: the first tensor leaf in the
    source (a literal, a parameter, a variable given a vector), else the first tensor-only
    operation (sum(x) of a number)."""
    leaves = [graph.span(node) for node in (*graph.tensor_constants, *graph.parameters)]
    leaves += [graph.occurrence_spans(k)[0] for k, value in enumerate(variable_values)
               if isinstance(value, np.ndarray)]
    operations = [graph.span(node) for node, op in enumerate(graph.ops)
                  if op is not None and op.tensor_only]
    return min(leaves or operations, default=(0, 0))
