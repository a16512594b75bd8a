"""options.predict: predict mode's quiz, its questions and the numbers that count as each answer."""

from __future__ import annotations

import json

import pytest
from compgraph.engine.predict import accept
from hypothesis import given
from hypothesis import strategies as st

from compgraph import engine

LECTURE = ("(x + y) * z", {"x": -2, "y": 5, "z": -4})


def quiz(source: str, values: dict, digits: int = 3) -> dict:
    result = engine.analyze(source, values, predict=digits).to_dict()
    json.dumps(result, allow_nan=False)
    return result


def test_the_lecture_example_asks_every_step_but_the_inputs():
    result = quiz(*LECTURE)
    questions = result["predict"]["questions"]
    assert [(q["step"], q["field"], q["answer"]) for q in questions] == [
        (3, "value", 3.0), (4, "value", -12.0), (5, "grad", 1.0),
        (6, "product", 3.0), (7, "product", -4.0), (8, "product", -4.0), (9, "product", -4.0)]
    for q in questions:
        assert q["answer"] == result["steps"][q["step"]][q["field"]]
    # ∂f/∂z = 1 · (x+y): typing z's local gradient toward the other operand is diagnosed
    into_z = questions[3]
    assert ("other_operand_local", -4.0) in [(m["kind"], m["value"]) for m in into_z["mistakes"]]
    assert result["predict"]["digits"] == 3
    assert "3 significant digits" in result["predict"]["rule"]


def test_the_mistakes_are_those_of_options_mistakes():
    with_mistakes = engine.analyze(*LECTURE, mistakes=True).to_dict()["steps"]
    for q in quiz(*LECTURE)["predict"]["questions"]:
        expected = [m for m in with_mistakes[q["step"]]["mistakes"] if m["answer"] == q["field"]]
        assert [{k: m[k] for k in ("value", "kind", "why", "also")} for m in q["mistakes"]] == [
            {k: m[k] for k in ("value", "kind", "why", "also")} for m in expected]
        assert all(m["accept"] == accept(m["value"], 3) for m in q["mistakes"])


def test_fan_out_asks_the_contribution_then_the_running_sum():
    result = quiz("x*x*x*x", {"x": 0.5})
    steps = result["steps"]
    asked: dict[int, list[str]] = {}
    for q in result["predict"]["questions"]:
        asked.setdefault(q["step"], []).append(q["field"])
    for index, step in enumerate(steps):
        if step["kind"] == "edge":
            assert asked[index] == (["product", "grad"] if step["contribution"] > 1 else ["product"])
    sums = [q for q in result["predict"]["questions"] if q["field"] == "grad" and q["step"] > 0
            and steps[q["step"]]["kind"] == "edge"]
    assert sums and all({"contribution_only", "earlier_sum_only"} & {m["kind"] for m in q["mistakes"]}
                        for q in sums)


@pytest.mark.parametrize(("x", "digits", "inside", "outside"), [
    (3.0, 3, [3, 3.004, 2.996], [3.006, 2.994]),
    (0.04704, 3, [0.047, 0.0470, 0.04704, 0.04708], [0.048, 0.0469, 0.04710]),
    (-1.7268, 3, [-1.73, -1.727], [-1.72, -1.74]),
    (-1.7268, 2, [-1.7, -1.72, -1.74], [-1.8, -1.6]),
    (123456.0, 3, [123000, 123456, 123499], [124000, 122000]),
    (0.0, 3, [0.0, -0.0], [1e-300, 0.001]),
])
def test_accept_is_agreement_to_so_many_significant_digits(x, digits, inside, outside):
    low, high = accept(x, digits)
    assert all(low <= t <= high for t in inside), (low, high)
    assert not any(low <= t <= high for t in outside), (low, high)


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300).filter(
    lambda x: x == 0 or abs(x) > 1e-300)


@given(finite, st.integers(1, 12))
def test_the_answer_rounded_to_its_digits_counts_and_one_unit_off_does_not(x, digits):
    low, high = accept(x, digits)
    assert low <= x <= high
    rounded = float(f"{x:.{digits - 1}e}")
    assert low <= rounded <= high
    if x != 0:
        mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")
        unit = 10.0 ** (int(exponent) - digits + 1)
        # a unit more in the last digit, past the rounding's half unit
        assert not low <= rounded + 1.01 * unit <= high or rounded + unit == rounded


def test_a_number_that_is_not_finite_accepts_nothing():
    questions = quiz("log(x)", {"x": 0})["predict"]["questions"]
    assert questions[0]["answer"] == "-inf" and questions[0]["accept"] is None
    assert accept("nan", 3) is None and accept(float("inf"), 3) is None


@pytest.mark.parametrize("digits", [0, 13, -1, 2.5, True, "3"])
def test_the_digits_are_checked(digits):
    with pytest.raises(engine.EngineError) as error:
        engine.analyze(*LECTURE, predict=digits)
    assert error.value.code == "invalid_option"
    assert "predict must be a whole number of significant digits, from 1 to 12" in str(error.value)


def test_not_for_tensors():
    with pytest.raises(engine.EngineError) as error:
        engine.analyze("sum(x)", {"x": [1, 2]}, predict=3)
    assert error.value.code == "not_for_tensors"
    assert error.value.message.startswith("predict works on programs of numbers only")
