"""Vertex ordering within layers (crossing minimisation), bounded by a work budget.

Edges enter a node at distinct ports, top to bottom in operand order, so two edges into the
same node cross when their sources are in the opposite order; every count here includes
those crossings.

Graphs of up to PY_ITEMS items (nodes and dummies) are searched in plain Python (sweeps.py):
one start at a time, dot-style, to a local optimum, then the next start, until the budget is
spent (`PY_BUDGET_PER_ITEM`). Larger ones (copies.py) improve several starting orders at once in numpy: a
barycentre sweep, then adjacent exchanges to a local optimum (equal-cost ones on alternate
iterations to walk off plateaus), keeping each copy's best. Many starts are screened for a
few iterations, the best few go on, and the winner is polished. How many starts and
iterations a graph gets follows from an estimate of their cost against a budget that grows
with the graph (`budget_us`; `schedule` for copies.py): the same graph always gets the same
search and the same drawing, and no graph gets the unbounded search of old (60 ms at 71
nodes). Graphs whose layers are too wide for pair costs use the vectorised sweeps of large.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .copies import Copies, pair_count
from .large import FastOrder
from .layered import Layered, Order
from .starts import lazy_starts, starts
from .sweeps import search

PY_ITEMS = 400         # items up to which the plain-Python search (sweeps.py) runs
PAIR_LIMIT = 400_000   # segment pairs compared per step, beyond which large.py takes over
POLISH = 1             # sifting and exchange rounds on the winner
MODEL_SCALE = 0.6      # the cost model's terms, fitted on an idle and on a busy machine, halfway
ROUNDS = 1             # exchange rounds after the first, alternating parities, per iteration
# The budget, in µs of this machine (2 shared cores), from the layered graph's items: dot's
# own time grows faster than linearly, and so may ours.
BUDGET_BASE, BUDGET_PER_ITEM, BUDGET_PER_ITEM2, BUDGET_MAX = 600.0, 16.0, 0.055, 300_000.0
# The plain-Python search gets a smaller budget per item, but lets the start it began go on
# past it by OVERRUN times the budget's linear part: on the bench's graphs up to 100 nodes,
# 6 lost to dot pin+ports for 165 ms of search (estimated), where 28 µs an item and no
# overrun need 188 ms and 16 µs 139 ms for 7.
PY_BUDGET_PER_ITEM, OVERRUN = 12.0, 1.5


@dataclass(frozen=True)
class Schedule:
    screen_copies: int   # starts improved together at first
    screen_iters: int
    final_copies: int    # the best of them, improved further
    final_iters: int


# From the fullest search down, along the best crossings for the time measured on the bench
# graphs (a deeper search of one start beats more starts, until there is time for both).
SCHEDULES = (Schedule(8, 3, 2, 8), Schedule(6, 3, 1, 8), Schedule(4, 3, 1, 8), Schedule(2, 3, 1, 8),
             Schedule(1, 1, 1, 8), Schedule(1, 1, 1, 5), Schedule(1, 1, 1, 3), Schedule(1, 1, 1, 1))


def search_cost(lg: Layered, pairs: int, s: Schedule) -> float:
    """Estimated µs of a schedule (measured: numpy calls per busy layer, work per copy
    proportional to the segment pairs compared and the items moved, and the polish's
    Python pass over every pair of items of a layer)."""
    items = lg.n_items
    sizes = np.bincount(np.asarray(lg.layer, dtype=np.int64), minlength=lg.n_layers)
    rows = int((sizes > 1).sum())

    def iteration(k: int) -> float:
        sweep = 12 * rows if k > 1 else 3 * rows + 0.5 * items
        return 60 + sweep + k * (0.04 * pairs + 0.4 * items)

    setup = 400 + 3 * items + 0.03 * pairs + s.screen_copies * (70 + 0.7 * items)
    polish = POLISH * (2 * iteration(1) + 0.25 * float((sizes * sizes).sum()) + 40 * rows)
    return MODEL_SCALE * (setup + s.screen_iters * iteration(s.screen_copies)
                          + s.final_iters * iteration(s.final_copies) + polish)


def longest_search_us(items: int) -> float:
    """The longest the ordering search may run on `items` items: its budget, and for the
    plain-Python search the overrun it allows the start under way (cost.layout_work's bound)."""
    if items <= PY_ITEMS:
        return budget_us(items, PY_BUDGET_PER_ITEM) + OVERRUN * (BUDGET_BASE + PY_BUDGET_PER_ITEM * items)
    return budget_us(items)


def budget_us(items: int, per_item: float = BUDGET_PER_ITEM) -> float:
    """The search's budget for a layered graph of `items` items, in µs."""
    return min(BUDGET_MAX, BUDGET_BASE + per_item * items + BUDGET_PER_ITEM2 * items * items)


def schedule(lg: Layered, pairs: int) -> Schedule:
    """The fullest search the budget allows."""
    budget = budget_us(lg.n_items)
    return next((s for s in SCHEDULES if search_cost(lg, pairs, s) <= budget), SCHEDULES[-1])


def order_layers(lg: Layered, inputs: list[list[int]], output: int) -> tuple[Order, int]:
    """Rows of items top to bottom per layer, and their crossing count."""
    uses = [0] * lg.n_real  # in plain Python: cheaper than numpy's calls on small graphs
    for args in inputs:
        for u in args:
            uses[u] += 1
    widths = [0] * lg.n_layers
    for r in lg.layer:
        widths[r] += 1
    if max(uses, default=0) <= 1 or max(widths, default=0) < 2:
        return starts(lg, inputs, output, 1)[0], 0  # a tree: the DFS order is planar
    if lg.n_items <= PY_ITEMS:
        budget = budget_us(lg.n_items, PY_BUDGET_PER_ITEM)
        overrun = OVERRUN * (BUDGET_BASE + PY_BUDGET_PER_ITEM * lg.n_items)
        rows, crossings, _ = search(lg, lazy_starts(lg, inputs, output), budget, overrun)
        return rows, crossings
    pairs = pair_count(lg)
    if pairs > PAIR_LIMIT:
        return _large(lg, inputs, output)
    plan = schedule(lg, pairs)
    cp = Copies(lg, starts(lg, inputs, output, plan.screen_copies))
    best_cr = cp.costs(0, count=True)[1]
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
        c, cur = cp.costs(p, count=True)
        cur = cur - cp.exchange(p, c, equal)
        for r in range(ROUNDS):
            q = (1 - p) if r % 2 == 0 else p
            gain = cp.exchange(q, cp.costs(q)[0], equal and r == 0)
            cur = cur - gain
            if not gain.any():
                break
        better = cur < best_cr
        best[better] = cp.order[better]
        best_cr = np.minimum(best_cr, cur)
    k = int(np.argmin(best_cr))  # ties: the earlier start, which favours operand order
    cp.set_orders(best[k:k + 1])
    crossings = int(best_cr[k])
    for _ in range(POLISH):
        gain = 0
        for p in (0, 1):
            if crossings - gain == 0:
                break
            c = cp.costs(p)[0]
            gain += cp.polish(p, c)
            gain += int(cp.exchange(p, cp.costs(p)[0], False)[0])
        crossings -= gain
        if gain == 0 or crossings == 0:
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
