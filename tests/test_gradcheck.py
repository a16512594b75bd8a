"""The numerical gradient check: the engine's verdict ("ok") on every gradient, never a
failure by chance (a gradient of exactly 0, a direction orthogonal to the gradient), and
a wrong derivative always caught."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from compgraph.app.examples import EXAMPLES
from compgraph.engine import reading
from compgraph.engine.gradcheck import DIRECTIONS, ELEMENTWISE_MAX
from compgraph.engine.ops import OPERATORS

from compgraph import engine


def checks(source: str, values: dict, **options) -> dict[str, dict]:
    return engine.analyze(source, values, **options).to_dict()["gradcheck"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
def test_every_example_passes_its_check(example):
    result = checks(example["source"], example["values"], **example["options"])
    assert result, "the check ran"
    if example["id"] == "overflow":
        # exp(1000) = inf: value inf, gradient nan. Nothing can be checked, and the entry says so
        # rather than calling the gradient right.
        assert result["x"]["ok"] is False and result["x"]["finite"] is False
        return
    failed = {name: check for name, check in result.items() if not check["ok"]}
    assert failed == {}


def test_the_softmax_example_checks_its_weights_element_by_element():
    example = next(e for e in EXAMPLES if e["id"] == "softmax-classifier")
    w = checks(example["source"], example["values"])["W"]
    # W is 2×3: each of its six derivatives against its own central difference. (Along one
    # ±1 direction the old check compared 0 with 3.5e-11 and called the gradient wrong.)
    assert (w["method"], w["checks"], w["ok"]) == ("elements", 6, True)
    assert len(w["worst"]) == 2


def test_a_zero_gradient_against_rounding_noise_is_ok():
    # sin²x + cos²x is 1: the numeric derivative is rounding noise (9e-12 at x = 0.1), the
    # gradient 0. A purely relative error calls that 100 % wrong.
    x = checks("sin(x)^2 + cos(x)^2", {"x": 0.1})["x"]
    assert x["analytic"] == 0.0 and x["numeric"] != 0.0
    assert x["ok"] is True and x["rel_error"] < 1e-5


@pytest.mark.parametrize("seed", range(8))
def test_a_large_tensor_with_rows_summing_to_zero_passes_for_every_seed(seed):
    # W is 12×6 = 72 elements, more than ELEMENTWISE_MAX: checked along random directions.
    # Each row of a softmax cross-entropy gradient sums to 0, so a ±1 direction that is
    # constant along a row sees none of it.
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, 12)).tolist()
    result = checks("W = param(12, 6); L = cross_entropy(X @ W, t)",
                    {"X": x, "t": [0, 1, 2, 3, 4]}, seed=seed)
    w = result["W"]
    assert ELEMENTWISE_MAX < 12 * 6
    assert (w["method"], w["checks"], w["ok"]) == ("directions", DIRECTIONS, True), w


@pytest.fixture(autouse=True)
def _graphs_read_afresh():
    """A graph kept from an earlier analysis (engine/reading.py) holds the operators it was
    read with: a planted one must not stay in a graph a later test is given."""
    reading.forget()
    yield
    reading.forget()


def _planted(monkeypatch, name: str, **changes) -> None:
    """Replace one operator's first partial by a wrong one, for this test only."""
    op = OPERATORS[name]
    wrong = dataclasses.replace(op.partials[0], **changes)
    monkeypatch.setitem(OPERATORS, name, dataclasses.replace(op, partials=(wrong, *op.partials[1:])))
    reading.forget()  # graphs read before hold the operator as it was


def test_a_planted_wrong_derivative_fails_on_a_number(monkeypatch):
    assert checks("sin(x) * y", {"x": 0.5, "y": 2.0})["x"]["ok"] is True
    _planted(monkeypatch, "sin", local=lambda a, out: -np.cos(a))  # sin' = −cos: wrong
    x = checks("sin(x) * y", {"x": 0.5, "y": 2.0})["x"]
    assert x["ok"] is False and x["finite"] is True and x["rel_error"] > 1


def test_a_planted_wrong_derivative_fails_element_by_element(monkeypatch):
    source, values = "L = sum(tanh(W * v))", {"W": [[0.1, -0.2], [0.3, 0.4]], "v": [1.0, 2.0]}
    assert checks(source, values)["W"]["ok"] is True
    # off by 1 % in one element only: the check must find that element
    _planted(monkeypatch, "tanh",
             tensor_local=lambda a, out: (1 - out * out) * np.where(a == a.flat[3], 1.01, 1.0))
    w = checks(source, values)["W"]
    assert (w["ok"], w["method"], w["worst"]) == (False, "elements", [1, 1])


def test_a_planted_wrong_derivative_fails_along_directions(monkeypatch):
    rng = np.random.default_rng(1)
    values = {"W": rng.standard_normal((10, 10)).tolist()}
    assert checks("L = sum(tanh(W))", values)["W"]["ok"] is True
    _planted(monkeypatch, "tanh", tensor_local=lambda a, out: (1 - out * out) * 1.001)
    w = checks("L = sum(tanh(W))", values)["W"]
    assert (w["ok"], w["method"]) == (False, "directions")


def test_every_entry_carries_the_verdict_and_how_it_was_reached():
    result = checks("W = param(2, 2); L = sum(W @ x) + s * s",
                    {"x": [1.0, 2.0], "s": 3.0})
    assert set(result) == {"x", "s", "W"}
    for check in result.values():
        assert set(check) == {"analytic", "numeric", "rel_error", "ok", "finite", "method", "checks",
                              "worst"}
    assert (result["W"]["method"], result["W"]["checks"]) == ("elements", 4)
    assert (result["s"]["method"], result["s"]["checks"], result["s"]["worst"]) == ("elements", 1, [])
