"""Classroom mode on random graphs (tests/strategies.py): paths, forward mode, nudge, mistakes.

1. The paths from a variable are exactly the graph's paths (against a brute-force walk),
   each product is the product of the backward steps' local gradients, and the products
   add up to the gradient.
2. Forward-mode derivatives equal the reverse gradients and sympy's derivatives.
3. A nudge's `actual` is f(x + ε) − f(x) exactly as the engine computes f, node by node,
   and its `predicted` is the forward-mode derivative times ε.
4. Mistakes differ from the right answer and from one another.
5. Any text with every classroom option gives a result in strict JSON or an EngineError.
"""

from __future__ import annotations

import json
import math

import mpmath as mp
import orjson
from compgraph.engine import EngineError
from hypothesis import assume, event, given
from hypothesis import strategies as st
from strategies import Case, cases
from test_properties import (
    _NAME,
    PROPERTY,
    Unusable,
    _close,
    reference,
    sympy_values,
    token_soup,
)

from compgraph import engine


def number(x) -> float:
    """A JSON number back to a float ("nan", "inf", "-inf" included)."""
    return float(x)


def same(x: float, y: float) -> bool:
    return (x != x and y != y) or x == y


def brute_force_paths(data: dict, variable: int) -> list[list[int]]:
    """Every path from `variable` to the output as edge lists, by plain recursion (test graphs are
    small), over the graph's live edges."""
    live = {n["id"] for n in data["nodes"] if n["live"]}
    consumers: dict[int, list[int]] = {}
    for edge in data["edges"]:
        if edge["target"] in live:
            consumers.setdefault(edge["source"], []).append(edge["id"])
    target = {edge["id"]: edge["target"] for edge in data["edges"]}

    def walk(node: int) -> list[list[int]]:
        if node == data["output"]:
            return [[]]
        return [[edge, *rest] for edge in consumers.get(node, []) for rest in walk(target[edge])]

    return walk(variable)


@PROPERTY
@given(cases(), st.data())
def test_paths_are_every_path_and_their_products_add_up_to_the_gradient(case: Case, data):
    assume(case.inputs)
    name = data.draw(st.sampled_from(case.inputs))
    result = engine.analyze(case.text, case.values, paths=name, gradcheck=False).to_dict()
    paths = result["paths"]
    variable = result["variables"].index(name)
    assume(paths["count"] <= 64)  # a random case rarely has more; the walk below would be slow
    expected = brute_force_paths(result, variable)
    assert paths["count"] == len(expected) and not paths["truncated"]
    assert sorted(item["edges"] for item in paths["items"]) == sorted(expected)
    local = {s["edge"]: number(s["local"]) for s in result["steps"] if s["kind"] == "edge"}
    for item in paths["items"]:
        targets = {e["id"]: e["target"] for e in result["edges"]}
        assert item["nodes"] == [variable, *(targets[e] for e in item["edges"])]
        assert all(same(number(v), local[e]) for v, e in zip(item["locals"], item["edges"], strict=True))
        product = 1.0
        for edge in reversed(item["edges"]):
            product *= local[edge]
        assert same(number(item["product"]), product)
    products = [number(item["product"]) for item in paths["items"]]
    gradient = number(result["gradients"][name])
    assert number(paths["gradient"]) == gradient or math.isnan(gradient)
    if not all(math.isfinite(p) for p in [*products, gradient]):
        event("a non-finite product or gradient")
        return
    scale = sum(abs(p) for p in products)
    assert abs(number(paths["total"]) - gradient) <= 1e-12 * scale * (len(products) + 50), (
        case.text, case.values, products, gradient)


@PROPERTY
@given(cases())
def test_forward_mode_derivatives_equal_the_reverse_gradients_and_sympy(case: Case):
    with mp.workdps(400):
        try:
            ref = reference(case)
            _exact, *derivatives = sympy_values(case)
        except Unusable as why:
            event(f"rejected: {why}")
            assume(False)
        result = engine.analyze(case.text, case.values, forward_mode=True, gradcheck=False)
        forward = result.to_dict()["forward_mode"]["derivatives"]
        assert list(forward) == list(case.inputs)
        for (name, reverse), derivative in zip(result.gradients.items(), derivatives, strict=True):
            tangent = forward[name]
            assert _close(tangent, derivative, ref.grad_errors[name]), (
                f"forward mode ∂/∂{name} of {case.text!r} at {case.values}: {tangent!r}, sympy {derivative}")
            # Both within their rounding bound of the exact derivative, so of each other.
            assert abs(mp.mpf(tangent) - mp.mpf(reverse)) <= (
                mp.mpf("2e-9") * abs(derivative) + 200 * ref.grad_errors[name]), (name, tangent, reverse)


@PROPERTY
@given(cases())
def test_forward_mode_steps_are_the_passes(case: Case):
    result = engine.analyze(case.text, case.values, forward_mode=True, gradcheck=False).to_dict()
    forward = result["forward_mode"]
    seeds = [s for s in forward["steps"] if s["kind"] == "seed"]
    assert [(s["variable"], s["node"], s["tangent"]) for s in seeds] == [
        (name, k, 1.0) for k, name in enumerate(result["variables"])]
    tangents: dict[tuple[int, int], float] = {}
    for step in forward["steps"]:
        if step["kind"] == "seed":
            tangents[step["pass"], step["node"]] = 1.0
            continue
        terms = [number(t) for t in step["terms"] if t is not None]
        assert terms, "a node with a step depends on the pass's variable"
        for p, t, local, term in zip(step["inputs"], step["operand_tangents"], step["locals"],
                                     step["terms"], strict=True):
            assert same(number(t), tangents.get((step["pass"], p), 0.0))
            assert (term is None) == (local is None) == ((step["pass"], p) not in tangents)
            if term is not None:
                assert same(number(term), number(local) * number(t))
        total = terms[0] if len(terms) == 1 else terms[0] + terms[1]
        assert same(number(step["tangent"]), total)
        tangents[step["pass"], step["node"]] = total
    for k, name in enumerate(result["variables"]):
        assert same(number(forward["derivatives"][name]), tangents.get((k, result["output"]), 0.0))
    counts = forward["counts"]
    assert counts["forward_mode"] == {"passes": len(result["variables"]),
                                      "operations": len(forward["steps"]) - len(seeds)}
    assert counts["reverse_mode"]["passes"] == 1


EPSILONS = st.one_of(st.floats(-1.0, 1.0, allow_nan=False), st.sampled_from([1e-8, -1e-12, 0.0, 5e-324]))


@PROPERTY
@given(cases(), st.data(), EPSILONS)
def test_nudge_actual_is_the_engines_own_difference(case: Case, data, epsilon: float):
    assume(case.inputs)
    name = data.draw(st.sampled_from(case.inputs))
    nudged = engine.analyze(case.text, case.values, nudge={name: epsilon}, gradcheck=False,
                            forward_mode=True).to_dict()
    before = engine.analyze(case.text, case.values, gradcheck=False).to_dict()
    after = engine.analyze(case.text, {**case.values, name: case.values[name] + epsilon},
                           gradcheck=False).to_dict()
    nudge = nudged["nudge"]
    assert (nudge["variable"], nudge["epsilon"]) == (name, epsilon)
    assert set(nudge["nodes"]) == {str(n["id"]) for n in before["nodes"]}
    for old, new in zip(before["nodes"], after["nodes"], strict=True):
        node = nudge["nodes"][str(old["id"])]
        assert same(number(node["nudged"]), number(new["value"]))
        assert same(number(node["actual"]), number(new["value"]) - number(old["value"]))
        assert same(number(node["predicted"]), number(node["derivative"]) * epsilon)
    output = nudge["nodes"][str(before["output"])]
    assert (nudge["derivative"], nudge["predicted"], nudge["actual"]) == (
        output["derivative"], output["predicted"], output["actual"])
    # The output's derivative is the forward-mode derivative: one tangent pass, the same numbers.
    assert nudge["derivative"] == nudged["forward_mode"]["derivatives"][name]


@PROPERTY
@given(cases())
def test_mistakes_differ_from_the_answer_and_from_each_other(case: Case):
    result = engine.analyze(case.text, case.values, mistakes=True, gradcheck=False).to_dict()
    json.dumps(result, allow_nan=False)
    for step in result["steps"]:
        mistakes = step["mistakes"]
        if step["kind"] == "input":
            assert mistakes == []
        seen: dict[str, list[float]] = {}
        for mistake in mistakes:
            value, right = number(mistake["value"]), number(step[mistake["answer"]])
            assert not same(value, right) and not math.isclose(value, right, rel_tol=1e-12)
            assert not any(same(value, v) or math.isclose(value, v, rel_tol=1e-12)
                           for v in seen.get(mistake["answer"], []))
            seen.setdefault(mistake["answer"], []).append(value)
            causes = [(mistake["kind"], mistake["why"]), *((a["kind"], a["why"]) for a in mistake["also"])]
            assert len(causes) == len(set(causes)) and mistake["why"]


CLASSROOM = st.sampled_from([{"mistakes": True}, {"forward_mode": True}, {"paths": "x"},
                             {"nudge": {"x": 0.5}}, {"mistakes": True, "forward_mode": True,
                                                     "paths": "x", "nudge": {"x": -1e-3}}])


@PROPERTY
@given(token_soup, CLASSROOM)
def test_any_text_with_classroom_options_gives_a_result_or_an_engine_error(text, options):
    values = {name: 1.5 for name in _NAME.findall(text)}
    try:
        analysis = engine.analyze(text, values, **options)
    except EngineError as error:
        assert 0 <= error.start <= error.end <= len(text)
        return
    data = analysis.to_dict()
    assert orjson.loads(analysis.to_json()) == json.loads(json.dumps(data, allow_nan=False))
