"""The lecture's worked examples, number for number and step for step."""

from __future__ import annotations

import math

import pytest

from compgraph import engine


def backward_edges(result: dict) -> list[tuple[str, str, float, float, float, float]]:
    """(consumer, operand, upstream, local, product, accumulated) per backward edge step."""
    nodes = result["nodes"]
    return [
        (nodes[s["node"]]["name"], nodes[s["source"]]["name"], s["upstream"], s["local"], s["product"], s["grad"])
        for s in result["steps"] if s["phase"] == "backward" and s["kind"] == "edge"
    ]


def test_simple_function_at_the_lectures_point():
    result = engine.analyze("(x+y)*z", {"x": -2, "y": 5, "z": -4}).to_dict()
    assert result["value"] == -12
    assert result["gradients"] == {"x": -4, "y": -4, "z": 3}
    assert result["variables"] == ["x", "y", "z"]
    add, mul = result["nodes"][3], result["nodes"][4]
    assert (add["op"], add["value"], add["grad"]) == ("add", 3, -4)
    assert (mul["op"], mul["value"], mul["grad"]) == ("mul", -12, 1)


def test_backward_steps_follow_the_lectures_order():
    # The slides: ∂f/∂f = 1, then ∂f/∂z, ∂f/∂q, ∂f/∂y, ∂f/∂x.
    result = engine.analyze("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}).to_dict()
    backward = [s for s in result["steps"] if s["phase"] == "backward"]
    assert backward[0] == {"phase": "backward", "kind": "seed", "node": 4, "grad": 1.0}
    assert backward_edges(result) == [
        ("f", "z", 1.0, 3.0, 3.0, 3.0),  # ∂f/∂z = q = 3
        ("f", "q", 1.0, -4.0, -4.0, -4.0),  # ∂f/∂q = z = -4
        ("q", "y", -4.0, 1.0, -4.0, -4.0),  # ∂f/∂y = ∂f/∂q · ∂q/∂y = -4 · 1
        ("q", "x", -4.0, 1.0, -4.0, -4.0),
    ]
    formulas = [s["local_formula"] for s in backward[1:]]
    assert formulas == ["q", "z", "1", "1"]


def test_forward_steps_show_inputs_then_each_operator():
    result = engine.analyze("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}).to_dict()
    forward = [s for s in result["steps"] if s["phase"] == "forward"]
    assert forward == [
        {"phase": "forward", "kind": "input", "node": 0, "value": -2.0},
        {"phase": "forward", "kind": "input", "node": 1, "value": 5.0},
        {"phase": "forward", "kind": "input", "node": 2, "value": -4.0},
        {"phase": "forward", "kind": "op", "node": 3, "op": "add", "inputs": [0, 1],
         "operands": [-2.0, 5.0], "value": 3.0},
        {"phase": "forward", "kind": "op", "node": 4, "op": "mul", "inputs": [3, 2],
         "operands": [3.0, -4.0], "value": -12.0},
    ]
    assert [n["label"] for n in result["nodes"]] == ["x", "y", "z", "q", "f"]
    assert result["nodes"][4]["formulas"] == ["z", "q"]  # ∂f/∂q = z, ∂f/∂z = q


@pytest.mark.parametrize("x1, x2", [(2.0, 3.0), (0.5, 1.0), (7.0, -2.5), (1e-3, 40.0)])
def test_log_times_sin_matches_its_closed_form(x1, x2):
    # w = log(x1 x2) sin(x2): ∂w/∂x1 = sin(x2)/x1, ∂w/∂x2 = sin(x2)/x2 + log(x1 x2) cos(x2)
    if x1 * x2 <= 0:
        x2 = abs(x2)
    result = engine.analyze("log(x1*x2)*sin(x2)", {"x1": x1, "x2": x2})
    assert result.value == pytest.approx(math.log(x1 * x2) * math.sin(x2), rel=1e-12)
    grads = result.gradients
    assert grads["x1"] == pytest.approx(math.sin(x2) / x1, rel=1e-12)
    assert grads["x2"] == pytest.approx(math.sin(x2) / x2 + math.log(x1 * x2) * math.cos(x2), rel=1e-12)


def test_fan_out_shows_two_contributions_summed():
    result = engine.analyze("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3}).to_dict()
    x2_steps = [s for s in result["steps"] if s.get("source") == 1]
    assert [(s["contribution"], s["contributions"]) for s in x2_steps] == [(1, 2), (2, 2)]
    first, second = x2_steps
    assert first["grad"] == first["product"]  # the running sum starts at the first contribution
    assert second["grad"] == first["product"] + second["product"]
    assert second["grad"] == result["gradients"]["x2"]
    assert first["local_formula"] == "cos(x2)" and second["local_formula"] == "x1"


def test_every_gradient_passes_the_numerical_check():
    result = engine.analyze("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3}).to_dict()
    for name, check in result["gradcheck"].items():
        assert check["analytic"] == result["gradients"][name]
        assert check["rel_error"] < 1e-7, (name, check)


def test_sigmoid_neuron():
    # The classic circuit: f = σ(w0 x0 + w1 x1 + w2) at w = (2, -3, -3), x = (-1, -2).
    source = "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    result = engine.analyze(source, values)
    assert result.value == pytest.approx(0.7310585786, rel=1e-9)
    grads = result.gradients
    assert grads["w0"] == pytest.approx(-0.196611933, rel=1e-8)
    assert grads["x0"] == pytest.approx(0.393223866, rel=1e-8)
    assert grads["w1"] == pytest.approx(-0.393223866, rel=1e-8)
    assert grads["x1"] == pytest.approx(-0.589835799, rel=1e-8)
    assert grads["w2"] == pytest.approx(0.196611933, rel=1e-8)
    same = engine.analyze("sigmoid(w0*x0 + w1*x1 + w2)", values).gradients
    assert same == pytest.approx(grads, rel=1e-12)


def test_a_huge_expression_stops_at_the_node_limit_while_parsing():
    source = "+".join(["1"] * 200_001)  # 400,001 nodes to be, within the source limit of the call
    limits = engine.Limits(max_source_chars=10**6, max_nodes=1_000)
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, {}, limits=limits)
    assert caught.value.code == "too_many_nodes"
    assert caught.value.start < 3_000  # stopped near the 1,000th node, not at the end
