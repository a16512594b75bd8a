"""Several orderings of one layered graph, improved at once with numpy.

The search of order.py runs K starting orders side by side: every step below is a few
numpy calls over all K copies, so that a handful of copies costs little more than one.

Crossings are counted through pair costs: for a layer whose two neighbours are fixed,
c[a][b] is the number of crossings between the segments of items a and b (both sides,
ports included) when a is above b. Layers of one parity have no segment between them, so
all of them are exchanged at once against the other parity, and a swap's gain is exact.
Segments into the same node cross at its ports whatever that node's layer does; that part
of the count is added apart.
"""

from __future__ import annotations

import numpy as np

from . import rowsearch
from .layered import Layered, Order


def _within(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (i, j) of indices of the same run [start, start + length)."""
    squares = lengths * lengths
    run = np.repeat(np.arange(len(lengths)), squares)
    k = np.arange(int(squares.sum())) - np.repeat(np.cumsum(squares) - squares, squares)
    return starts[run] + k // lengths[run], starts[run] + k % lengths[run]


def pair_count(lg: Layered) -> int:
    """How many segment pairs the pair costs compare (both sides of every layer)."""
    per_gap = np.bincount(np.asarray([lg.layer[u] for u, d in enumerate(lg.downs) for _ in d],
                                     dtype=np.int64), minlength=lg.n_layers)
    return int((per_gap * per_gap).sum())


class Copies:
    """K orders of `lg` (order[k] lists the items layer by layer) and their positions."""

    def __init__(self, lg: Layered, starts: list[Order]) -> None:
        n, n_layers = lg.n_items, lg.n_layers
        layer = np.asarray(lg.layer, dtype=np.int64)
        size = np.bincount(layer, minlength=n_layers)
        self.n, self.n_layers, self.size, self.layer = n, n_layers, size, layer
        self.off = np.concatenate([[0], np.cumsum(size)])
        lid = np.zeros(n, dtype=np.int64)  # fixed index of an item within its layer
        for row in starts[0]:
            lid[row] = np.arange(len(row))
        su, sv, sp = (np.asarray(a, dtype=np.int64).reshape(-1) for a in zip(
            *[(u, b, p) for u, d in enumerate(lg.downs) for b, p in d], strict=True)) \
            if any(lg.downs) else (np.zeros(0, np.int64),) * 3
        o = np.lexsort((sv, su, layer[su]))
        su, sv, sp = su[o], sv[o], sp[o]
        self.su, self.sv, self.sp, self.m = su, sv, sp, len(su)
        self.stride = max(lg.nports, default=1) + 1
        nports = np.asarray(lg.nports, dtype=np.float64)
        frac = (sp + 1) / (nports[sv] + 1) - 0.5
        gaps = np.searchsorted(layer[su], np.arange(n_layers + 1))
        cbase = np.concatenate([[0], np.cumsum(size * size)])
        self.cells = int(cbase[-1])
        self._pair_tables(lid, cbase, gaps)
        self._sweep_tables(lid, gaps, frac)
        row_of_slot = np.repeat(np.arange(n_layers), size)
        self.local = np.arange(n) - self.off[row_of_slot]
        f = np.arange(max(n - 1, 0))
        same = row_of_slot[f] == row_of_slot[f + 1]
        self.pairs = []  # per parity: adjacent slot pairs, and whether the next / previous overlaps
        for p in (0, 1):
            g = f[same & (row_of_slot[f] % 2 == p)]
            self.pairs.append((g, np.append(g[1:] == g[:-1] + 1, False), np.append(False, g[1:] == g[:-1] + 1)))
        self.base_item, self.lid, self.lid_s = cbase[layer], lid, lid * size[layer]
        self.lid_list, self.off_list = lid.tolist(), self.off.tolist()
        self.order = np.stack([np.asarray([v for row in st for v in row], dtype=np.int64) for st in starts])
        self._resize()

    def _pair_tables(self, lid: np.ndarray, cbase: np.ndarray, gaps: np.ndarray) -> None:
        """Per parity: the segment pairs whose comparison fills each cell of c, the port
        crossings apart."""
        su, sv, sp, size, m = self.su, self.sv, self.sp, self.size, self.m
        a, b = _within(gaps[:-1], np.diff(gaps))
        gap = self.layer[su[a]] if len(a) else a
        ports = (sv[a] == sv[b]) & (sp[a] > sp[b])
        self.port_a, self.port_b = ([su[a[ports & ((gap + 1) % 2 == p)]] for p in (0, 1)],
                                    [su[b[ports & ((gap + 1) % 2 == p)]] for p in (0, 1)])
        a, b, gap = a[a < b], b[a < b], gap[a < b]
        sides = []
        for owner, other, row, shift in ((sv, su, gap + 1, 0), (su, None, gap, m)):
            # left side of layer gap+1, right side of layer gap; two segments from the same
            # upper item never cross on the left side, whatever the order
            keep = owner[a] != owner[b]
            if other is not None:
                keep &= other[a] != other[b]
            x, y, r = owner[a[keep]], owner[b[keep]], row[keep]
            sides.append((r % 2, (a[keep] + shift, b[keep] + shift, cbase[r] + lid[x] * size[r] + lid[y],
                                   cbase[r] + lid[y] * size[r] + lid[x], x, y)))
        # per parity: key index of each pair's two segments, the cells of (x above y) and
        # (y above x), and the owners x and y
        par = np.concatenate([side[0] for side in sides])
        cols = [np.concatenate([side[1][i] for side in sides]) for i in range(6)]
        self.tables = []
        for p in (0, 1):
            at = np.flatnonzero(par == p)
            self.tables.append(tuple(c[at] for c in cols))

    def _sweep_tables(self, lid: np.ndarray, gaps: np.ndarray, frac: np.ndarray) -> None:
        """Per layer and direction: the segments a barycentre reads, and who can move."""
        su, sv = self.su, self.sv
        deg_up = np.bincount(sv, minlength=self.n)
        deg_down = np.bincount(su, minlength=self.n)
        self.down_rows, self.up_rows = [], []
        self.down_lists, self.up_lists = [], []  # the same as lists, for one copy in Python
        for r in range(self.n_layers):
            if self.size[r] < 2:
                continue
            if r > 0 and gaps[r] > gaps[r - 1]:
                g = slice(gaps[r - 1], gaps[r])
                self.down_rows.append((r, lid[sv[g]], su[g], None, deg_up))
                self.down_lists.append((r, list(zip(lid[sv[g]].tolist(), su[g].tolist(), [0.0] * (g.stop - g.start),
                                                    strict=True))))
            if r + 1 < self.n_layers and gaps[r + 1] > gaps[r]:
                g = slice(gaps[r], gaps[r + 1])
                self.up_rows.append((r, lid[su[g]], sv[g], frac[g], deg_down))
                self.up_lists.append((r, list(zip(lid[su[g]].tolist(), sv[g].tolist(), frac[g].tolist(),
                                                  strict=True))))
        self.deg_lists = (deg_up.tolist(), deg_down.tolist())

    def _resize(self) -> None:
        k = self.k = len(self.order)
        self.k_cells = (np.arange(k) * self.cells)[:, None]
        self.rows_k = np.arange(k)[:, None]
        # per parity: each pair's two cells in every copy's block of c
        self.cells_k = [(self.k_cells + t[2], self.k_cells + t[3]) for t in self.tables]
        self.pos = np.zeros((k, self.n), dtype=np.int64)
        self.pos[self.rows_k, self.order] = self.local

    def keep(self, which: np.ndarray) -> None:
        """Only these copies go on."""
        self.order = self.order[which]
        self._resize()

    def set_orders(self, order: np.ndarray) -> None:
        self.order = order.copy()
        self._resize()

    def costs(self, p: int, count: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """c of every layer of parity p, all copies, flat (copy, layer block, a, b); with
        `count`, also every copy's crossing count (each gap borders one layer of parity p)."""
        pos = self.pos
        a, b, _, _, x, y = self.tables[p]
        total = None
        if count:
            total = np.zeros(self.k, dtype=np.int64)
            if len(self.port_a[p]):
                total += (pos[:, self.port_a[p]] < pos[:, self.port_b[p]]).sum(axis=1)
        if not len(a):
            return np.zeros(self.k * self.cells, dtype=np.int64), total
        keys = np.concatenate([pos[:, self.su], pos[:, self.sv] * self.stride + self.sp], axis=1)
        above = keys[:, a] > keys[:, b]
        if count:
            total += (above == (pos[:, x] < pos[:, y])).sum(axis=1)
        ab, ba = self.cells_k[p]
        return np.bincount(np.where(above, ab, ba).ravel(), minlength=self.k * self.cells), total

    def exchange(self, p: int, c: np.ndarray, equal: bool, max_passes: int = 8) -> np.ndarray:
        """Adjacent exchanges in the layers of parity p until none gains; the gain per copy.
        Each pass swaps, of the pairs that gain, those that gain at least as much as the
        pairs they overlap (so the swaps of a pass never share an item). With `equal`, the
        first pass also swaps pairs that cost the same (off plateaus)."""
        gain = np.zeros(self.k, dtype=np.int64)
        f, after, before = self.pairs[p]
        if not len(f):
            return gain
        for it in range(max_passes):
            a, b = self.order[:, f], self.order[:, f + 1]
            base = self.k_cells + self.base_item[a]
            keep = c[base + self.lid_s[a] + self.lid[b]]
            swap = c[base + self.lid_s[b] + self.lid[a]]
            score = keep - swap
            want = score > 0
            if equal and it == 0:
                want |= (score == 0) & (keep > 0)
            if not want.any():
                break
            score = np.where(want, score, -1)
            left = np.zeros_like(want)
            left[:, 1:] = before[1:] & (score[:, :-1] >= score[:, 1:])
            right = np.zeros_like(want)
            right[:, :-1] = after[:-1] & (score[:, 1:] > score[:, :-1])
            do = want & ~left & ~right
            gain += (score * do).sum(axis=1)
            k, i = np.nonzero(do)
            slot, up, down = f[i], b[k, i], a[k, i]
            self.order[k, slot], self.order[k, slot + 1] = up, down
            self.pos[k, up], self.pos[k, down] = self.local[slot], self.local[slot] + 1
        return gain

    def sweep(self, down: bool) -> None:
        """One barycentre pass, layer after layer; items with no neighbour on that side keep
        their slot."""
        if self.k == 1:
            self._sweep_one(down)
            return
        k, pos = self.k, self.pos
        for r, own, other, frac, deg in (self.down_rows if down else reversed(self.up_rows)):
            s = int(self.size[r])
            lo, hi = self.off[r], self.off[r + 1]
            val = pos[:, other] if frac is None else pos[:, other] + frac
            sums = np.bincount((self.rows_k * s + own).ravel(), val.ravel(), minlength=k * s).reshape(k, s)
            row = self.order[:, lo:hi]
            d = deg[row]
            movable = d > 0
            m = int(movable[0].sum())
            if m < 2:
                continue
            items = row[movable].reshape(k, m)
            bary = sums[self.rows_k, self.lid[items]] / d[movable].reshape(k, m)
            moved = items[self.rows_k, np.argsort(bary, axis=1, kind="stable")]
            if m == s:
                row[:] = moved
            else:
                row[movable] = moved.ravel()
            pos[self.rows_k, row] = self.local[lo:hi]

    def polish(self, p: int, c: np.ndarray) -> int:
        """Copy 0 only: every layer of parity p of 2 or more items reordered by rowsearch
        (exact gains from c); the gain."""
        order = self.order[0].tolist()
        lid = self.lid_list
        gain = 0
        for r in range(p, self.n_layers, 2):
            s = int(self.size[r])
            if s < 2:
                continue
            lo = self.off_list[r]
            base = int(self.base_item[order[lo]])
            block = c[base:base + s * s].reshape(s, s).tolist()
            perm, g = rowsearch.improve(block, [lid[v] for v in order[lo:lo + s]])
            if g:
                gain += g
                by_lid = {lid[v]: v for v in order[lo:lo + s]}
                order[lo:lo + s] = [by_lid[i] for i in perm]
        if gain:
            self.order[0] = order
            self._resize()
        return gain

    def _sweep_one(self, down: bool) -> None:
        """The same for a single copy, in Python (cheaper than numpy on small layers)."""
        order, pos = self.order[0].tolist(), self.pos[0].tolist()
        lid, off = self.lid_list, self.off_list
        deg = self.deg_lists[0 if down else 1]
        for r, segs in (self.down_lists if down else reversed(self.up_lists)):
            sums = [0.0] * (off[r + 1] - off[r])
            for owner, other, frac in segs:
                sums[owner] += pos[other] + frac
            slots = [i for i in range(off[r], off[r + 1]) if deg[order[i]]]
            if len(slots) < 2:
                continue
            moved = sorted((sums[lid[order[i]]] / deg[order[i]], n, order[i]) for n, i in enumerate(slots))
            for i, (_, _, v) in zip(slots, moved, strict=True):
                order[i] = v
                pos[v] = i - off[r]
        self.order[0] = order
        self.pos[0] = pos

    def rows(self, which: int) -> Order:
        order = self.order[which].tolist()
        return [order[self.off[r]:self.off[r + 1]] for r in range(self.n_layers)]
