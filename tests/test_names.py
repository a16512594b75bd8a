"""What the engine calls things: the output's name, names the lecture spells with
subscripts, constants a program rebinds, and the formulas the page prints (single
parentheses, one multiplication sign)."""

from __future__ import annotations

import math
import re

import pytest

from compgraph import engine


def result(source: str, values: dict | None = None, **options) -> dict:
    return engine.analyze(source, values or {}, default_value=0.5, **options).to_dict()


@pytest.mark.parametrize(("source", "name"), [
    ("f = x", "f"),  # was L: a name the program never says
    ("h = x + 1; f = h", "f"),  # was h, and every gradient ∂h/∂x
    ("q = x + y\nf = q * z", "f"),
    ("(x + y) * z", "f"),
    ("L = (x - 1)^2", "L"),
    ("q = x + y; q", "q"),
    ("f * x", "out"),  # f is a variable here, so the output needs another name, still not L
    ("y = 2*x", "y"),
])
def test_the_output_is_called_by_the_last_statements_name(source, name):
    assert result(source)["output_name"] == name


def test_an_output_that_is_an_input_keeps_the_inputs_name_on_its_node():
    answer = result("f = x", {"x": 3.0})
    assert answer["output_name"] == "f"
    assert [n["name"] for n in answer["nodes"]] == ["x"]  # the input step still reads x = 3
    assert answer["gradients"] == {"x": 1.0}


def test_an_output_renamed_by_the_last_statement_keeps_its_own_name_in_formulas():
    answer = result("h = x + 1; f = h", {"x": 2.0})
    assert answer["output_name"] == "f"
    assert answer["nodes"][answer["output"]]["name"] == "h"  # ∂f/∂x = ∂f/∂h · ∂h/∂x: true, since f = h


# micrograd's own test_sanity_check/test_more_ops, as a compgraph program: it assigns e.
MICROGRAD = """\
c = a + b
d = a * b + b^3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + relu(b + a)
d = d + 3 * d + relu(b - a)
e = c - d
f = e^2
g = f / 2.0
g = g + 10.0 / f"""


def test_a_program_may_rebind_e_as_micrograds_test_does():
    answer = engine.analyze(MICROGRAD, {"a": -4.0, "b": 2.0}).to_dict()
    # micrograd (and PyTorch) give g = 24.7041, dg/da = 138.8338, dg/db = 645.5773
    assert math.isclose(answer["value"], 24.70408163265306, rel_tol=1e-12)
    assert math.isclose(answer["gradients"]["a"], 138.83381924198252, rel_tol=1e-12)
    assert math.isclose(answer["gradients"]["b"], 645.5772594752186, rel_tol=1e-12)
    assert answer["output_name"] == "g"
    start = MICROGRAD.index("e = c - d")
    assert answer["warnings"] == [{
        "code": "constant_rebound",
        "message": "from here on 'e' is the value assigned here, no longer the constant e ≈ 2.71828",
        "start": start, "end": start + 1, "node": answer["warnings"][0]["node"]}]


def test_e_means_the_constant_until_it_is_rebound():
    answer = engine.analyze("a = e * x; e = 2; f = a + e", {"x": 1.0}).to_dict()
    assert math.isclose(answer["value"], math.e + 2)
    assert [w["code"] for w in answer["warnings"]] == ["constant_rebound"]
    assert engine.analyze("pi = 3; f = pi * x", {"x": 2.0}).to_dict()["value"] == 6.0


def test_functions_still_cannot_be_assigned_to():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("sin = 3", {})
    assert caught.value.code == "reserved_name"


def test_subscript_digits_are_a_names_digits():
    spelled = engine.analyze("log(x₁*x₂)*sin(x₂)", {"x1": 2.0, "x2": 5.0}).to_dict()
    plain = engine.analyze("log(x1*x2)*sin(x2)", {"x1": 2.0, "x2": 5.0}).to_dict()
    assert spelled["variables"] == ["x1", "x2"]
    assert spelled["gradients"] == plain["gradients"]
    assert [n["name"] for n in spelled["nodes"]] == [n["name"] for n in plain["nodes"]]
    # one variable, however it is spelled; its span is where it is written
    mixed = engine.analyze("x₁ + x1", {"x1": 1.0}).to_dict()
    assert mixed["variables"] == ["x1"] and mixed["nodes"][0]["occurrences"] == [[0, 2], [5, 7]]


def test_a_lone_subscript_is_an_error_of_its_own_kind():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("x + ₂", {"x": 1.0})
    assert caught.value.code == "unexpected_character"
    assert "belongs to a name" in caught.value.message and "ASCII digit" not in caught.value.message


@pytest.mark.parametrize(("source", "message"), [
    ("2x(x+1)", "'x' is a variable, not a function: to multiply, write 2x*(x+1)"),
    ("y = x(x - 1)^2", "'x' is a variable, not a function: to multiply, write x*(x - 1)"),
    ("sni(x)", "unknown function 'sni'; did you mean 'sin'?"),
])
def test_a_variable_called_like_a_function(source, message):
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, {"x": 1.0})
    assert caught.value.message == message
    assert "known functions" not in caught.value.message


def _texts(answer: dict) -> list[str]:
    """Every formula the page may print: names, expressions, local derivatives, rules."""
    texts = []
    for node in answer["nodes"]:
        texts += [node["name"], node["expression"] or "", *(node["formulas"] or [])]
    texts += [step.get("rule", "") for step in answer["steps"]]
    return texts


@pytest.mark.parametrize(("source", "values"), [
    ("log(x1*x2)*sin(x2)", {}),
    ("log((x1*x2))*sin(((x2)))", {}),
    ("(a+b)*(c+d) + log((a+b)*(c+d))", {}),
    ("sigmoid(w0*x0 + w1*x1 + w2) * 2x", {}),
    ("h = sigmoid(X @ W1 + b1); L = sum(h)",
     {"X": [[1.0, 2.0]], "W1": [[1.0, 0.0], [0.0, 1.0]], "b1": [0.5, 0.5]}),
])
def test_formulas_have_no_doubled_parentheses_and_one_multiplication_sign(source, values):
    for text in _texts(result(source, values)):
        assert not _doubled(text), text
        assert "*" not in text, text  # the formulas' · throughout


def _doubled(text: str) -> bool:
    """A pair of parentheses right around another pair: log((x1·x2))."""
    closing, stack = {}, []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            closing[stack.pop()] = i
    return any(text[i + 1:i + 2] == "(" and closing.get(i + 1) == j - 1 for i, j in closing.items())


def test_names_keep_the_parentheses_an_expression_needs():
    answer = result("(a+b)*(c+d) + log((a+b)*(c+d))")
    log = next(n for n in answer["nodes"] if n["op"] == "log")
    assert log["expression"] == "log((a+b)·(c+d))"
    assert log["formulas"] == ["1/((a+b)·(c+d))"]  # not 1/(a+b)·(c+d), which is another number
    output = answer["nodes"][answer["output"]]
    assert output["expression"] == "(a+b)·(c+d) + log((a+b)·(c+d))"
    assert re.fullmatch(r"log\(x1·x2\)", result("log(x1*x2)")["nodes"][-1]["expression"])
