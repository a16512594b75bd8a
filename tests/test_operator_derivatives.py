"""Every operator's local derivatives against central differences of its own forward.

Like HIPS autograd's check_grads, but per operator and per operand: the registry's
`Partial.local` must match (f(..a+h..) - f(..a-h..)) / 2h away from kinks, follow the
documented conventions at kinks, and nothing may raise on any float.
"""

from __future__ import annotations

import itertools
import math

import pytest
from strategies import SCALAR_OPERATORS as OPERATORS  # the tensor-only ones have no float partials

# Points per operator, away from kinks and poles. An entry (point, operands) checks only
# those operands: the derivative of (-2)^b with respect to b does not exist in the reals.
POINTS = {
    "add": [(1.5, -2.0), (-1e3, 0.25), (3.0, 7.5)],
    "sub": [(1.5, -2.0), (-1e3, 0.25), (3.0, 7.5)],
    "mul": [(1.5, -2.0), (-0.3, 4.0), (1e3, 1e-3)],
    "div": [(1.5, -2.0), (-0.3, 4.0), (7.0, 0.5)],
    "pow": [(1.5, 2.0), (2.0, -0.5), (0.5, 3.3), (3.0, 0.0), (10.0, 1.7), ((-2.0, 3.0), (0,))],
    "neg": [(1.5,), (-2.0,)],
    "log": [(0.5,), (2.0,), (100.0,)],
    "exp": [(-1.0,), (0.5,), (3.0,)],
    "sqrt": [(0.25,), (2.0,), (9.0,)],
    "sin": [(-1.0,), (0.5,), (2.0,)],
    "cos": [(-1.0,), (0.5,), (2.0,)],
    "tan": [(-1.0,), (0.3,), (1.2,)],
    "tanh": [(-2.0,), (0.1,), (1.5,)],
    "sigmoid": [(-3.0,), (0.0,), (2.5,), (-40.0,)],
    "relu": [(-1.5,), (0.5,), (3.0,)],
    "abs": [(-1.5,), (0.5,), (3.0,)],
    "softplus": [(-30.0,), (-1.0,), (0.0,), (2.5,), (40.0,)],
    "max": [(1.0, 2.0), (2.0, 1.0), (-3.0, -4.0)],
    "min": [(1.0, 2.0), (2.0, 1.0), (-3.0, -4.0)],
}


def _cases() -> list:
    cases = []
    for name, entries in POINTS.items():
        for entry in entries:
            point, operands = entry if isinstance(entry[0], tuple) else (entry, range(len(entry)))
            cases += [pytest.param(name, point, k, id=f"{name}-d{'ab'[k]}-{point}") for k in operands]
    return cases


def central_difference(forward, point: tuple, k: int) -> float:
    h = 1e-6 * max(1.0, abs(point[k]))
    up = list(point)
    down = list(point)
    up[k] += h
    down[k] -= h
    return (forward(*up) - forward(*down)) / (2 * h)


def agrees(analytic: float, numeric: float) -> bool:
    # Central differences are good to about 1e-9 relative here; 1e-6 leaves room, and a
    # wrong formula is off by far more.
    return abs(analytic - numeric) <= 1e-6 * max(1.0, abs(analytic), abs(numeric))


def test_every_operator_has_points():
    assert set(POINTS) == set(OPERATORS)


def test_the_check_can_fail():
    # A deliberately wrong derivative (sin' = -cos) must be caught, or the table proves nothing.
    numeric = central_difference(math.sin, (0.5,), 0)
    assert agrees(math.cos(0.5), numeric)
    assert not agrees(-math.cos(0.5), numeric)
    assert not agrees(math.cos(0.5) * 1.001, numeric)


@pytest.mark.parametrize("name, point, k", _cases())
def test_local_derivative_matches_central_difference(name, point, k):
    op = OPERATORS[name]
    out = op.forward(*point)
    analytic = op.partials[k].local(*point, out)
    numeric = central_difference(op.forward, point, k)
    assert agrees(analytic, numeric), (
        f"∂{name}/∂{'ab'[k]} at {point}: analytic {analytic!r}, numeric {numeric!r}, "
        f"difference {analytic - numeric!r}")


# -- conventions where the derivative does not exist ------------------------------------------

NAN = math.nan


@pytest.mark.parametrize("name, point, k, expected", [
    ("relu", (0.0,), 0, 0.0),  # relu'(0) = 0, as PyTorch
    ("relu", (-0.0,), 0, 0.0),
    ("abs", (0.0,), 0, 0.0),  # abs'(0) = 0, as PyTorch
    ("abs", (-0.0,), 0, 0.0),
    ("max", (2.0, 2.0), 0, 0.5),  # a tie splits the gradient evenly
    ("max", (2.0, 2.0), 1, 0.5),
    ("max", (0.0, -0.0), 0, 0.5),  # 0 and -0 tie
    ("max", (0.0, -0.0), 1, 0.5),
    ("min", (-1.0, -1.0), 0, 0.5),
    ("min", (-1.0, -1.0), 1, 0.5),
    ("pow", (0.0, 0.0), 0, 0.0),  # ∂/∂a is 0 where b = 0, even at a = 0
    ("pow", (-3.0, 0.0), 0, 0.0),
    ("pow", (0.0, 0.0), 1, 0.0),  # ∂/∂b is 0 where a = 0 and b ≥ 0
    ("pow", (0.0, 2.0), 1, 0.0),
    ("pow", (0.0, 0.5), 1, 0.0),
    ("pow", (-0.0, 3.0), 1, 0.0),
    ("pow", (0.0, 1.0), 0, 1.0),  # b·a^(b−1) = 1·0⁰ = 1
    ("pow", (0.0, 2.0), 0, 0.0),
    ("pow", (0.0, 0.5), 0, math.inf),  # √a has an infinite slope at 0
    ("pow", (-2.0, 3.0), 0, 12.0),
    ("pow", (-2.0, 3.0), 1, NAN),  # (−2)^b is not real near b = 3
])
def test_derivative_conventions_at_kinks(name, point, k, expected):
    op = OPERATORS[name]
    local = op.partials[k].local(*point, op.forward(*point))
    assert same(local, expected), f"∂{name}/∂{'ab'[k]} at {point}: {local!r}, expected {expected!r}"


@pytest.mark.parametrize("name, point, expected", [
    # IEEE 754 / C99 results instead of Python's exceptions
    ("div", (1.0, 0.0), math.inf),
    ("div", (-1.0, 0.0), -math.inf),
    ("div", (1.0, -0.0), -math.inf),
    ("div", (0.0, 0.0), NAN),
    ("pow", (0.0, 0.0), 1.0),
    ("pow", (0.0, -1.0), math.inf),
    ("pow", (-0.0, -1.0), -math.inf),  # odd integer exponent keeps the sign of zero
    ("pow", (-0.0, -2.0), math.inf),
    ("pow", (-8.0, 1 / 3), NAN),  # negative base, non-integer exponent
    ("pow", (-2.0, 3.0), -8.0),
    ("pow", (2.0, 1e10), math.inf),
    ("pow", (-2.0, 1025.0), -math.inf),
    ("log", (0.0,), -math.inf),
    ("log", (-1.0,), NAN),
    ("sqrt", (-1.0,), NAN),
    ("exp", (1000.0,), math.inf),
    ("sigmoid", (-1000.0,), 0.0),
    ("sigmoid", (1000.0,), 1.0),
    ("softplus", (1000.0,), 1000.0),
    ("softplus", (-1000.0,), 0.0),
    ("tanh", (1000.0,), 1.0),
    ("sin", (math.inf,), NAN),
    ("relu", (0.0,), 0.0),
    ("relu", (NAN,), NAN),
    ("max", (2.0, 2.0), 2.0),
    ("max", (NAN, 1.0), NAN),
    ("min", (1.0, NAN), NAN),
])
def test_forward_at_the_edges(name, point, expected):
    assert same(OPERATORS[name].forward(*point), expected)


def same(a: float, b: float) -> bool:
    return (a != a and b != b) or a == b


# -- nothing raises on any float ---------------------------------------------------------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 1e308, -1e308, math.inf, -math.inf, math.nan, 1e-320, -1e-320, 0.5]


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_forward_and_locals_never_raise(name):
    op = OPERATORS[name]
    failures = []
    for point in itertools.product(SPECIAL, repeat=op.arity):
        try:
            out = op.forward(*point)
            results = [out] + [partial.local(*point, out) for partial in op.partials]
        except Exception as error:  # anything at all is a failure here
            failures.append(f"{name}{point}: {type(error).__name__}: {error}")
            continue
        if not all(isinstance(r, float) for r in results):
            failures.append(f"{name}{point}: not floats: {results!r}")
    assert not failures, "\n".join(failures)


# -- regression: an engine bug test_properties found (fixed in 26d5ee0) ------------------------


@pytest.mark.parametrize("a, b, expected", [
    (1e-300, 1e-200, -1e100),  # b·b underflows to 0, and −a/0 gave −inf
    (0.0, 1e-200, 0.0),  # ... and −0/0 gave nan (seen as a nan gradient at x = 2.2e-309)
    (1e300, 1e200, -1e-100),  # b·b overflows, and −a/inf gave −0
])
def test_div_derivative_by_the_divisor_does_not_overflow_early(a, b, expected):
    # ∂(a/b)/∂b = −a/b² was computed as −a/(b·b), which leaves the double range while the
    # answer is well inside it; −(a/b)/b, i.e. −out/b, does not.
    op = OPERATORS["div"]
    local = op.partials[1].local(a, b, op.forward(a, b))
    assert local == pytest.approx(expected, rel=1e-12, abs=1e-300), local
