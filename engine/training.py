"""Training by stochastic gradient descent: K steps of w ← w − η·∂L/∂w.

The program names its parameters (W1 = param(2, 4)) and ends with a scalar
loss; its other variables are the data. Each step runs the forward and
backward passes without a trace, computing gradients only where a parameter
needs them (never for the data), then updates every parameter. With a batch
size, each step uses a minibatch of the data's rows (every variable whose
first axis has the data set's length), drawn without replacement from the
seeded generator, epoch after epoch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .errors import EngineError
from .evaluate_tensor import leaf_arrays, run_backward, run_forward, tensor_plan
from .gcpause import collector_paused
from .graph import Graph, build_graph
from .options import TrainOptions, check_deadline
from .parser import iter_statements
from .tensor import json_tensor
from .values import bind_values, parameter_values

MAX_SNAPSHOT_NUMBERS = 2_000_000  # numbers in all recorded parameter sets together


@dataclass(slots=True)
class TrainResult:
    steps: int
    learning_rate: float
    batch_size: int | None
    seed: int
    losses: list[float]  # the loss at each step, before that step's update
    snapshots: dict[int, dict[str, np.ndarray]]  # parameters after `step` updates, at recorded steps
    final_loss: float | None  # the loss after the last update (on the whole data)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "steps": self.steps,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "seed": self.seed,
            "losses": [_number(x) for x in self.losses],
            "final_loss": _number(self.final_loss),
            "parameters": [
                {"step": step, "values": {name: _full(v) for name, v in values.items()}}
                for step, values in sorted(self.snapshots.items())
            ],
            "warnings": self.warnings,
        }


def _number(x):
    if x is None or math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def _full(array: np.ndarray):
    """Every number of a parameter (the page sends them back to replay a step)."""
    converted = json_tensor(array)
    if isinstance(converted, dict):
        return array.tolist() if np.isfinite(array).all() else converted
    return converted


def train(source: str, values: Mapping[str, object], **options) -> TrainResult:
    """K steps of SGD on the program's parameters. `options` are TrainOptions' fields
    (steps and learning_rate required; batch_size, seed, record, limits, deadline)."""
    settings = TrainOptions.of(options)
    with collector_paused():
        return _train(source, values, settings)


def _train(source: str, values: Mapping[str, object], options: TrainOptions) -> TrainResult:
    steps, learning_rate, seed, limits = options.steps, float(options.learning_rate), options.seed, options.limits
    graph = build_graph(iter_statements(source, limits), limits, source=source)
    if not graph.parameters:
        raise EngineError("no_parameters",
                          "there is nothing to train: name the parameters, e.g. W = param(2, 4)",
                          0, len(source))
    data, given, _ = bind_values(graph, values, None)
    data = [np.asarray(v, dtype=np.float64) for v in data]
    parameters = parameter_values(graph, given, seed)
    parameters = {name: np.array(v, dtype=np.float64) for name, v in parameters.items()}  # ours to update
    recorded = sorted({s for s in (options.record or (0, steps)) if 0 <= s <= steps})
    size = sum(v.size for v in parameters.values()) * len(recorded)
    if size > MAX_SNAPSHOT_NUMBERS:
        raise EngineError("too_many_snapshots",
                          f"recording the parameters at {len(recorded)} steps would send {size:,} numbers; "
                          "ask for fewer steps", 0, 0)
    plan = tensor_plan(graph)
    needs = _needs_gradient(graph)
    batches = _Batches(graph, data, options.batch_size, seed)
    # Check shapes and the loss once, on the whole data set.
    values_now = leaf_arrays(graph, data, parameters)
    run_forward(graph, plan, values_now)
    if np.shape(values_now[graph.output]) != ():
        raise EngineError("loss_not_scalar",
                          "training needs the program to end with a single number, the loss "
                          "(e.g. L = mse(p, Y))", *graph.span(graph.output))
    losses: list[float] = []
    snapshots = {0: _copy(parameters)} if 0 in recorded else {}
    warnings: list[str] = []
    param_nodes = sorted(graph.parameters.items())
    for step in range(1, steps + 1):
        if step % 16 == 0:
            check_deadline(options.deadline)
        values_now = leaf_arrays(graph, batches.next(), parameters)
        run_forward(graph, plan, values_now, check=False)
        loss = float(values_now[graph.output])
        losses.append(loss)
        if not math.isfinite(loss):
            warnings.append(f"the loss became {_number(loss)} at step {step}; training stopped "
                            "(try a smaller learning rate)")
            break
        grads, *_ = run_backward(graph, values_now, requires=needs, record=False)
        for node, (name, _shape) in param_nodes:
            if grads[node] is not None:
                parameters[name] -= learning_rate * grads[node]
        if step in recorded:
            snapshots[step] = _copy(parameters)
    final = leaf_arrays(graph, data, parameters)
    run_forward(graph, plan, final, check=False)
    return TrainResult(len(losses), learning_rate, options.batch_size, seed, losses, snapshots,
                       float(final[graph.output]), warnings)


def _copy(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: value.copy() for name, value in parameters.items()}


def _needs_gradient(graph: Graph) -> bytearray:
    """1 where a parameter lies upstream: the data never needs a gradient."""
    needs = bytearray(len(graph.kinds))
    for node in graph.parameters:
        needs[node] = 1
    for node in range(len(graph.kinds)):
        operands = graph.operands(node)
        if operands and any(needs[p] for p in operands):
            needs[node] = 1
    return needs


class _Batches:
    """Minibatches of the data's rows, epoch by epoch, from a seeded shuffle."""

    def __init__(self, graph: Graph, data: list[np.ndarray], batch_size: int | None, seed: int):
        self.data = data
        rows = [v.shape[0] for v in data if v.ndim >= 1]
        self.n = max(set(rows), key=rows.count) if rows else 0
        self.batched = [v.ndim >= 1 and v.shape[0] == self.n for v in data]
        self.size = batch_size if batch_size and self.n and batch_size < self.n else None
        self.rng = np.random.default_rng([seed, 1])
        self.order = np.arange(self.n)
        self.at = self.n

    def next(self) -> list[np.ndarray]:
        if self.size is None:
            return self.data
        if self.at + self.size > self.n:
            self.order = self.rng.permutation(self.n)
            self.at = 0
        rows = self.order[self.at:self.at + self.size]
        self.at += self.size
        return [v[rows] if batched else v for v, batched in zip(self.data, self.batched, strict=True)]
