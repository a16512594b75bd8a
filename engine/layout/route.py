"""Columns placed left to right, and every edge's polyline and label anchors.

A column's gap to the next grows with how far edges travel vertically across it, to tame
steep lines. An edge runs from its source's right side through the items of its path (label
items and dummies, each crossed horizontally) to its port on the target; past the dummy
budget the longest edges go over the top of the drawing on overflow tracks instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columns import GAP, LABEL_GAP, Columns
from .layered import Layered
from .text import LABEL_LINE_H

GAP_SLOPE = 0.12        # extra gap per px of vertical travel
GAP_EXTRA_MAX = 48.0
TRACK_GAP = 8.0         # spacing of overflow tracks above the drawing


@dataclass
class Routes:
    xc: np.ndarray              # per column: centre x
    col_w: np.ndarray           # per column: width
    top: float                  # highest item edge, tracks excluded
    track_y: list[float]
    px: np.ndarray              # every edge's points, edge after edge
    py: np.ndarray
    starts: np.ndarray          # per edge: index of its first point (one more entry: the end)
    value_at: np.ndarray        # per edge: (x, y) of its value label and of its gradient label
    grad_at: np.ndarray


def overflow_tracks(lg: Layered, channel_edges: list[int], col: np.ndarray) -> tuple[list[int], dict[int, int]]:
    """Overflow tracks above the drawing: one per source, reused when free."""
    n_cols = 2 * lg.n_layers - 1
    per_gap = [0] * n_cols
    if not channel_edges:
        return per_gap, {}
    span: dict[int, list[int]] = {}
    for e in channel_edges:
        u, v, _ = lg.edges[e]
        s = span.setdefault(u, [int(col[u]), int(col[v])])
        s[1] = max(s[1], int(col[v]))
    free_at: list[int] = []  # per track: first column where it is free again
    track_src: dict[int, int] = {}
    for u in sorted(span, key=lambda u: (span[u][0], u)):
        lo, hi = span[u]
        t = next((i for i, f in enumerate(free_at) if f <= lo), len(free_at))
        if t == len(free_at):
            free_at.append(0)
        free_at[t] = hi + 1
        track_src[u] = t
    track_of = {e: track_src[lg.edges[e][0]] for e in channel_edges}
    for e in channel_edges:
        u, v, _ = lg.edges[e]
        per_gap[col[u]] = max(per_gap[col[u]], track_of[e] + 1)
        per_gap[col[v] - 2] = max(per_gap[col[v] - 2], track_of[e] + 1)
    return per_gap, track_of


def _boundary(xc: np.ndarray, w: np.ndarray, h: np.ndarray, box: np.ndarray, dy: np.ndarray,
              side: float) -> np.ndarray:
    """x where a horizontal line at dy from a node's centre meets its outline."""
    q = np.sqrt(np.maximum(1.0 - (2 * dy / h) ** 2, 0.0))
    return xc + side * (w / 2) * np.where(box, 1.0, q)


def route(lg: Layered, cl: Columns, y: np.ndarray, sizes: list[tuple[float, float, str]],
          text_scale: float) -> Routes:
    n_cols = 2 * lg.n_layers - 1
    col = cl.col
    col_w = np.zeros(n_cols)
    np.maximum.at(col_w, col, cl.width)
    ti, tj, toff, _ = cl.terms
    travel = np.zeros(n_cols)
    if len(ti):
        np.maximum.at(travel, np.minimum(col[ti], col[tj]), np.abs(y[ti] - y[tj] - toff))
    channel_edges = [e for e in range(len(lg.edges)) if lg.channel[e]]
    tracks, track_of = overflow_tracks(lg, channel_edges, col)
    gap = GAP + np.minimum(GAP_EXTRA_MAX, GAP_SLOPE * travel)
    gap += np.where(np.asarray(tracks) > 0, 4.0 * np.asarray(tracks) + 4.0, 0.0)
    xc = np.zeros(n_cols)
    if n_cols > 1:
        xc[1:] = np.cumsum(col_w[:-1] / 2 + gap[:-1] + col_w[1:] / 2)
    left, right = xc - col_w / 2, xc + col_w / 2
    top = float((y - cl.half).min())
    n_tracks = max(track_of.values(), default=-1) + 1
    track_y = [top - TRACK_GAP * (t + 1) for t in range(n_tracks)]

    # Points of the edges, as item sequences: the source, then its path, then the port.
    xs: list[list[float]] = []
    ys: list[list[float]] = []
    for e in channel_edges:  # over the top: rise, run along the track, drop into the last column
        u, _, _ = lg.edges[e]
        t, o = track_of[e], cl.labels[e][0]
        rise = right[col[u]] + 4.0 + 4.0 * t
        drop = right[col[o] - 1] + 4.0 + 4.0 * t
        xs.append([rise, rise, drop, drop])
        ys.append([y[u], track_y[t], track_y[t], y[o]])
    path: list[int] = []
    count = np.zeros(len(lg.edges), dtype=np.int64)
    for e, mids in enumerate(cl.labels):
        chain = lg.chains[e]
        if chain:
            seq = [0] * (2 * len(mids) - 1)
            seq[0::2] = mids
            seq[1::2] = chain[1:-1]
        else:
            seq = mids
        path += seq
        count[e] = len(seq)
    src = np.asarray([u for u, _, _ in lg.edges], dtype=np.int64)
    dst = np.asarray([v for _, v, _ in lg.edges], dtype=np.int64)
    dy = np.asarray([cl.ports[v][k] for _, v, k in lg.edges], dtype=np.float64)
    w = np.asarray([sz[0] for sz in sizes])
    h = np.asarray([sz[1] for sz in sizes])
    box = np.asarray([sz[2] == "box" for sz in sizes])
    extra = np.zeros(len(lg.edges), dtype=np.int64)
    extra[channel_edges] = 4
    per_edge = 4 + extra + 2 * count  # source 2, (track 4), path 2 each, port 2
    starts = np.concatenate([[0], np.cumsum(per_edge)])
    total = int(starts[-1])
    px, py = np.empty(total), np.empty(total)
    s0 = starts[:-1]
    px[s0] = _boundary(xc[col[src]], w[src], h[src], box[src], np.zeros(len(src)), 1.0)
    px[s0 + 1] = right[col[src]]
    py[s0] = py[s0 + 1] = y[src]
    for i, e in enumerate(channel_edges):
        at = s0[e] + 2
        px[at:at + 4], py[at:at + 4] = xs[i], ys[i]
    p = np.asarray(path, dtype=np.int64)
    at = np.repeat(s0 + 2 + extra - 2 * np.cumsum(np.concatenate([[0], count[:-1]])), count) + 2 * np.arange(len(p))
    px[at], px[at + 1] = left[col[p]], right[col[p]]
    py[at] = py[at + 1] = y[p]
    end = starts[1:]
    px[end - 2] = left[col[dst]]
    px[end - 1] = _boundary(xc[col[dst]], w[dst], h[dst], box[dst], dy, -1.0)
    py[end - 2] = py[end - 1] = y[dst] + dy
    px, py, starts = _dedupe(px, py, starts)
    lab = np.asarray([mids[-1] for mids in cl.labels], dtype=np.int64)
    lift = LABEL_GAP / 2 + LABEL_LINE_H * text_scale / 2
    value_at = np.stack([xc[col[lab]], y[lab] - lift], axis=1) if len(lab) else np.zeros((0, 2))
    grad_at = np.stack([xc[col[lab]], y[lab] + lift], axis=1) if len(lab) else np.zeros((0, 2))
    return Routes(xc, col_w, top, track_y, px, py, starts, value_at, grad_at)


def _dedupe(px: np.ndarray, py: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drops repeated points and the middle of horizontal runs, edge by edge."""
    n_edges = len(starts) - 1
    edge = np.repeat(np.arange(n_edges), np.diff(starts))
    same_edge = np.zeros(len(px), dtype=bool)
    same_edge[1:] = edge[1:] == edge[:-1]
    keep = ~(same_edge & np.append(False, (px[1:] == px[:-1]) & (py[1:] == py[:-1])))
    px, py, edge = px[keep], py[keep], edge[keep]
    inner = np.zeros(len(px), dtype=bool)
    if len(px) > 2:
        inner[1:-1] = ((edge[:-2] == edge[1:-1]) & (edge[2:] == edge[1:-1])
                       & (py[:-2] == py[1:-1]) & (py[2:] == py[1:-1]))
    px, py, edge = px[~inner], py[~inner], edge[~inner]
    counts = np.bincount(edge, minlength=n_edges)
    return px, py, np.concatenate([[0], np.cumsum(counts)])
