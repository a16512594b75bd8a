"""How a bench reports a figure, so that bench/run_all.py can gather every one into its summary.

A bench prints its tables for people, and for each figure it is judged by also one line

    figure: {"key": "...", "measure": "...", "value": "...", "target": "...", "met": true}

(`report` below prints it). run_all.py reads these lines from each bench's output;
`key` names the figure in run_all's list of issue 12's figures.
"""

from __future__ import annotations

import json

PREFIX = "figure: "


def report(key: str, measure: str, value: str, target: str, met: bool) -> dict:
    figure = {"key": key, "measure": measure, "value": value, "target": target, "met": bool(met)}
    print(PREFIX + json.dumps(figure, ensure_ascii=False), flush=True)
    return figure


def parse(line: str) -> dict | None:
    if not line.startswith(PREFIX):
        return None
    try:
        figure = json.loads(line[len(PREFIX):])
    except json.JSONDecodeError:
        return None
    return figure if isinstance(figure, dict) and "key" in figure else None
