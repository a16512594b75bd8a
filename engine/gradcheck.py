"""Check each variable's and parameter's gradient against central differences.

    numeric = (f(x + h·d) − f(x − h·d)) / 2h,   h = ∛ε · max(1, |x|)

∛ε (about 6e-6) balances truncation error (h²) against rounding (ε/h). A scalar
is checked along its one direction; a tensor of at most ELEMENTWISE_MAX elements
element by element (d runs over the unit vectors), a larger one along DIRECTIONS
random Gaussian directions (seeded), against Σ gradient ⊙ d. A random direction
of ±1s could be orthogonal to a correct gradient (each row of a softmax
cross-entropy gradient sums to 0) and then compare two numbers that are both
rounding noise; Gaussian directions almost never are, and the tolerance below
absorbs the noise when they nearly are.

The verdict is the engine's: each entry says "ok". A difference counts as
rounding when it is below the noise a central difference can have,
NOISE_MARGIN · ε · S / h, where S is the largest magnitude any node takes
(cancellation in a value of size S leaves errors of size ε·S); elsewhere it is
relative. So rel_error = |analytic − numeric| / max(|analytic|, |numeric|, noise/RTOL)
and ok = rel_error ≤ RTOL, with both numbers finite. Near a kink (relu at 0,
abs at 0) the two can disagree, and the check says so.

Each entry: {"analytic", "numeric", "rel_error"} of the check that differs most,
"ok", "finite" (false when a number is not finite: nothing can be checked),
"method" ("scalar", "elements" or "directions"), "checks" (how many) and "worst"
(the index of the element, or of the direction, shown; [] for a scalar).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .evaluate import ForwardPlan
from .evaluate_tensor import run_forward as run_tensor_forward
from .graph import NONE, Graph

EPS = 2.220446049250313e-16
_STEP = EPS ** (1 / 3)
RTOL = 1e-5
NOISE_MARGIN = 100.0
ELEMENTWISE_MAX = 64
DIRECTIONS = 3


def planned_checks(graph: Graph, variable_values: list) -> int:
    """How many checks (two forward passes each) the gradient check will make."""
    sizes = [int(np.size(v)) for v in variable_values]
    sizes += [math.prod(shape) for _name, shape in graph.parameters.values()]
    return sum(n if n <= ELEMENTWISE_MAX else DIRECTIONS for n in sizes)


def verdict(analytic: float, numeric: float, noise: float) -> tuple[float, bool, bool]:
    """(rel_error, ok, finite) of one comparison, with `noise` the rounding a difference may have."""
    analytic, numeric = float(analytic), float(numeric)
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return math.nan, False, False
    floor = noise / RTOL if math.isfinite(noise) else math.inf
    scale = max(abs(analytic), abs(numeric), floor, 1e-300)
    error = abs(analytic - numeric) / scale if math.isfinite(scale) else 0.0
    return error, error <= RTOL, True


def _largest(values: list) -> float:
    """The largest magnitude any node takes (non-finite values left out)."""
    largest = 0.0
    with np.errstate(all="ignore"):
        for v in values:
            if isinstance(v, float):
                if v - v == 0 and abs(v) > largest:
                    largest = abs(v)
            elif v is not None:
                a = np.abs(np.asarray(v, dtype=np.float64))
                a = a[np.isfinite(a)]
                if a.size:
                    largest = max(largest, float(a.max()))
    return largest


def _noise(largest: float, h: float) -> float:
    return NOISE_MARGIN * EPS * max(largest, 1e-300) / h


def _entry(analytic: float, numeric: float, noise: float, method: str, checks: int = 1,
           worst: list[int] | None = None) -> dict:
    error, ok, finite = verdict(analytic, numeric, noise)
    return {"analytic": float(analytic), "numeric": float(numeric), "rel_error": error, "ok": ok, "finite": finite,
            "method": method, "checks": checks, "worst": worst or []}


def central_differences(graph: Graph, plan: ForwardPlan, values: list, grads: list,
                        check_time: Callable[[], None] = lambda: None) -> dict[str, dict]:
    checks: dict[str, dict] = {}
    output = graph.output
    largest = _largest(values)
    for k, name in enumerate(graph.variables):
        check_time()
        x = values[k]
        analytic = grads[k]
        if x - x != 0:
            checks[name] = _entry(analytic, math.nan, math.nan, "scalar")
            continue
        h = _STEP * max(1.0, abs(x))
        up = _output_at(plan, values, k, x + h, output)
        down = _output_at(plan, values, k, x - h, output)
        numeric = (up - down) / (2 * h)
        checks[name] = _entry(analytic, numeric, _noise(largest, h), "scalar")
    return checks


def _output_at(plan: ForwardPlan, values: list, variable: int, x: float, output: int) -> float:
    shifted = values.copy()
    shifted[variable] = x
    for node, forward, a, b in plan:  # run_forward without its bookkeeping of non-finite values
        shifted[node] = forward(shifted[a]) if b == NONE else forward(shifted[a], shifted[b])
    return shifted[output]


def tensor_checks(graph: Graph, plan: list, values: list, grads: list,
                  check_time: Callable[[], None] = lambda: None, seed: int = 0) -> dict[str, dict]:
    """On tensors: small leaves element by element, large ones along random directions."""
    rng = np.random.default_rng(seed)
    leaves = list(enumerate(graph.variables))
    leaves += [(node, name) for node, (name, _shape) in sorted(graph.parameters.items())]
    largest = _largest(values)
    checks: dict[str, dict] = {}

    def total_at(node: int, x: np.ndarray) -> float:
        shifted = list(values)
        shifted[node] = x
        run_tensor_forward(graph, plan, shifted, check=False)
        return float(np.sum(shifted[graph.output]))

    def derivative(node: int, x: np.ndarray, direction: np.ndarray, h: float) -> float:
        with np.errstate(all="ignore"):
            return (total_at(node, x + h * direction) - total_at(node, x - h * direction)) / (2 * h)

    for node, name in leaves:
        check_time()
        x, gradient = np.asarray(values[node], dtype=np.float64), grads[node]
        if gradient is None:  # no gradient flows here (class labels)
            continue
        gradient = np.asarray(gradient, dtype=np.float64)
        if not np.isfinite(x).all() or not np.isfinite(gradient).all():
            analytic = float(np.sum(gradient)) if np.isfinite(gradient).all() else math.nan
            checks[name] = _entry(analytic, math.nan, math.nan, "elements" if x.size <= ELEMENTWISE_MAX
                                  else "directions", 0)
            continue
        if x.size <= ELEMENTWISE_MAX:
            results = []
            for index in np.ndindex(x.shape):
                check_time()
                unit = np.zeros_like(x)
                unit[index] = 1.0
                h = _STEP * max(1.0, abs(float(x[index])))
                numeric = derivative(node, x, unit, h)
                results.append((float(gradient[index]), numeric, _noise(largest, h), list(index)))
            method = "elements"
        else:
            h = _STEP * max(1.0, float(np.max(np.abs(x))))
            results = []
            for k in range(DIRECTIONS):
                check_time()
                direction = rng.standard_normal(x.shape)
                results.append((float(np.sum(gradient * direction)), derivative(node, x, direction, h),
                                _noise(largest, h), [k]))
            method = "directions"
        entries = [_entry(a, n, noise, method, len(results), worst) for a, n, noise, worst in results]
        # The one shown is the first that fails, else the one that differs most.
        shown = min(entries, key=lambda e: (e["ok"], -e["rel_error"] if e["finite"] else 0.0))
        checks[name] = shown
    return checks
