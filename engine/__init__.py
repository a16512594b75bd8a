"""compgraph's engine: source text -> operator graph -> forward values, backward gradients, trace.

Two entry points: `analyze` (one forward and backward pass, with the step trace)
and `train` (SGD on a program's parameters). The server, the CLI and the notebook
widget call only what this module exports.
"""

from .analysis import analyze
from .contract import Analysis
from .errors import EngineError, EngineWarning, caret_lines, describe
from .limits import Limits
from .options import AnalysisOptions, TrainOptions
from .training import TrainResult, train

__all__ = ["Analysis", "AnalysisOptions", "EngineError", "EngineWarning", "Limits", "TrainOptions",
           "TrainResult", "analyze", "caret_lines", "describe", "train"]
