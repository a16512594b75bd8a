"""compgraph: watch backpropagation happen.

The Python API, one import name:

    import compgraph
    result = compgraph.analyze("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    result.gradients            # {'x': -4.0, 'y': -4.0, 'z': 3.0}

The distribution installs this one package; its parts are the repository's
top-level folders mapped under it (see pyproject.toml): `compgraph.engine`
(engine/), `compgraph.app` (app/, the server and the CLI), and the page's
`static/` and `templates/` as package data.
"""

from .engine import Analysis, EngineError, Limits, analyze, train
from .micrograd import MicrogradProgram, from_micrograd

__all__ = ["Analysis", "EngineError", "Limits", "MicrogradProgram", "analyze", "from_micrograd", "train"]
