"""Vertical coordinates: a small quadratic program.

Minimise sum w * (y_i - y_j - off)^2 over the edge pieces (off is the port offset at the
target, so a piece is straight when its term is zero) subject to the items of each column
keeping their order with at least their separation between them. Columns only interact with
their neighbours, so with the odd columns fixed every even column is a weighted isotonic
regression of its items' targets, independent of the other even columns, and the other way
round: each half-sweep solves all the columns of one parity at once, exactly (pool adjacent
violators, all pools of a pass together), and is over-relaxed (SOR) to carry a change across
the drawing in few sweeps. Every iterate is overlap-free, so the sweep count is a budget,
not a condition for a correct drawing.

Long edges get heavier terms between their dummies so they come out straight; a parent sits
at the weighted mean of its operands (port offsets included), so trees look like trees and
the output is centred on its inputs.
"""

from __future__ import annotations

import numpy as np

OMEGA = 1.6          # over-relaxation of each half-sweep
POOL_ROUNDS = 400    # pooling rounds before a column is forced into order (never reached in practice)


def _isotonic(z: np.ndarray, w: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Weighted non-decreasing regression of z within each run that `first` starts.

    Every item starts as its own pool; each round merges the pools across every violated
    boundary at once. A run without a violation is final (its pools no longer change), so it
    leaves the rounds: late rounds only touch the few runs still pooling.
    """
    n = len(z)
    if n < 2 or ((z[1:] >= z[:-1]) | first[1:]).all():
        return z  # already in order
    y = np.empty(n)
    slot = np.arange(n)             # the slots still pooling, in order
    start = np.ones(n, dtype=bool)  # per such slot: it begins a pool
    wz, ww, fst = w * z, w, first
    # ndarray methods and plain slicing rather than np.flatnonzero, np.diff, np.append...:
    # the same arrays without their Python wrappers (~4 µs a call, most of a round's time
    # on small columns).
    for _ in range(POOL_ROUNDS):
        at = start.nonzero()[0]
        mean = np.add.reduceat(wz, at) / np.add.reduceat(ww, at)
        bad = (mean[:-1] > mean[1:]) & ~fst[at[1:]]
        if not bad.any():
            break
        start[at[1:][bad]] = False
        # Runs with a violation go on; the others are final.
        run = fst.cumsum() - 1
        going = np.zeros(int(run[-1]) + 1, dtype=bool)
        going[run[at[1:][bad]]] = True
        keep = going[run]
        done = ~keep
        y[slot[done]] = mean.repeat(_lengths(at, len(slot)))[done]
        slot, start, wz, ww, fst = slot[keep], start[keep], wz[keep], ww[keep], fst[keep]
    else:
        # Not settled: keep every column in order anyway (the result stays overlap-free).
        at = start.nonzero()[0]
        mean = np.add.reduceat(wz, at) / np.add.reduceat(ww, at)
        rest = mean.repeat(_lengths(at, len(slot)))
        for k in range(1, len(rest)):
            if not fst[k] and rest[k] < rest[k - 1]:
                rest[k] = rest[k - 1]
        y[slot] = rest
        return y
    y[slot] = mean.repeat(_lengths(at, len(slot)))
    return y


def _lengths(at: np.ndarray, n: int) -> np.ndarray:
    """The lengths of the pools that begin at `at`, the last one ending at n."""
    out = np.empty(len(at), dtype=np.int64)
    out[:-1] = at[1:] - at[:-1]
    out[-1] = n - at[-1]
    return out


def _isotonic_padded(z: np.ndarray, w: np.ndarray, slot: tuple[np.ndarray, np.ndarray],
                     shape: tuple[int, int]) -> np.ndarray:
    """The same, for short runs, in one go: y_i = max over j <= i of min over k >= i of the
    weighted mean of z[j..k] (runs laid out as the rows of a padded matrix)."""
    runs, width = shape
    zz, ww = np.zeros(shape), np.zeros(shape)
    zz[slot], ww[slot] = z, w
    cw = np.zeros((runs, width + 1))
    cz = np.zeros((runs, width + 1))
    np.cumsum(ww, axis=1, out=cw[:, 1:])
    np.cumsum(ww * zz, axis=1, out=cz[:, 1:])
    j = np.arange(width)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (cz[:, None, 1:] - cz[:, :-1, None]) / (cw[:, None, 1:] - cw[:, :-1, None])  # [r, j, k]
    mean = np.where(j[None, :, None] <= j[None, None, :], mean, np.inf)
    mean = np.where(np.isnan(mean), np.inf, mean)  # k past the run's end: empty weights
    low = np.minimum.accumulate(mean[:, :, ::-1], axis=2)[:, :, ::-1]  # min over k >= i
    low = np.where(j[None, :, None] <= j[None, None, :], low, -np.inf)
    return low.max(axis=1)[slot]


PADDED_MAX = 5_000  # runs x width^2 below which the padded form is used


class Solver:
    """The program of one drawing: its columns, separations and terms."""

    def __init__(self, cols: list[list[int]], half: np.ndarray, pad: np.ndarray,
                 terms: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> None:
        n = len(half)
        self.n = n
        flat = np.asarray([v for c in cols for v in c], dtype=np.int64)
        colid = np.repeat(np.arange(len(cols)), [len(c) for c in cols])
        first = np.ones(len(flat), dtype=bool)
        first[1:] = colid[1:] != colid[:-1]
        a, b = flat[:-1], flat[1:]
        sep = np.concatenate([[0.0], half[a] + half[b] + np.maximum(pad[a], pad[b])])
        sep[first] = 0.0
        cum = np.cumsum(sep)
        start = cum[np.flatnonzero(first)]
        run = np.cumsum(first) - 1
        self.off = cum - start[run]  # each slot's separation from its column's top
        span = np.zeros(len(cols))
        np.maximum.at(span, colid, self.off)
        self.flat, self.first = flat, first
        self.y0 = np.zeros(n)
        self.y0[flat] = self.off - span[colid] / 2  # every column centred on y = 0
        ti, tj, toff, tw = terms
        self.src, self.dst = np.concatenate([ti, tj]), np.concatenate([tj, ti])
        self.toff, self.tw = np.concatenate([toff, -toff]), np.concatenate([tw, tw])
        weight = np.bincount(self.src, self.tw, minlength=n)
        self.parity = []
        for p in (0, 1):
            slots = np.flatnonzero(colid % 2 == p)
            items = flat[slots]
            w = weight[items]
            run = np.cumsum(first[slots]) - 1
            lengths = np.bincount(run) if len(run) else np.zeros(0, dtype=np.int64)
            shape = (len(lengths), int(lengths.max(initial=0)))
            where = (run, np.arange(len(run)) - np.concatenate([[0], np.cumsum(lengths)])[run])
            padded = (where, shape) if shape[0] * shape[1] ** 2 <= PADDED_MAX else None
            self.parity.append((items, self.off[slots], first[slots], np.where(w > 0, w, 1e-6), w > 0,
                                padded))

    def solve(self, sweeps: int, tol: float = 0.25) -> np.ndarray:
        y = self.y0.copy()
        for _ in range(sweeps):
            moved = 0.0
            for items, off, first, w, tied, padded in self.parity:
                if not len(items):
                    continue
                pull = np.bincount(self.src, self.tw * (y[self.dst] + self.toff), minlength=self.n)
                old = y[items]
                target = np.where(tied, pull[items] / w, old)
                z = old + OMEGA * (target - old) - off
                if padded is not None and not ((z[1:] >= z[:-1]) | first[1:]).all():
                    new = _isotonic_padded(z, w, *padded) + off
                else:
                    new = _isotonic(z, w, first) + off
                moved = max(moved, float(np.abs(new - old).max()))
                y[items] = new
            if moved < tol:
                break
        return y

    def objective(self, y: np.ndarray) -> float:
        d = y[self.src] - y[self.dst] - self.toff
        return float((self.tw * d * d).sum() / 2)


NP_COMPONENTS = 2_000  # items above which the pieces are found in numpy


def _roots_py(n: int, ti: list[int], tj: list[int]) -> list[int]:
    """Per item: the least item of its piece (union-find, the larger root hooked under the
    smaller)."""
    parent = list(range(n))
    for i, j in zip(ti, tj, strict=True):
        while parent[i] != i:  # find, halving the path (written out: the hot loop)
            parent[i] = i = parent[parent[i]]
        while parent[j] != j:
            parent[j] = j = parent[parent[j]]
        if i < j:
            parent[j] = i
        elif j < i:
            parent[i] = j
    for v in range(n):  # ascending: a parent's root is known before its children's
        parent[v] = parent[parent[v]]
    return parent


def _roots_np(n: int, ti: list[int], tj: list[int]) -> list[int] | None:
    """The same in numpy (hook each larger root under the smaller, then shortcut: every
    pointer goes to a smaller item of the same piece), or None when there is one piece."""
    parent = np.arange(n)
    i, j = np.asarray(ti, dtype=np.int64), np.asarray(tj, dtype=np.int64)
    while True:
        pi, pj = parent[i], parent[j]
        differ = pi != pj
        if not differ.any():
            break
        np.minimum.at(parent, np.maximum(pi, pj)[differ], np.minimum(pi, pj)[differ])
        while True:
            up = parent[parent]
            if (up == parent).all():
                break
            parent = up
    if (parent == 0).all():
        return None
    return parent.tolist()


def compact_components(cols: list[list[int]], y: list[float], half: list[float], pad: list[float],
                       ti: list[int], tj: list[int]) -> list[float]:
    """Slide each unconnected piece (dead statements...) toward the main one.

    The objective does not care where a disconnected piece sits, so it can be
    left far away; move each piece rigidly as close to the centre of the
    largest piece as the items next to it in its columns allow.
    """
    n = len(y)
    root = _roots_np(n, ti, tj) if n > NP_COMPONENTS else _roots_py(n, ti, tj)
    if root is None or root.count(0) == n:
        return y  # one piece
    members: dict[int, list[int]] = {}
    for v in range(n):
        members.setdefault(root[v], []).append(v)
    if len(members) < 2:
        return y
    main = max(members, key=lambda r: (len(members[r]), -r))
    centre = sum(y[v] for v in members[main]) / len(members[main])
    above: list[int] = [-1] * n
    below: list[int] = [-1] * n
    for col in cols:
        for a, b in zip(col, col[1:], strict=False):
            below[a], above[b] = b, a
    y = list(y)
    rest = sorted((r for r in members if r != main),
                  key=lambda r: (abs(sum(y[v] for v in members[r]) / len(members[r]) - centre), r))
    for r in rest:
        items = members[r]
        mean = sum(y[v] for v in items) / len(items)
        up = mean > centre  # y grows downwards: move up = negative shift
        room = abs(mean - centre)
        for v in items:
            w = above[v] if up else below[v]
            while w >= 0 and root[w] == r:
                w = above[w] if up else below[w]
            if w < 0:
                continue
            gap = abs(y[v] - y[w]) - half[v] - half[w] - max(pad[v], pad[w])
            room = min(room, max(gap, 0.0))
        if room > 0:
            shift = -room if up else room
            for v in items:
                y[v] += shift
    return y
