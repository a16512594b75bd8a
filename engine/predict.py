"""Predict mode's quiz (options.predict = how many significant digits): before each step is
revealed a student types its number, and the engine says which numbers count as right and
which as each likely mistake.

    "predict": {"digits": 3, "rule": "...", "questions": [
        {"step": 3, "field": "value", "answer": 3.0, "accept": [2.995, 3.005],
         "mistakes": [{"value": -10.0, "kind": "multiplied_instead", "why": "...", "also": [],
                       "accept": [-10.05, -9.95]}, ...]}, ...]}

A question asks for one field of a step: a forward operation's "value", the seed's "grad",
a backward edge's "product" (its contribution) and, from an operand's second contribution
on, its "grad" too (the running sum; before that it is the product). Inputs are given, so
they ask nothing. `mistakes` are those of options.mistakes for that field (mistakes.py).

`accept` is the closed interval of the numbers that agree with a number to `digits`
significant digits: within half a unit of its last such digit, so 0.047 and 0.04704 both
count as 0.04704 to 3 digits, and 0.048 does not. Zero agrees only with 0. A number that is
not finite has no interval (null): nothing typed counts as it. The page checks a typed
number against the answer's interval first, then each mistake's in order: the verdict is
this interval test and nothing else, so every verdict comes from the engine's numbers.
"""

from __future__ import annotations

import math
from decimal import Decimal

from .display import node_formulas, operand_names, output_name
from .evaluate import Evaluation
from .graph import Graph
from .mistakes import add_mistakes
from .numbers import json_number, json_numbers
from .trace import backward_steps, forward_steps

MIN_DIGITS, MAX_DIGITS = 1, 12
# Bounds widened by this (relative) so that a typed number exactly at half a unit, which
# the decimal-to-double rounding may put either side, counts.
_SLACK = 1e-9


def rule(digits: int) -> str:
    return (f"a typed number counts when it agrees to {digits} significant digit"
            f"{'s' if digits != 1 else ''}: within half a unit of the last of them (the answer "
            "is checked first, then each mistake in order)")


def accept(x, digits: int) -> list[float] | None:
    """The numbers that agree with x to `digits` significant digits, as [low, high]."""
    if not isinstance(x, float | int) or not math.isfinite(x):
        return None
    if x == 0:
        return [0.0, 0.0]
    exponent = Decimal(x).adjusted()  # of x's first significant digit, exactly
    half = 0.5 * 10.0 ** (exponent - digits + 1) * (1 + _SLACK)
    return [x - half, x + half]


def quiz(graph: Graph, evaluation: Evaluation, digits: int, source: str) -> dict:
    """The "predict" field: one entry per question, in step order."""
    names = operand_names(graph, source)
    if graph.labels[graph.output] is None:  # as the contract names an unnamed output
        names[graph.output] = output_name(graph)
    formulas = node_formulas(graph, names)
    steps = forward_steps(graph, json_numbers(evaluation.values))
    steps += backward_steps(graph, evaluation, formulas, json_numbers(evaluation.grads), json_number)
    add_mistakes(steps, graph, evaluation, names, formulas)
    questions = []
    for index, step in enumerate(steps):
        for field in _fields(step):
            answer = step[field]
            questions.append({
                "step": index, "field": field, "answer": answer, "accept": accept(answer, digits),
                "mistakes": [{**{k: m[k] for k in ("value", "kind", "why", "also")},
                              "accept": accept(m["value"], digits)}
                             for m in step["mistakes"] if m["answer"] == field],
            })
    return {"digits": digits, "rule": rule(digits), "questions": questions}


def _fields(step: dict) -> tuple[str, ...]:
    kind = step["kind"]
    if kind == "op":
        return ("value",)
    if kind == "seed":
        return ("grad",)
    if kind == "edge":
        return ("product", "grad") if step["contribution"] > 1 else ("product",)
    return ()
