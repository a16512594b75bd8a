"""options.mistakes on the lecture's examples: the likely wrong answers at each step, with why."""

from __future__ import annotations

import json

import pytest

from compgraph import engine

LECTURE = ("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
LOG_SIN = ("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3})


def mistakes_of(source: str, values: dict) -> list[tuple]:
    """Per step: (kind, node or edge, [(answer, kind, value, [also kinds])])."""
    result = engine.analyze(source, values, mistakes=True).to_dict()
    json.dumps(result, allow_nan=False)
    return [(s["kind"], s.get("edge", s["node"]),
             [(m["answer"], m["kind"], m["value"], [a["kind"] for a in m["also"]]) for m in s["mistakes"]])
            for s in result["steps"]]


def step_mistakes(text: str, values: dict, **where) -> list[dict]:
    steps = engine.analyze(text, values, mistakes=True).to_dict()["steps"]
    (step,) = [s for s in steps if all(s.get(k) == v for k, v in where.items())]
    return step["mistakes"]


def test_every_step_of_the_lecture_example():
    assert mistakes_of(*LECTURE) == [
        ("input", 0, []), ("input", 1, []), ("input", 2, []),
        # q = x + y = 3
        ("op", 3, [("value", "multiplied_instead", -10.0, []), ("value", "dropped_minus", 7.0, []),
                   ("value", "sign_flip", -3.0, [])]),
        # f = q · z = −12: dropping z's minus is the same number as flipping the sign
        ("op", 4, [("value", "added_instead", -1.0, []), ("value", "dropped_minus", 12.0, ["sign_flip"])]),
        ("seed", 4, [("grad", "zero_seed", 0.0, []), ("grad", "value_not_gradient", -12.0, [])]),
        # ∂f/∂z = 1 · q = 3: the local gradient alone would be right, so it is not a mistake
        ("edge", 3, [("product", "upstream_only", 1.0, []), ("product", "added_not_multiplied", 4.0, []),
                     ("product", "other_operand_local", -4.0, ["value_not_gradient"]),
                     ("product", "value_as_upstream", -36.0, []), ("product", "sign_flip", -3.0, [])]),
        # ∂f/∂q = 1 · z = −4
        ("edge", 2, [("product", "upstream_only", 1.0, []), ("product", "added_not_multiplied", -3.0, []),
                     ("product", "other_operand_local", 3.0, ["value_not_gradient"]),
                     ("product", "value_as_upstream", 48.0, []), ("product", "sign_flip", 4.0, [])]),
        # ∂f/∂y = −4 · 1: the upstream gradient alone would be right here
        ("edge", 1, [("product", "local_only", 1.0, []), ("product", "added_not_multiplied", -3.0, []),
                     ("product", "value_as_upstream", 3.0, []), ("product", "value_not_gradient", 5.0, []),
                     ("product", "sign_flip", 4.0, [])]),
        ("edge", 0, [("product", "local_only", 1.0, []), ("product", "added_not_multiplied", -3.0, []),
                     ("product", "value_as_upstream", 3.0, []), ("product", "value_not_gradient", -2.0, []),
                     ("product", "sign_flip", 4.0, [])]),
    ]


def test_the_lectures_backward_mistakes_say_why():
    assert step_mistakes(*LECTURE, kind="edge", edge=2) == [
        {"answer": "product", "value": 1.0, "kind": "upstream_only",
         "why": "that is the upstream gradient ∂f/∂f alone; multiply it by the local gradient ∂f/∂q = z",
         "also": []},
        {"answer": "product", "value": -3.0, "kind": "added_not_multiplied",
         "why": "that adds the upstream and local gradients; the chain rule multiplies them", "also": []},
        {"answer": "product", "value": 3.0, "kind": "other_operand_local",
         "why": "that multiplies by ∂f/∂z = q, the local gradient toward the second operand; q is the "
                "first, and its local gradient is z",
         "also": [{"kind": "value_not_gradient", "why": "that is the value of q, not its gradient"}]},
        {"answer": "product", "value": 48.0, "kind": "value_as_upstream",
         "why": "that multiplies the value of f by the local gradient; the upstream gradient is f's "
                "gradient ∂f/∂f, not its value", "also": []},
        {"answer": "product", "value": 4.0, "kind": "sign_flip",
         "why": "the sign is flipped: check the signs of the upstream and local gradients", "also": []},
    ]
    assert step_mistakes(*LECTURE, kind="edge", edge=0)[0] == {
        "answer": "product", "value": 1.0, "kind": "local_only",
        "why": "that is the local gradient ∂q/∂x = 1 alone; multiply it by the upstream gradient ∂f/∂q",
        "also": []}
    assert step_mistakes(*LECTURE, kind="seed")[0]["why"] == (
        "every gradient starts at 0 except the output's own, ∂f/∂f: f changes exactly as f does")


def test_fan_out_the_node_gradient_is_the_sum_of_its_contributions():
    # x2 feeds x1·x2 and sin(x2); its second contribution's step asks for the sum so far too.
    mistakes = step_mistakes(*LOG_SIN, kind="edge", source=1, contribution=2)
    first = -0.9899924966004454 * 1.791759469228055  # ∂f/∂x2 through sin(x2)
    this = 0.0235200013433112 * 2.0  # through x1·x2
    assert [(m["answer"], m["kind"], m["value"]) for m in mistakes if m["answer"] == "grad"] == [
        ("grad", "contribution_only", this),
        ("grad", "earlier_sum_only", first),
        ("grad", "subtracted", first - this),
        ("grad", "multiplied_sum", first * this),
        ("grad", "sign_flip", -(first + this)),
    ]
    assert mistakes[-5]["why"] == ("that is this edge's contribution alone; x2 is used 2 times, so "
                                   "its gradient is the sum of its 2 contributions")
    # and the first contribution has no "grad" mistakes: there the sum is the product
    first_step = step_mistakes(*LOG_SIN, kind="edge", source=1, contribution=1)
    assert {m["answer"] for m in first_step} == {"product"}


def test_forward_steps_of_log_times_sin():
    log = step_mistakes(*LOG_SIN, kind="op", node=3)
    assert [(m["kind"], m["value"], m["why"]) for m in log] == [
        ("derivative_instead", 1 / 6, "that is the derivative 1/(x1·x2) at x1·x2 = 6, not the value "
                                      "log(x1·x2)"),
        ("base_ten", 0.7781512503836436, "that is the base-10 logarithm of x1·x2; log is the natural "
                                         "logarithm ln"),
        ("sign_flip", -1.791759469228055, "the sign is flipped: check the signs in log(x1·x2)"),
    ]
    sin = step_mistakes(*LOG_SIN, kind="op", node=4)
    assert [(m["kind"], m["value"]) for m in sin] == [
        ("derivative_instead", -0.9899924966004454), ("degrees", 0.05233595624294383),
        ("sign_flip", -0.1411200080598672)]
    assert sin[0]["why"] == "that is the derivative cos(x2) at x2 = 3, not the value sin(x2)"


def test_a_function_edge_offers_the_value_as_its_local_gradient():
    mistakes = step_mistakes(*LOG_SIN, kind="edge", edge=3)  # sin(x2) -> x2
    assert {m["kind"]: m["value"] for m in mistakes}["value_as_local"] == (
        1.791759469228055 * 0.1411200080598672)


def test_a_node_used_twice_offers_one_of_its_contributions_as_the_upstream():
    # a feeds f twice (a and a·2): its gradient is 1 + 2 = 3; using one of them is a mistake.
    mistakes = step_mistakes("a = x * y; f = a + a * 2", {"x": 2, "y": 3}, kind="edge", edge=1)
    parts = [(m["value"], m["why"]) for m in mistakes if m["kind"] == "one_upstream_contribution"]
    assert parts == [(4.0, "that uses only the contribution to ∂f/∂a through (a·2) as the upstream "
                           "gradient; a is used 2 times, and its gradient is the sum of both contributions")]


@pytest.mark.parametrize(("source", "values", "kind", "value", "why"), [
    ("x / y", {"x": 1, "y": 4}, "operands_swapped", 4.0,
     "that is y / x: the operands are swapped; the node computes x / y"),
    ("x^3", {"x": 2}, "operands_swapped", 9.0, "that is 3^x: the operands are swapped; the node computes x^3"),
    ("x^3", {"x": 2}, "multiplied_instead", 6.0,
     "that multiplies x by 3; a power multiplies x by itself, 3 is how many times"),
    ("max(x, y)", {"x": 1, "y": 2}, "other_extreme", 1.0, "that is min(x, y); the node takes the larger of the two"),
    ("relu(x)", {"x": -1}, "not_clamped", -1.0, "that is x unchanged; relu passes only positive numbers"),
    ("sigmoid(x)", {"x": 1}, "minus_dropped", 0.2689414213699951,
     "that is 1/(1 + e^x): the minus sign in e^−x is missing"),
    ("sqrt(x)", {"x": 9}, "halved", 4.5, "that halves x; a square root is not half"),
])
def test_forward_slips_by_operator(source, values, kind, value, why):
    output = engine.analyze(source, values).graph.output
    mistakes = step_mistakes(source, values, kind="op", node=output)
    assert {"kind": kind, "value": value, "why": why} in [
        {key: m[key] for key in ("kind", "value", "why")} for m in mistakes]


def test_two_slips_that_give_one_number_are_one_mistake():
    # x − y = −2; y − x = 2 is both the operands swapped and the sign flipped: listed once, as
    # the more telling of the two.
    (swapped, added) = step_mistakes("x - y", {"x": 3, "y": 5}, kind="op", node=2)
    assert swapped == {"answer": "value", "value": 2.0, "kind": "operands_swapped",
                       "why": "that is y − x: the operands are swapped; the node computes x − y",
                       "also": [{"kind": "sign_flip", "why": "the sign is flipped: check the signs in x − y"}]}
    assert (added["kind"], added["value"]) == ("added_instead", 8.0)


def test_the_sigmoid_neurons_division():
    source = "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    steps = engine.analyze(source, values, mistakes=True).to_dict()["steps"]
    division = [s for s in steps if s.get("op") == "div"][0]
    assert [(m["kind"], m["value"]) for m in division["mistakes"]] == [
        ("operands_swapped", 1.3678794411714423), ("added_instead", 2.3678794411714423),
        ("sign_flip", -0.7310585786300049)]


def test_non_finite_mistakes_are_strings():
    # log(0) = −inf: its derivative 1/0 is inf, a mistake like any other, written "inf".
    mistakes = step_mistakes("log(x)", {"x": 0}, kind="op", node=1)
    assert mistakes == [{"answer": "value", "value": "inf", "kind": "derivative_instead",
                         "why": "that is the derivative 1/x at x = 0, not the value log(x)",
                         "also": [{"kind": "sign_flip", "why": "the sign is flipped: check the signs in log(x)"}]}]


def test_without_the_option_no_step_has_mistakes():
    steps = engine.analyze(*LECTURE).to_dict()["steps"]
    assert not any("mistakes" in step for step in steps)


def test_tensor_programs_are_refused_where_the_tensor_is():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("y = 2 * x\nW = param(2, 2)\nf = sum(W @ [1, 2])", {"x": 1}, mistakes=True)
    assert caught.value.to_dict() == {"error": {
        "code": "not_for_tensors",
        "message": "mistakes works on programs of numbers only: on a tensor program a step's answer is "
                   "then a vector or a matrix, not a number to type",
        "start": 14, "end": 25}}
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("x * 2", {"x": [1, 2]}, mistakes=True)
    assert (caught.value.code, caught.value.start, caught.value.end) == ("not_for_tensors", 0, 1)


def test_the_size_is_checked_before_the_work():
    source = "+".join(["x"] * 3_400)  # 1 + 3,399 + 1 + 6,798 steps at most
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, {"x": 1}, mistakes=True)
    assert caught.value.to_dict() == {"error": {
        "code": "too_many_steps",
        "message": "mistakes are offered on up to 10,000 steps; this graph's trace can have 10,199 "
                   "(ask for mistakes on a smaller graph)",
        "start": 0, "end": 0}}
    assert engine.analyze("+".join(["x"] * 3_300), {"x": 1}, mistakes=True).value == 3_300
