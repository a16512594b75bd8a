"""Check each variable's gradient against a central difference.

    numeric = (f(x + h) - f(x - h)) / 2h,   h = ∛ε · max(1, |x|)

∛ε (about 6e-6) balances truncation error (h²) against rounding (ε/h).
rel_error = |analytic - numeric| / max(|analytic|, |numeric|, 1e-12);
near a kink (relu at 0, abs at 0) the two can disagree, and the check says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .evaluate import ForwardPlan, run_forward
from .graph import Graph

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
    run_forward(plan, shifted)
    return shifted[output]
