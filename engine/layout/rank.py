"""Layer assignment: which column each node of the graph goes in.

Inputs go in layer 0, as the lecture draws them, except an input first used deep in the
graph (at layer DEEP_INPUT or later): it sits in the layer just before its first use, still
left of everything that uses it, instead of a long wire from the first column (a 30-statement
chain `a_k = tanh(a_{k-1})*w_k + a_{k-1}` would otherwise open as thirty parallel wires).
The output goes in the last layer (unless a dead
node consumes the output, which forces its consumers further right). Starting
from longest-path layering, nodes are then moved one at a time to the end of
their feasible range that shortens their edges (coordinate descent on the
total edge length, the objective network simplex solves exactly); constants
have no in-edges, so they end up just before their first consumer. Nodes
whose move would not change the total are put in the least crowded layer.
"""

from __future__ import annotations

from collections.abc import Sequence

DEEP_INPUT = 4  # an input first used at this layer or later sits just before that use


def consumers_of(inputs: Sequence[Sequence[int]]) -> list[list[int]]:
    """For every node, the ids of the nodes using it, once per use, ascending."""
    out: list[list[int]] = [[] for _ in inputs]
    for i, args in enumerate(inputs):
        for j in args:
            out[j].append(i)
    return out


def assign_layers(inputs: Sequence[Sequence[int]], kinds: Sequence[str], output: int,
                  max_passes: int = 30) -> list[int]:
    n = len(inputs)
    users = consumers_of(inputs)
    layer = [0] * n
    at = layer.__getitem__  # max(map(at, ...)): no generator frame, in the hot loops below
    for i, args in enumerate(inputs):
        if args:
            layer[i] = 1 + max(map(at, args))

    # Descendants of the output (dead consumers of it) must stay right of it.
    below = [False] * n
    below[output] = True
    for i in range(output + 1, n):
        below[i] = any(below[j] for j in inputs[i])
    last = max((layer[i] for i in range(n) if not below[i] or i == output), default=0)
    fixed = [k == "input" for k in kinds]
    if not fixed[output]:
        layer[output] = max(layer[output], last)
        fixed[output] = True
    for i in range(output + 1, n):
        if below[i] and inputs[i]:
            layer[i] = max(layer[i], 1 + max(map(at, inputs[i])))
    top = max(layer, default=0)

    def bounds(i: int) -> tuple[int, int]:
        lo = 1 + max(map(at, inputs[i]), default=-1)
        hi = min(map(at, users[i]), default=top + 1) - 1
        if not users[i]:
            hi = min(hi, last if not below[i] else top)
        return lo, hi

    # Net pull to the right: each out-edge gets shorter, each in-edge longer.
    net = [len(users[i]) - len(inputs[i]) for i in range(n)]
    movable = [i for i in range(n) if not fixed[i]]
    for _ in range(max_passes):
        changed = False
        for order in (reversed(movable), movable):
            for i in order:
                if net[i] == 0:
                    continue
                lo, hi = bounds(i)
                want = hi if net[i] > 0 else lo
                if want != layer[i] and lo <= want <= hi:
                    layer[i] = want
                    changed = True
        if not changed:
            break

    # Ties: put the node where its column is least crowded (rightmost on a tie,
    # which keeps e.g. sin(x2) next to the op that consumes it).
    count = [0] * (top + 2)
    for v in layer:
        count[v] += 1
    for i in reversed(movable):
        if net[i] != 0:
            continue
        lo, hi = bounds(i)
        if lo >= hi:
            continue
        here = layer[i]
        span = range(lo, hi + 1)
        if hi - lo > 64:  # keep this linear on very long feasible ranges
            span = [*range(lo, lo + 32), *range(hi - 31, hi + 1)]
        best = min(span, key=lambda c: (count[c] + (c != here), -c))
        if best != here:
            count[here] -= 1
            count[best] += 1
            layer[i] = best
    for i in range(n):
        if kinds[i] == "input" and users[i]:
            first = min(map(at, users[i]))
            if first >= DEEP_INPUT:
                layer[i] = first - 1
    return layer
