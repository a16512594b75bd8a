"""Engine cost per node next to micrograd 0.1.0 building and back-propagating the same graph.

    .venv/bin/python bench/engine_vs_micrograd.py [--sizes 1000 10000 100000] [--repeat 5]

For each size it prints µs per node for: our parse; our analyze without parse
(graph building, forward, backward and the full step trace); the numerical
gradient check that analyze also runs by default; JSON serialization
(to_json); and micrograd's build + backward. Then the ratios the engine issue
targets, and peak memory (tracemalloc) at the largest size.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compgraph.engine.evaluate import evaluate, forward_plan  # noqa: E402
from compgraph.engine.gcpause import collector_paused  # noqa: E402
from compgraph.engine.gradcheck import central_differences  # noqa: E402
from compgraph.engine.graph import build_graph  # noqa: E402
from compgraph.engine.parser import parse  # noqa: E402

from bench.programs import make_program  # noqa: E402
from compgraph import engine  # noqa: E402

LIMITS = engine.Limits(max_source_chars=50_000_000, max_nodes=2_000_000,
                       max_gradcheck_evaluations=10**9)


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


def best_of(repeat, fn):
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def ours_parts(source, values):
    program = parse(source, LIMITS)
    graph = build_graph(program, LIMITS)
    return program, graph


def run_size(n, repeat):
    source, statements, values = make_program(n)
    program = parse(source, LIMITS)
    graph = build_graph(program, LIMITS)
    nodes = len(graph)
    order = list(values)
    variable_values = [values[name] for name in graph.variables]
    assert set(order) == set(graph.variables)

    # Our phases are timed as analyze() runs them: with the cycle collector paused.
    def parse_only():
        with collector_paused():
            return parse(source, LIMITS)

    t_parse, _, _ = best_of(repeat, parse_only)

    def build_only():
        with collector_paused():
            return build_graph(program, LIMITS)

    t_build, _, g = best_of(repeat, build_only)

    def evaluate_only():
        with collector_paused():
            return evaluate(g, variable_values, forward_plan(g))

    t_eval, _, ev = best_of(repeat, evaluate_only)
    t_core = t_build + t_eval
    plan = forward_plan(g)
    t_check, _, _ = best_of(repeat, lambda: central_differences(g, plan, ev.values, ev.grads))
    result = engine.analyze(source, values, limits=LIMITS)
    t_json, _, payload = best_of(repeat, result.to_json)
    t_full, _, _ = best_of(repeat, lambda: engine.analyze(source, values, limits=LIMITS).to_json())

    # micrograd's backward is a recursive topological sort: give it room.
    box = {}

    def micro():
        box["t"] = best_of(repeat, lambda: micrograd_run(statements, values))

    threading.stack_size(1 << 29)
    sys.setrecursionlimit(10**7)
    thread = threading.Thread(target=micro)
    thread.start()
    thread.join()
    t_micro, _, (out, env) = box["t"]
    # The same graph: same output value and gradients.
    assert abs(out.data - ev.values[g.output]) <= 1e-9 * max(1, abs(out.data)), (out.data, ev.values[g.output])
    for k, name in enumerate(g.variables):
        mg = env[name].grad
        assert abs(mg - ev.grads[k]) <= 1e-9 * max(1, abs(mg)), (name, mg, ev.grads[k])
    return {
        "n": nodes, "bytes": len(source), "parse": t_parse, "build": t_build, "eval": t_eval,
        "core": t_core, "check": t_check,
        "json": t_json, "full": t_full, "micro": t_micro, "json_bytes": len(payload),
    }


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
    box = {}
    threading.stack_size(1 << 29)
    sys.setrecursionlimit(10**7)
    thread = threading.Thread(target=lambda: box.setdefault("m", peak(lambda: micrograd_run(statements, values))))
    thread.start()
    thread.join()
    return ours, ours_full, box["m"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    us = 1e6
    print(f"{'nodes':>8} {'src KB':>7} | {'parse':>6} {'build':>6} {'fwd+bwd':>7} {'gradchk':>7} "
          f"{'json':>6} {'total':>6} | {'micrograd':>9} | {'fwd+bwd/mg':>10} {'b+f+b/mg':>8} "
          f"{'total/mg':>8} {'parse s/MB':>10}")
    rows = []
    for n in args.sizes:
        r = run_size(n, args.repeat)
        rows.append(r)
        n_nodes = r["n"]

        def per(t: float, n_nodes: int = n_nodes) -> float:
            return t / n_nodes * us

        print(f"{r['n']:>8} {r['bytes'] / 1024:>7.0f} | {per(r['parse']):>6.2f} {per(r['build']):>6.2f} "
              f"{per(r['eval']):>7.2f} {per(r['check']):>7.2f} {per(r['json']):>6.2f} {per(r['full']):>6.2f} | "
              f"{per(r['micro']):>9.2f} | {r['eval'] / r['micro']:>10.3f} {r['core'] / r['micro']:>8.3f} "
              f"{(r['parse'] + r['core'] + r['json']) / r['micro']:>8.3f} "
              f"{r['parse'] / (r['bytes'] / 1e6):>10.3f}")
    print("(µs per node; parse = text -> syntax tree; build = syntax tree -> graph; fwd+bwd = forward,"
          " backward and the full step trace; gradchk = the numerical check analyze() also runs;"
          " json = to_json(); total = analyze() with its defaults, then to_json())")
    print("targets: analyze without parse / micrograd <= 0.15 (shown with and without the graph build),"
          " (parse + analyze + json) / micrograd <= 0.5, parse <= 0.5 s/MB")
    ours, ours_full, micro = peak_memory(max(args.sizes))
    print(f"peak memory at {max(args.sizes):,} nodes: ours {ours / 2**20:.1f} MiB "
          f"(with gradcheck {ours_full / 2**20:.1f} MiB), micrograd {micro / 2**20:.1f} MiB, "
          f"ratio {ours / micro:.2f} (target <= 0.3)")


if __name__ == "__main__":
    main()
