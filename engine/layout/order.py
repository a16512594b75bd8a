"""Vertex ordering within layers (crossing minimisation), bounded by a work budget.

Edges enter a node at distinct ports, top to bottom in operand order, so two edges into the
same node cross when their sources are in the opposite order; every count here includes
those crossings.

The search (copies.py) improves several starting orders at once, dot-style: a barycentre
sweep, then adjacent exchanges to a local optimum (equal-cost ones on alternate iterations
to walk off plateaus), keeping each copy's best. Many starts are screened for a few
iterations, the best few go on, and the winner is polished. How many starts and
iterations a graph gets follows from an estimate of their cost against a budget that grows
with the graph (`schedule`): the same graph always gets the same search and the same
drawing, and no graph gets the unbounded search of old (60 ms at 71 nodes). Graphs whose
layers are too wide for pair costs use the vectorised sweeps of large.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .copies import Copies, pair_count
from .large import FastOrder
from .layered import Layered, Order
from .starts import starts

PAIR_LIMIT = 400_000   # segment pairs compared per step, beyond which large.py takes over
POLISH = 3             # exchange rounds on the winner
# The budget and the cost model, in µs as measured on a 2-core machine (the model only has
# to rank schedules; the bench checks the time).
BUDGET_BASE, BUDGET_PER_ITEM, BUDGET_MAX = 600.0, 14.0, 40_000.0
CALL_US, ELEMENT_US = 1.6, 0.004


@dataclass(frozen=True)
class Schedule:
    screen_copies: int   # starts improved together at first
    screen_iters: int
    final_copies: int    # the best of them, improved further
    final_iters: int


FULL = Schedule(8, 3, 2, 8)


def iteration_cost(lg: Layered, copies: int, pairs: int) -> float:
    """Estimated µs of one iteration (sweep, two exchange rounds, a count) over `copies`."""
    rows = sum(1 for r in np.bincount(np.asarray(lg.layer), minlength=lg.n_layers) if r > 1)
    calls = 14 * 2 * rows + 120
    elements = copies * (4 * pairs + 60 * lg.n_items)
    return calls * CALL_US + elements * ELEMENT_US


def schedule(lg: Layered, pairs: int) -> Schedule:
    """The fullest search the budget allows, trimmed step by step."""
    budget = min(BUDGET_MAX, BUDGET_BASE + BUDGET_PER_ITEM * lg.n_items)
    s = FULL

    def cost(s: Schedule) -> float:
        return (s.screen_iters * iteration_cost(lg, s.screen_copies, pairs)
                + (s.final_iters + POLISH) * iteration_cost(lg, s.final_copies, pairs))

    trims = [Schedule(8, 3, 2, 6), Schedule(6, 2, 2, 6), Schedule(4, 2, 2, 6), Schedule(4, 2, 1, 6),
             Schedule(2, 2, 1, 6), Schedule(2, 2, 1, 4), Schedule(1, 2, 1, 3), Schedule(1, 1, 1, 2)]
    for smaller in trims:
        if cost(s) <= budget:
            break
        s = smaller
    return s


def order_layers(lg: Layered, inputs: list[list[int]], output: int) -> tuple[Order, int]:
    """Rows of items top to bottom per layer, and their crossing count."""
    if all(c < 2 for c in np.bincount(np.asarray(lg.layer, dtype=np.int64), minlength=lg.n_layers)):
        return starts(lg, inputs, output, 1)[0], 0
    pairs = pair_count(lg)
    if pairs > PAIR_LIMIT:
        return _large(lg, inputs, output)
    plan = schedule(lg, pairs)
    cp = Copies(lg, starts(lg, inputs, output, plan.screen_copies))
    best_cr = cp.crossings(cp.costs(0), 0)
    best = cp.order.copy()
    total_iters = plan.screen_iters + plan.final_iters
    for it in range(total_iters):
        if best_cr.min() == 0:
            break
        if it == plan.screen_iters and cp.k > plan.final_copies:
            chosen = np.argsort(best_cr, kind="stable")[:plan.final_copies]
            cp.set_orders(best[chosen])  # each goes on from its best
            best, best_cr = best[chosen], best_cr[chosen]
        p = it % 2
        cp.sweep(down=p == 0)
        equal = it % 4 >= 2
        c = cp.costs(p)
        cur = cp.crossings(c, p) - cp.exchange(p, c, equal)
        cur = cur - cp.exchange(1 - p, cp.costs(1 - p), equal)
        better = cur < best_cr
        best[better] = cp.order[better]
        best_cr = np.minimum(best_cr, cur)
    k = int(np.argmin(best_cr))  # ties: the earlier start, which favours operand order
    cp.set_orders(best[k:k + 1])
    crossings = int(best_cr[k])
    for _ in range(POLISH):
        if crossings == 0:
            break
        gain = int(cp.exchange(0, cp.costs(0), False)[0]) + int(cp.exchange(1, cp.costs(1), False)[0])
        crossings -= gain
        if gain == 0:
            break
    return cp.rows(0), crossings


def _large(lg: Layered, inputs: list[list[int]], output: int) -> tuple[Order, int]:
    items = lg.n_items
    n_starts, iters = ((2, 12) if items <= 1500 else (1, 8) if items <= 6000
                       else (1, 4) if items <= 20000 else (1, 2))
    fast = FastOrder(lg)
    best: tuple[Order, int] | None = None
    for start in starts(lg, inputs, output, n_starts):
        got = fast.run(start, iters)
        if best is None or got[1] < best[1]:
            best = got
    assert best is not None
    return best
