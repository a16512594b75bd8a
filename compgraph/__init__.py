"""compgraph: watch backpropagation happen.

The Python API, one import name:

    import compgraph
    result = compgraph.analyze("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    result.gradients            # {'x': -4.0, 'y': -4.0, 'z': 3.0}
    compgraph.show("(x + y) * z", x=-2, y=5, z=-4)      # the player, in a notebook
    compgraph.export("(x + y) * z", {"x": -2, "y": 5, "z": -4}, "walkthrough.html")

The distribution installs this one package; its parts are the repository's
top-level folders mapped under it (see pyproject.toml): `compgraph.engine`
(engine/), `compgraph.app` (app/, the server and the CLI), and the page's
`static/` and `templates/` as package data. `show` and `Widget` (compgraph/widget.py)
need the notebook extra, anywidget: they are imported when first used, so that
`import compgraph` works without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .engine import Analysis, EngineError, Limits, analyze, train
from .micrograd import MicrogradProgram, from_micrograd

__all__ = ["Analysis", "EngineError", "Limits", "MicrogradProgram", "Widget", "analyze", "export",
           "from_micrograd", "show", "train"]

_NOTEBOOK = ("show", "Widget")


def export(source: str, values: Mapping[str, Any] | None = None, path: str | Path | None = None,
           **options: Any) -> str:
    """The walk-through as one HTML file that plays offline with no server (as `compgraph
    export` writes it): its text, also written to `path` if given. `options` are analyze's."""
    from .app.export import analyze as analyze_drawn
    from .app.export import title_of, walkthrough_html

    values = dict(values or {})
    html = walkthrough_html(analyze_drawn(source, values, **options), title_of(source, values))
    if path is not None:
        Path(path).write_text(html, encoding="utf-8")
    return html


def __getattr__(name: str) -> Any:
    if name not in _NOTEBOOK:
        raise AttributeError(f"module 'compgraph' has no attribute {name!r}")
    try:
        from . import widget
    except ModuleNotFoundError as missing:
        if missing.name not in ("anywidget", "traitlets", "ipywidgets"):
            raise
        raise ModuleNotFoundError(
            f"compgraph.{name} needs anywidget, the notebook extra: pip install 'compgraph[notebook]'",
            name=missing.name) from None
    return getattr(widget, name)
