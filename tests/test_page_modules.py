"""The page's ES modules (static/js/): no module imports one that imports it back, each is
used by one of the three entries (the page's main.js, the exported walk-through's
walkthrough.js, the notebook widget's widget.js), and neither the walk-through nor the widget
ever talks to a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from compgraph.app.packing import IMPORT, modules
from test_structure import cycles

JS = Path(__file__).resolve().parents[1] / "static" / "js"
ENTRIES = ("main.js", "walkthrough.js", "widget.js")


def imports() -> dict[str, set[str]]:
    return {path.name: set(IMPORT.findall(path.read_text())) for path in JS.glob("*.js")}


def test_no_import_cycles() -> None:
    assert cycles(imports()) == []


def test_the_cycle_finder_sees_a_js_cycle() -> None:
    assert cycles({"a.js": {"b.js"}, "b.js": {"a.js"}}) == [["a.js", "b.js"]]


def test_every_module_is_used() -> None:
    used = set().union(*(modules(entry) for entry in ENTRIES))
    assert sorted(set(imports()) - used) == []


@pytest.mark.parametrize("entry", ["walkthrough.js", "widget.js"])
def test_the_walkthrough_and_the_widget_make_no_request(entry: str) -> None:
    bundled = modules(entry)
    assert "api.js" not in bundled
    assert not [name for name, text in bundled.items() if re.search(r"\bfetch\(|XMLHttpRequest|WebSocket", text)]
