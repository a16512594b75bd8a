"""One SGD step of a 784-128-10 MLP with cross-entropy on a batch of 64, next to PyTorch.

    .venv/bin/python bench/sgd_vs_torch.py [--steps 200]

Both run the same program in float64 on the CPU: forward, backward, and the update
w ← w − η·∂L/∂w, with no trace (engine.train's loop). PyTorch is also timed in float32,
its usual precision, for reference. Then the same step with the full trace on
(engine.analyze, as the page replays one step): the extra time and memory.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compgraph.engine import train  # noqa: E402

from compgraph import engine  # noqa: E402

SOURCE = """
W1 = param(784, 128)
b1 = param(128)
W2 = param(128, 10)
b2 = param(10)
h = relu(X @ W1 + b1)
L = cross_entropy(h @ W2 + b2, y)
"""
LEARNING_RATE = 0.1


def data(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"X": rng.standard_normal((64, 784)), "y": rng.integers(0, 10, size=64).astype(np.float64)}


def ours_per_step(values: dict, steps: int) -> float:
    train(SOURCE, values, steps=2, learning_rate=LEARNING_RATE)  # warm up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        train(SOURCE, values, steps=steps, learning_rate=LEARNING_RATE)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        train(SOURCE, values, steps=1, learning_rate=LEARNING_RATE)
        setup = time.perf_counter() - start  # parsing, initialization, one step: subtract it
        times.append((whole - setup) / (steps - 1))
    return min(times)


def torch_per_step(values: dict, steps: int, dtype) -> float:
    import torch

    torch.manual_seed(0)
    x = torch.tensor(values["X"], dtype=dtype)
    y = torch.tensor(values["y"], dtype=torch.long)
    params = [torch.empty(784, 128, dtype=dtype), torch.empty(128, dtype=dtype),
              torch.empty(128, 10, dtype=dtype), torch.empty(10, dtype=dtype)]
    for p in params:
        torch.nn.init.uniform_(p, -0.05, 0.05)
        p.requires_grad_(True)
    w1, b1, w2, b2 = params

    def step():
        loss = torch.nn.functional.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LEARNING_RATE * p.grad
                p.grad = None

    for _ in range(5):
        step()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - start) / steps)
    return min(times)


def traced_step(values: dict) -> tuple[float, float, float]:
    """(seconds, peak MiB of analyze + to_json with the trace, bytes of JSON)."""
    as_lists = {k: v.tolist() for k, v in values.items()}
    times = []
    for _ in range(3):
        start = time.perf_counter()
        payload = engine.analyze(SOURCE, as_lists, learning_rate=LEARNING_RATE, gradcheck=False).to_json()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    engine.analyze(SOURCE, as_lists, learning_rate=LEARNING_RATE, gradcheck=False).to_json()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20, len(payload)


def untraced_peak(values: dict) -> float:
    tracemalloc.start()
    train(SOURCE, values, steps=1, learning_rate=LEARNING_RATE)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    values = data()
    import torch

    torch.set_num_threads(2)
    ours = ours_per_step(values, args.steps)
    theirs = torch_per_step(values, args.steps, torch.float64)
    theirs32 = torch_per_step(values, args.steps, torch.float32)
    print(f"one SGD step, 784-128-10 MLP, cross-entropy, batch 64 ({args.steps} steps, best of 3):")
    print(f"  compgraph (numpy, float64, no trace) {ours * 1e3:8.3f} ms")
    print(f"  PyTorch CPU float64                  {theirs * 1e3:8.3f} ms   ratio {ours / theirs:.2f} "
          f"(target <= 2) {'PASS' if ours / theirs <= 2 else 'FAIL'}")
    print(f"  PyTorch CPU float32 (for reference)  {theirs32 * 1e3:8.3f} ms   ratio {ours / theirs32:.2f}")
    seconds, peak, size = traced_step(values)
    base = untraced_peak(values)
    print(f"with the full trace (engine.analyze + to_json, as the page replays a step): {seconds * 1e3:.1f} ms "
          f"= {seconds / ours:.1f}× the untraced step; peak memory {peak:.1f} MiB vs {base:.1f} MiB untraced; "
          f"JSON {size / 1024:.0f} KiB (large tensors travel as summaries)")
    print(f"numpy {np.__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}")


if __name__ == "__main__":
    main()
