"""Starting orders for the ordering search.

First a DFS out of the output in operand order (a tree comes out planar with its operands
in order), then the same DFS with operands reversed, id order, and seeded shuffles: same
graph, same starts. The plain-Python search (sweeps.py) takes its own list, `lazy_starts`,
which adds DFS orders out of the inputs.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .layered import Layered, Order, id_order

SEED = 20240521


def dfs_order(lg: Layered, inputs: list[list[int]], output: int, flip: bool) -> Order:
    """Items ordered by when a DFS from the output (then the other sinks) reaches them."""
    n = lg.n_real
    sinks = [output] + [v for v in range(n - 1, -1, -1) if v != output and not lg.downs[v]]
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
            u, e = args[kk], lg.edge_of[v][kk]
            if not seen[u]:
                seen[u] = True
                key[u] = (clock, 0)
                for d in lg.chains[e][1:-1]:
                    key[d] = (clock, 0)
                clock += 1
                stack.append((u, 0))
            else:
                # Already placed elsewhere: the dummies take the slot that u's subtree
                # would have had under v.
                for d in lg.chains[e][1:-1]:
                    key[d] = (clock, 1 + e)
                clock += 1
    for v in range(n):
        if not seen[v]:  # unreachable only through a malformed graph
            key[v] = (clock + v, 0)
    rows = id_order(lg)
    for row in rows:
        row.sort(key=lambda v: (key[v], v))
    return rows


def starts(lg: Layered, inputs: list[list[int]], output: int, count: int) -> list[Order]:
    """`count` starting orders, the most promising first."""
    out = [dfs_order(lg, inputs, output, False)]
    if count > 1:
        out.append(dfs_order(lg, inputs, output, True))
    if count > 2:
        out.append(id_order(lg))
    rng = random.Random(SEED)
    while len(out) < count:
        rows = id_order(lg)
        for row in rows:
            rng.shuffle(row)
        out.append(rows)
    return out[:count]


def forward_order(lg: Layered, flip: bool) -> Order:
    """Items ordered by when a DFS out of the items with no in-segment (layer by layer, in
    id order, or both reversed with `flip`) along the out-segments discovers them."""
    key = [-1] * lg.n_items
    clock = 0
    sources = sorted((v for v in range(lg.n_items) if not lg.ups[v]), key=lg.layer.__getitem__)  # stable: ids
    if flip:
        sources.reverse()
    for root in sources:
        if key[root] >= 0:
            continue
        key[root] = clock
        clock += 1
        stack = [root]
        while stack:
            below = [b for b, _ in lg.downs[stack.pop()]]
            for b in (below if flip else reversed(below)):
                if key[b] < 0:
                    key[b] = clock
                    clock += 1
                    stack.append(b)
    rows = id_order(lg)
    for row in rows:
        row.sort(key=key.__getitem__)  # every item is reached from a source: keys differ
    return rows


def lazy_starts(lg: Layered, inputs: list[list[int]], output: int) -> list[Callable[[], Order]]:
    """The plain-Python search's starts, best first on the bench graphs, each made when asked:
    the DFS from the output, DFS orders from the inputs both ways, the reversed DFS, id order."""
    return [lambda: dfs_order(lg, inputs, output, False), lambda: forward_order(lg, False),
            lambda: forward_order(lg, True), lambda: dfs_order(lg, inputs, output, True),
            lambda: id_order(lg)]
