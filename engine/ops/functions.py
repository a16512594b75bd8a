"""The functions one can call by name: log(x), relu(x), max(a, b), ..."""

from __future__ import annotations

import math

import numpy as np

from . import safe_math as m
from .registry import Operator, Partial, register


def _unary(name: str, names: tuple[str, ...], forward, formula: str, local, description: str,
           symbol: str | None = None, convention: str = "", *, np_forward, np_local=None) -> None:
    """One elementwise function: its float forward and local derivative, and the same on arrays
    (`np_local` only where the float one does not already work on arrays)."""
    register(Operator(
        name=name, symbol=symbol or name, arity=1, notation="function", names=names,
        formula=f"{names[0]}({{a}})", description=description, forward=forward,
        tensor_forward=np_forward,
        partials=(Partial(formula, local, tensor_local=np_local),), convention=convention,
    ))


def _np_sigmoid(a):
    # exp of a non-positive number only: no overflow either way
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _relu(a: float) -> float:
    return a if a > 0 else (a if a != a else 0.0)  # nan stays nan


def _sign(a: float) -> float:
    return 1.0 if a > 0 else (-1.0 if a < 0 else (0.0 if a == 0 else m.NAN))


_unary("log", ("log", "ln"), m.log, "1/{a}", lambda a, out: m.div(1.0, a),
       "natural logarithm; log(0) = −inf, log(x < 0) = nan", np_forward=np.log)
_unary("exp", ("exp",), m.exp, "exp({a})", lambda a, out: out, "exponential e^a", np_forward=np.exp)
_unary("sqrt", ("sqrt",), m.sqrt, "1/(2·√{a})", lambda a, out: m.div(0.5, out),
       "square root; sqrt(x < 0) = nan", symbol="√", np_forward=np.sqrt)
_unary("sin", ("sin",), m.sin, "cos({a})", lambda a, out: m.cos(a), "sine (radians)",
       np_forward=np.sin, np_local=lambda a, out: np.cos(a))
_unary("cos", ("cos",), m.cos, "−sin({a})", lambda a, out: -m.sin(a), "cosine (radians)",
       np_forward=np.cos, np_local=lambda a, out: -np.sin(a))
_unary("tan", ("tan",), m.tan, "1 + tan²({a})", lambda a, out: 1.0 + out * out, "tangent (radians)",
       np_forward=np.tan)
_unary("tanh", ("tanh",), math.tanh, "1 − tanh²({a})", lambda a, out: 1.0 - out * out,
       "hyperbolic tangent", np_forward=np.tanh)
_unary("sigmoid", ("sigmoid", "σ"), m.sigmoid, "σ({a})·(1 − σ({a}))", lambda a, out: out * (1.0 - out),
       "logistic sigmoid 1/(1 + e^−a)", symbol="σ", np_forward=_np_sigmoid)
_unary("relu", ("relu",), _relu, "1 if {a} > 0 else 0", lambda a, out: 1.0 if a > 0 else 0.0,
       "rectified linear unit max(a, 0)", convention="relu′(0) = 0 (as PyTorch)",
       np_forward=lambda a: np.maximum(a, 0.0), np_local=lambda a, out: (a > 0).astype(np.float64))
_unary("abs", ("abs",), abs, "sign({a})", lambda a, out: _sign(a), "absolute value |a|",
       symbol="|·|", convention="abs′(0) = 0 (as PyTorch)", np_forward=np.abs,
       np_local=lambda a, out: np.sign(a))
_unary("softplus", ("softplus",), m.softplus, "σ({a})", lambda a, out: m.sigmoid(a),
       "smooth relu log(1 + e^a)", np_forward=lambda a: np.logaddexp(0.0, a),
       np_local=lambda a, out: _np_sigmoid(a))


def _maximum(a: float, b: float) -> float:
    if a > b:
        return a
    if b > a:
        return b
    return a if a == b else m.NAN


def _minimum(a: float, b: float) -> float:
    if a < b:
        return a
    if b < a:
        return b
    return a if a == b else m.NAN


register(Operator(
    name="max", symbol="max", arity=2, notation="function", names=("max",),
    formula="max({a}, {b})", description="the larger of a and b", forward=_maximum,
    tensor_forward=np.maximum,
    partials=(
        Partial("1 if {a} > {b} else 0", lambda a, b, out: 0.5 if a == b else (0.0 if a < b else 1.0),
                tensor_local=lambda a, b, out: np.where(a == b, 0.5, np.where(a < b, 0.0, 1.0))),
        Partial("1 if {b} > {a} else 0", lambda a, b, out: 0.5 if a == b else (0.0 if b < a else 1.0),
                tensor_local=lambda a, b, out: np.where(a == b, 0.5, np.where(b < a, 0.0, 1.0))),
    ),
    convention="at a tie the gradient is split evenly, ½ to each (as PyTorch)",
))

register(Operator(
    name="min", symbol="min", arity=2, notation="function", names=("min",),
    formula="min({a}, {b})", description="the smaller of a and b", forward=_minimum,
    tensor_forward=np.minimum,
    partials=(
        Partial("1 if {a} < {b} else 0", lambda a, b, out: 0.5 if a == b else (0.0 if a > b else 1.0),
                tensor_local=lambda a, b, out: np.where(a == b, 0.5, np.where(a > b, 0.0, 1.0))),
        Partial("1 if {b} < {a} else 0", lambda a, b, out: 0.5 if a == b else (0.0 if b > a else 1.0),
                tensor_local=lambda a, b, out: np.where(a == b, 0.5, np.where(b > a, 0.0, 1.0))),
    ),
    convention="at a tie the gradient is split evenly, ½ to each (as PyTorch)",
))
