"""options.forward_mode: one tangent pass per variable, its steps, and the cost of each mode."""

from __future__ import annotations

import json
import math

import pytest

from compgraph import engine

LECTURE = ("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})


def forward_mode(source: str, values: dict) -> dict:
    result = engine.analyze(source, values, forward_mode=True).to_dict()
    json.dumps(result, allow_nan=False)
    return result["forward_mode"]


def seed(k: int, name: str) -> dict:
    return {"phase": "forward_mode", "kind": "seed", "pass": k, "variable": name, "node": k, "tangent": 1.0}


def op_step(k: int, name: str, node: int, op: str, inputs: list, edges: list, tangents: list,
            locals_: list, formulas: list, terms: list, tangent: float) -> dict:
    return {"phase": "forward_mode", "kind": "op", "pass": k, "variable": name, "node": node, "op": op,
            "inputs": inputs, "edges": edges, "operand_tangents": tangents, "locals": locals_,
            "local_formulas": formulas, "terms": terms, "tangent": tangent}


def test_the_lecture_example_in_forward_mode():
    assert forward_mode(*LECTURE) == {
        "derivatives": {"x": -4.0, "y": -4.0, "z": 3.0},
        "steps": [
            seed(0, "x"),
            op_step(0, "x", 3, "add", [0, 1], [0, 1], [1.0, 0.0], [1.0, None], ["1", "1"], [1.0, None], 1.0),
            op_step(0, "x", 4, "mul", [3, 2], [2, 3], [1.0, 0.0], [-4.0, None], ["z", "q"], [-4.0, None], -4.0),
            seed(1, "y"),
            op_step(1, "y", 3, "add", [0, 1], [0, 1], [0.0, 1.0], [None, 1.0], ["1", "1"], [None, 1.0], 1.0),
            op_step(1, "y", 4, "mul", [3, 2], [2, 3], [1.0, 0.0], [-4.0, None], ["z", "q"], [-4.0, None], -4.0),
            seed(2, "z"),  # q does not depend on z: no step, its tangent is 0
            op_step(2, "z", 4, "mul", [3, 2], [2, 3], [0.0, 1.0], [None, 3.0], ["z", "q"], [None, 3.0], 3.0),
        ],
        "counts": {"forward_mode": {"passes": 3, "operations": 5},
                   "reverse_mode": {"passes": 1, "operations": 2}},
    }


def test_log_times_sin_equals_the_backward_pass():
    result = engine.analyze("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3}, forward_mode=True).to_dict()
    assert result["forward_mode"]["derivatives"] == result["gradients"] == {
        "x1": 0.0705600040299336, "x2": -1.7267884275619487}
    assert result["forward_mode"]["counts"] == {"forward_mode": {"passes": 2, "operations": 7},
                                                "reverse_mode": {"passes": 1, "operations": 4}}
    # the x2 pass ends at f with both paths' terms: through log(x1 x2) and through sin(x2)
    last = result["forward_mode"]["steps"][-1]
    assert (last["variable"], last["node"], last["local_formulas"]) == ("x2", 5, ["sin(x2)", "log(x1·x2)"])
    d_log = (1 / 6) * (2.0 * 1.0)  # ∂log(u)/∂u · ∂u/∂x2, u = x1·x2
    assert last["operand_tangents"] == [d_log, math.cos(3) * 1.0]
    assert last["terms"] == [math.sin(3) * d_log, math.log(6) * math.cos(3)]
    assert last["tangent"] == math.sin(3) * d_log + math.log(6) * math.cos(3)


@pytest.mark.parametrize(("source", "values", "derivatives"), [
    ("relu(x)", {"x": 0}, {"x": 0.0}),  # relu′(0) = 0
    ("abs(x)", {"x": 0}, {"x": 0.0}),  # abs′(0) = 0
    ("max(x, y)", {"x": 1, "y": 1}, {"x": 0.5, "y": 0.5}),  # a tie splits ½/½
    ("min(x, y)", {"x": 2, "y": 2}, {"x": 0.5, "y": 0.5}),
    ("x^0", {"x": 0}, {"x": 0.0}),  # ∂/∂a of a^b is 0 where b = 0
])
def test_conventions_at_non_differentiable_points_are_the_backward_passes(source, values, derivatives):
    result = engine.analyze(source, values, forward_mode=True).to_dict()
    assert result["forward_mode"]["derivatives"] == result["gradients"] == derivatives


def test_a_constant_operand_adds_no_term_so_no_nan():
    # x² at x = −1: ∂(a^b)/∂b = a^b·ln(a) is nan, but the exponent 2 is a constant: no gradient
    # flows to it backward, and forward its tangent is exactly 0, not nan · 0.
    result = engine.analyze("x^2", {"x": -1}, forward_mode=True).to_dict()
    step = result["forward_mode"]["steps"][-1]
    assert (step["locals"], step["terms"], step["tangent"]) == ([-2.0, None], [-2.0, None], -2.0)
    assert result["forward_mode"]["derivatives"] == result["gradients"] == {"x": -2.0}
    # where the exponent is a variable, its derivative is nan in both modes
    both = engine.analyze("x^y", {"x": -1, "y": 2}, forward_mode=True).to_dict()
    assert both["forward_mode"]["derivatives"] == both["gradients"] == {"x": -2.0, "y": "nan"}


def test_forward_mode_visits_what_depends_on_the_variable_reverse_what_reaches_the_output():
    result = engine.analyze("u = x*y; f = x + 1", {"x": 2, "y": 3}, forward_mode=True).to_dict()
    assert result["forward_mode"]["derivatives"] == {"x": 1.0, "y": 0.0}
    assert result["forward_mode"]["counts"] == {"forward_mode": {"passes": 2, "operations": 3},
                                                "reverse_mode": {"passes": 1, "operations": 1}}


def test_a_program_without_variables_has_no_passes():
    assert forward_mode("2 * 3", {}) == {
        "derivatives": {}, "steps": [],
        "counts": {"forward_mode": {"passes": 0, "operations": 0},
                   "reverse_mode": {"passes": 1, "operations": 0}}}


def test_the_size_is_checked_before_the_work():
    source = "+".join(f"x{k}" for k in range(400))  # 400 passes × 399 operations
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, {f"x{k}": 1 for k in range(400)}, forward_mode=True)
    assert caught.value.to_dict() == {"error": {
        "code": "too_many_steps",
        "message": "forward mode would take 400 passes × 399 operations = 159,600 steps, more than "
                   "100,000; reverse mode needs one pass (ask for forward_mode on a smaller graph)",
        "start": 0, "end": 0}}
    steps = forward_mode("+".join(f"x{k}" for k in range(300)), {f"x{k}": 1 for k in range(300)})["steps"]
    # x0 and x1 reach all 299 additions, x_k the 300 − k from its own on; a seed per pass
    assert len(steps) == 300 + 299 + sum(300 - k for k in range(1, 300))


def test_tensor_programs_are_refused():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("W = param(2)\nf = sum(W * x)", {"x": 2}, forward_mode=True)
    assert caught.value.to_dict() == {"error": {
        "code": "not_for_tensors",
        "message": "forward_mode works on programs of numbers only: on a tensor program @, sum and the "
                   "losses define only the reverse rule, and a tensor input would need a pass per element",
        "start": 4, "end": 12}}


def test_without_the_option_there_is_no_forward_mode():
    assert "forward_mode" not in engine.analyze(*LECTURE).to_dict()
