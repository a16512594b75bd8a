"""What the engine's default limits allow, measured: the costliest programs that are not refused.

    .venv/bin/python bench/limits.py       # about 30 s

For each program, in a fresh process with one BLAS thread (as a server worker runs it):
the engine's estimate (numbers held, operations) beside the measured wall time of
prepare().run().to_json() and the peak resident memory of the process above its start.
The programs sit at the limits: the largest n of their family that is not refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROGRAMS = {  # family -> source with {n}
    "matrix-product chain": "W = param({n}, {n}); L = sum(W @ W @ W)",
    "elementwise": "W = param({n}, {n}); L = sum(W * W + sin(W))",
    "softmax": "W = param({n}, {n}); L = sum(softmax(W) * W)",
    "cross-entropy": "Z = param({n}, 1000); L = cross_entropy(Z, softmax(Z))",
    "two layers": "W1 = param({n}, {n}); W2 = param({n}, 10); L = mean(relu(W1 @ W2))",
}

MEASURE = """
import json, resource, sys, time
from compgraph import engine
source = sys.argv[1]
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
prepared = engine.prepare(source)
began = time.perf_counter()
prepared.run().to_json()
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": (peak - start) / 1024,
                  "elements": prepared.cost.elements, "work": prepared.cost.work,
                  "gradcheck": prepared.gradcheck}))
"""


def largest_allowed(template: str) -> int:
    from compgraph import engine

    def allowed(n: int) -> bool:
        try:
            engine.prepare(template.format(n=n))
        except engine.EngineError:
            return False
        return True

    low, high = 1, 20_000
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if allowed(middle) else (low, middle - 1)
    return low


def main() -> int:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MALLOC_MMAP_THRESHOLD_": "131072"}
    print(f"{'family':<22} {'program':<70} {'est. MiB':>8} {'peak MiB':>8} {'est. ops':>9} {'seconds':>7}")
    results = {}
    for family, template in PROGRAMS.items():
        source = template.format(n=largest_allowed(template))
        runs = [json.loads(subprocess.run([sys.executable, "-c", MEASURE, source], env=env, check=True,
                                          capture_output=True, text=True).stdout) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        results[family] = {"source": source, **best, "peak_mib": max(r["peak_mib"] for r in runs)}
        print(f"{family:<22} {source:<70} {8 * best['elements'] / 2**20:>8.0f} "
              f"{results[family]['peak_mib']:>8.0f} {best['work']:>9.2g} {best['seconds']:>7.2f}"
              f"{'' if best['gradcheck'] else '  (gradient check skipped)'}")
    print("\ntargets: peak under ~200 MiB and about 1 s each (best of 3; the machine is shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
