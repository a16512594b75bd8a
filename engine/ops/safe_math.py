"""Float functions that return inf or nan where Python's math would raise.

IEEE 754 says what log(0), 1/0 or exp(1000) are; Python's math module raises
instead. Operators build on these so that evaluation never raises on any
float input; the evaluator reports non-finite results as warnings.
"""

from __future__ import annotations

import math

INF = math.inf
NAN = math.nan


def div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def log(a: float) -> float:
    if a > 0:
        return math.log(a)
    return -INF if a == 0 else NAN


def exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        return INF


def sqrt(a: float) -> float:
    return math.sqrt(a) if a >= 0 else NAN


def sin(a: float) -> float:
    return math.sin(a) if a - a == 0 else NAN


def cos(a: float) -> float:
    return math.cos(a) if a - a == 0 else NAN


def tan(a: float) -> float:
    return math.tan(a) if a - a == 0 else NAN


def power(a: float, b: float) -> float:
    """a ** b as C's pow: nan for a negative base with a non-integer exponent."""
    try:
        return math.pow(a, b)
    except ValueError:  # 0 ** negative, or negative ** non-integer
        if a == 0:
            odd = b.is_integer() and b % 2 == 1
            return math.copysign(INF, a) if odd else INF
        return NAN
    except OverflowError:
        odd = b.is_integer() and b % 2 == 1
        return -INF if (a < 0 and odd) else INF


def sigmoid(a: float) -> float:
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = exp(a)  # a < 0 or nan: exp cannot overflow here
    return e / (1.0 + e)


def softplus(a: float) -> float:
    """log(1 + e^a), stable for large |a|."""
    if a != a:
        return NAN
    return (a if a > 0 else 0.0) + math.log1p(math.exp(-abs(a)))
