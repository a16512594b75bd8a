"""The player inline in a notebook (JupyterLab, Jupyter Notebook, VS Code, marimo): an
anywidget whose front end is the page's own modules (static/js/widget.js and what it
imports, packed as text by app/packing.py) and whose engine is the kernel.

    import compgraph
    compgraph.show("log(x1*x2)*sin(x2)", x1=2, x2=5)

    w = compgraph.Widget("(x + y) * z", values={"x": -2, "y": 5, "z": -4})
    w                       # shows it; its editor and fields change w.source and w.values
    w.values = {"x": 3, "y": 5, "z": -4}   # re-analyses in the kernel; the widget follows
    w.analysis.gradients    # the engine's answer, in Python

No server and no network: the front end asks by setting traits (`source`, `values`,
`options`, `parameters` and a request number `_asked`); every change, from Python or from
the widget, re-analyses here and answers in `_answer`. Training is a custom message
answered with the engine's TrainResult. anywidget is the notebook extra's
(`pip install 'compgraph[notebook]'`); compgraph/__init__.py imports this module only
when `show` or `Widget` is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import anywidget
import orjson
import traitlets

from . import engine
from .app.catalog import catalog
from .app.packing import LOADER, modules, stylesheet, training_markup
from .engine import AnalysisOptions, EngineError

ENTRY = "widget.js"
OPTION_NAMES = frozenset(f.name for f in AnalysisOptions.api_fields())
# What the player draws from, whatever the caller asked: its layout, in the compact form
# (static/js/wire.js decodes it); a variable typed in the editor starts at 1, as on the page.
DRAWN = {"layout": True, "format": "compact"}
DEFAULTS = {"default_value": 1}


@cache
def front_end() -> str:
    """anywidget's ES module: the page's modules as text, loaded as blob: URLs (LOADER), with
    the stylesheet (for the widget's shadow root), the operator catalog and the training
    panel's markup (the page's templates/training.html)."""
    def js(data: object) -> str:
        return orjson.dumps(data).decode()

    return "\n".join([
        f"const sources = {js(modules(ENTRY))};",
        f"const css = {js(stylesheet())};",
        f"const catalog = {js(catalog())};",
        f"const trainingMarkup = {js(training_markup())};",
        LOADER,
        f"const widget = await import(compgraphModules(sources)({js(ENTRY)}));",
        "export default { render: ({ model, el }) => widget.render({ model, el, css, catalog, trainingMarkup }) };",
    ])


class Widget(anywidget.AnyWidget):
    """The interactive player for `source` with `values`; `options` are engine.analyze's
    (seed, learning_rate, merge, text_scale, mistakes, ...). Every change of `source`,
    `values`, `options` or `parameters` re-analyses in the kernel."""

    _esm = front_end()
    source = traitlets.Unicode("").tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    options = traitlets.Dict().tag(sync=True)
    parameters = traitlets.Dict().tag(sync=True)  # a training step's parameters, being replayed
    _asked = traitlets.Int(0).tag(sync=True)
    _answer = traitlets.Unicode("").tag(sync=True)

    def __init__(self, source: str = "", values: Mapping[str, Any] | None = None, *,
                 limits: engine.Limits | None = None, **options: Any) -> None:
        self.analysis: engine.Analysis | None = None  # the last good answer
        self.error: EngineError | None = None  # why the last analysis failed, or None
        self.limits = limits or engine.Limits()  # the kernel's, never sent to the front end
        self._analysed: bytes | None = None
        self._holding = False
        super().__init__(source=source, values=dict(values or {}), options=options)
        self.on_msg(self._on_message)
        self._analyze()

    def set_state(self, sync_data: dict) -> None:
        """The front end's changes (ipywidgets calls this). Options the engine refuses (a
        learning rate typed too large) are not taken, and answered as the engine's error, as
        the page shows them; the rest of the changes are taken. (Set from Python, they raise.)"""
        try:
            AnalysisOptions.of({**sync_data.get("options", {}), **DRAWN})
        except EngineError as error:
            self._holding = True  # no analysis with the options still in force
            try:
                super().set_state({name: value for name, value in sync_data.items() if name != "options"})
            finally:
                self._holding = False
            self._answer_error(error, self._asked)
            return
        super().set_state(sync_data)

    @traitlets.validate("options")
    def _valid_options(self, proposal: traitlets.Bunch) -> dict:
        options = dict(proposal["value"])
        AnalysisOptions.of({**options, **DRAWN})  # EngineError now, in the caller's cell
        return options

    @traitlets.observe("source", "values", "options", "parameters", "_asked")
    def _changed(self, _change: traitlets.Bunch) -> None:
        self._analyze()

    def _analyze(self) -> None:
        """Analyse what the traits hold (once: a change of several traits at once notifies
        each) and answer the front end."""
        asked = {"source": self.source, "values": self.values, "options": self.options,
                 "parameters": self.parameters, "asked": self._asked}
        key = orjson.dumps(asked, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        if self._holding or key == self._analysed:
            return
        self._analysed = key
        try:
            analysis = engine.analyze(self.source, {**self.values, **self.parameters},
                                      **{**DEFAULTS, **self.options, **DRAWN, "limits": self.limits})
        except EngineError as error:
            self._answer_error(error, self._asked)
            return
        self.analysis, self.error = analysis, None
        self._answer = f'{{"asked":{self._asked},"result":{analysis.to_json().decode()}}}'

    def _answer_error(self, error: EngineError, asked: int) -> None:
        self.error = error
        self._answer = orjson.dumps({"asked": asked, "error": _error_body(error)}).decode()

    def _on_message(self, _widget: Widget, content: Any, _buffers: list) -> None:
        """The training panel's Train: SGD in the kernel, its TrainResult sent back."""
        if not isinstance(content, dict) or content.get("kind") != "train" or not isinstance(content.get("request"), dict):
            return
        request = dict(content["request"])
        reply: dict[str, Any] = {"kind": "trained", "id": content.get("id")}
        try:
            source, values = request.pop("source"), request.pop("values")
            reply["result"] = engine.train(source, values, **request, limits=self.limits).to_dict()
        except KeyError as missing:
            reply["error"] = {"code": "invalid_request", "message": f"the request has no {missing}",
                              "start": 0, "end": 0}
        except EngineError as error:
            reply["error"] = _error_body(error)
        self.send(reply)


def _error_body(error: EngineError) -> dict:
    return {"code": error.code, "message": error.message, "start": error.start, "end": error.end}


def show(source: str, values: Mapping[str, Any] | None = None, *, limits: engine.Limits | None = None,
         **values_and_options: Any) -> Widget:
    """The player for `source`, inline: `show("(x+y)*z", x=-2, y=5, z=-4, seed=1)`. A keyword
    named as one of engine.analyze's options is that option; any other is a variable's value
    (a variable named as an option goes in `values`, a dict). `limits`: the engine's, in the
    kernel (compgraph.Limits)."""
    given = dict(values or {})
    options = {}
    for name, value in values_and_options.items():
        (options if name in OPTION_NAMES else given)[name] = value
    return Widget(source, given, limits=limits, **options)
