"""Training by stochastic gradient descent: K steps of w ← w − η·∂L/∂w.

The program names its parameters (W1 = param(2, 4)) and ends with a scalar
loss; its other variables are the data. Each step runs the forward and
backward passes without a trace, computing gradients only where a parameter
needs them (never for the data), then updates every parameter. With a batch
size, each step uses a minibatch of the data's rows (every variable whose
first axis has the data set's length), drawn without replacement from the
seeded generator, epoch after epoch.

prepare_training() checks every shape (of the whole data set and of a
minibatch) and prices all the steps before any array is allocated; a cost
over the limits, or more snapshots than may be sent, is refused then.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .cost import Cost, training_cost
from .cost import check as check_cost
from .errors import EngineError
from .evaluate_tensor import leaf_arrays, run_backward, run_forward, tensor_plan
from .gcpause import collector_paused
from .graph import Graph, build_graph
from .options import TrainOptions, check_deadline
from .parser import iter_statements
from .shapes import infer_shapes, size
from .tensor import json_tensor
from .values import bind_values, check_given_parameters, parameter_values


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
    return prepare_training(source, values, **options).run()


def prepare_training(source: str, values: Mapping[str, object], **options) -> PreparedTraining:
    """Everything before the arrays: the graph, the data, every shape (of the whole data set
    and of a minibatch), and the price of all the steps (its `cost`); over a limit, EngineError."""
    settings = TrainOptions.of(options)
    with collector_paused():
        return _prepare(source, values, settings)


def _prepare(source: str, values: Mapping[str, object], options: TrainOptions) -> PreparedTraining:
    limits, steps = options.limits, options.steps
    graph = build_graph(iter_statements(source, limits), limits, source=source)
    if not graph.parameters:
        raise EngineError("no_parameters",
                          "there is nothing to train: name the parameters, e.g. W = param(2, 4)",
                          0, len(source))
    data, given, _ = bind_values(graph, values, None)
    data = [np.asarray(v, dtype=np.float64) for v in data]
    check_given_parameters(graph, given)
    full = infer_shapes(graph, [v.shape for v in data])
    if full[graph.output] != ():
        raise EngineError("loss_not_scalar",
                          "training needs the program to end with a single number, the loss "
                          "(e.g. L = mse(p, Y))", *graph.span(graph.output))
    batches = _Batches(data, options.batch_size, options.seed)
    batch = full
    if batches.size is not None:
        batch = infer_shapes(graph, batches.shapes(),
                             context=f"with minibatches of {batches.size} of the data's "
                                     f"{batches.n} rows, ")
    recorded = sorted({s for s in (options.record or (0, steps)) if 0 <= s <= steps})
    numbers = sum(size(shape) for _name, shape in graph.parameters.values()) * len(recorded)
    if numbers > limits.max_snapshot_numbers:
        raise EngineError("too_many_snapshots",
                          f"recording the parameters at {len(recorded)} steps would send {numbers:,} "
                          f"numbers; the limit is {limits.max_snapshot_numbers:,}: record fewer steps",
                          0, 0)
    needs = _needs_gradient(graph)
    cost = training_cost(graph, full, batch, needs, steps, len(recorded))
    check_cost(cost, graph, full, limits, max_work=limits.max_training_work, steps=steps)
    return PreparedTraining(graph, options, data, given, batches, recorded, needs, cost)


@dataclass(slots=True)
class PreparedTraining:
    """A training run ready to go: its graph, data, minibatches and what it will cost."""

    graph: Graph
    options: TrainOptions
    data: list[np.ndarray]
    given: dict
    batches: _Batches
    recorded: list[int]
    needs: bytearray
    cost: Cost

    def run(self) -> TrainResult:
        with collector_paused():
            return self._run()

    def _run(self) -> TrainResult:
        graph, options, batches = self.graph, self.options, self.batches
        steps, learning_rate, seed = options.steps, float(options.learning_rate), options.seed
        parameters = parameter_values(graph, self.given, seed)
        parameters = {name: np.array(v, dtype=np.float64) for name, v in parameters.items()}  # ours
        plan = tensor_plan(graph)
        # The first forward pass on the whole data set meets what only values can show (labels).
        values_now = leaf_arrays(graph, self.data, parameters)
        run_forward(graph, plan, values_now)
        losses: list[float] = []
        snapshots = {0: _copy(parameters)} if 0 in self.recorded else {}
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
            grads, *_ = run_backward(graph, values_now, requires=self.needs, record=False)
            for node, (name, _shape) in param_nodes:
                if grads[node] is not None:
                    parameters[name] -= learning_rate * grads[node]
            if step in self.recorded:
                snapshots[step] = _copy(parameters)
        final = leaf_arrays(graph, self.data, parameters)
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
    """Minibatches of the data's rows, epoch by epoch, from a seeded shuffle.

    The data set's length is the most common first axis among the vector and matrix
    variables; those with that many rows are split into minibatches (the shape pass then
    says whether the program still fits), the others go whole into every step."""

    def __init__(self, data: list[np.ndarray], batch_size: int | None, seed: int):
        self.data = data
        rows = [v.shape[0] for v in data if v.ndim >= 1]
        self.n = max(set(rows), key=rows.count) if rows else 0
        self.batched = [v.ndim >= 1 and v.shape[0] == self.n for v in data]
        self.size = batch_size if batch_size and self.n and batch_size < self.n else None
        self.rng = np.random.default_rng([seed, 1])
        self.order = np.arange(self.n)
        self.at = self.n

    def shapes(self) -> list[tuple[int, ...]]:
        """Each variable's shape in a minibatch."""
        return [(self.size, *v.shape[1:]) if batched else v.shape
                for v, batched in zip(self.data, self.batched, strict=True)]

    def next(self) -> list[np.ndarray]:
        if self.size is None:
            return self.data
        if self.at + self.size > self.n:
            self.order = self.rng.permutation(self.n)
            self.at = 0
        rows = self.order[self.at:self.at + self.size]
        self.at += self.size
        return [v[rows] if batched else v for v, batched in zip(self.data, self.batched, strict=True)]
