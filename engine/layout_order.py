"""Vertex ordering within layers (crossing minimisation).

Works on the proper layered graph: real nodes plus one dummy per layer a long
edge passes through. Edges enter a node at distinct ports, top to bottom in
operand order, so two edges into the same node cross when their sources are
in the opposite order; every count here includes those crossings.

Small graphs (the ones students read closely) get a search: many starts
(DFS from the output in operand order first -- a tree comes out planar with
its operands in order -- then the flipped DFS, id order and seeded shuffles),
each screened with a few dot-style iterations (barycenter sweep + adjacent
exchanges, equal-cost exchanges on alternate iterations to leave plateaus);
the best few iterate to convergence and the winner is polished layer by
layer (layout_order_exact). Ties keep the earlier start, which favours
operand order. Large graphs use the vectorised sweeps of layout_order_fast.
The random starts use a fixed seed: same graph, same drawing.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass

from .layout_layered import Layered, Order, positions
from .layout_order_exact import local_search
from .layout_order_fast import FastOrder

FAST_ITEMS = 400  # above this many items: vectorised sweeps and exchanges only


def _inversions(keys: list[int], size: int) -> int:
    """Pairs i < j with keys[i] > keys[j] (Fenwick tree over key values)."""
    tree = [0] * (size + 1)
    inv = 0
    for i, k in enumerate(keys):
        j, seen = k + 1, 0
        while j > 0:
            seen += tree[j]
            j -= j & -j
        inv += i - seen
        j = k + 1
        while j <= size:
            tree[j] += 1
            j += j & -j
    return inv


class Crossings:
    """Counts crossings of an order; a segment's lower end is (position, port)."""

    def __init__(self, lg: Layered) -> None:
        self.lg = lg
        self.stride = max(lg.nports, default=1) + 1

    def gap(self, upper: list[int], lower_len: int, pos: list[int]) -> int:
        downs, p = self.lg.downs, self.stride
        keys: list[int] = []
        for u in upper:
            d = downs[u]
            if len(d) == 1:
                b, port = d[0]
                keys.append(pos[b] * p + port)
            elif d:
                keys.extend(sorted(pos[b] * p + port for b, port in d))
        if len(keys) < 2:
            return 0
        return _inversions(keys, lower_len * p)

    def total(self, order: Order, pos: list[int]) -> int:
        return sum(self.gap(order[r], len(order[r + 1]), pos) for r in range(len(order) - 1))


def _port_frac(port: int, nports: int) -> float:
    return (port + 1) / (nports + 1) - 0.5


def _sweep(lg: Layered, order: Order, pos: list[int], down: bool) -> None:
    """One barycenter pass; items without neighbours on that side keep their slot."""
    rows = range(1, len(order)) if down else range(len(order) - 2, -1, -1)
    for r in rows:
        row = order[r]
        if len(row) < 2:
            continue
        movable: list[tuple[float, int, int]] = []
        slots: list[int] = []
        for i, v in enumerate(row):
            if down:
                nb = lg.ups[v]
                if not nb:
                    continue
                bary = sum(pos[a] for a in nb) / len(nb)
            else:
                nd = lg.downs[v]
                if not nd:
                    continue
                bary = sum(pos[b] + _port_frac(p, lg.nports[b]) for b, p in nd) / len(nd)
            movable.append((bary, i, v))
            slots.append(i)
        movable.sort()
        for slot, (_, _, v) in zip(slots, movable, strict=True):
            row[slot] = v
        for i, v in enumerate(row):
            pos[v] = i


def _dfs_starts(lg: Layered, inputs: list[list[int]], output: int,
                chains: list[list[int]], edge_of: list[list[int]]) -> list[Order]:
    """Orders from a DFS out of the output, operands in order and reversed."""
    n = lg.n_real
    sinks = [output] + [v for v in range(n - 1, -1, -1) if v != output and not lg.downs[v]]
    starts: list[Order] = []
    for flip in (False, True):
        key: list[tuple[int, int]] = [(0, 0)] * lg.n_items
        seen = [False] * n
        clock = 0
        for root in sinks:
            if seen[root]:
                continue
            seen[root] = True
            key[root] = (clock, 0)
            clock += 1
            stack = [(root, 0)]
            while stack:
                v, k = stack.pop()
                args = inputs[v]
                if k >= len(args):
                    continue
                stack.append((v, k + 1))
                kk = len(args) - 1 - k if flip else k
                u, e = args[kk], edge_of[v][kk]
                if not seen[u]:
                    seen[u] = True
                    key[u] = (clock, 0)
                    for d in chains[e][1:-1]:
                        key[d] = (clock, 0)
                    clock += 1
                    stack.append((u, 0))
                else:
                    # Already placed elsewhere: the dummies take the slot
                    # that u's subtree would have had under v.
                    for d in chains[e][1:-1]:
                        key[d] = (clock, 1 + e)
                    clock += 1
        for v in range(n):
            if not seen[v]:  # unreachable only through a malformed graph
                key[v] = (clock + v, 0)
        rows: Order = [[] for _ in range(lg.n_layers)]
        for v in range(lg.n_items):
            rows[lg.layer[v]].append(v)
        for row in rows:
            row.sort(key=lambda v, key=key: (key[v], v))
        starts.append(rows)
    return starts


def _id_start(lg: Layered) -> Order:
    rows: Order = [[] for _ in range(lg.n_layers)]
    for v in range(lg.n_items):
        rows[lg.layer[v]].append(v)
    return rows


def _cross(a: list[int], b: list[int]) -> int:
    """Pairs (x in a, y in b) with x > y; b sorted."""
    if len(b) == 1:
        y = b[0]
        return sum(x > y for x in a)
    return sum(bisect_left(b, x) for x in a)


def _transpose(lg: Layered, order: Order, pos: list[int], stride: int, equal_swaps: bool,
               max_passes: int = 12) -> int:
    """Adjacent exchanges that lower the crossing count; returns the gain.

    With equal_swaps, pairs whose exchange leaves the count unchanged are
    swapped too (as dot does on alternate iterations) to walk off plateaus.
    Layers are revisited only when they or a neighbour changed.
    """
    n = len(order)
    ups, downs = lg.ups, lg.downs
    dirty = [True] * n
    total = 0
    for _ in range(max_passes):
        gain = 0
        for r in range(n):
            if not dirty[r]:
                continue
            dirty[r] = False
            row = order[r]
            s = len(row)
            if s < 2:
                continue
            lk: list[list[int]] = []
            rk: list[list[int]] = []
            for v in row:
                up = ups[v]
                lk.append([pos[up[0]]] if len(up) == 1 else sorted(pos[a] for a in up))
                dn = downs[v]
                if len(dn) == 1:
                    b, p = dn[0]
                    rk.append([pos[b] * stride + p])
                else:
                    rk.append(sorted(pos[b] * stride + p for b, p in dn))
            moved = False
            la, ra = lk[0], rk[0]
            for i in range(s - 1):
                lb, rb = lk[i + 1], rk[i + 1]
                if len(la) == 1 and len(lb) == 1:
                    x, y = la[0], lb[0]
                    keep, swap = int(x > y), int(y > x)
                else:
                    keep, swap = _cross(la, lb), _cross(lb, la)
                if len(ra) == 1 and len(rb) == 1:
                    x, y = ra[0], rb[0]
                    keep += x > y
                    swap += y > x
                else:
                    keep += _cross(ra, rb)
                    swap += _cross(rb, ra)
                if keep and (swap < keep or (equal_swaps and swap == keep)):
                    gain += keep - swap
                    u, w = row[i], row[i + 1]
                    row[i], row[i + 1] = w, u
                    pos[u], pos[w] = i + 1, i
                    lk[i], lk[i + 1], rk[i], rk[i + 1] = lb, la, rb, ra
                    moved = True
                else:
                    la, ra = lb, rb
            if moved:
                dirty[r] = True
                if r > 0:
                    dirty[r - 1] = True
                if r + 1 < n:
                    dirty[r + 1] = True
        total += gain
        if gain <= 0:
            break
    return total


def _shuffled_start(lg: Layered, rng: random.Random) -> Order:
    rows = _id_start(lg)
    for row in rows:
        rng.shuffle(row)
    return rows


def _improve(lg: Layered, counter: Crossings, start: Order, max_iter: int,
             min_quit: int) -> tuple[Order, int]:
    """dot-style iteration: barycenter sweep + transpose, keeping the best.

    Stops after max_iter iterations or min_quit iterations without progress.
    """
    order = [row[:] for row in start]
    pos = positions(order, lg.n_items)
    best = [row[:] for row in order]
    best_cr = counter.total(order, pos)
    stale = 0
    for it in range(max_iter):
        if best_cr == 0 or stale >= min_quit:
            break
        _sweep(lg, order, pos, down=it % 2 == 0)
        _transpose(lg, order, pos, counter.stride, equal_swaps=it % 4 >= 2)
        cur = counter.total(order, pos)
        if cur <= best_cr:
            stale = 0 if cur < best_cr else stale + 1
            best, best_cr = [row[:] for row in order], cur
        else:
            stale += 1
    return best, best_cr


@dataclass(frozen=True)
class Effort:
    """How hard order_layers searches; chosen from the graph size."""

    starts: int        # DFS, flipped DFS, id order, then seeded shuffles
    screen_iter: int   # cheap sweeps+transpose iterations given to every start
    finalists: int     # best screened orders that get the full iteration
    max_iter: int
    min_quit: int
    polish: bool       # exact/sifting layer search on the winner


def effort_for(items: int) -> Effort:
    """Search effort by layered items (real nodes plus dummies)."""
    if items <= 60:
        return Effort(24, 6, 4, 24, 8, True)
    if items <= 150:
        return Effort(10, 4, 3, 24, 8, True)
    if items <= 250:
        return Effort(4, 4, 2, 16, 6, True)
    return Effort(3, 4, 1, 12, 4, True)


def order_layers(lg: Layered, inputs: list[list[int]], output: int,
                 chains: list[list[int]], edge_of: list[list[int]],
                 effort: Effort | None = None) -> tuple[Order, int]:
    """Returns (rows of items top to bottom per layer, crossing count).

    The effort (starts, sweeps, local search) shrinks with the graph so that
    small graphs get a near-exhaustive search and large ones stay linear-ish.
    Random starts come from a fixed seed: same graph, same result.
    """
    items = lg.n_items
    starts = _dfs_starts(lg, inputs, output, chains, edge_of)
    if items > FAST_ITEMS and effort is None:
        fast = FastOrder(lg)
        n_starts, iters = ((2, 12) if items <= 1500 else (1, 8) if items <= 6000
                           else (1, 4) if items <= 20000 else (1, 2))
        best_fast: tuple[Order, int] | None = None
        for start in starts[:n_starts]:
            got = fast.run(start, iters)
            if best_fast is None or got[1] < best_fast[1]:
                best_fast = got
        assert best_fast is not None
        return best_fast
    eff = effort or effort_for(items)
    counter = Crossings(lg)
    starts.append(_id_start(lg))
    rng = random.Random(20240521)
    screened: list[tuple[int, int, Order]] = []
    for k in range(eff.starts):
        start = starts[k] if k < len(starts) else _shuffled_start(lg, rng)
        if eff.screen_iter:
            order, cr = _improve(lg, counter, start, eff.screen_iter, eff.screen_iter)
        else:
            order = start
            cr = counter.total(order, positions(order, items))
        screened.append((cr, k, order))
        if cr == 0:
            break
    screened.sort(key=lambda t: (t[0], t[1]))
    best: Order = screened[0][2]
    best_cr = screened[0][0]
    for _, _, start in screened[:eff.finalists]:
        if best_cr == 0:
            break
        order, cr = _improve(lg, counter, start, eff.max_iter, eff.min_quit)
        if cr < best_cr:
            best, best_cr = order, cr
    if eff.polish and best_cr > 0:
        pos = positions(best, items)
        best_cr = local_search(lg, best, pos, counter.stride, best_cr, 20, 8)
    return best, best_cr
