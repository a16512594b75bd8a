"""The proper layered graph the ordering works on: real nodes plus a dummy per layer a long
edge crosses, so that every segment joins two neighbouring layers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Layered:
    """Items 0..n_real-1 are the real nodes, then the dummies."""

    n_real: int
    layer: list[int]                     # per item
    ups: list[list[int]]                 # per item: upper item of each in-segment
    downs: list[list[tuple[int, int]]]   # per item: (lower item, port at lower)
    nports: list[int]                    # per item: number of ports on its left side
    n_layers: int
    edges: list[tuple[int, int, int]]    # (source, target, operand), in operand order per target
    chains: list[list[int]]              # per edge: its items source..target ([] if over the top)
    edge_of: list[list[int]]             # per node: edge id of each operand
    channel: list[bool]                  # per edge: routed over the top of the drawing

    @property
    def n_items(self) -> int:
        return len(self.layer)


Order = list[list[int]]


def build(inputs: list[list[int]], layer: list[int], n_layers: int, budget: int) -> Layered:
    """Edges and a dummy per layer each edge crosses.

    Past `budget` dummies in total, the longest edges get none and are routed over the top of
    the drawing instead (keeps huge graphs linear).
    """
    n = len(inputs)
    edges: list[tuple[int, int, int]] = []
    edge_of: list[list[int]] = []
    for v, args in enumerate(inputs):
        edge_of.append([])
        for k, u in enumerate(args):
            edge_of[v].append(len(edges))
            edges.append((u, v, k))
    spans = [layer[v] - layer[u] for u, v, _ in edges]
    channel = [False] * len(edges)
    extra = sum(s - 1 for s in spans)
    if extra > budget:
        for e in sorted(range(len(edges)), key=lambda e: (-spans[e], e)):
            if extra <= budget or spans[e] <= 2:
                break
            channel[e] = True
            extra -= spans[e] - 1
    item_layer = list(layer)
    ups: list[list[int]] = [[] for _ in range(n)]
    downs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    nports = [max(1, len(a)) for a in inputs]
    chains: list[list[int]] = []
    for e, (u, v, k) in enumerate(edges):
        if channel[e]:
            chains.append([])
            continue
        chain = [u]
        for r in range(layer[u] + 1, layer[v]):
            d = len(item_layer)
            item_layer.append(r)
            ups.append([])
            downs.append([])
            nports.append(1)
            chain.append(d)
        chain.append(v)
        for a, b in zip(chain, chain[1:], strict=False):
            ups[b].append(a)
            downs[a].append((b, k if b == v else 0))
        chains.append(chain)
    return Layered(n, item_layer, ups, downs, nports, n_layers, edges, chains, edge_of, channel)


def id_order(lg: Layered) -> Order:
    """Every layer's items in id order."""
    rows: Order = [[] for _ in range(lg.n_layers)]
    for v in range(lg.n_items):
        rows[lg.layer[v]].append(v)
    return rows
