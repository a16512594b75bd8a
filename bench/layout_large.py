"""The layout of the page's big programs, which go to the vectorised ordering (not a test).

    PYTHONPATH=. .venv/bin/python bench/layout_large.py [--reps N] [--against REV]

The 1,261-node MLP that bench/page_frames.py opens (bench/programs.py mlp_program(), needs
the bench extra's micrograd) and make_program(5000). Time is analyze() with the layout
minus without it, each the best of --reps with the layout cache cleared (as in
bench/layout_vs_dot.py); crossings are that bench's counter applied to the drawing. With
--against REV, that revision's engine is measured in the same run beside ours ("before").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compgraph.engine.layout import cache  # noqa: E402

from bench.layout_vs_dot import cache_clear_of, count_crossings, layout_time, load_engine, polylines  # noqa: E402
from bench.programs import make_program, mlp_program  # noqa: E402
from compgraph import engine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--against", metavar="REV", help="also measure this git revision's engine (before)")
    args = ap.parse_args()
    before = load_engine(args.against) if args.against else None
    five = make_program(5000)
    graphs = (("mlp_program(), 1,261 nodes", *mlp_program()), ("make_program(5000)", five[0], five[2]))
    engines = [("ours", engine, cache.clear)] + ([("before", before, cache_clear_of(before))] if before else [])
    for name, source, values in graphs:
        for label, eng, clear in engines:
            t, _, layout = layout_time(eng, source, values, {}, args.reps, clear)
            print(f"{name:28} {label:6}: layout {t * 1e3:7.1f} ms, crossings "
                  f"{count_crossings(polylines(layout)):7d}", flush=True)


if __name__ == "__main__":
    main()
