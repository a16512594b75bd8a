"""The ordering search of small layered graphs, in plain Python, dot-style.

One order at a time: a barycentre sweep (down, then up on the next iteration), the exact
crossing count, then adjacent exchanges ("transpose") until none gains (MAX_PASSES passes at
most), each exchange's gain counted exactly from the two items' segments on both sides; every other pair of iterations
also exchanges equal-cost pairs, to walk off plateaus. The best order seen is kept, and a
start stops after MIN_QUIT iterations without a better one. On graphs of a few hundred items
numpy's per-call cost (about 1.5 µs) outweighs the work itself, so plain lists win here, as
in engine/graph.py; copies.py runs several starts at once in numpy on larger graphs.

The search is bounded without a clock: every step adds the items it visits to `work`
(WORK_US µs each, measured on this machine): no new start begins past the budget, and no
new iteration past the budget and the overrun the caller allows. A start cut short mostly
ends above the best of the others, so letting the last one go on buys more than a larger
budget for the same time (order.py).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from .layered import Layered, Order

MIN_QUIT = 4        # iterations without a better order before a start is given up
MAX_ITER = 24       # iterations per start at most
MAX_PASSES = 4      # exchange passes per iteration at most (more cost more than they gain)
WORK_US = 0.6       # µs per item visited (measured: 0.6 over the bench's graphs of 10-320 items)
Key = int | tuple[int, ...] | None


def _crossed(x: Key, y: Key) -> int:
    """Crossings between two items' segments on one side with x's above: key pairs with
    x's greater. A key is None (no segment), an int, or a sorted tuple; equal keys share
    an end and never cross."""
    if x is None or y is None:
        return 0
    if type(x) is int:
        if type(y) is int:
            return 1 if x > y else 0
        return bisect_left(y, x)
    if type(y) is int:
        return len(x) - bisect_right(x, y)
    return sum(bisect_left(y, a) for a in x)


class Sweeps:
    """The search state of one layered graph: its segments and the work done so far."""

    def __init__(self, lg: Layered) -> None:
        self.n = lg.n_items
        self.stride = max(lg.nports, default=1) + 1  # a lower end's key: position * stride + port
        self.ups = [tuple(u) for u in lg.ups]
        self.downs = [tuple(b for b, _ in d) for d in lg.downs]
        self.ports = [tuple(p for _, p in d) for d in lg.downs]
        # a port's offset from its node's centre, in slots: operands enter top to bottom
        self.frac = [tuple((p + 1) / (lg.nports[b] + 1) - 0.5 for b, p in d) for d in lg.downs]
        self.work = 0

    def positions(self, rows: Order) -> list[int]:
        pos = [0] * self.n
        for row in rows:
            for i, v in enumerate(row):
                pos[v] = i
        return pos

    def _left_keys(self, row: list[int], pos: list[int]) -> list[Key]:
        """Each item's upper ends: their positions."""
        ups = self.ups
        out: list[Key] = []
        for v in row:
            u = ups[v]
            if len(u) == 1:
                out.append(pos[u[0]])
            elif u:
                out.append(tuple(sorted([pos[a] for a in u])))
            else:
                out.append(None)
        return out

    def _right_keys(self, row: list[int], pos: list[int]) -> list[Key]:
        """Each item's lower ends: position * stride + port."""
        downs, ports, st = self.downs, self.ports, self.stride
        out: list[Key] = []
        for v in row:
            d = downs[v]
            if len(d) == 1:
                out.append(pos[d[0]] * st + ports[v][0])
            elif d:
                out.append(tuple(sorted([pos[b] * st + p for b, p in zip(d, ports[v], strict=False)])))
            else:
                out.append(None)
        return out

    def count(self, rows: Order, pos: list[int]) -> int:
        """Crossings of the order, ports included: inversions of the lower ends' keys, gap by
        gap, the segments taken in their upper ends' order."""
        self.work += self.n
        downs, ports, st = self.downs, self.ports, self.stride
        total = 0
        for row in rows[:-1]:
            keys: list[int] = []
            for u in row:
                d = downs[u]
                if len(d) == 1:
                    keys.append(pos[d[0]] * st + ports[u][0])
                elif d:
                    keys.extend(sorted([pos[b] * st + p for b, p in zip(d, ports[u], strict=False)]))
            seen: list[int] = []
            for i, k in enumerate(keys):
                j = bisect_right(seen, k)
                total += i - j
                seen.insert(j, k)
        return total

    def sweep(self, rows: Order, pos: list[int], down: bool) -> None:
        """One barycentre pass, layer after layer; items with no neighbour on that side keep
        their slot, ties keep their order."""
        self.work += self.n
        ups, downs, frac = self.ups, self.downs, self.frac
        for r in (range(1, len(rows)) if down else range(len(rows) - 2, -1, -1)):
            row = rows[r]
            if len(row) < 2:
                continue
            moving: list[tuple[float, int, int]] = []
            slots: list[int] = []
            for i, v in enumerate(row):
                if down:
                    nb = ups[v]
                    if not nb:
                        continue
                    val = pos[nb[0]] if len(nb) == 1 else sum([pos[a] for a in nb]) / len(nb)
                else:
                    nb = downs[v]
                    if not nb:
                        continue
                    f = frac[v]
                    val = (pos[nb[0]] + f[0] if len(nb) == 1
                           else sum([pos[b] + x for b, x in zip(nb, f, strict=False)]) / len(nb))
                moving.append((val, i, v))
                slots.append(i)
            if len(moving) < 2:
                continue
            moving.sort()
            for slot, (_, _, v) in zip(slots, moving, strict=False):
                row[slot] = v
            for i, v in enumerate(row):
                pos[v] = i

    def transpose(self, rows: Order, pos: list[int], equal: bool) -> int:
        """Adjacent exchanges while any gains, a layer revisited when it or a neighbour
        changed; the gain. With `equal`, exchanges that leave the count as it is are made too.
        A layer's keys are its neighbours' positions: they are rebuilt only on the side
        whose neighbour changed (its own exchanges carry them along)."""
        n_layers = len(rows)
        dirty = [len(row) > 1 for row in rows]
        lefts: list[list[Key] | None] = [None] * n_layers
        rights: list[list[Key] | None] = [None] * n_layers
        total = 0
        for _ in range(MAX_PASSES):
            gain = 0
            for r in range(n_layers):
                if not dirty[r]:
                    continue
                dirty[r] = False
                row = rows[r]
                self.work += len(row)
                left, right = lefts[r], rights[r]
                if left is None:
                    left = lefts[r] = self._left_keys(row, pos)
                if right is None:
                    right = rights[r] = self._right_keys(row, pos)
                moved = False
                la, ra = left[0], right[0]
                for i in range(len(row) - 1):
                    lb, rb = left[i + 1], right[i + 1]
                    if type(la) is int and type(lb) is int:
                        keep, swap = la > lb, lb > la
                    elif la is None or lb is None:
                        keep = swap = 0
                    else:
                        keep, swap = _crossed(la, lb), _crossed(lb, la)
                    if type(ra) is int and type(rb) is int:
                        keep += ra > rb
                        swap += rb > ra
                    elif ra is not None and rb is not None:
                        keep += _crossed(ra, rb)
                        swap += _crossed(rb, ra)
                    if keep and (swap < keep or (equal and swap == keep)):
                        gain += keep - swap
                        u, w = row[i], row[i + 1]
                        row[i], row[i + 1] = w, u
                        pos[u], pos[w] = i + 1, i
                        left[i], left[i + 1], right[i], right[i + 1] = lb, la, rb, ra
                        moved = True
                    else:
                        la, ra = lb, rb
                if moved:
                    dirty[r] = True
                    if r > 0:
                        dirty[r - 1] = len(rows[r - 1]) > 1
                        rights[r - 1] = None
                    if r + 1 < n_layers:
                        dirty[r + 1] = len(rows[r + 1]) > 1
                        lefts[r + 1] = None
            total += gain
            if gain <= 0:
                break
        return total

    def improve(self, start: Order, limit_us: float) -> tuple[Order, int]:
        """The best order reached from `start`, and its crossings: no new iteration past
        `limit_us`."""
        rows = [list(row) for row in start]
        pos = self.positions(rows)
        best_cr = cur = self.count(rows, pos)
        best = [list(row) for row in rows]
        stale = 0
        for it in range(MAX_ITER):
            if best_cr == 0 or stale >= MIN_QUIT or self.work * WORK_US > limit_us:
                break
            self.sweep(rows, pos, down=it % 2 == 0)
            cur = self.count(rows, pos) - self.transpose(rows, pos, equal=it % 4 >= 2)
            if cur <= best_cr:
                stale = 0 if cur < best_cr else stale + 1
                best, best_cr = [list(row) for row in rows], cur
            else:
                stale += 1
        return best, best_cr


def search(lg: Layered, starts: Iterable[Callable[[], Order]], budget_us: float,
           overrun_us: float = 0.0) -> tuple[Order, int, Sweeps]:
    """Each start in turn (made only when its turn comes) improved to a local optimum, while
    the budget is not spent (a start begun may go on by `overrun_us`); the best order (ties:
    the earlier start), its crossings, the state."""
    sw = Sweeps(lg)
    best: Order | None = None
    best_cr = 0
    for make in starts:
        if best is not None and (best_cr == 0 or sw.work * WORK_US > budget_us):
            break
        rows, cr = sw.improve(make(), budget_us + overrun_us)
        if best is None or cr < best_cr:
            best, best_cr = rows, cr
    assert best is not None
    return best, best_cr, sw
