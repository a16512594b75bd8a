"""Compare the engine's layout with Graphviz dot on the same graphs (not a test).

    PYTHONPATH=. .venv/bin/python bench/layout_vs_dot.py [--quick] [--reps N] [--against REV]

Needs the `dot` binary (apt-get install -y --no-install-recommends graphviz). The graphs are
programs (the examples, bench/graphs.py's bench_programs: random programs of 5 to 640 nodes
and the 30-statement chain) read by the engine; dot gets the engine's graph with the same
node sizes (inches = px / 72, fixedsize), two-line edge labels of the same width at 15 px,
rankdir=LR.

Time: ours is analyze() with the layout minus analyze() without it (each the best of
--reps, the layout's cache cleared before each run; "cached" is one more run with the
layout already cached); dot's is `dot -Tplain` wall time minus its start-up (the best time
of an empty graph), run free. Target: ours <= 0.3 x dot in every size bucket.

Crossings come from one counter applied to both drawings: pairwise proper intersections of
the edges' polylines, dot's splines sampled at 12 points per piece. dot is run free, with
our layering rule for inputs ("pin": inputs that we draw in the first column rank=min,
inputs drawn just before their first use left free, which in dot puts them just before
their first use too; the output rank=max), and with pins and operand-ordered head ports
("pin+ports", the rules our layout keeps). Targets: ours <= dot pin+ports on >= 90% of the
graphs up to 100 nodes, and (with --against REV: that revision's engine measured in the
same run) total crossings no more than before.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compgraph.app.examples import EXAMPLES  # noqa: E402
from compgraph.engine.analysis import layout_request  # noqa: E402
from compgraph.engine.layout import cache, node_size  # noqa: E402

from bench.figures import report  # noqa: E402
from bench.graphs import bench_programs  # noqa: E402
from compgraph import engine  # noqa: E402

EDGE_LABEL = "-0.123456"  # edge_label_chars = 9 characters, two lines in dot
BUCKETS = ((0, 100), (101, 400), (401, 10**9))
TIME_TARGET, SHARE_TARGET = 0.3, 0.9


def count_crossings(lines: list[list[tuple[float, float]]]) -> int:
    """Proper intersections between segments of different polylines."""
    segs = [(x1, y1, x2, y2, k) for k, pl in enumerate(lines)
            for (x1, y1), (x2, y2) in zip(pl, pl[1:], strict=False) if (x1, y1) != (x2, y2)]
    if len(segs) < 2:
        return 0
    a = np.asarray(segs, dtype=float)
    a = a[np.argsort(np.minimum(a[:, 0], a[:, 2]), kind="stable")]
    x1, y1, x2, y2, owner = a.T
    lo_x, hi_x = np.minimum(x1, x2), np.maximum(x1, x2)
    lo_y, hi_y = np.minimum(y1, y2), np.maximum(y1, y2)

    def orient(seg: np.ndarray, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
        return (x2[seg] - x1[seg]) * (qy - y1[seg]) - (y2[seg] - y1[seg]) * (qx - x1[seg])

    eps, total, block = 1e-9, 0, 256
    for s in range(0, len(a), block):
        i = np.arange(s, min(s + block, len(a)))
        j = np.arange(s, int(np.searchsorted(lo_x, hi_x[i].max(), side="right")))
        ii, jj = np.meshgrid(i, j, indexing="ij")
        m = (jj > ii) & (owner[ii] != owner[jj]) & (lo_x[jj] <= hi_x[ii])
        m &= (lo_y[ii] <= hi_y[jj]) & (lo_y[jj] <= hi_y[ii])
        ii, jj = ii[m], jj[m]
        o1, o2 = orient(ii, x1[jj], y1[jj]), orient(ii, x2[jj], y2[jj])
        o3, o4 = orient(jj, x1[ii], y1[ii]), orient(jj, x2[ii], y2[ii])
        hit = (((o1 > eps) & (o2 < -eps)) | ((o1 < -eps) & (o2 > eps)))
        hit &= (((o3 > eps) & (o4 < -eps)) | ((o3 < -eps) & (o4 > eps)))
        total += int(hit.sum())
    return total


_PORTS = {1: [""], 2: ["nw", "sw"], 3: ["nw", "w", "sw"]}


def to_dot(g: tuple, first_column: set[int] | None, ports: bool = False) -> str:
    """dot source; first_column: the inputs to pin to rank=min (None: run free)."""
    inputs, kinds, labels, output = g
    out = ["digraph G {", " rankdir=LR;", ' node [fixedsize=true, fontname="Helvetica", fontsize=18];',
           ' edge [fontname="Helvetica", fontsize=15];']
    for i, lab in enumerate(labels):
        w, h, shape = node_size(kinds[i], lab, len(inputs[i]))
        text = lab.replace("\\", "\\\\").replace('"', '\\"')
        out.append(f' n{i} [shape={"ellipse" if shape == "circle" else "box"}, width={w / 72:.4f}, '
                   f'height={h / 72:.4f}, label="{text}"];')
    for v, args in enumerate(inputs):
        names = _PORTS.get(len(args), [""] * len(args)) if ports else [""] * len(args)
        for u, port in zip(args, names, strict=True):
            out.append(f' n{u} -> n{v} [label="{EDGE_LABEL}\\n{EDGE_LABEL}"'
                       f'{f", headport={port}" if port else ""}];')
    if first_column is not None:
        if first_column:
            out.append(f" {{rank=min; {' '.join(f'n{i};' for i in sorted(first_column))}}}")
        if kinds[output] != "input":
            out.append(f" {{rank=max; n{output};}}")
    out.append("}")
    return "\n".join(out)


def _sample(ctrl: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A B-spline's control points (Bezier pieces) sampled at 12 points per piece."""
    t = np.linspace(0.0, 1.0, 13)
    pts = [ctrl[0]]
    for k in range(0, len(ctrl) - 3, 3):
        p = np.asarray(ctrl[k:k + 4])
        b = (((1 - t) ** 3)[:, None] * p[0] + (3 * (1 - t) ** 2 * t)[:, None] * p[1]
             + (3 * (1 - t) * t * t)[:, None] * p[2] + (t ** 3)[:, None] * p[3])
        pts.extend(map(tuple, b[1:]))
    return pts


def run_dot(src: str) -> tuple[float, int, float]:
    """(seconds, crossings, bounding-box area in px^2) of `dot -Tplain`."""
    t0 = time.perf_counter()
    res = subprocess.run(["dot", "-Tplain"], input=src.encode(), capture_output=True, check=True)
    dt = time.perf_counter() - t0
    lines, area = [], 0.0
    for line in res.stdout.decode().splitlines():
        tok = line.split()
        if tok[0] == "graph":
            area = float(tok[2]) * float(tok[3]) * 72 * 72
        elif tok[0] == "edge":
            n = int(tok[3])
            pts = [(float(tok[4 + 2 * i]), float(tok[5 + 2 * i])) for i in range(n)]
            lines.append(_sample(pts))
    return dt, count_crossings(lines), area


def load_engine(rev: str) -> object:
    """Another revision's engine, imported beside this one as its own package."""
    tmp = Path(tempfile.mkdtemp(prefix="layout-before-"))
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "engine"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
    spec = importlib.util.spec_from_file_location("engine_before", tmp / "engine" / "__init__.py",
                                                  submodule_search_locations=[str(tmp / "engine")])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["engine_before"] = mod
    spec.loader.exec_module(mod)
    return mod


def cache_clear_of(eng: object):
    """The layout cache's clear() of an engine from load_engine (None if it keeps none), so
    that "before" is timed cold as well."""
    for name in ("layout.cache", "layout_cache"):
        try:
            return importlib.import_module(f"{eng.__name__}.{name}").clear
        except ModuleNotFoundError:
            continue
    return None


def layout_time(eng: object, source: str, values: dict, options: dict, reps: int,
                clear=None) -> tuple[float, float, dict]:
    """Best analyze() with the layout minus best without (the cache cleared), the same with
    the layout cached, and the layout."""
    plain = eng.prepare(source, values, **{**options, "layout": False})
    drawn = eng.prepare(source, values, **{**options, "layout": True})
    without, with_ = [], []
    layout = None
    for _ in range(reps):
        t0 = time.perf_counter()
        plain.run()
        without.append(time.perf_counter() - t0)
        if clear:
            clear()
        t0 = time.perf_counter()
        layout = drawn.run().layout
        with_.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    drawn.run()
    warm = time.perf_counter() - t0
    return max(min(with_) - min(without), 0.0), max(warm - min(without), 0.0), layout


def programs(quick: bool) -> list[tuple[str, str, dict, dict]]:
    out = [(f"example {e['id']}", e["source"], e["values"], e["options"]) for e in EXAMPLES]
    out += [(name, src, {}, {"default_value": 0.5}) for name, src in bench_programs()]
    return out


def polylines(layout: dict) -> list[list[tuple[float, float]]]:
    return [[tuple(p) for p in e["points"]] for e in layout["edges"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="graphs up to 100 nodes only")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--against", metavar="REV", help="also measure this git revision's engine (before)")
    args = ap.parse_args()
    if not shutil.which("dot"):
        sys.exit("dot not found: apt-get install -y --no-install-recommends graphviz")
    before = load_engine(args.against) if args.against else None
    before_clear = cache_clear_of(before) if before else None
    startup = min(run_dot("digraph G {}")[0] for _ in range(9))
    print(f"dot start-up (empty graph, best of 9): {startup * 1000:.1f} ms; times: best of {args.reps}")
    print("crossings: ours | dot free | dot pin (inputs in our first column rank=min, output rank=max)"
          " | pin + head ports in operand order" + (" | before" if before else "") + "\n")
    head = (f"{'graph':28} {'n':>4} | {'ours':>5} {'free':>5} {'pin':>5} {'pin+pt':>6}"
            + (f" {'before':>6}" if before else "") + f" | {'area ours/dot':>13} | {'ms ours':>7} "
            f"{'cached':>6} {'dot':>6} {'ratio':>5}" + (f" {'before':>6}" if before else ""))
    print(head)
    print("-" * len(head))
    rows = []
    for name, source, values, options in programs(args.quick):
        prepared = engine.prepare(source, values, **options)
        g = layout_request(prepared.graph)
        n = len(g[0])
        if args.quick and n > 100:
            continue
        ours, cached, layout = layout_time(engine, source, values, options, args.reps, cache.clear)
        oc = count_crossings(polylines(layout))
        first = {i for i, k in enumerate(g[1]) if k == "input" and layout["nodes"][i]["layer"] == 0}
        dt, dc, da = min(run_dot(to_dot(g, None)) for _ in range(args.reps))
        dt = max(dt - startup, 1e-6)
        pc = run_dot(to_dot(g, first))[1]
        qc = run_dot(to_dot(g, first, ports=True))[1]
        bc = bt = None
        if before:
            bt, _, blayout = layout_time(before, source, values, options, args.reps, before_clear)
            bc = count_crossings(polylines(blayout))
        area = layout["width"] * layout["height"]
        rows.append(dict(name=name, n=n, ours=oc, free=dc, pin=pc, ports=qc, before=bc, t=ours, dot=dt,
                         cached=cached, bt=bt, area=area, dot_area=da))
        print(f"{name:28} {n:4d} | {oc:5d} {dc:5d} {pc:5d} {qc:6d}" + (f" {bc:6d}" if before else "")
              + f" | {area / max(da, 1):13.2f} | {ours * 1e3:7.2f} {cached * 1e3:6.2f} {dt * 1e3:6.1f} "
              f"{ours / dt:5.2f}" + (f" {bt * 1e3:6.1f}" if before else ""), flush=True)
    print("-" * len(head))
    summary(rows, before is not None)


def summary(rows: list[dict], with_before: bool) -> None:
    print("\nTime, layout (analyze with minus without) / dot -Tplain, per size bucket "
          f"(target <= {TIME_TARGET}):")
    ratios = []
    for lo, hi in BUCKETS:
        b = [r for r in rows if lo <= r["n"] <= hi]
        if not b:
            continue
        ours, dot = sum(r["t"] for r in b), sum(r["dot"] for r in b)
        worst = max(b, key=lambda r: r["t"] / r["dot"])
        line = (f"  {lo:>3}-{hi if hi < 10**9 else '':<4} nodes ({len(b):2d} graphs): ours {ours * 1e3:8.1f} ms,"
                f" dot {dot * 1e3:8.1f} ms, ratio {ours / dot:.2f} {'met' if ours / dot <= TIME_TARGET else 'MISSED'}"
                f"; worst graph {worst['t'] / worst['dot']:.2f} ({worst['name']})")
        if with_before:
            line += f"; before {sum(r['bt'] for r in b) / dot:.2f}"
        print(line)
        ratios.append((f"{lo}–{hi}" if hi < 10**9 else f"{lo}+", ours / dot))
    cached = sum(r["cached"] for r in rows) / max(1e-9, sum(r["t"] for r in rows))
    print(f"  the same graph again (the layout cached): {cached:.2f} x the cold layout")
    small = [r for r in rows if r["n"] <= 100]
    total = sum(r["ours"] for r in rows)
    print(f"\nCrossings ({len(small)} graphs up to 100 nodes, {len(rows)} in all):")
    for key, label in (("free", "dot, free"), ("pin", "dot, pin"), ("ports", "dot, pin + ports")):
        ok = sum(r["ours"] <= r[key] for r in small)
        theirs = sum(r[key] for r in rows)
        target = f" (target >= {SHARE_TARGET:.0%})" if key == "ports" else ""
        verdict = (" met" if ok >= SHARE_TARGET * len(small) else " MISSED") if key == "ports" else ""
        print(f"  vs {label:17}: ours <= theirs on {ok}/{len(small)} ({ok / max(1, len(small)):.0%}){target}{verdict};"
              f" total ours/theirs {total}/{theirs} = {total / max(1, theirs):.2f}")
    if with_before:
        was = sum(r["before"] for r in rows)
        was_small = sum(r["before"] for r in small)
        print(f"  vs before: total {total}/{was} = {total / max(1, was):.2f} (target <= 1.00) "
              f"{'met' if total <= was else 'MISSED'}; up to 100 nodes "
              f"{sum(r['ours'] for r in small)}/{was_small}")
    report("layout_vs_dot_time", "layout time vs dot -Tplain",
           ", ".join(f"{ratio:.2f}× at {size} nodes" for size, ratio in ratios),
           f"≤ {TIME_TARGET}× at every size", all(ratio <= TIME_TARGET for _size, ratio in ratios))
    ok = sum(r["ours"] <= r["ports"] for r in small)
    ports_total = sum(r["ports"] for r in rows)
    report("layout_crossings", "crossings ≤ dot pin+ports, graphs up to 100 nodes",
           f"{ok / max(1, len(small)):.0%} of {len(small)}; total crossings {total / max(1, ports_total):.2f}× dot pin+ports'",
           f"≥ {SHARE_TARGET:.0%}, total no worse", ok >= SHARE_TARGET * len(small) and total <= ports_total)
    area = sum(r["area"] for r in rows) / max(1.0, sum(r["dot_area"] for r in rows))
    print(f"\nDrawing area ours/dot (free): {area:.2f}")


if __name__ == "__main__":
    main()
