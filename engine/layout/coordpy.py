"""coord.py's quadratic program for small drawings, in plain Python.

The same sweeps (each half-sweep: every column of one parity pulled towards its neighbours,
over-relaxed, then put back in order by a weighted isotonic regression), on lists: below a
few hundred items numpy's per-call cost (about 1.5 µs, some 40 calls per half-sweep) is most
of the solver's time, as in engine/graph.py and sweeps.py (above PY_ITEMS numpy wins). The
regression is pool adjacent violators with a stack, which gives the same pools as coord.py's
rounds of pooling; the pulls are summed in the same order, so the coordinates agree with
coord.Solver's to rounding (tests/test_layout_coord.py), far below the 0.01 px the layout
is rounded to.
"""

from __future__ import annotations

from .coord import OMEGA

PY_ITEMS = 250  # column items up to which draw.py solves with this module (measured crossover)


class ListSolver:
    """coord.Solver's program and sweeps on lists (same arguments, y as a list)."""

    def __init__(self, cols: list[list[int]], half: list[float], pad: list[float],
                 terms: tuple[list[int], list[int], list[float], list[float]]) -> None:
        n = len(half)
        ti, tj, toff, tw = terms
        # Each item's terms in coord.Solver's order (all (i, j) pieces, then all (j, i)), so
        # that its pull sums in the same order as np.bincount's. Terms join neighbouring
        # columns only: a column's pull reads the other parity alone, and the columns of one
        # parity can be solved one after the other.
        near: list[list[tuple[int, float, float]]] = [[] for _ in range(n)]
        weight = [0.0] * n
        for i, j, o, w in zip(ti, tj, toff, tw, strict=True):
            near[i].append((j, o, w))
            weight[i] += w
        for i, j, o, w in zip(ti, tj, toff, tw, strict=True):
            near[j].append((i, -o, w))
            weight[j] += w
        self.y0 = y0 = [0.0] * n
        # per parity, its columns, each a list of (item, offset from the column's top,
        # weight, terms)
        self.parity: tuple[list, list] = ([], [])
        for c, col in enumerate(cols):
            if not col:
                continue
            rows = []
            off = 0.0
            a = -1
            for v in col:
                if a >= 0:
                    off += half[a] + half[v] + max(pad[a], pad[v])
                w = weight[v]
                rows.append((v, off, w, near[v]) if w > 0 else (v, off, 1e-6, ()))
                a = v
            for v, o, _, _ in rows:
                y0[v] = o - off / 2  # every column centred on y = 0
            self.parity[c % 2].append(rows)

    def solve(self, sweeps: int, tol: float = 0.25) -> list[float]:
        y = list(self.y0)
        omega, inf = OMEGA, float("inf")
        for _ in range(sweeps):
            moved = 0.0
            for cols in self.parity:
                for col in cols:
                    # the column's pools as it is read top to bottom, each (mean, sum w * z,
                    # sum w, count), and the last one's mean (pool adjacent violators, as
                    # pools() but inlined: the hot loop)
                    pools: list[tuple[float, float, float, int]] = []
                    add, top = pools.append, -inf
                    for v, off, w, nb in col:
                        old = y[v]
                        if nb:
                            pull = 0.0
                            for j, o, t in nb:
                                pull += t * (y[j] + o)
                            m = old + omega * (pull / w - old) - off
                        else:
                            m = old - off
                        if top > m:
                            a, b, c = w * m, w, 1
                            while pools and pools[-1][0] > m:
                                _, wz, ws, n = pools.pop()
                                a += wz
                                b += ws
                                c += n
                                m = a / b
                            add((m, a, b, c))
                        else:
                            add((m, w * m, w, 1))
                        top = m
                    k = 0
                    for m, _, _, c in pools:
                        for v, off, _, _ in col[k:k + c] if c > 1 else (col[k],):
                            new = m + off
                            d = abs(new - y[v])
                            if d > moved:
                                moved = d
                            y[v] = new
                        k += c
            if moved < tol:
                break
        return y
