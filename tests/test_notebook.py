"""examples/*.ipynb run top to bottom in a fresh kernel of this venv (nbclient, ipykernel),
and every cell that calls compgraph.show() outputs the widget view: the notebook's
player, whose state (kept by nbclient) holds the kernel's answer."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import orjson
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def test_there_is_an_example_notebook() -> None:
    assert [path.name for path in EXAMPLES] == ["lecture.ipynb"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_the_notebook_runs_and_shows_the_widget(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(new_code_cell("import sys; print(sys.prefix)"))  # whose kernel it was
    NotebookClient(notebook, timeout=180, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()

    assert notebook.cells[-1].outputs[0]["text"].strip() == sys.prefix
    showing = [cell for cell in notebook.cells if cell.cell_type == "code" and "compgraph.show(" in cell.source]
    assert len(showing) == 4
    states = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    for cell in showing:
        views = [out["data"][WIDGET_VIEW] for out in cell.outputs if WIDGET_VIEW in out.get("data", {})]
        assert len(views) == 1, f"no widget shown by:\n{cell.source}"
        state = states[views[0]["model_id"]]["state"]
        assert state["_model_name"] == "AnyModel"
        assert "result" in orjson.loads(state["_answer"]), cell.source
