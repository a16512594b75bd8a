"""Properties of the whole engine, over random sources and random text.

1. Random sources over the whole grammar agree with sympy (values and every gradient).
2. Printing a parsed source and parsing it again gives the same graph; printing is idempotent.
3. Any text whatsoever gives a result with strict JSON, or an EngineError with a sane span.
Plus the extreme inputs the engine promises to survive.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp
import orjson
import pytest
import sympy as sp
from compgraph.engine import EngineError, Limits
from compgraph.engine.alphabet import GREEK_LETTERS
from compgraph.engine.graph import CONST, build_graph
from compgraph.engine.ops import FUNCTIONS
from compgraph.engine.parser import parse
from compgraph.engine.syntax import to_source
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from strategies import (
    FUNCTION_NAMES,
    KINKS,
    MPMATH_FUNCTIONS,
    ORACLE,
    ROOTS,
    SCALAR_OPERATORS,
    Case,
    SympyTooSlow,
    cases,
    symbol,
    sympy_budget,
)

from compgraph import engine

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

EPS = mp.mpf(2) ** -53  # unit roundoff of a double
LIMIT = mp.mpf(10) ** 20  # values beyond this (or nonzero below 1/LIMIT) are not the point here


def test_the_strategy_knows_every_function_and_operator():
    # A newly registered scalar function must be added to the strategy (and the oracle) too.
    assert {name: op.name for name, op in FUNCTIONS.items() if op.name in SCALAR_OPERATORS} == FUNCTION_NAMES
    assert set(ORACLE) == set(SCALAR_OPERATORS)


# -- 1. random sources vs sympy ------------------------------------------------------------


@dataclass
class Reference:
    """The exact output and gradients at a case's point, and how far a float64 evaluation
    can honestly be from them: a first-order bound on rounding, carried through the graph."""

    value: mp.mpf
    value_error: mp.mpf
    grads: dict[str, mp.mpf]
    grad_errors: dict[str, mp.mpf]
    value_scale: mp.mpf  # largest |value| of any node
    grad_scales: dict[str, mp.mpf]  # sum over paths of |product of local derivatives|


SINGULAR_AT_ZERO = {("div", 1), ("log", 0), ("sqrt", 0), ("pow", 0)}


class Unusable(Exception):
    """The point is outside a domain, at a kink, overflowing, or too ill-conditioned."""


def _finite(x) -> bool:
    return isinstance(x, mp.mpf) and mp.isfinite(x)


def _real(x) -> bool:
    return _finite(x) and (x == 0 or 1 / LIMIT < abs(x) < LIMIT)


def _call(function, args):
    try:
        result = function(*args)
    except (ZeroDivisionError, ValueError, OverflowError):
        raise Unusable("outside a domain") from None
    if not _real(mp.mpf(result) if isinstance(result, int) else result):
        raise Unusable("outside a domain, or overflow")
    return result


def _shifted(args: list, k: int, delta):
    shifted = list(args)
    shifted[k] += delta
    return shifted


def reference(case: Case) -> Reference:
    """Evaluate the case's node list exactly (at mpmath's working precision: 400 digits keep
    exp(5e-324) - 1), forward and backward, bounding at each node the error a float64
    evaluation may have there."""
    nodes, n = case.nodes, len(case.nodes)
    values, errors, partials = [mp.mpf(0)] * n, [mp.mpf(0)] * n, [()] * n
    for i, node in enumerate(nodes):
        if node.op == "var":
            values[i] = mp.mpf(case.values[node.leaf])
            continue
        if node.op == "num":  # exact: every literal is a double
            values[i] = mp.mpf(float(node.leaf))
            continue
        if node.op == "const":  # the engine's pi and e are rounded
            values[i] = +mp.pi if node.leaf in ("pi", "π") else +mp.e
            errors[i] = EPS * values[i]
            continue
        op = ORACLE[node.op]
        args = [values[j] for j in node.args]
        arg_errors = [errors[j] for j in node.args]
        value = _call(op.mp, args)
        local = [_call(op.partials[k], args) if nodes[j].depends or arg_errors[k] else None
                 for k, j in enumerate(node.args)]
        if node.op in KINKS and node.depends:
            gap = KINKS[node.op](*args)
            if gap == 0 or abs(gap) <= 100 * sum(arg_errors):
                raise Unusable("at a kink")
        for k, error in enumerate(arg_errors):
            # First order is only honest while the operand's error is small beside the operand
            # where the operator has a pole at zero, and moves the result linearly (sin of a
            # huge, rounded argument does not).
            if (node.op, k) in SINGULAR_AT_ZERO and error > abs(args[k]) / 1000:
                raise Unusable("ill-conditioned")
            for delta in (error, -error):
                if error and abs(_call(op.mp, _shifted(args, k, delta)) - value - local[k] * delta) \
                        > abs(local[k] * delta) / 100 + 4 * EPS * abs(value):
                    raise Unusable("ill-conditioned")
        values[i] = value
        errors[i] = 4 * EPS * abs(value) + sum(abs(d) * e for d, e in zip(local, arg_errors, strict=True)
                                               if d is not None)
        if node.op == "mul":  # (a + δa)(b + δb) - ab has a second-order term, alone when a = b = 0
            errors[i] += arg_errors[0] * arg_errors[1]
        partials[i] = local

    # Backward, exactly. An adjoint's error: its upstream's error times the local derivative,
    # plus the upstream times the local derivative's own error (from its operands' errors,
    # found by moving them), plus rounding.
    grads, grad_errors, grad_scales = [mp.mpf(0)] * n, [mp.mpf(0)] * n, [mp.mpf(0)] * n
    grads[case.output] = grad_scales[case.output] = mp.mpf(1)
    for i in range(n - 1, -1, -1):
        node = nodes[i]
        if node.op in ("var", "num", "const"):
            continue
        args = [values[j] for j in node.args]
        for k, j in enumerate(node.args):
            if not nodes[j].depends:
                continue
            local = partials[i][k]
            local_error = 4 * EPS * (abs(local) + 1)
            for m, operand in enumerate(node.args):
                for delta in (errors[operand], -errors[operand]) if errors[operand] else ():
                    moved = _call(ORACLE[node.op].partials[k], _shifted(args, m, delta))
                    local_error += abs(moved - local)
            grads[j] += grads[i] * local
            grad_errors[j] += (abs(local) * grad_errors[i] + abs(grads[i]) * local_error
                               + 4 * EPS * abs(grads[i] * local))
            grad_scales[j] += grad_scales[i] * abs(local)
    if not all(_real(x) for x in (*grads, *grad_errors, *grad_scales)):
        raise Unusable("gradient overflow")
    by_name = {node.leaf: k for k, node in enumerate(nodes) if node.op == "var"}
    return Reference(values[case.output], errors[case.output],
                     {name: grads[k] for name, k in by_name.items()},
                     {name: grad_errors[k] for name, k in by_name.items()},
                     max(abs(v) for v in values),
                     {name: grad_scales[k] for name, k in by_name.items()})


# sympy's derivatives, evaluated by mpmath at the working precision (sympy's own evalf
# returns wrong digits for some arguments near 1e38).
_MPMATH = [{"Heaviside": lambda t, h=0.5: mp.mpf(1) if t > 0 else mp.mpf(0) if t < 0 else mp.mpf(h),
            "sign": mp.sign, "Max": lambda *a: mp.mpf(max(a)), "Min": lambda *a: mp.mpf(min(a)),
            **MPMATH_FUNCTIONS},
           "mpmath"]


def sympy_values(case: Case) -> list:
    """The output and its derivative with respect to each input, by sympy, at the case's point."""
    symbols = [symbol(name) for name in case.inputs]
    try:
        with sympy_budget(5.0):
            exprs = [case.sym, *(sp.diff(case.sym, s) for s in symbols)]
            results = sp.lambdify(symbols, exprs, modules=_MPMATH)(
                *(mp.mpf(case.values[n]) for n in case.inputs))
    except ZeroDivisionError:
        # sympy wrote the derivative of (x(2-x))^1.5 as u^1.5·(3-3x)/u, which is 0/0 at x = 0
        raise Unusable("sympy's formula is 0/0 here") from None
    except SympyTooSlow:
        raise Unusable("sympy took too long") from None
    # mp.pi is not an mpf yet; mpmath answers some real functions with an mpc whose imag is 0
    results = [(r.real if r.imag == 0 else r) if isinstance(r, mp.mpc) else mp.mpf(r) for r in results]
    if not all(_finite(r) for r in results):
        raise Unusable("sympy's formula is not finite here")  # 0·inf where the node list has 0
    return results


def _close(engine_value: float, exact: mp.mpf, error_bound: mp.mpf) -> bool:
    # 1e-9 relative, with an absolute floor of 100x the rounding error this graph can honestly
    # make at this point: near zero, after a cancellation, that is the floor that makes sense.
    return abs(mp.mpf(engine_value) - exact) <= mp.mpf("1e-9") * abs(exact) + 100 * error_bound


@PROPERTY
@given(cases())
def test_values_and_gradients_agree_with_sympy(case: Case):
    with mp.workdps(400):
        check_against_sympy(case)


@pytest.mark.parametrize("root", ROOTS)
@settings(PROPERTY, max_examples=20)
@given(data=st.data())
def test_each_operator_and_form_agrees_with_sympy(root, data):
    # The same check with the output's top fixed, so every operator is exercised every run.
    case = data.draw(cases(root=root))
    with mp.workdps(400):
        check_against_sympy(case)


def check_against_sympy(case: Case) -> None:
    try:
        if case.sym.has(sp.nan):
            raise Unusable("too big for sympy, or a constant out of bounds")
        ref = reference(case)
        exact, *derivatives = sympy_values(case)
    except Unusable as why:
        event(f"rejected: {why}")
        assume(False)
    analysis = engine.analyze(case.text, case.values)
    assert analysis.graph.variables == list(case.inputs), "variables in order of first appearance"

    # The oracle checks itself: sympy and the exact node-by-node evaluation agree, or the
    # strategy rendered something other than it meant.
    assert abs(exact - ref.value) <= mp.mpf("1e-30") * (ref.value_scale + 1), (
        "test bug", case.text, case.sym, exact, ref.value)
    assert _close(analysis.value, exact, ref.value_error), (
        f"{case.text!r} at {case.values}: engine {analysis.value!r}, sympy {exact}")

    assert list(analysis.gradients) == list(case.inputs)
    for (name, grad), derivative in zip(analysis.gradients.items(), derivatives, strict=True):
        assert abs(derivative - ref.grads[name]) <= mp.mpf("1e-30") * (
            ref.grad_scales[name] + 1), ("test bug", case.text, case.sym, name, derivative, ref.grads[name])
        assert _close(grad, derivative, ref.grad_errors[name]), (
            f"∂/∂{name} of {case.text!r} at {case.values}: engine {grad!r}, sympy {derivative}")


# -- 2. print / parse round trip ---------------------------------------------------------


def graph_fields(text: str, *, constant_labels: bool = True) -> dict:
    """Everything a graph says, except where in the source each node came from."""
    graph = build_graph(parse(text, LARGE), LARGE, source=text)
    return {
        "kinds": graph.kinds,
        "ops": [op.name if op else None for op in graph.ops],
        "inputs": graph.inputs,
        # A constant's label is its literal as written ("2.50", "1e3"); printing normalizes it.
        "labels": [graph.label(node) if constant_labels or kind != CONST else None
                   for node, kind in enumerate(graph.kinds)],
        "constants": [(node, value.hex())  # hex keeps the sign of -0.0
                      for node, value in zip(graph.const_nodes, graph.const_values, strict=True)],
        "variables": graph.variables,
        "output": graph.output,
        "statements": [(name, node) for name, node, _start, _end in graph.statements],
        "requires_grad": list(graph.requires_grad),
    }


LARGE = Limits(max_source_chars=10**7, max_nodes=10**6)


@PROPERTY
@given(cases())
def test_printing_then_parsing_gives_the_same_graph(case: Case):
    printed = to_source(parse(case.text, LARGE))
    assert graph_fields(printed, constant_labels=False) == graph_fields(case.text, constant_labels=False), (
        case.text, printed)
    reprinted = to_source(parse(printed, LARGE))
    assert reprinted == printed
    assert graph_fields(reprinted) == graph_fields(printed)


# -- 3. any text in: a result or an EngineError out ----------------------------------------

_NAME = re.compile(rf"[A-Za-z_{GREEK_LETTERS}][A-Za-z0-9_{GREEK_LETTERS}]*")

# Characters of the grammar, look-alikes, and characters that hide, reorder or break text.
GRAMMAR_CHARS = list("0123456789.eE+-*/^(),;=#_ \t\nxyzcqpiθπσβαΑ·×⋅÷−⁰¹²³⁴⁵⁶⁷⁸⁹⁻\u00a0@[]T")
NASTY_CHARS = ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u00ad", "\ud800", "\udfff", "х",
               "\x00", "\x7f", "\x85", "\u2028", "😀", "\r", "ℯ", "ｘ", "٣", "é", "\u0301", "（",
               "–", "٫", "\U0010ffff", "\uffff"]
any_char = st.one_of(st.sampled_from(GRAMMAR_CHARS + NASTY_CHARS), st.characters())

TOKENS = ["x", "y", "θ", "w_1", "e", "pi", "π", "q", "sin", "log", "ln", "exp", "sqrt", "max", "min",
          "pow", "σ", "relu", "abs", "softplus", "tanh", "foo", "sine", "2", "0", "0.5", ".5", "4.",
          "1e3", "1e-3", "1e308", "1e400", "9" * 400, "0." + "0" * 400 + "1", "007", "+", "-", "*",
          "/", "^", "**", "·", "×", "⋅", "÷", "−", "(", ")", "(", ")", ",", ";", "\n", "\r\n", "=",
          "²", "³", "⁻¹", "⁻", "¹⁰", "# c\n", " ", "\t", "\u00a0", "\u202e", "х", "Α",
          # tensors
          "@", "[", "]", ".T", "[1, 2]", "[[1, 2], [3, 4]]", "[-1.5]", "param", "param(2, 3)", "sum",
          "mean", "softmax", "log_softmax", "mse", "bce", "cross_entropy", "transpose"]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).flatmap(
    lambda tokens: st.sampled_from(["", " "]).map(lambda gap: gap.join(tokens)))
OPTIONS = st.sampled_from([{}, {"merge": True}, {"gradcheck": False}])


def result_or_error(text: str, **options):
    """Analyze `text`; check the contract either way; return the analysis or the error."""
    values = {name: 1.5 for name in _NAME.findall(text)}
    try:
        analysis = engine.analyze(text, values, **options)
    except EngineError as error:
        assert isinstance(error.code, str) and error.code
        assert isinstance(error.message, str) and error.message
        assert 0 <= error.start <= error.end <= len(text), (error, len(text))
        orjson.dumps(error.to_dict())  # the message itself is valid Unicode
        engine.describe(error, text)
        return error
    data = analysis.to_dict()
    strict = json.dumps(data, allow_nan=False)  # strict JSON: non-finite numbers are strings
    assert orjson.loads(analysis.to_json()) == json.loads(strict)  # the bytes the server sends
    for warning in data["warnings"]:
        assert 0 <= warning["start"] <= warning["end"] <= len(text), warning
    return analysis


@PROPERTY
@given(st.text(any_char, max_size=80), OPTIONS)
def test_any_text_gives_a_result_or_an_engine_error(text, options):
    result_or_error(text, **options)


@PROPERTY
@given(token_soup, OPTIONS)
def test_any_token_sequence_gives_a_result_or_an_engine_error(text, options):
    result = result_or_error(text, **options)
    if not isinstance(result, EngineError):
        # Whatever parses also prints and parses back to the same graph.
        printed = to_source(parse(text))
        assert graph_fields(printed, constant_labels=False) == graph_fields(text, constant_labels=False)


# -- explicit extreme inputs -----------------------------------------------------------------


def codes(analysis) -> set[str]:
    return {w.code for w in analysis.warnings}


@pytest.mark.parametrize("text", [
    "(" * 100_000,
    "(" * 100_000 + "x" + ")" * 100_000,
    "sin(" * 100_000 + "x" + ")" * 100_000,
    "-(" * 100_000,
])
def test_deep_nesting_is_rejected_fast(text):
    start = time.perf_counter()
    with pytest.raises(EngineError) as caught:
        engine.analyze(text, {"x": 1.0}, limits=Limits(max_source_chars=10**6))
    assert time.perf_counter() - start < 0.5
    assert caught.value.code == "too_deep"


@pytest.mark.parametrize("text, span, code", [
    ("1" + "0" * 4999, (0, 5000), "number_too_long"),  # over max_number_chars before it is read
    ("x * " + "9" * 5000, (4, 5004), "number_too_long"),
    ("2 ^ 1e999", (4, 9), "number_too_large"),
    ("1" + "0" * 99 + "e300", (0, 104), "number_too_long"),
    ("1" + "0" * 20 + "e300", (0, 25), "number_too_large"),
])
def test_literal_too_large_for_a_double(text, span, code):
    with pytest.raises(EngineError) as caught:
        engine.analyze(text, {"x": 1.0})
    assert caught.value.code == code
    assert (caught.value.start, caught.value.end) == span


@pytest.mark.parametrize("text, values, shown", [
    ("9^9^9^9", {}, "inf"),
    ("10^10^10", {}, "inf"),
    ("exp(1000)", {}, "inf"),
    ("log(-1)", {}, "nan"),
    ("0/0", {}, "nan"),
    ("1/0", {}, "inf"),
    ("-1/0", {}, "-inf"),
    ("sqrt(-1)", {}, "nan"),
    ("log(0)", {}, "-inf"),
    ("log(x)", {"x": -1.0}, "nan"),
    ("x / (x - x)", {"x": 2.0}, "inf"),
    ("exp(x)", {"x": 1000.0}, "inf"),
])
def test_non_finite_results_evaluate_with_warnings_and_strict_json(text, values, shown):
    analysis = engine.analyze(text, values)
    assert "non_finite_value" in codes(analysis)
    data = analysis.to_dict()
    assert data["value"] == shown
    json.dumps(data, allow_nan=False)


def test_a_100000_node_chain_program():
    # a = x, then a = a·r + x again and again: a closed form to check against, and no recursion.
    lines = 33_333
    text = "a = x\n" + "a = a * 1.0001 + x\n" * lines
    limits = Limits(max_source_chars=10**6, max_nodes=200_000, max_work=10**12)
    analysis = engine.analyze(text, {"x": 0.5}, limits=limits)
    assert len(analysis.graph) >= 100_000
    r = 1.0001
    growth = (r ** (lines + 1) - 1) / (r - 1)  # a_n = x·(1 + r + ... + r^n)
    assert analysis.value == pytest.approx(0.5 * growth, rel=1e-9)
    assert analysis.gradients["x"] == pytest.approx(growth, rel=1e-9)
    json.dumps(analysis.to_dict(), allow_nan=False)
    assert graph_fields(to_source(parse(text, LARGE))) == graph_fields(text)


def test_a_100000_term_sum():
    text = "+".join(["x"] * 100_000)
    analysis = engine.analyze(text, {"x": 0.5}, limits=Limits(max_nodes=200_000, max_work=10**12))
    assert analysis.value == 50_000.0
    assert analysis.gradients == {"x": 100_000.0}
    json.dumps(analysis.to_dict(), allow_nan=False)
    with pytest.raises(EngineError) as caught:  # the default limits refuse it, with a span
        engine.analyze(text, {"x": 0.5})
    assert caught.value.code == "too_many_nodes"
    assert 0 <= caught.value.start <= caught.value.end <= len(text)


@pytest.mark.parametrize("source, values, options, code", [
    ("x", {}, {}, "missing_value"),
    ("x", {"x": "1"}, {}, "non_numeric_value"),
    ("x", {"x": True}, {}, "non_numeric_value"),
    ("x", {"x": None}, {}, "non_numeric_value"),
    ("x", {"x": 10**400}, {}, "number_too_large"),
    ("x", {"x": Fraction(10**400)}, {}, "number_too_large"),
    ("x", [("x", 1.0)], {}, "non_numeric_value"),
    (b"x", {"x": 1.0}, {}, "invalid_source"),
    (None, {}, {}, "invalid_source"),
    ("x", {"x": 1.0}, {"bogus": True}, "invalid_option"),
    ("x", {"x": 1.0}, {"learning_rate": 10**400}, "invalid_option"),  # was OverflowError
    ("x" * 300_000, {}, {}, "source_too_long"),
])
def test_bad_arguments_are_engine_errors(source, values, options, code):
    with pytest.raises(EngineError) as caught:
        engine.analyze(source, values, **options)
    assert caught.value.code == code
    assert caught.value.message
    if isinstance(source, str):
        assert 0 <= caught.value.start <= caught.value.end <= len(source)


@pytest.mark.parametrize("value, shown", [
    (math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"), (Fraction(1, 4), 0.25), (7, 7.0),
])
def test_any_real_value_is_accepted(value, shown):
    analysis = engine.analyze("x", {"x": value})
    data = analysis.to_dict()
    assert data["value"] == shown
    json.dumps(data, allow_nan=False)


# -- regressions: engine bugs these tests found (fixed in 0a131d5) -----------------------------


def test_superscript_exponent_too_large_for_a_double_is_an_error():
    # 400 superscript digits made the exponent float("22...2") = inf: no number_too_large,
    # an inf constant that was never flagged, so to_dict() was not strict JSON, and
    # to_source() raised ValueError on it.
    with pytest.raises(EngineError) as caught:
        engine.analyze("1" + "²" * 400, {})
    assert caught.value.code == "number_too_large"
    assert (caught.value.start, caught.value.end) == (1, 401)


def test_gradient_that_overflows_while_summing_is_reported():
    # Each contribution 1e308·1 is finite; their sum is inf. The backward pass checked only
    # each product, so nothing was flagged and to_dict() emitted a bare inf (with gradcheck on,
    # only the numeric derivative's own overflow hid it).
    analysis = engine.analyze("1e308*x + 1e308*x", {"x": 1e-300}, gradcheck=False)
    assert analysis.gradients == {"x": math.inf}
    assert "non_finite_gradient" in codes(analysis)
    json.dumps(analysis.to_dict(), allow_nan=False)


def test_implicit_multiplication_across_a_newline_inside_parentheses():
    # "A newline inside parentheses continues the line", so (2⏎x) is (2 x) = 2x; the skipped
    # newline used to become `previous`, and 2x was refused as a missing operator.
    assert engine.analyze("(2\nx)", {"x": 3.0}).value == 6.0
    assert engine.analyze("(2 # two\n(x))", {"x": 3.0}).value == 6.0
    with pytest.raises(EngineError) as caught:  # and the error names the operator, not '\n'
        engine.analyze("(x +\n)", {"x": 3.0})
    assert "'\n'" not in caught.value.message


def test_vector_literals_print_as_literals():
    # Found by the token fuzz: format_literal() printed a vector's elements as numpy scalars,
    # so [-1.5] printed as [np.float64(-1.5)].
    assert to_source(parse("[-1.5, 2]")) == "[-1.5, 2]"
    assert to_source(parse("[[0.25, 1], [3, 4]]")) == "[[0.25, 1], [3, 4]]"


def test_a_scalar_gradient_in_a_tensor_program_serializes():
    # Found by the token fuzz (fails until fixed): numpy sums the gradient of a scalar that
    # meets a vector into a numpy.float64, tensor.json_tensor() passes it on as a float, and
    # orjson, which to_json() and so the server use, refuses it: TypeError, not JSON.
    analysis = engine.analyze("x*[1, 2]", {"x": 1.5})
    assert orjson.loads(analysis.to_json())["gradients"] == {"x": 3.0}
    orjson.loads(engine.analyze("[1, 2]²", {}).to_json())
