"""compgraph.show and compgraph.Widget in Python, without a browser: what the kernel holds
and answers (tests/test_page_widget.py drives the front end)."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

import compgraph
from compgraph.widget import Widget

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def answer(widget: Widget) -> dict:
    return orjson.loads(widget._answer)


def test_show_is_the_widget_with_the_engine_answer() -> None:
    widget = compgraph.show("(x+y)*z", x=-2, y=5, z=-4)
    assert isinstance(widget, compgraph.Widget)
    assert widget.analysis.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert answer(widget)["result"]["format"] == "compact"
    bundle, _ = widget._repr_mimebundle_()
    assert WIDGET_VIEW in bundle


def test_keywords_named_as_options_are_options_and_the_rest_values() -> None:
    widget = compgraph.show("seed * x", values={"seed": 3}, x=2, merge=True)
    assert widget.values == {"seed": 3, "x": 2}
    assert widget.options == {"merge": True}
    assert widget.analysis.gradients == {"seed": 2.0, "x": 3.0}


def test_every_change_from_python_re_analyses() -> None:
    widget = compgraph.Widget("(x+y)*z", {"x": -2, "y": 5, "z": -4})
    widget.values = {"x": -2, "y": 5, "z": 2}
    assert widget.analysis.gradients == {"x": 2.0, "y": 2.0, "z": 3.0}
    widget.source = "x*y*z"
    assert widget.analysis.gradients == {"x": 10.0, "y": -4.0, "z": -10.0}
    widget.source = "(x+"
    assert widget.error.code == "missing_operand"
    assert answer(widget)["error"]["start"] == 2
    assert widget.analysis.gradients == {"x": 10.0, "y": -4.0, "z": -10.0}  # the last good one


def test_a_bad_option_is_refused_in_the_callers_cell() -> None:
    with pytest.raises(compgraph.EngineError, match="seed"):
        compgraph.show("x", x=1, seed=-1)
    widget = compgraph.show("x", x=1)
    with pytest.raises(compgraph.EngineError, match="unknown option|no option"):
        widget.options = {"sed": 1}


def test_training_is_answered_with_the_engines_run() -> None:
    widget = compgraph.show("w = param(1)\nL = sum((w * x - 3)^2)", x=1)
    sent: list[dict] = []
    widget.send = sent.append
    request = {"source": widget.source, "values": widget.values, "steps": 20, "learning_rate": 0.1, "seed": 0}
    widget._handle_custom_msg({"kind": "train", "id": 7, "request": request}, [])
    run = compgraph.train(widget.source, widget.values, steps=20, learning_rate=0.1, seed=0)
    assert sent == [{"kind": "trained", "id": 7, "result": run.to_dict()}]
    widget._handle_custom_msg({"kind": "train", "id": 8, "request": {**request, "steps": 0}}, [])
    assert sent[1]["error"]["code"] == "invalid_option"


def test_import_compgraph_works_without_anywidget_and_show_says_what_to_install() -> None:
    code = ("import sys; sys.modules['anywidget'] = None\n"
            "import compgraph\n"
            "print(compgraph.analyze('x*2', {'x': 1}).gradients)\n"
            "try:\n    compgraph.show('x', x=1)\nexcept ModuleNotFoundError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["{'x': 2.0}",
                                "compgraph.show needs anywidget, the notebook extra: pip install 'compgraph[notebook]'"]


def test_an_option_the_front_end_sets_and_the_engine_refuses_is_answered_as_its_error() -> None:
    widget = compgraph.show("(x+y)*z", x=-2, y=5, z=-4)
    widget.set_state({"options": {"learning_rate": 1e9}, "_asked": 4})  # as ipywidgets does
    assert answer(widget) == {"asked": 4, "error": {"code": "invalid_option", "start": 0, "end": 0,
                                                    "message": widget.error.message}}
    assert "learning rate" in widget.error.message
    assert widget.options == {}  # refused, so not taken


def test_the_kernels_limits_apply() -> None:
    widget = compgraph.show("x*y*z", x=1, y=2, z=3, limits=compgraph.Limits(max_nodes=3))
    assert widget.error.code == "too_many_nodes"
    assert "limits" not in widget.get_state()
