"""The ordering search of small layered graphs, in plain Python, dot-style.

One order at a time: a barycentre sweep (down, then up on the next iteration), the exact
crossing count, then adjacent exchanges ("transpose") until none gains (MAX_PASSES passes at
most), each exchange's gain counted exactly from the two items' segments on both sides; every other pair of iterations
also exchanges equal-cost pairs, to walk off plateaus. The best order seen is kept, and a
start stops after MIN_QUIT iterations without a better one. On graphs of a few hundred items
numpy's per-call cost (about 1.5 µs) outweighs the work itself, so plain lists win here, as
in engine/graph.py; copies.py runs several starts at once in numpy on larger graphs.

The search is bounded without a clock: every step adds the items it visits to `work`
(WORK_US µs each, see there): no new start begins past the budget, and no
new iteration past the budget and the overrun the caller allows. A start cut short mostly
ends above the best of the others, so letting the last one go on buys more than a larger
budget for the same time (order.py).

Written for CPython's speed, since the same steps done faster give the same drawing sooner:
an item's ends on one side are an int where it has one segment (most items), a sorted list
where it has several; the exchange loop spells out each pair of cases instead of calling a
function per pair; the count hands the keys it built to the exchanges.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import add

from .layered import Layered, Order

MIN_QUIT = 4        # iterations without a better order before a start is given up
MAX_ITER = 24       # iterations per start at most
MAX_PASSES = 4      # exchange passes per iteration at most (more cost more than they gain)
# µs per item visited, as measured over the bench's graphs of 10-320 items before the search
# was made faster (0.38 since, the same steps): kept, so that every graph gets the same search
# and the same drawing as before, now sooner.
WORK_US = 0.6
Key = int | list[int] | None


def _lower_ends(d: list[tuple[int, int]], pos: list[int], st: int) -> list[int]:
    """The sorted keys of an item's several lower ends (two, the most, sorted by hand)."""
    if len(d) == 2:
        (b, p), (c, q) = d
        x, y = pos[b] * st + p, pos[c] * st + q
        return [x, y] if x <= y else [y, x]
    return sorted([pos[b] * st + p for b, p in d])


class Sweeps:
    """The search state of one layered graph: its segments and the work done so far."""

    def __init__(self, lg: Layered) -> None:
        self.n = lg.n_items
        self.stride = max(lg.nports, default=1) + 1  # a lower end's key: position * stride + port
        # the layered graph's own lists, read only: per item, its upper items, and its
        # (lower item, port) per segment
        self.ups, self.lows = lg.ups, lg.downs
        self.downs: list[list[int]] = []
        # Per item, the other end of its one segment on each side (-1: none, -2: several)
        # and the lower end's port: most items have one, and their keys need no length check.
        self.up1 = [u[0] if len(u) == 1 else -2 if u else -1 for u in lg.ups]
        self.down1: list[int] = []
        self.port1: list[int] = []
        # a port's offset from its node's centre, in slots: operands enter top to bottom
        self.frac: list[list[float]] = []
        nports = lg.nports
        for d in lg.downs:  # one loop, no comprehension per item: this runs per graph
            if len(d) == 1:
                (b, p), = d
                self.downs.append([b])
                self.down1.append(b)
                self.port1.append(p)
                self.frac.append([(p + 1) / (nports[b] + 1) - 0.5])
            else:
                self.downs.append([b for b, _ in d])
                self.down1.append(-2 if d else -1)
                self.port1.append(0)
                self.frac.append([(p + 1) / (nports[b] + 1) - 0.5 for b, p in d])
        self.val: list[float] = [0.0] * self.n  # the sweep's barycentres, per item
        # per layer: whether every item has a segment up (down), so that all of them move
        self.all_up = [True] * lg.n_layers
        self.all_down = [True] * lg.n_layers
        for v, r in enumerate(lg.layer):
            if not lg.ups[v]:
                self.all_up[r] = False
            if not lg.downs[v]:
                self.all_down[r] = False
        self.work = 0

    def positions(self, rows: Order) -> list[int]:
        pos = [0] * self.n
        for row in rows:
            for i, v in enumerate(row):
                pos[v] = i
        return pos

    def _left_keys(self, row: list[int], pos: list[int]) -> list[Key]:
        """Each item's upper ends: their positions (one: an int; several: a sorted list;
        none: None). Written out, two ends sorted by hand: the search's most frequent step."""
        up1, ups = self.up1, self.ups
        out: list[Key] = []
        add = out.append
        for v in row:
            a = up1[v]
            if a >= 0:
                add(pos[a])
            elif a == -1:
                add(None)
            else:
                u = ups[v]
                if len(u) == 2:
                    a, b = pos[u[0]], pos[u[1]]
                    add([a, b] if a <= b else [b, a])
                else:
                    add(sorted([pos[a] for a in u]))
        return out

    def _right_keys(self, row: list[int], pos: list[int]) -> list[Key]:
        """Each item's lower ends: position * stride + port."""
        down1, port1, lows, st = self.down1, self.port1, self.lows, self.stride
        out: list[Key] = []
        add = out.append
        for v in row:
            b = down1[v]
            if b >= 0:
                add(pos[b] * st + port1[v])
            elif b == -1:
                add(None)
            else:
                add(_lower_ends(lows[v], pos, st))
        return out

    def count(self, rows: Order, pos: list[int]) -> int:
        """Crossings of the order, ports included: inversions of the lower ends' keys, gap by
        gap, the segments taken in their upper ends' order."""
        return self._count(rows, pos)[0]

    def _count(self, rows: Order, pos: list[int]) -> tuple[int, list[list[Key] | None]]:
        """The count, and the right keys of every layer of two items or more but the last,
        as transpose takes them (built here as _right_keys does, counted as they come)."""
        self.work += self.n
        down1, port1, lows, st = self.down1, self.port1, self.lows, self.stride
        total = 0
        rights: list[list[Key] | None] = [None] * len(rows)
        for r in range(len(rows) - 1):
            row = rows[r]
            if len(row) < 2:
                continue  # segments from one item share their upper end
            rights[r] = keys = []
            key = keys.append
            # the lower ends met so far, sorted, and the greatest: most come in order, appended
            seen: list[int] = []
            add, top = seen.append, -1
            for v in row:
                b = down1[v]
                if b >= 0:
                    k = pos[b] * st + port1[v]
                    key(k)
                    if k >= top:
                        add(k)
                        top = k
                    else:
                        j = bisect_right(seen, k)
                        total += len(seen) - j
                        seen.insert(j, k)
                elif b == -1:
                    key(None)
                else:
                    ks = _lower_ends(lows[v], pos, st)
                    key(ks)
                    for x in ks:  # sorted: an item's own ends never count
                        if x >= top:
                            add(x)
                            top = x
                        else:
                            j = bisect_right(seen, x)
                            total += len(seen) - j
                            seen.insert(j, x)
        return total, rights

    def sweep(self, rows: Order, pos: list[int], down: bool) -> None:
        """One barycentre pass, layer after layer; items with no neighbour on that side keep
        their slot, ties keep their order (a stable sort on the barycentre alone)."""
        self.work += self.n
        nbs, one, full = (self.ups, self.up1, self.all_up) if down else (self.downs, self.down1, self.all_down)
        frac, val = self.frac, self.val
        at = pos.__getitem__
        for r in (range(1, len(rows)) if down else range(len(rows) - 2, -1, -1)):
            row = rows[r]
            if len(row) < 2:
                continue
            moving = row if full[r] else [v for v in row if one[v] != -1]
            if len(moving) < 2:
                continue
            for v in moving:
                a = one[v]
                if a >= 0:
                    val[v] = pos[a] if down else pos[a] + frac[v][0]
                elif down:
                    val[v] = sum(map(at, nbs[v])) / len(nbs[v])
                else:
                    val[v] = sum(map(add, map(at, nbs[v]), frac[v])) / len(nbs[v])
            if len(moving) == len(row):
                row.sort(key=val.__getitem__)
            else:
                slots = [i for i, v in enumerate(row) if one[v] != -1]
                moving.sort(key=val.__getitem__)
                for i, v in zip(slots, moving, strict=True):
                    row[i] = v
            for i, v in enumerate(row):
                pos[v] = i

    def transpose(self, rows: Order, pos: list[int], equal: bool,
                  rights: list[list[Key] | None] | None = None) -> int:
        """Adjacent exchanges while any gains, a layer revisited when it or a neighbour
        changed; the gain. With `equal`, exchanges that leave the count as it is are made too.
        A layer's keys are its neighbours' positions: they are rebuilt only on the side
        whose neighbour changed (its own exchanges carry them along); `rights`, the right
        keys as _count left them, if the order has not changed since."""
        n_layers = len(rows)
        dirty = [len(row) > 1 for row in rows]
        lefts: list[list[Key] | None] = [None] * n_layers
        if rights is None:
            rights = [None] * n_layers
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
                # Crossings of the pair's segments as it is (keep) and exchanged (swap), on
                # each side: key pairs with the upper item's greater. A key is None (no
                # segment), an int or a sorted list; equal keys share an end, never cross.
                # Written out case by case: this loop is most of the search's time.
                for i in range(1, len(row)):  # the pair at slots i - 1, i
                    lb, rb = left[i], right[i]
                    if type(la) is int:
                        if type(lb) is int:
                            keep, swap = la > lb, lb > la
                        elif lb is None:
                            keep = swap = 0
                        else:
                            keep, swap = bisect_left(lb, la), len(lb) - bisect_right(lb, la)
                    elif la is None or lb is None:
                        keep = swap = 0
                    elif type(lb) is int:
                        keep, swap = len(la) - bisect_right(la, lb), bisect_left(la, lb)
                    else:
                        keep, swap = sum(map(bisect_left, repeat(lb), la)), sum(map(bisect_left, repeat(la), lb))
                    if type(ra) is int:
                        if type(rb) is int:
                            keep += ra > rb
                            swap += rb > ra
                        elif rb is not None:
                            keep += bisect_left(rb, ra)
                            swap += len(rb) - bisect_right(rb, ra)
                    elif ra is not None and rb is not None:
                        if type(rb) is int:
                            keep += len(ra) - bisect_right(ra, rb)
                            swap += bisect_left(ra, rb)
                        else:
                            keep += sum(map(bisect_left, repeat(rb), ra))
                            swap += sum(map(bisect_left, repeat(ra), rb))
                    if keep and (swap < keep or (equal and swap == keep)):
                        gain += keep - swap
                        u, w = row[i - 1], row[i]
                        row[i - 1], row[i] = w, u
                        pos[u], pos[w] = i, i - 1
                        left[i - 1], left[i], right[i - 1], right[i] = lb, la, rb, ra
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
            cur, rights = self._count(rows, pos)
            cur -= self.transpose(rows, pos, equal=it % 4 >= 2, rights=rights)
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
