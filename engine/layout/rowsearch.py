"""One layer reordered against fixed neighbours, from its pair costs c[a][b] (crossings
between the segments of a and b when a is above b): exactly by dynamic programming over
subsets when the layer is small, else by sifting (each item moved to its best slot, the
others kept in order). Both only ever lower the layer's count."""

from __future__ import annotations

EXACT_MAX = 5  # layers up to this size are solved exactly (2^5 * 5 steps)


def cost(c: list[list[int]], perm: list[int]) -> int:
    return sum(c[a][b] for i, a in enumerate(perm) for b in perm[i + 1:])


def exact(c: list[list[int]]) -> list[int]:
    """The optimal order of a small layer: DP over the set of items placed above."""
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
            if not mask & bit and f + add[v] < best[mask | bit]:
                best[mask | bit] = f + add[v]
                last[mask | bit] = v
    perm: list[int] = []
    mask = full
    while mask:
        perm.append(last[mask])
        mask ^= 1 << last[mask]
    perm.reverse()
    return perm


def sift(c: list[list[int]], perm: list[int]) -> int:
    """Sifting, in place; the gain."""
    gain = 0
    for v in list(perm):
        here = perm.index(v)
        acc, best, best_at, at_here, k = 0, 0, 0, 0, 0
        for w in perm:
            if w == v:
                at_here = acc
                continue
            acc += c[w][v] - c[v][w]  # v moved below w
            k += 1
            if acc < best:
                best, best_at = acc, k
        if best < at_here:
            gain += at_here - best
            perm.pop(here)
            perm.insert(best_at, v)
    return gain


def improve(c: list[list[int]], perm: list[int]) -> tuple[list[int], int]:
    """A better order of the layer (items as indices into c), and the gain."""
    if len(perm) <= EXACT_MAX:
        new = exact(c)
        gain = cost(c, perm) - cost(c, new)
        return (new, gain) if gain > 0 else (perm, 0)
    perm = list(perm)
    return perm, sift(c, perm)
