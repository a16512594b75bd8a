"""Check each variable's gradient against a central difference.

    numeric = (f(x + h) - f(x - h)) / 2h,   h = ∛ε · max(1, |x|)

∛ε (about 6e-6) balances truncation error (h²) against rounding (ε/h).
rel_error = |analytic - numeric| / max(|analytic|, |numeric|, 1e-12);
near a kink (relu at 0, abs at 0) the two can disagree, and the check says so.

A tensor gets one check along a random ±1 direction d (seeded): the numeric
derivative of sum(output) along d against Σ gradient ⊙ d, so the cost is two
forward passes per variable or parameter, whatever its size.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .evaluate import ForwardPlan
from .evaluate_tensor import run_forward as run_tensor_forward
from .graph import NONE, Graph

_STEP = 2.220446049250313e-16 ** (1 / 3)


def central_differences(graph: Graph, plan: ForwardPlan, values: list, grads: list,
                        check_time: Callable[[], None] = lambda: None) -> dict[str, dict]:
    checks: dict[str, dict] = {}
    output = graph.output
    for k, name in enumerate(graph.variables):
        check_time()
        x = values[k]
        analytic = grads[k]
        if x - x != 0:
            checks[name] = {"analytic": analytic, "numeric": math.nan, "rel_error": math.nan}
            continue
        h = _STEP * max(1.0, abs(x))
        up = _output_at(plan, values, k, x + h, output)
        down = _output_at(plan, values, k, x - h, output)
        numeric = (up - down) / (2 * h)
        checks[name] = {"analytic": analytic, "numeric": numeric,
                        "rel_error": relative_error(analytic, numeric)}
    return checks


def relative_error(analytic: float, numeric: float) -> float:
    if analytic - analytic != 0 or numeric - numeric != 0:
        return 0.0 if analytic == numeric else math.nan
    scale = max(abs(analytic), abs(numeric), 1e-12)
    return abs(analytic - numeric) / scale


def _output_at(plan: ForwardPlan, values: list, variable: int, x: float, output: int) -> float:
    shifted = values.copy()
    shifted[variable] = x
    for node, forward, a, b in plan:  # run_forward without its bookkeeping of non-finite values
        shifted[node] = forward(shifted[a]) if b == NONE else forward(shifted[a], shifted[b])
    return shifted[output]


def directional_checks(graph: Graph, plan: list, values: list, grads: list,
                       check_time: Callable[[], None] = lambda: None, seed: int = 0) -> dict[str, dict]:
    rng = np.random.default_rng(seed)
    leaves = list(enumerate(graph.variables))
    leaves += [(node, name) for node, (name, _shape) in sorted(graph.parameters.items())]
    checks: dict[str, dict] = {}

    def total_at(node: int, x: np.ndarray) -> float:
        shifted = list(values)
        shifted[node] = x
        run_tensor_forward(graph, plan, shifted, check=False)
        return float(np.sum(shifted[graph.output]))

    for node, name in leaves:
        check_time()
        x, gradient = values[node], grads[node]
        if gradient is None:  # no gradient flows here (class labels)
            continue
        direction = rng.choice([-1.0, 1.0], size=x.shape)
        analytic = float(np.sum(gradient * direction))
        if not np.isfinite(x).all():
            checks[name] = {"analytic": analytic, "numeric": math.nan, "rel_error": math.nan}
            continue
        h = _STEP * max(1.0, float(np.max(np.abs(x))))
        with np.errstate(all="ignore"):
            numeric = (total_at(node, x + h * direction) - total_at(node, x - h * direction)) / (2 * h)
        checks[name] = {"analytic": analytic, "numeric": numeric,
                        "rel_error": relative_error(analytic, numeric)}
    return checks
