"""Every benchmark in one go (`make bench`), then issue 12's figures in one table.

    .venv/bin/python bench/run_all.py                      # all, about 10 minutes
    .venv/bin/python bench/run_all.py --only engine_vs_micrograd wire_size
    .venv/bin/python bench/run_all.py --skip server_load   # the longest (about 5 minutes)

Each bench runs as a process of its own (one at a time: they share two cores), its
output shown as it comes, each figure beside its peer and target. A bench reports a
figure it is judged by with a `figure: {...}` line (bench/figures.py); the summary at
the end lists every figure of issue 12, measured or not, with today's value (the
issue's), the target, what this run measured and whether that meets the target. A
bench that needs what this machine lacks (Graphviz, Chromium) says so and the rest run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import parse  # noqa: E402

# (script, arguments), in the order they run.
BENCHES = [
    ("engine_vs_micrograd", []),
    ("wire_size", []),
    ("wire_decode", []),
    ("layout_vs_dot", []),
    ("layout_large", []),
    ("page_frames", []),
    ("sgd_vs_torch", []),
    ("limits", []),
    ("server_load", []),
]

# Issue 12's figures: key, measure, today (as the issue measured it), target, the bench that measures it.
ISSUE_12 = [
    ("engine_vs_micrograd_1000", "analyze() + the page's JSON vs micrograd, 1,000 nodes", "9.1×", "≤ 1.0×",
     "engine_vs_micrograd"),
    ("engine_vs_micrograd_10000", "analyze() + the page's JSON vs micrograd, 10,000 nodes", "2.0×", "≤ 1.0×",
     "engine_vs_micrograd"),
    ("wire_bytes_per_node", "the page's /api/graph answer, 1,261 nodes with layout, bytes per node", "1,313",
     "≤ 150", "wire_size"),
    ("layout_vs_dot_time", "layout time vs dot -Tplain", "3.1× at 71, 1.5× at 261, 0.40× at 636 nodes",
     "≤ 0.3× at every size", "layout_vs_dot"),
    ("layout_crossings", "crossings ≤ dot pin+ports, graphs up to 100 nodes", "100%", "≥ 90%, total no worse",
     "layout_vs_dot"),
    ("share_url_open", "opening a share URL of the 1,261-node program until drawn", "1,371 ms", "≤ 500 ms",
     "page_frames"),
    ("play_frame_interval", "playing at the fastest speed, median frame interval", "16.7–33.3 ms",
     "≤ 17 ms in every run", "page_frames"),
    ("keystroke_latency", "a keystroke until the new graph is drawn (debounce excluded)", "not measured",
     "≤ 30 ms at 50 nodes, ≤ 100 ms at 250", "page_frames"),
    ("big_program", "a 5,000-node program: open, then play", "not measured", "≤ 2 s, ≥ 30 fps", "page_frames"),
]


def run(script: str, arguments: list[str]) -> tuple[int, list[dict], float]:
    """Run bench/<script>.py, echoing its output; (exit status, its figures, seconds)."""
    print(f"\n=== bench/{script}.py {' '.join(arguments)}".rstrip(), flush=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    figures = []
    with subprocess.Popen([sys.executable, str(ROOT / "bench" / f"{script}.py"), *arguments], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            figure = parse(line.rstrip("\n"))
            if figure is not None:
                figures.append(figure)
    return process.returncode, figures, time.monotonic() - started


def summary(figures: dict[str, dict], ran: dict[str, tuple[int, float]]) -> list[str]:
    rows = [("measure", "today", "target", "this run", "")]
    for key, measure, today, target, script in ISSUE_12:
        figure = figures.get(key)
        if figure is not None:
            rows.append((measure, today, target, figure["value"], "met" if figure["met"] else "missed"))
        elif script in ran:
            rows.append((measure, today, target, f"not reported by bench/{script}.py", "—"))
        else:
            rows.append((measure, today, target, "not run", "—"))
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [name for name, _ in BENCHES]
    parser.add_argument("--only", nargs="*", choices=names, help="run only these")
    parser.add_argument("--skip", nargs="*", choices=names, default=[], help="do not run these")
    args = parser.parse_args(argv)
    chosen = [(name, arguments) for name, arguments in BENCHES
              if (not args.only or name in args.only) and name not in args.skip]
    figures: dict[str, dict] = {}
    ran: dict[str, tuple[int, float]] = {}
    for name, arguments in chosen:
        status, found, seconds = run(name, arguments)
        ran[name] = (status, seconds)
        figures.update((figure["key"], figure) for figure in found)
    print("\n=== the benches")
    for name, (status, seconds) in ran.items():
        print(f"bench/{name}.py: {seconds:.0f} s" + (f", exit status {status}" if status else ""))
    print("\n=== issue 12's figures (this machine, this run: indicative)")
    print("\n".join(summary(figures, ran)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
