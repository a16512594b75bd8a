"""Vertical coordinates: a small quadratic program solved column by column.

Minimise sum w * (y_i - y_j - off)^2 over the edge pieces (off is the port
offset at the target, so a piece is straight when the term is zero) subject
to the items of each column keeping their order with at least their
separation between them. Columns only interact with their neighbours, so
fixing all but one column leaves a weighted isotonic regression, solved
exactly by pool-adjacent-violators. Sweeping columns back and forth is block
coordinate descent on a convex problem: every sweep lowers the objective and
every iterate is overlap-free.

Long edges get heavier terms between their dummies so they come out
straight; a parent sits at the weighted mean of its operands (port offsets
included), so trees look like trees and the output is centred on its inputs.
"""

from __future__ import annotations


def _place_column(t: list[float], w: list[float], sep: list[float]) -> list[float]:
    """argmin sum w_i (y_i - t_i)^2 s.t. y_{i+1} - y_i >= sep_i (exact, O(k))."""
    k = len(t)
    if k == 1:
        return [t[0]]
    off = [0.0] * k
    for i in range(1, k):
        off[i] = off[i - 1] + sep[i - 1]
    # Blocks of equal shifted value z = y - off, kept non-decreasing.
    bw: list[float] = []
    bs: list[float] = []
    bn: list[int] = []
    for i in range(k):
        cw, cs, cn = w[i], w[i] * (t[i] - off[i]), 1
        while bw and bs[-1] * cw >= cs * bw[-1]:  # previous mean >= current mean
            cw += bw.pop()
            cs += bs.pop()
            cn += bn.pop()
        bw.append(cw)
        bs.append(cs)
        bn.append(cn)
    y: list[float] = []
    for cw, cs, cn in zip(bw, bs, bn, strict=True):
        z, at = cs / cw, len(y)
        y.extend(z + off[at + j] for j in range(cn))
    return y


def solve_y(cols: list[list[int]], half: list[float], pad: list[float],
            terms: list[tuple[int, int, float, float]], max_sweeps: int,
            tol: float = 0.05, init: list[float] | None = None) -> list[float]:
    """cols: items top to bottom per column; term (i, j, off, w) = w (y_i - y_j - off)^2.

    init, if given, must be feasible (e.g. from solve_y_fast).
    """
    n = len(half)
    nbrs: list[list[tuple[int, float, float]]] = [[] for _ in range(n)]
    for i, j, off, wt in terms:
        nbrs[i].append((j, off, wt))
        nbrs[j].append((i, -off, wt))
    seps: list[list[float]] = []
    y = [0.0] * n
    for col in cols:
        s = [half[a] + half[b] + max(pad[a], pad[b]) for a, b in zip(col, col[1:], strict=False)]
        seps.append(s)
        if init is not None:
            continue
        acc = -sum(s) / 2  # start every column centred on y = 0
        for i, v in enumerate(col):
            y[v] = acc
            if i < len(s):
                acc += s[i]
    if init is not None:
        y = list(init)
    order = [c for c in range(len(cols)) if cols[c]]
    for sweep in range(max_sweeps):
        moved = 0.0
        for c in (order if sweep % 2 == 0 else order[::-1]):
            col = cols[c]
            t: list[float] = []
            w: list[float] = []
            for v in col:
                sw = st = 0.0
                for j, off, wt in nbrs[v]:
                    sw += wt
                    st += wt * (y[j] + off)
                if sw == 0.0:  # no edges: stay put
                    sw, st = 1e-6, 1e-6 * y[v]
                t.append(st / sw)
                w.append(sw)
            new = _place_column(t, w, seps[c])
            for v, nv in zip(col, new, strict=True):
                d = abs(nv - y[v])
                if d > moved:
                    moved = d
                y[v] = nv
        if moved < tol:
            break
    return y


def compact_components(cols: list[list[int]], y: list[float], half: list[float], pad: list[float],
                       terms: list[tuple[int, int, float, float]]) -> list[float]:
    """Slide each unconnected piece (dead statements...) toward the main one.

    The objective does not care where a disconnected piece sits, so it can be
    left far away; move each piece rigidly as close to the centre of the
    largest piece as the items next to it in its columns allow.
    """
    n = len(y)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j, _, _ in terms:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    root = [find(v) for v in range(n)]
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
