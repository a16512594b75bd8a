"""analyze() and the JSON the page receives, next to micrograd 0.1.0 building and
back-propagating the same graph.

    .venv/bin/python bench/engine_vs_micrograd.py [--sizes 1000 10000 100000] [--repeat 7]

The programs are bench/programs.py's (+, *, relu and constants over four shared
variables, each statement using the last); micrograd's values and gradients are checked
equal to ours. For each size, µs per node, best of --repeat, of each phase as analyze()
runs it (the cycle collector paused, as analyze pauses it):

  read       source -> graph: lexer, then the one-pass reader (fast_graph.py), or the
             parser and the builder for what it does not read
  price      the rest of prepare(): binding the values, shapes, the cost estimate
  fwd+bwd    the forward and backward passes with the full step trace's records
  gradchk    the numerical gradient check analyze() runs by default
  run rest   the rest of run(): the plan, the warnings
  texts      the names the compact answer writes each node with (display.kept_names, worked
             out once per graph and kept on it; the page fills the operators' formulas in
             with them)
  compact    Analysis.to_json() in the compact form (what the page asks for), names ready
  object     the same answer as the object contract (for comparison)
  gzip       compressing the compact answer as the server does for a large one (level 1)
and the total, analyze() then the compact JSON, measured end to end, beside micrograd.
The layout is not part of it (bench/layout_vs_dot.py measures it). Then peak memory
(tracemalloc) at the largest size.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compgraph.engine.display import kept_names  # noqa: E402
from compgraph.engine.evaluate import evaluate, forward_plan  # noqa: E402
from compgraph.engine.fast_graph import read_graph  # noqa: E402
from compgraph.engine.gcpause import collector_paused  # noqa: E402
from compgraph.engine.gradcheck import central_differences  # noqa: E402
from compgraph.engine.graph import build_graph  # noqa: E402
from compgraph.engine.parser import iter_statements  # noqa: E402

from bench.figures import report  # noqa: E402
from bench.programs import make_program  # noqa: E402
from compgraph import engine  # noqa: E402

LIMITS = engine.Limits(max_source_chars=50_000_000, max_nodes=2_000_000,
                       max_gradcheck_evaluations=10**9, max_work=10**14)
TODAY = {1_000: 9.1, 10_000: 2.0}  # issue 12's figures, analyze() + the JSON the page received then
TARGET = 1.0


def micrograd_run(statements, values):
    from micrograd.engine import Value

    env = {name: Value(v) for name, v in values.items()}
    last = None
    for target, op, a, b in statements:
        if op == "avg":
            last = (env[a] + env[b]) * 0.5
        elif op == "mul":
            last = env[a] * env[b]
        elif op == "addc":
            last = env[a] + b
        elif op == "mulc":
            last = env[a] * b
        else:
            last = env[a].relu()
        env[target] = last
    last.backward()
    return last, env


def best_of(repeat, fn, paused=True):
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        if paused:
            with collector_paused():
                result = fn()
        else:
            result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def in_big_stack(fn):
    """micrograd's backward sorts the graph recursively: give it room."""
    box = {}
    threading.stack_size(1 << 29)
    sys.setrecursionlimit(10**7)
    thread = threading.Thread(target=lambda: box.setdefault("out", fn()))
    thread.start()
    thread.join()
    return box["out"]


def read(source):
    return read_graph(source, LIMITS) or build_graph(iter_statements(source, LIMITS), LIMITS, source=source)


def run_size(n, repeat):
    source, statements, values = make_program(n)
    t = {}
    t["read"], graph = best_of(repeat, lambda: read(source))
    t_prepare, prepared = best_of(repeat, lambda: engine.prepare(source, values, limits=LIMITS))
    t["price"] = max(0.0, t_prepare - t["read"])
    variable_values = [values[name] for name in graph.variables]
    t["fwd+bwd"], ev = best_of(repeat, lambda: evaluate(graph, variable_values, forward_plan(graph)))
    plan = forward_plan(graph)
    t["gradchk"], _ = best_of(repeat, lambda: central_differences(graph, plan, ev.values, ev.grads))
    t_run, analysis = best_of(repeat, prepared.run)
    t["run rest"] = max(0.0, t_run - t["fwd+bwd"] - t["gradchk"])
    fresh = [read(source) for _ in range(repeat)]  # a new graph each time: nothing kept on it yet
    t["texts"], _ = best_of(repeat, lambda: kept_names(fresh.pop(), source))
    t["compact"], payload = best_of(repeat, lambda: analysis.to_json("compact"))
    t["object"], objects = best_of(repeat, lambda: analysis.to_json("object"))
    t["gzip"], _ = best_of(repeat, lambda: gzip.compress(payload, compresslevel=1, mtime=0))
    t["total"], _ = best_of(repeat, lambda: engine.analyze(source, values, limits=LIMITS,
                                                           format="compact").to_json())
    t["object total"], _ = best_of(repeat, lambda: engine.analyze(source, values, limits=LIMITS).to_json())
    t["micrograd"], (out, env) = in_big_stack(lambda: best_of(repeat, lambda: micrograd_run(statements, values),
                                                               paused=False))
    # The same graph: same output value and gradients.
    assert abs(out.data - ev.values[graph.output]) <= 1e-9 * max(1, abs(out.data))
    for k, name in enumerate(graph.variables):
        assert abs(env[name].grad - ev.grads[k]) <= 1e-9 * max(1, abs(env[name].grad)), name
    return {"n": len(graph), "t": t, "bytes": len(payload), "object bytes": len(objects),
            "one pass": read_graph(source, LIMITS) is not None}


def peak_memory(n):
    source, statements, values = make_program(n)

    def peak(fn):
        gc.collect()
        tracemalloc.start()
        kept = fn()
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del kept
        return high

    ours = peak(lambda: engine.analyze(source, values, limits=LIMITS, gradcheck=False))
    ours_full = peak(lambda: engine.analyze(source, values, limits=LIMITS))
    micro = in_big_stack(lambda: peak(lambda: micrograd_run(statements, values)))
    return ours, ours_full, micro


PHASES = ("read", "price", "fwd+bwd", "gradchk", "run rest", "texts", "compact", "object", "gzip")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    print("µs per node, best of", args.repeat)
    print(f"{'nodes':>8} | " + " ".join(f"{p:>8}" for p in PHASES)
          + f" | {'total':>7} {'micrograd':>9} {'ratio':>6} | {'object total':>12} {'ratio':>6} | {'B/node':>6}")
    rows = []
    for n in args.sizes:
        r = run_size(n, args.repeat)
        rows.append(r)
        t, nodes = r["t"], r["n"]

        def us(key: str, t: dict = t, nodes: int = nodes) -> float:
            return t[key] / nodes * 1e6

        print(f"{nodes:>8} | " + " ".join(f"{us(p):>8.2f}" for p in PHASES)
              + f" | {us('total'):>7.2f} {us('micrograd'):>9.2f} {t['total'] / t['micrograd']:>5.2f}×"
              + f" | {us('object total'):>12.2f} {t['object total'] / t['micrograd']:>5.2f}×"
              + f" | {r['bytes'] / nodes:>6.0f}" + ("" if r["one pass"] else "  (parser and builder)"))
    print("total = analyze() with its defaults, then the compact JSON; ratio = total / micrograd's build and "
          "backward; object total = the same with the object contract's JSON; B/node = compact bytes per node")
    for r in rows:
        closest = min(TODAY, key=lambda size: abs(size - r["n"]))
        if abs(closest - r["n"]) <= 0.01 * closest:
            ratio = r["t"]["total"] / r["t"]["micrograd"]
            before = r["t"]["object total"] / r["t"]["micrograd"]
            report(f"engine_vs_micrograd_{closest}",
                   f"analyze() + the page's JSON vs micrograd, {closest:,} nodes",
                   f"{ratio:.2f}× (the object JSON: {before:.2f}×)", f"≤ {TARGET:.1f}× (today {TODAY[closest]}×)",
                   ratio <= TARGET)
    largest = max(args.sizes)
    ours, ours_full, micro = peak_memory(largest)
    print(f"peak memory at {largest:,} nodes: ours {ours / 2**20:.1f} MiB (with the gradient check "
          f"{ours_full / 2**20:.1f} MiB), micrograd {micro / 2**20:.1f} MiB, ratio {ours / micro:.2f} (target ≤ 0.3)")


if __name__ == "__main__":
    main()
