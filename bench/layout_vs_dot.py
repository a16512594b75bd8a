"""Compare engine.layout with Graphviz dot on the same graphs (not a test).

    PYTHONPATH=. .venv/bin/python bench/layout_vs_dot.py [--free-only] [--max-nodes N]

Needs the `dot` binary (apt-get install -y --no-install-recommends graphviz).
For every graph both drawings get the same node sizes (inches = px / 72,
fixedsize) and edges with two-line labels of the same number of characters
at 15 px, rankdir=LR. dot runs twice: "free" (ranks are dot's choice) and
"pinned" (inputs rank=min, output rank=max: the layering rules our layout
obeys). Crossings of both drawings come from the same counter: pairwise
proper intersections of the edges' polylines, dot's Bezier splines sampled
at 12 points per piece. Times: ours is layout_graph() alone (best of 3 below
300 nodes); dot's is wall time of the subprocess minus the best wall time
of dot on an empty graph (its start-up), raw times are printed too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compgraph.engine.layout import layout_graph, node_size  # noqa: E402

from bench.graphs import Graph, bench_set  # noqa: E402

EDGE_LABEL = "-0.123456"  # edge_label_chars = 9 characters, two lines in dot


def _orient(a: np.ndarray, seg: np.ndarray, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    """Sign of the turn from segment seg's direction to point q."""
    x1, y1, x2, y2 = a[seg, 0], a[seg, 1], a[seg, 2], a[seg, 3]
    return (x2 - x1) * (qy - y1) - (y2 - y1) * (qx - x1)


def count_crossings(lines: list[list[tuple[float, float]]]) -> int:
    """Proper intersections between segments of different polylines."""
    segs = [(x1, y1, x2, y2, k) for k, pl in enumerate(lines)
            for (x1, y1), (x2, y2) in zip(pl, pl[1:], strict=False)
            if (x1, y1) != (x2, y2)]
    if len(segs) < 2:
        return 0
    a = np.asarray(segs, dtype=float)
    lo_x = np.minimum(a[:, 0], a[:, 2])
    a = a[np.argsort(lo_x, kind="stable")]
    x1, y1, x2, y2, owner = a.T
    lo_x, hi_x = np.minimum(x1, x2), np.maximum(x1, x2)
    lo_y, hi_y = np.minimum(y1, y2), np.maximum(y1, y2)
    eps = 1e-6
    total = 0
    block = 256
    for s in range(0, len(a), block):
        i = np.arange(s, min(s + block, len(a)))
        end = int(np.searchsorted(lo_x, hi_x[i].max(), side="right"))
        j = np.arange(s, end)
        ii, jj = np.meshgrid(i, j, indexing="ij")
        m = (jj > ii) & (owner[ii] != owner[jj]) & (lo_x[jj] <= hi_x[ii])
        m &= (lo_y[ii] <= hi_y[jj]) & (lo_y[jj] <= hi_y[ii])
        ii, jj = ii[m], jj[m]
        if not len(ii):
            continue

        o1 = _orient(a, ii, x1[jj], y1[jj])
        o2 = _orient(a, ii, x2[jj], y2[jj])
        o3 = _orient(a, jj, x1[ii], y1[ii])
        o4 = _orient(a, jj, x2[ii], y2[ii])
        hit = (((o1 > eps) & (o2 < -eps)) | ((o1 < -eps) & (o2 > eps)))
        hit &= (((o3 > eps) & (o4 < -eps)) | ((o3 < -eps) & (o4 > eps)))
        total += int(hit.sum())
    return total


_PORTS = {1: [""], 2: ["nw", "sw"], 3: ["nw", "w", "sw"]}


def to_dot(g: Graph, pinned: bool, ports: bool = False) -> str:
    inputs, kinds, labels, output = g
    out = ["digraph G {", " rankdir=LR;",
           ' node [fixedsize=true, fontname="Helvetica", fontsize=18];',
           ' edge [fontname="Helvetica", fontsize=15];']
    for i, lab in enumerate(labels):
        w, h, shape = node_size(kinds[i], lab, len(inputs[i]))
        shp = "ellipse" if shape == "circle" else "box"
        text = lab.replace("\\", "\\\\").replace('"', '\\"')
        out.append(f' n{i} [shape={shp}, width={w / 72:.4f}, height={h / 72:.4f}, label="{text}"];')
    for v, args in enumerate(inputs):
        names = _PORTS.get(len(args), [""] * len(args)) if ports else [""] * len(args)
        for u, port in zip(args, names, strict=True):
            hp = f", headport={port}" if port else ""
            out.append(f' n{u} -> n{v} [label="{EDGE_LABEL}\\n{EDGE_LABEL}"{hp}];')
    if pinned:
        srcs = " ".join(f"n{i};" for i, k in enumerate(kinds) if k == "input")
        if srcs:
            out.append(f" {{rank=min; {srcs}}}")
        if kinds[output] != "input":
            out.append(f" {{rank=max; n{output};}}")
    out.append("}")
    return "\n".join(out)


def _bezier_points(spline: str) -> list[tuple[float, float]]:
    start = end = None
    ctrl: list[tuple[float, float]] = []
    for tok in spline.split():
        if tok.startswith("e,"):
            end = tuple(map(float, tok[2:].split(",")))
        elif tok.startswith("s,"):
            start = tuple(map(float, tok[2:].split(",")))
        else:
            ctrl.append(tuple(map(float, tok.split(","))))
    pts: list[tuple[float, float]] = [start] if start else []
    t = np.linspace(0.0, 1.0, 13)
    pts.append(ctrl[0])
    for k in range(0, len(ctrl) - 3, 3):
        p = np.asarray(ctrl[k:k + 4])
        b = (((1 - t) ** 3)[:, None] * p[0] + (3 * (1 - t) ** 2 * t)[:, None] * p[1]
             + (3 * (1 - t) * t * t)[:, None] * p[2] + (t ** 3)[:, None] * p[3])
        pts.extend(map(tuple, b[1:]))
    if end:
        pts.append(end)
    return pts


def run_dot(src: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    res = subprocess.run(["dot", "-Tjson"], input=src.encode(), capture_output=True, check=True)
    return time.perf_counter() - t0, json.loads(res.stdout)


def dot_measures(g: Graph, pinned: bool, repeat: int,
                 ports: bool = False) -> tuple[int, float, float]:
    src = to_dot(g, pinned, ports)
    times = []
    for _ in range(repeat):
        dt, out = run_dot(src)
        times.append(dt)
    lines = [_bezier_points(e["pos"]) for e in out.get("edges", [])]
    llx, lly, urx, ury = map(float, out["bb"].split(","))
    return count_crossings(lines), (urx - llx) * (ury - lly), min(times)


def our_measures(g: Graph, repeat: int) -> tuple[int, float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = layout_graph(*g)
        times.append(time.perf_counter() - t0)
    lines = [[tuple(p) for p in e["points"]] for e in res["edges"]]
    return count_crossings(lines), res["width"] * res["height"], min(times)


VARIANTS = (("dot", False, False), ("dot-pin", True, False), ("dot-pin+ports", True, True))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-nodes", type=int, default=10**9)
    args = ap.parse_args()
    if not shutil.which("dot"):
        sys.exit("dot not found: apt-get install -y --no-install-recommends graphviz")
    startup = min(run_dot("digraph G {}")[0] for _ in range(9))
    print(f"dot start-up (empty graph, best of 9): {startup * 1000:.1f} ms")
    print("crossings: ours | dot free | dot with inputs rank=min, output rank=max | "
          "same plus headports nw/sw (operand order, as ours)\n")
    head = (f"{'graph':20} {'n':>4} {'E':>4} | {'ours':>5} {'dot':>5} {'pin':>5} {'pin+pt':>6} | "
            f"{'area kpx2 ours':>14} {'dot':>6} | {'ms ours':>7} {'dot net':>7} {'dot raw':>7}")
    print(head)
    print("-" * len(head))
    rows = []
    for name, g in bench_set():
        n = len(g[0])
        if n > args.max_nodes:
            continue
        rep = 3 if n < 300 else 1
        oc, oa, ot = our_measures(g, rep)
        dc, da, dt = dot_measures(g, False, rep)
        pc = dot_measures(g, True, 1)[0]
        qc = dot_measures(g, True, 1, ports=True)[0]
        e = sum(len(a) for a in g[0])
        net = max(dt - startup, 0.0)
        rows.append((name, n, oc, dc, pc, qc, oa, da, ot, net, dt))
        print(f"{name:20} {n:4d} {e:4d} | {oc:5d} {dc:5d} {pc:5d} {qc:6d} | {oa / 1e3:14.0f} "
              f"{da / 1e3:6.0f} | {ot * 1e3:7.1f} {net * 1e3:7.1f} {dt * 1e3:7.1f}")
    print("-" * len(head))
    tot = [sum(r[k] for r in rows) for k in range(2, 11)]
    print(f"{'total':20} {'':4} {'':4} | {tot[0]:5d} {tot[1]:5d} {tot[2]:5d} {tot[3]:6d} | "
          f"{tot[4] / 1e3:14.0f} {tot[5] / 1e3:6.0f} | {tot[6] * 1e3:7.1f} {tot[7] * 1e3:7.1f} "
          f"{tot[8] * 1e3:7.1f}")
    small = [r for r in rows if r[1] <= 100]
    print()
    for k, (label, _, _) in enumerate(VARIANTS, start=3):
        ok = sum(r[2] <= r[k] for r in small)
        their = sum(r[k] for r in rows)
        print(f"vs {label:14}: ours <= theirs on {ok}/{len(small)} graphs up to 100 nodes "
              f"({100 * ok / max(1, len(small)):.0f}%, target >= 90%); total crossings "
              f"{tot[0]}/{their} = {tot[0] / max(1, their):.2f} (target <= 1.10)")
    print(f"time ours/dot: {tot[6]:.3f}s / {tot[7]:.3f}s net = {tot[6] / max(tot[7], 1e-9):.2f} "
          f"(target <= 0.10); vs raw {tot[8]:.3f}s = {tot[6] / max(tot[8], 1e-9):.2f}")
    big = [r for r in rows if r[1] > 100]
    if big:
        b_ours, b_dot = sum(r[8] for r in big), sum(r[9] for r in big)
        print(f"  graphs over 100 nodes only: {b_ours:.3f}s / {b_dot:.3f}s = "
              f"{b_ours / max(b_dot, 1e-9):.2f}")
    print(f"area ours/dot (free): {tot[4] / max(tot[5], 1):.2f}")


if __name__ == "__main__":
    main()
