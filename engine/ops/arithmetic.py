"""The written operators: + - * / ^ and unary minus."""

from __future__ import annotations

import operator

import numpy as np

from . import safe_math as m
from .registry import ADDITIVE, MULTIPLICATIVE, POWER, UNARY, Operator, Partial, register


def _one(*_: float) -> float:
    return 1.0


def _minus_one(*_: float) -> float:
    return -1.0


def _pow_wrt_base(a: float, b: float, out: float) -> float:
    # b·a^(b−1); PyTorch's convention: 0 where b == 0 (even at a == 0)
    return 0.0 if b == 0 else b * m.power(a, b - 1.0)


def _pow_wrt_exponent(a: float, b: float, out: float) -> float:
    # a^b·ln(a); PyTorch's convention: 0 where a == 0 and b >= 0
    return 0.0 if (a == 0 and b >= 0) else out * m.log(a)


# The same conventions on arrays (the evaluator silences numpy's warnings: inf and nan are values).
def _np_pow_wrt_base(a, b, out):
    return np.where(b == 0, 0.0, b * np.power(a, b - 1.0))


def _np_pow_wrt_exponent(a, b, out):
    return np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))


register(Operator(
    name="add", symbol="+", arity=2, notation="infix", sign="+", precedence=ADDITIVE,
    formula="{a} + {b}", description="sum a + b",
    forward=operator.add,
    partials=(Partial("1", _one), Partial("1", _one)),
))

register(Operator(
    name="sub", symbol="−", arity=2, notation="infix", sign="-", precedence=ADDITIVE,
    formula="{a} − {b}", description="difference a − b",
    forward=operator.sub,
    partials=(Partial("1", _one), Partial("−1", _minus_one)),
))

register(Operator(
    name="mul", symbol="×", arity=2, notation="infix", sign="*", precedence=MULTIPLICATIVE,
    formula="{a} · {b}", description="product a · b (also written a×b, a⋅b, 2x, (a)(b))",
    forward=operator.mul,
    partials=(Partial("{b}", lambda a, b, out: b), Partial("{a}", lambda a, b, out: a)),
))

register(Operator(
    name="div", symbol="÷", arity=2, notation="infix", sign="/", precedence=MULTIPLICATIVE,
    formula="{a} / {b}", description="quotient a / b",
    forward=m.div, tensor_forward=np.divide,
    partials=(
        Partial("1/{b}", lambda a, b, out: m.div(1.0, b)),
        # −(a/b)/b rather than −a/(b·b): b·b leaves the double range long before the answer does
        # (PyTorch computes it the same way)
        Partial("−{a}/{b}²", lambda a, b, out: m.div(-out, b)),
    ),
))

register(Operator(
    name="pow", symbol="^", arity=2, notation="infix", sign="^", names=("pow",),
    precedence=POWER, right_assoc=True,
    formula="{a}^{b}", description="power a^b (also a**b, pow(a, b), x²)",
    forward=m.power, tensor_forward=np.power,
    partials=(Partial("{b}·{a}^({b}−1)", _pow_wrt_base, tensor_local=_np_pow_wrt_base),
              Partial("{a}^{b}·ln({a})", _pow_wrt_exponent, tensor_local=_np_pow_wrt_exponent)),
    convention="∂/∂a is 0 where b = 0; ∂/∂b is 0 where a = 0 and b ≥ 0 (as PyTorch)",
))

register(Operator(
    name="neg", symbol="−", arity=1, notation="prefix", sign="-", precedence=UNARY,
    formula="−{a}", description="negation −a",
    forward=operator.neg,
    partials=(Partial("−1", _minus_one),),
))
