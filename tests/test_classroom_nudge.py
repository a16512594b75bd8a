"""options.nudge: each node's first-order predicted change beside its actual change."""

from __future__ import annotations

import json
import math

import pytest

from compgraph import engine

CURVE = ("error", "relative_error", "linear_within", "breaks_down_at", "curve")


def nudge_of(source: str, values: dict, curve: bool = False, **nudge) -> dict:
    """The "nudge" field; without `curve`, without the fields about where it breaks down."""
    result = engine.analyze(source, values, nudge=nudge).to_dict()
    json.dumps(result, allow_nan=False)
    return {key: value for key, value in result["nudge"].items() if curve or key not in CURVE}


def node(derivative, predicted, actual, nudged, error=None) -> dict:
    if error is None:
        error = actual - predicted
    return {"derivative": derivative, "predicted": predicted, "actual": actual, "nudged": nudged,
            "error": error}


def test_the_lecture_example_nudged():
    # x: −2 → −1.99. Everything here is linear in x, so prediction and change agree but for
    # the rounding of −2 + 0.01 and of the differences.
    assert nudge_of("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}, x=0.01) == {
        "variable": "x", "epsilon": 0.01, "value": -2.0, "nudged": -2 + 0.01,
        "derivative": -4.0, "predicted": -0.04, "actual": (-2 + 0.01 + 5) * -4 - -12.0,
        "nodes": {
            "0": node(1.0, 0.01, (-2 + 0.01) - -2.0, -1.99),
            "1": node(0.0, 0.0, 0.0, 5.0),
            "2": node(0.0, 0.0, 0.0, -4.0),
            "3": node(1.0, 0.01, (-2 + 0.01 + 5) - 3.0, 3.01),
            "4": node(-4.0, -0.04, (-2 + 0.01 + 5) * -4 - -12.0, (-2 + 0.01 + 5) * -4),
        },
    }


def test_where_the_linear_prediction_breaks_down():
    # x·x at 3: the gradient 6 predicts 6ε; the change is 6ε + ε².
    small, large = nudge_of("x*x", {"x": 3}, x=1e-3), nudge_of("x*x", {"x": 3}, x=1.0)
    assert small["predicted"] == 6e-3 and small["actual"] == pytest.approx(6e-3 + 1e-6, rel=1e-9)
    assert (large["predicted"], large["actual"]) == (6.0, 7.0)
    sin = nudge_of("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3}, x2=0.5)
    exact = math.log(2 * 3.5) * math.sin(3.5) - math.log(6) * math.sin(3)
    assert sin["actual"] == exact and sin["predicted"] == -1.7267884275619487 * 0.5


def test_at_a_kink_the_prediction_follows_the_engines_convention():
    # relu′(0) = 0 predicts no change; relu moves by ε to the right of 0.
    nudge = nudge_of("relu(x)", {"x": 0}, x=0.1)
    assert nudge["nodes"]["1"] == node(0.0, 0.0, 0.1, 0.1)


def test_x_plus_epsilon_is_rounded_like_any_value():
    # 1e16 + 1 is 1e16 as a double: the actual change is 0, honestly.
    assert nudge_of("x", {"x": 1e16}, x=1) == {
        "variable": "x", "epsilon": 1.0, "value": 1e16, "nudged": 1e16, "derivative": 1.0,
        "predicted": 1.0, "actual": 0.0, "nodes": {"0": node(1.0, 1.0, 0.0, 1e16)}}


def test_non_finite_values_and_changes_are_strings():
    nudge = nudge_of("log(x)", {"x": 0}, x=0.5)
    # log(0.5) − (−inf), less a predicted inf: inf − inf
    assert nudge["nodes"]["1"] == node("inf", "inf", "inf", math.log(0.5), "nan")
    back = nudge_of("log(x)", {"x": 0.5}, x=-0.5)
    assert back["nodes"]["1"] == node(2.0, -1.0, "-inf", "-inf", "-inf")
    both = nudge_of("1/x - 1/x", {"x": 0}, x=1)  # inf − inf at 0: nan, then 0
    assert both["actual"] == "nan"


def test_the_curve_shows_where_the_linear_prediction_breaks_down():
    # x·x at 3, ε up to 1: the change is 6e + e², 6e predicted; off by e / (6 + e), past 10%
    # once e > 0.667: at 11/16 on the curve.
    nudge = nudge_of("x*x", {"x": 3}, curve=True, x=1.0)
    assert [p["epsilon"] for p in nudge["curve"]] == [k / 16 for k in range(1, 17)]
    for p in nudge["curve"]:
        e = p["epsilon"]
        actual = engine.analyze("x*x", {"x": 3 + e}).value - 9.0  # the engine's own f(x + e) − f(x)
        assert (p["predicted"], p["actual"]) == (6 * e, actual)
        assert p["relative_error"] == pytest.approx(e / (6 + e), rel=1e-12)
    assert nudge["breaks_down_at"] == 11 / 16 and nudge["linear_within"] == 0.1
    assert (nudge["error"], nudge["relative_error"]) == (1.0, 1 / 7)
    assert nudge_of("x*x", {"x": 3}, curve=True, x=0.5)["breaks_down_at"] is None
    # A linear function never breaks down, whatever ε; at a stationary point it does at once.
    assert nudge_of("3*x + 1", {"x": 2}, curve=True, x=100.0)["breaks_down_at"] is None
    assert nudge_of("x*x", {"x": 0}, curve=True, x=0.1)["breaks_down_at"] == 0.1 / 16


@pytest.mark.parametrize(("nudge", "message"), [
    ({}, 'nudge must name one variable and how far to move it: {"x": 0.01}'),
    ({"x": 0.1, "y": 0.1}, 'nudge must name one variable and how far to move it: {"x": 0.01}'),
    ([("x", 0.1)], 'nudge must name one variable and how far to move it: {"x": 0.01}'),
    ({"x": math.nan}, "the nudge of 'x' must be a finite number"),
    ({"x": math.inf}, "the nudge of 'x' must be a finite number"),
    ({"x": "0.1"}, "the nudge of 'x' must be a finite number"),
    ({"x": True}, "the nudge of 'x' must be a finite number"),
    ({"x": 10**400}, "the nudge of 'x' must be a finite number"),
    ({"": 0.1}, "nudge must name a variable"),
    ({"z": 0.1}, "nudge: 'z' is not a variable of this source; its variables are x, y"),
])
def test_a_bad_nudge_is_an_option_error(nudge, message):
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("x * y", {"x": 1, "y": 2}, nudge=nudge)
    assert caught.value.to_dict() == {"error": {"code": "invalid_option", "message": message,
                                                "start": 0, "end": 0}}


def test_tensor_programs_are_refused():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("x * w", {"x": 1, "w": [1, 2]}, nudge={"x": 0.1})
    assert caught.value.to_dict() == {"error": {
        "code": "not_for_tensors",
        "message": "nudge works on programs of numbers only: on a tensor program its prediction needs "
                   "forward-mode derivatives, and @, sum and the losses define only the reverse rule",
        "start": 4, "end": 5}}


def test_without_the_option_there_is_no_nudge():
    assert "nudge" not in engine.analyze("x * y", {"x": 1, "y": 2}).to_dict()
