"""Vectorised ordering for large graphs: barycenter sweeps and exchanges in numpy."""

from __future__ import annotations

import hashlib

import numpy as np

from .layered import Layered, Order

MIN_GAIN = 0.001       # an exchange pass gaining less than this share of the count is the last
DIRECT_PAIRS = 1_000_000  # same-gap segment pairs up to which crossings compares them all (8 MB)
CHUNK = 1 << 17           # pairs compared at a time
FEW_KEY_PAIRS = 64        # an item pair's key pairs up to which exchanges compare them all
STOP_ON_REPEAT = True  # end the sweeps when an iteration's start repeats (see FastOrder.run)


def inversions_np(a: np.ndarray) -> int:
    """Pairs i < j with a[i] > a[j], by a vectorised bottom-up merge sort."""
    n = len(a)
    if n < 2:
        return 0
    vals = np.unique(a, return_inverse=True)[1].astype(np.int64).ravel()
    m = int(vals.max()) + 1
    idx = np.arange(n, dtype=np.int64)
    total = 0
    width = 1
    while width < n:
        blk = idx // (2 * width)
        right = (idx // width) % 2 == 1
        comb = blk * m + vals
        left = comb[~right]  # sorted: blocks ascending, each half sorted
        r_comb, r_blk = comb[right], blk[right]
        ends = np.searchsorted(left, (r_blk + 1) * m, side="left")
        total += int((ends - np.searchsorted(left, r_comb, side="right")).sum())
        vals = np.sort(comb) - blk * m
        width *= 2
    return total


class FastOrder:
    """Vectorised barycenter sweeps for large graphs (numpy, per layer)."""

    def __init__(self, lg: Layered) -> None:
        self.lg = lg
        su, sv, sp = [], [], []
        for u, d in enumerate(lg.downs):
            for b, p in d:
                su.append(u)
                sv.append(b)
                sp.append(p)
        self.u = np.asarray(su, dtype=np.int64)
        self.v = np.asarray(sv, dtype=np.int64)
        self.p = np.asarray(sp, dtype=np.int64)
        layer = np.asarray(lg.layer, dtype=np.int64)
        self.gap = layer[self.u] if len(su) else np.zeros(0, dtype=np.int64)
        srt = np.argsort(self.gap, kind="stable")
        self.u, self.v, self.p, self.gap = self.u[srt], self.v[srt], self.p[srt], self.gap[srt]
        bounds = np.searchsorted(self.gap, np.arange(lg.n_layers + 1))
        self.slices = [slice(int(bounds[r]), int(bounds[r + 1])) for r in range(lg.n_layers)]
        nports = np.asarray(lg.nports, dtype=np.float64)
        self.frac = (self.p + 1) / (nports[self.v] + 1) - 0.5
        self.stride = max(lg.nports, default=1) + 1
        self.layer = layer
        # CSR views of the segments: by lower item (left keys), by upper (right keys).
        n = lg.n_items
        self.by_v = np.argsort(self.v, kind="stable")
        self.start_l = np.searchsorted(self.v[self.by_v], np.arange(n + 1))
        self.by_u = np.argsort(self.u, kind="stable")
        self.start_r = np.searchsorted(self.u[self.by_u], np.arange(n + 1))
        self.hubs = bool(max(np.diff(self.start_l).max(initial=0),
                             np.diff(self.start_r).max(initial=0)) > 24)
        self.pairs = self._gap_pairs()

    def crossings(self, pos: np.ndarray) -> int:
        if len(self.u) < 2:
            return 0
        lower = pos[self.v] * self.stride + self.p
        if self.pairs is not None:  # few segment pairs per gap: compare them all
            upper, total = pos[self.u], 0
            for k in range(0, len(self.pairs[0]), CHUNK):  # a few MB of temporaries at a time
                i, j = self.pairs[0][k:k + CHUNK], self.pairs[1][k:k + CHUNK]
                total += int(((upper[i] - upper[j]) * (lower[i] - lower[j]) < 0).sum())
            return total
        key2 = self.gap * (int(lower.max()) + 1) + lower
        order = np.lexsort((key2, pos[self.u], self.gap))
        return inversions_np(key2[order])

    def _gap_pairs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every pair of segments in the same gap (segments are sorted by gap), when comparing
        them all is cheaper than the merge sort (measured: about 4 log2(n) pairs a segment)
        and there are at most DIRECT_PAIRS of them."""
        size = np.diff(np.searchsorted(self.gap, np.arange(self.lg.n_layers + 1)))
        n = len(self.gap)
        pairs = int((size * (size - 1) // 2).sum())
        if pairs > min(DIRECT_PAIRS, 4 * n * np.log2(max(n, 2))):
            return None
        end = np.repeat(np.cumsum(size), size)          # per segment: its gap's end
        after = end - np.arange(len(end)) - 1            # segments after it in its gap
        i = np.repeat(np.arange(len(end), dtype=np.int32), after)
        j = i + 1 + (np.arange(len(i), dtype=np.int32) - np.repeat((np.cumsum(after) - after).astype(np.int32), after))
        return i, j

    def sweep(self, rows: list[np.ndarray], pos: np.ndarray, down: bool) -> None:
        n = len(rows)
        for r in (range(1, n) if down else range(n - 2, -1, -1)):
            row = rows[r]
            s = len(row)
            if s < 2:
                continue
            sl = self.slices[r - 1] if down else self.slices[r]
            if down:
                idx, val = pos[self.v[sl]], pos[self.u[sl]].astype(np.float64)
            else:
                idx, val = pos[self.u[sl]], pos[self.v[sl]] + self.frac[sl]
            cnt = np.bincount(idx, minlength=s)
            has = cnt > 0
            if not has.any():
                continue
            bary = np.bincount(idx, val, minlength=s)[has] / cnt[has]
            moving = row[has]
            row[has] = moving[np.lexsort((np.arange(len(moving)), bary))]
            pos[row] = np.arange(s)

    @staticmethod
    def _gather(items: np.ndarray, start: np.ndarray, keys: np.ndarray,
                tag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Concatenated keys of items (each run sorted), and the run starts."""
        deg = start[items + 1] - start[items]
        run0 = np.cumsum(deg) - deg
        k = np.arange(int(deg.sum())) - np.repeat(run0, deg)
        return keys[np.repeat(start[items], deg) + k] + np.repeat(tag, deg), run0

    def _pair_counts(self, a: np.ndarray, b: np.ndarray, start: np.ndarray,
                     keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For item pairs (a_i above b_i): crossings kept, and after a swap.

        Each pair's key pairs are compared directly, except where there are more than
        FEW_KEY_PAIRS (a hub: a variable used a thousand times): those use keys sorted per
        item (the hubs' keys come so) and searchsorted, linear in the degrees.
        """
        m = len(a)
        da = start[a + 1] - start[a]
        db = start[b + 1] - start[b]
        if not self.hubs:
            return self._direct_counts(a, b, da, db, start, keys)
        many = da * db > FEW_KEY_PAIRS
        if not many.any():
            return self._direct_counts(a, b, da, db, start, keys)
        keep, swap = np.zeros(m, dtype=np.int64), np.zeros(m, dtype=np.int64)
        few = ~many
        keep[few], swap[few] = self._direct_counts(a[few], b[few], da[few], db[few], start, keys)
        keep[many], swap[many] = self._sorted_counts(a[many], b[many], da[many], db[many], start, keys)
        return keep, swap

    @staticmethod
    def _direct_counts(a, b, da, db, start, keys) -> tuple[np.ndarray, np.ndarray]:
        m = len(a)
        cnt = da * db
        total = int(cnt.sum())
        if total == 0:
            return np.zeros(m, dtype=np.int64), np.zeros(m, dtype=np.int64)
        pid = np.repeat(np.arange(m), cnt)
        k = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        dbp = db[pid]
        x = keys[start[a[pid]] + k // dbp]
        y = keys[start[b[pid]] + k % dbp]
        return (np.bincount(pid, x > y, m).astype(np.int64),
                np.bincount(pid, y > x, m).astype(np.int64))

    def _sorted_counts(self, a, b, da, db, start, keys) -> tuple[np.ndarray, np.ndarray]:
        m = len(a)
        big = int(keys.max(initial=0)) + 2
        tag = np.arange(m, dtype=np.int64) * big
        kb, _ = self._gather(b, start, keys, tag)
        ka, _ = self._gather(a, start, keys, tag)
        b0 = np.repeat(np.cumsum(db) - db, da)
        lo = np.searchsorted(kb, ka, side="left") - b0   # keys of b below each key of a
        hi = np.searchsorted(kb, ka, side="right") - b0
        owner = np.repeat(np.arange(m), da)
        keep = np.bincount(owner, lo, m).astype(np.int64)
        ties = np.bincount(owner, hi - lo, m).astype(np.int64)
        swap = da * db - keep - ties
        return keep, swap

    def _parity(self) -> None:
        """Per layer parity: the segments whose keys the exchanges on those layers read."""
        par = self.layer % 2
        self.seg_l = [np.flatnonzero(par[self.v[self.by_v]] == q) for q in (0, 1)]
        self.seg_r = [np.flatnonzero(par[self.u[self.by_u]] == q) for q in (0, 1)]

    def _sorted_keys(self, keys: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """keys (grouped by owner, owners ascending) sorted within each owner's run."""
        big = int(keys.max(initial=0)) + 1
        shift = owner * big
        return np.sort(shift + keys) - shift

    def transpose(self, rows: list[np.ndarray], pos: np.ndarray, equal: bool, count: int,
                  max_passes: int = 8) -> int:
        """Odd-even adjacent exchange, all layers of one parity at once; returns the gain.

        Pairs handled together are disjoint and their neighbour layers fixed,
        so every applied swap changes the count by exactly its own gain. The passes
        stop when one gains less than MIN_GAIN of the count it started from.
        """
        if not hasattr(self, "seg_l"):
            self._parity()
        flat = np.concatenate(rows)
        lay = self.layer[flat]
        nxt_same = np.zeros(len(flat), dtype=bool)
        nxt_same[:-1] = lay[1:] == lay[:-1]
        cand = [np.flatnonzero(nxt_same & (lay % 2 == q)) for q in (0, 1)]
        keys_l = np.zeros(len(self.u), dtype=np.int64)
        keys_r = np.zeros(len(self.u), dtype=np.int64)
        total = 0
        for pas in range(max_passes):
            gained = 0
            for rpar in (0, 1):
                # Only the keys of segments ending in this parity's layers: the rest are unread.
                sl, sr = self.seg_l[rpar], self.seg_r[rpar]
                vl, ur = self.by_v[sl], self.by_u[sr]
                kl_, kr_ = pos[self.u[vl]], pos[self.v[ur]] * self.stride + self.p[ur]
                if self.hubs:
                    kl_, kr_ = self._sorted_keys(kl_, self.v[vl]), self._sorted_keys(kr_, self.u[ur])
                keys_l[sl], keys_r[sr] = kl_, kr_
                at_r = cand[rpar]
                for ppar in (0, 1):
                    at = at_r[pos[flat[at_r]] % 2 == ppar]
                    if not len(at):
                        continue
                    a, b = flat[at], flat[at + 1]
                    kl, sl_ = self._pair_counts(a, b, self.start_l, keys_l)
                    kr, sr_ = self._pair_counts(a, b, self.start_r, keys_r)
                    keep, swap = kl + kr, sl_ + sr_
                    do = (swap < keep) | (equal and pas == 0) & (swap == keep) & (keep > 0)
                    if not do.any():
                        continue
                    gained += int((keep - swap)[do].sum())
                    at = at[do]
                    flat[at], flat[at + 1] = flat[at + 1], flat[at].copy()
                    pos[flat[at]] -= 1
                    pos[flat[at + 1]] += 1
            if not (equal and pas == 0) and (gained <= 0 or gained < MIN_GAIN * (count - total)):
                total += gained
                break
            total += gained
        # Write the new orders back into the per-layer arrays.
        offs = 0
        for r, row in enumerate(rows):
            k = len(row)
            rows[r] = flat[offs:offs + k]
            offs += k
        return total

    def run(self, start: Order, iters: int) -> tuple[Order, int]:
        """Sweep and exchange from `start`, keeping the best order seen.

        The iterations are deterministic in the order after the sweep and the iteration's
        phase (sweep direction, equal swaps or not): once that pair repeats, every later
        iteration repeats one already done, so the search stops there.
        """
        rows = [np.asarray(r, dtype=np.int64) for r in start]
        pos = np.zeros(self.lg.n_items, dtype=np.int64)
        for r in rows:
            pos[r] = np.arange(len(r))
        best = [r.copy() for r in rows]
        best_cr = self.crossings(pos)
        seen: set[tuple[int, bytes]] = set()
        for it in range(iters):
            if best_cr == 0:
                break
            self.sweep(rows, pos, down=it % 2 == 0)
            state = (it % 4, hashlib.blake2b(pos.tobytes(), digest_size=16).digest())
            if state in seen and STOP_ON_REPEAT:
                break
            seen.add(state)
            cur = self.crossings(pos)
            cur -= self.transpose(rows, pos, equal=it % 4 >= 2, count=cur)
            if cur < best_cr:
                best, best_cr = [r.copy() for r in rows], cur
        return [r.tolist() for r in best], best_cr
