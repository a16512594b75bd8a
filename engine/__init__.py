"""compgraph's engine: source text -> operator graph -> forward values, backward gradients, trace.

Two entry points: `analyze` (one forward and backward pass, with the step trace)
and `train` (SGD on a program's parameters). Each is its `prepare...()` (parse,
shapes and the price in `cost`, refused over the Limits before any array exists)
followed by `.run()`; a server prices work with them before choosing where it runs.
The server, the CLI and the notebook widget call only what this module exports.
"""

from .analysis import Prepared, analyze, prepare
from .contract import Analysis
from .cost import Cost, parse_work
from .errors import EngineError, EngineWarning, caret_lines, describe
from .limits import Limits
from .options import AnalysisOptions, TrainOptions
from .training import PreparedTraining, TrainResult, prepare_training, train

__all__ = ["Analysis", "AnalysisOptions", "Cost", "EngineError", "EngineWarning", "Limits",
           "Prepared", "PreparedTraining", "TrainOptions", "TrainResult", "analyze", "caret_lines",
           "describe", "parse_work", "prepare", "prepare_training", "train"]
