"""Starting orders for the ordering search.

First a DFS out of the output in operand order (a tree comes out planar with its operands
in order), then the same DFS with operands reversed, id order, and seeded shuffles: same
graph, same starts.
"""

from __future__ import annotations

import random

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
