"""Layer-local search: re-solve one layer with both neighbours fixed.

Pairwise costs c[i, j] (crossings between the edges of two items of the
layer, both sides, ports included) make the layer's share of the count a
linear-ordering objective: small layers are solved exactly by DP over
subsets, larger ones by sifting. Each step can only lower the total.
"""

from __future__ import annotations

import numpy as np

from .layout_layered import Layered, Order


def pair_costs(lg: Layered, row: list[int], pos: list[int], stride: int) -> np.ndarray:
    """c[i, j]: crossings between the edges of row[i] and row[j] if i is above j."""
    s = len(row)
    c = np.zeros((s, s), dtype=np.int64)
    for side in (0, 1):
        idx: list[int] = []
        key: list[int] = []
        for i, v in enumerate(row):
            if side == 0:
                for a in lg.ups[v]:
                    idx.append(i)
                    key.append(pos[a])
            else:
                for b, p in lg.downs[v]:
                    idx.append(i)
                    key.append(pos[b] * stride + p)
        if len(idx) < 2:
            continue
        k = np.asarray(key)
        onehot = np.zeros((len(idx), s), dtype=np.int64)
        onehot[np.arange(len(idx)), idx] = 1
        c += onehot.T @ (k[:, None] > k[None, :]).astype(np.int64) @ onehot
    np.fill_diagonal(c, 0)
    return c


def _layer_cost(c: np.ndarray, perm: list[int]) -> int:
    p = np.asarray(perm)
    return int(np.triu(c[np.ix_(p, p)], 1).sum())


def _exact_layer(c: list[list[int]]) -> list[int]:
    """Optimal permutation of a small layer by DP over subsets (placed prefix)."""
    s = len(c)
    full = (1 << s) - 1
    inf = float("inf")
    best = [inf] * (full + 1)
    last = [-1] * (full + 1)
    into = [[0] * s for _ in range(full + 1)]  # into[S][v] = sum of c[w][v], w in S
    best[0] = 0
    for mask in range(1, full + 1):
        low = (mask & -mask).bit_length() - 1
        into[mask] = [a + b for a, b in zip(into[mask & (mask - 1)], c[low], strict=True)]
    for mask in range(full):
        f = best[mask]
        if f == inf:
            continue
        add = into[mask]
        for v in range(s):
            bit = 1 << v
            if mask & bit:
                continue
            g = f + add[v]
            if g < best[mask | bit]:
                best[mask | bit] = g
                last[mask | bit] = v
    perm: list[int] = []
    mask = full
    while mask:
        v = last[mask]
        perm.append(v)
        mask ^= 1 << v
    perm.reverse()
    return perm


def _sift_layer(c: np.ndarray) -> list[int]:
    """Sifting: move each item to its best slot, the others kept in order."""
    perm = list(range(len(c)))
    for v in range(len(c)):
        here = perm.index(v)
        rest = perm[:here] + perm[here + 1:]
        r = np.asarray(rest, dtype=np.int64)
        costs = np.empty(len(rest) + 1, dtype=np.int64)
        costs[0] = 0
        np.cumsum(c[r, v] - c[v, r], out=costs[1:])
        best_at = int(np.argmin(costs))
        if costs[best_at] < costs[here]:
            rest.insert(best_at, v)
            perm = rest
    return perm


def local_search(lg: Layered, order: Order, pos: list[int], stride: int,
                  cur: int, max_rounds: int, exact_max: int) -> int:
    """Re-solve single layers against fixed neighbours until nothing improves.

    Each step can only lower the total, and the gain is exact (the rest of
    the count does not depend on this layer), so no recount is needed.
    """
    n = len(order)
    for _ in range(max_rounds):
        before = cur
        for r in [*range(n), *range(n - 2, 0, -1)]:
            row = order[r]
            if len(row) < 2:
                continue
            c = pair_costs(lg, row, pos, stride)
            perm = _exact_layer(c.tolist()) if len(row) <= exact_max else _sift_layer(c)
            gain = _layer_cost(c, list(range(len(row)))) - _layer_cost(c, perm)
            if gain > 0:
                cur -= gain
                order[r] = [row[i] for i in perm]
                for i, v in enumerate(order[r]):
                    pos[v] = i
        if cur >= before or cur == 0:
            break
    return cur
