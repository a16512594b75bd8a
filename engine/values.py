"""The user's values bound to a graph's variables and parameters.

A variable's value is a number, or a vector or matrix as nested lists (then
the analysis runs on tensors). A parameter (W = param(3, 4)) takes its value
from `values` when given one of the right shape (the page replays a training
step that way), else from a seeded initialization.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from .errors import EngineError, EngineWarning, quoted
from .evaluate_tensor import check_parameter, initial_parameters
from .graph import Graph

MAX_TENSOR_ELEMENTS = 1_000_000


def bind_values(graph: Graph, values: Mapping[str, object],
                default: float | None) -> tuple[list, dict[str, object], list[EngineWarning]]:
    """(the variables' values in order, values given for parameters, warnings).

    With a `default`, a missing value is that default and a warning (a page fills
    in variables as the user types them)."""
    if not isinstance(values, Mapping):
        raise EngineError("non_numeric_value", "values must map each variable name to a number", 0, 0)
    bound: list = []
    warnings: list[EngineWarning] = []
    for k, name in enumerate(graph.variables):
        start, end = graph.occurrences[k][0], graph.occurrences[k][1]
        if name in values:
            bound.append(value_of(name, values[name], start, end))
        elif default is not None:
            bound.append(value_of(name, default, start, end))
            warnings.append(EngineWarning("default_value", f"no value given for {quoted(name)}; using {default:g}",
                                     start, end, k))
        else:
            raise EngineError("missing_value", f"no value given for the variable {quoted(name)}", start, end)
    parameter_names = {name: node for node, (name, _shape) in graph.parameters.items()}
    given_parameters = {}
    for name, node in parameter_names.items():
        if name in values:
            start, end = graph.span(node)
            given_parameters[name] = np.asarray(value_of(name, values[name], start, end), dtype=np.float64)
    known = set(graph.variables) | set(parameter_names)
    warnings += [
        EngineWarning("unused_value", f"{quoted(str(name))} is not a variable of this expression; its value is ignored", 0, 0)
        for name in values if name not in known
    ]
    return bound, given_parameters, warnings


def check_given_parameters(graph: Graph, given: dict) -> None:
    """A value given for a parameter must have the shape its param() says."""
    for node, (name, _shape) in graph.parameters.items():
        if name in given:
            check_parameter(graph, node, given[name])


def parameter_values(graph: Graph, given: dict, seed: int) -> dict:
    """Each parameter's value: the one given (of the right shape), else its seeded start."""
    check_given_parameters(graph, given)
    start = initial_parameters(graph, seed)
    start.update(given)
    return start


def value_of(name: str, value: object, start: int, end: int):
    """A float, or a float64 array for nested lists of numbers."""
    if isinstance(value, list | tuple | np.ndarray):
        return _tensor(name, value, start, end)
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


def _tensor(name: str, value, start: int, end: int) -> np.ndarray:
    """Nested lists of real numbers, rows of equal length, at most a matrix."""
    try:
        array = np.asarray(value)
    except (ValueError, OverflowError):  # ragged rows
        array = None
    if array is None or array.dtype.kind not in "iuf":  # not booleans, text, None, ragged rows
        raise EngineError("non_numeric_value",
                          f"the value of {quoted(name)} must be numbers in rows of equal length",
                          start, end)
    if array.size == 0 or array.ndim > 2:
        raise EngineError("non_numeric_value",
                          f"the value of {quoted(name)} must be a number, a vector or a matrix", start, end)
    if array.size > MAX_TENSOR_ELEMENTS:
        raise EngineError("non_numeric_value", f"the value of {quoted(name)} is too large", start, end)
    return array.astype(np.float64)


def has_tensor(values: list) -> bool:
    return any(isinstance(v, np.ndarray) for v in values)
