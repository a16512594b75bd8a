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

from .layered import Layered, Order


def _pairs(seg: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs of segments of `seg` with different owners."""
    a, b = np.repeat(seg, len(seg)), np.tile(seg, len(seg))
    keep = (a < b) & (owner[a] != owner[b])
    return a[keep], b[keep]


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
        self.adjacent = {(p, q): f[same & (row_of_slot[f] % 2 == p) & (self.local[f] % 2 == q)]
                         for p in (0, 1) for q in (0, 1)}
        self.base_item, self.lid, self.lid_s = cbase[layer], lid, lid * size[layer]
        self.order = np.stack([np.asarray([v for row in st for v in row], dtype=np.int64) for st in starts])
        self._resize()

    def _pair_tables(self, lid: np.ndarray, cbase: np.ndarray, gaps: np.ndarray) -> None:
        """Per parity: the segment pairs whose comparison fills each cell of c."""
        su, sv, sp, size, m = self.su, self.sv, self.sp, self.size, self.m
        a_s, b_s, ab_s, ba_s, sa_s, sb_s = ([[], []] for _ in range(6))
        for r in range(self.n_layers):
            p, s = r % 2, size[r]
            sides = []
            if r > 0:
                sides.append((np.arange(gaps[r - 1], gaps[r]), sv, 0))
            if r + 1 < self.n_layers:
                sides.append((np.arange(gaps[r], gaps[r + 1]), su, m))
            for seg, owner, shift in sides:
                if len(seg) < 2:
                    continue
                a, b = _pairs(seg, owner)
                a_s[p].append(a + shift)
                b_s[p].append(b + shift)
                ab_s[p].append(cbase[r] + lid[owner[a]] * s + lid[owner[b]])
                ba_s[p].append(cbase[r] + lid[owner[b]] * s + lid[owner[a]])
                if shift == 0:  # into the same node: crossings at its ports, fixed here
                    x, y = np.repeat(seg, len(seg)), np.tile(seg, len(seg))
                    same = (sv[x] == sv[y]) & (sp[x] > sp[y])
                    sa_s[p].append(su[x[same]])
                    sb_s[p].append(su[y[same]])

        def cat(parts: list) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        self.pa, self.pb = [cat(a_s[p]) for p in (0, 1)], [cat(b_s[p]) for p in (0, 1)]
        self.cell_ab, self.cell_ba = [cat(ab_s[p]) for p in (0, 1)], [cat(ba_s[p]) for p in (0, 1)]
        self.port_a, self.port_b = [cat(sa_s[p]) for p in (0, 1)], [cat(sb_s[p]) for p in (0, 1)]
        self.cell_items = []
        for p in (0, 1):
            a_i, b_i, c_i = [], [], []
            for r in range(p, self.n_layers, 2):
                items = np.flatnonzero(self.layer == r)
                if len(items) < 2:
                    continue
                x, y = np.repeat(items, len(items)), np.tile(items, len(items))
                x, y = x[x != y], y[x != y]
                a_i.append(x)
                b_i.append(y)
                c_i.append(cbase[r] + lid[x] * size[r] + lid[y])
            self.cell_items.append((cat(a_i), cat(b_i), cat(c_i)))

    def _sweep_tables(self, lid: np.ndarray, gaps: np.ndarray, frac: np.ndarray) -> None:
        """Per layer and direction: the segments a barycentre reads, and who can move."""
        su, sv = self.su, self.sv
        deg_up = np.bincount(sv, minlength=self.n)
        deg_down = np.bincount(su, minlength=self.n)
        self.down_rows, self.up_rows = [], []
        for r in range(self.n_layers):
            if self.size[r] < 2:
                continue
            if r > 0 and gaps[r] > gaps[r - 1]:
                g = slice(gaps[r - 1], gaps[r])
                self.down_rows.append((r, lid[sv[g]], su[g], None, deg_up))
            if r + 1 < self.n_layers and gaps[r + 1] > gaps[r]:
                g = slice(gaps[r], gaps[r + 1])
                self.up_rows.append((r, lid[su[g]], sv[g], frac[g], deg_down))

    def _resize(self) -> None:
        k = self.k = len(self.order)
        self.k_cells = (np.arange(k) * self.cells)[:, None]
        self.rows_k = np.arange(k)[:, None]
        self.pos = np.zeros((k, self.n), dtype=np.int64)
        self.pos[self.rows_k, self.order] = self.local

    def keep(self, which: np.ndarray) -> None:
        """Only these copies go on."""
        self.order = self.order[which]
        self._resize()

    def set_orders(self, order: np.ndarray) -> None:
        self.order = order.copy()
        self._resize()

    def costs(self, p: int) -> np.ndarray:
        """c of every layer of parity p, all copies, flat (copy, layer block, a, b)."""
        pos = self.pos
        keys = np.concatenate([pos[:, self.su], pos[:, self.sv] * self.stride + self.sp], axis=1)
        a, b = self.pa[p], self.pb[p]
        if not len(a):
            return np.zeros(self.k * self.cells, dtype=np.int64)
        ka, kb = keys[:, a], keys[:, b]
        cell = np.where(ka > kb, self.cell_ab[p], self.cell_ba[p]) + self.k_cells
        return np.bincount(cell[ka != kb], minlength=self.k * self.cells)

    def crossings(self, c: np.ndarray, p: int) -> np.ndarray:
        """Every copy's total count, from the pair costs of parity p: c[a][b] over every
        pair a above b of those layers, plus the crossings at ports."""
        pos = self.pos
        a, b, cell = self.cell_items[p]
        total = (c[self.k_cells + cell] * (pos[:, a] < pos[:, b])).sum(axis=1)
        if len(self.port_a[p]):
            total += (pos[:, self.port_a[p]] < pos[:, self.port_b[p]]).sum(axis=1)
        return total

    def exchange(self, p: int, c: np.ndarray, equal: bool, max_passes: int = 24) -> np.ndarray:
        """Adjacent exchanges in the layers of parity p until none gains; the gain per copy.
        With `equal`, the first passes also swap pairs that cost the same (off plateaus)."""
        gain = np.zeros(self.k, dtype=np.int64)
        quiet = 0
        for it in range(max_passes):
            q = it % 2
            f = self.adjacent[(p, q)]
            if len(f):
                a, b = self.order[:, f], self.order[:, f + 1]
                base = self.k_cells + self.base_item[a]
                keep = c[base + self.lid_s[a] + self.lid[b]]
                swap = c[base + self.lid_s[b] + self.lid[a]]
                do = swap < keep
                if equal and it < 2:
                    do |= (swap == keep) & (keep > 0)
            if not len(f) or not do.any():
                quiet += 1
                if quiet >= 2:
                    break
                continue
            quiet = 0
            gain += ((keep - swap) * do).sum(axis=1)
            upper, lower = np.where(do, b, a), np.where(do, a, b)
            self.order[:, f], self.order[:, f + 1] = upper, lower
            self.pos[self.rows_k, upper] = self.local[f]
            self.pos[self.rows_k, lower] = self.local[f] + 1
        return gain

    def sweep(self, down: bool) -> None:
        """One barycentre pass, layer after layer; items with no neighbour on that side keep
        their slot."""
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
            bary = np.take_along_axis(sums, self.lid[items], 1) / d[movable].reshape(k, m)
            moved = np.take_along_axis(items, np.argsort(bary, axis=1, kind="stable"), 1)
            if m == s:
                row[:] = moved
            else:
                row[movable] = moved.ravel()
            pos[self.rows_k, row] = np.arange(s)

    def rows(self, which: int) -> Order:
        order = self.order[which].tolist()
        return [order[self.off[r]:self.off[r + 1]] for r in range(self.n_layers)]
