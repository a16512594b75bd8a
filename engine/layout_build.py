"""The layered graph of a layout (edges, dummy chains) and edge routing helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .layout_layered import Layered

REAL, DUMMY, LABEL, PASS = 0, 1, 2, 3  # item kinds: node, dummy, label, pass-through


@dataclass
class LayoutGraph:
    """The layered graph plus what geometry needs to know about its items."""

    lg: Layered
    edges: list[tuple[int, int, int]]            # (source, target, operand)
    chains: list[list[int]]                      # per edge: items source..target
    edge_of: list[list[int]]                     # per node: edge id of each operand
    channel: list[bool]                          # per edge: routed over the top
    kind: list[int] = field(default_factory=list)


def build(inputs: list[list[int]], layer: list[int], n_layers: int, budget: int) -> LayoutGraph:
    """Edges and a dummy per layer each edge crosses.

    Past `budget` dummies in total, the longest edges get none and are routed
    over the top of the drawing instead (keeps huge graphs linear).
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
    kind = [REAL] * n
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
            kind.append(DUMMY)
            chain.append(d)
        chain.append(v)
        for a, b in zip(chain, chain[1:], strict=False):
            port = k if b == v else 0
            ups[b].append(a)
            downs[a].append((b, port))
        chains.append(chain)
    lg = Layered(n, item_layer, ups, downs, nports, n_layers)
    return LayoutGraph(lg, edges, chains, edge_of, channel, kind)


def overflow_tracks(g: LayoutGraph, channel_edges: list[int], col: list[int]) -> tuple[list[int], dict[int, int]]:
    """Overflow tracks above the drawing: one per source, reused when free."""
    n_cols = 2 * g.lg.n_layers - 1
    per_gap = [0] * n_cols
    if not channel_edges:
        return per_gap, {}
    span: dict[int, list[int]] = {}
    for e in channel_edges:
        u, v, _ = g.edges[e]
        s = span.setdefault(u, [col[u], col[v]])
        s[1] = max(s[1], col[v])
    free_at: list[int] = []  # per track: first column where it is free again
    track_src: dict[int, int] = {}
    for u in sorted(span, key=lambda u: (span[u][0], u)):
        lo, hi = span[u]
        t = next((i for i, f in enumerate(free_at) if f <= lo), len(free_at))
        if t == len(free_at):
            free_at.append(0)
        free_at[t] = hi + 1
        track_src[u] = t
    track_of = {e: track_src[g.edges[e][0]] for e in channel_edges}
    for e in channel_edges:
        u, v, _ = g.edges[e]
        per_gap[col[u]] = max(per_gap[col[u]], track_of[e] + 1)
        per_gap[col[v] - 2] = max(per_gap[col[v] - 2], track_of[e] + 1)
    return per_gap, track_of


def dedupe(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drops repeated points and the middle of horizontal runs."""
    out = [pts[0]]
    for p in pts[1:]:
        q = out[-1]
        if p[1] == q[1]:
            if p[0] == q[0]:
                continue
            if len(out) > 1 and out[-2][1] == q[1]:
                out[-1] = p
                continue
        out.append(p)
    return out
