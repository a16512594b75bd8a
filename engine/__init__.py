"""compgraph's engine: source text -> operator graph -> forward values, backward gradients, trace.

The one entry point is `analyze`; the server and the CLI both call it.
"""

from .analysis import Analysis, analyze
from .errors import EngineError, caret_lines, describe
from .limits import Limits

__all__ = ["Analysis", "EngineError", "Limits", "analyze", "caret_lines", "describe"]
