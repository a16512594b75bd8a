"""Cost before work: the shape pass, the estimate, and refusals that allocate nothing."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest
from compgraph.app.examples import EXAMPLES

from compgraph import engine

RAISED = engine.Limits(max_array_elements=10**9, max_total_elements=10**10, max_work=10**14)

PROGRAMS = [
    ("W = param(300, 200); V = param(200, 100); L = mean(sigmoid(W @ V))", {}),
    ("L = sum(exp(x * y))", {"x": [[0.1]] * 400, "y": [[0.2] * 400]}),
    ("W = param(300, 300); L = cross_entropy(W, t)", {"t": [float(i % 300) for i in range(300)]}),
    ("W = param(300, 300); L = bce(sigmoid(W), t)", {"t": [[0.5] * 300] * 300}),
    ("W = param(400, 400); L = sum(softmax(W) * log_softmax(W))", {}),
    ("W = param(400, 400); L = mean(sin(W) ^ 2 + log(abs(W)), 0)", {}),
    ("W = param(300, 300); L = sum(max(W, 0.5 * W) @ W.T)", {}),
    ("W = param(200, 50); b = param(50); h = relu(X @ W + b); L = mse(h, Y)",
     {"X": [[0.5] * 200] * 30, "Y": [[0.1] * 50] * 30}),
]


@pytest.mark.parametrize(("source", "values"),
                         PROGRAMS + [(e["source"], e["values"]) for e in EXAMPLES])
def test_the_shape_pass_agrees_with_the_arrays(source: str, values: dict) -> None:
    prepared = engine.prepare(source, values)
    analysis = prepared.run()
    if not analysis.tensor:
        return
    from compgraph.engine.shapes import infer_shapes

    shapes = infer_shapes(analysis.graph, [np.shape(v) for v in prepared.variable_values])
    assert shapes == [np.shape(v) for v in analysis.evaluation.values]


@pytest.mark.parametrize(("source", "values"), PROGRAMS)
def test_the_estimate_is_an_upper_bound_on_memory(source: str, values: dict) -> None:
    prepared = engine.prepare(source, values, limits=RAISED)
    tracemalloc.start()
    try:
        prepared.run().to_json()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 8 * prepared.cost.elements + 2**20  # a MiB for Python's own objects


@pytest.mark.parametrize(("source", "values", "code", "message", "at"), [
    ("W=param(20000,20000); sum(W)", {}, "tensor_too_large",
     "W = param(20000,20000) holds 400,000,000 numbers; the limit is 4,000,000 per tensor", "param(20000,20000)"),
    ("L = sum(x * y)", {"x": [[0.5]] * 3000, "y": [[0.5] * 3000]}, "tensor_too_large",
     "x * y (3000×3000) holds 9,000,000 numbers; the limit is 4,000,000 per tensor", "x * y"),
    ("\n".join(f"W{i} = param(1000, 1000)" for i in range(30)) + "\nL = " + "+".join(f"sum(W{i})" for i in range(30)),
     {}, "tensor_too_large", "this analysis would hold", "param(1000, 1000)"),
    ("W = param(1000, 1000); L = sum(W @ W @ W)", {}, "too_much_work",
     "this analysis would take about 7.9e+09 operations; the limit is 1e+09; the costliest step is "
     "W @ W (1000×1000)", "W @ W"),
])
def test_over_a_limit_is_refused_at_the_costliest_operation_in_a_millisecond_allocating_nothing(
        source: str, values: dict, code: str, message: str, at: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(engine.EngineError) as caught:
            engine.analyze(source, values, limits=engine.Limits(max_work=10**9))
        took = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    error = caught.value
    assert error.code == code
    assert error.message.startswith(message)
    assert source[error.start:error.end] == at
    assert peak < 4 * 2**20  # the values' own arrays, nothing like the tensors refused
    assert took < 0.2


def test_a_gradient_check_that_would_pass_a_limit_is_skipped_with_a_warning() -> None:
    prepared = engine.prepare("W = param(1250, 1250); L = sum(W @ W)")
    assert not prepared.gradcheck
    assert any(w.code == "gradcheck_skipped" for w in prepared.warnings)


def test_training_is_priced_with_all_its_steps_before_step_one() -> None:
    source = "W = param(500, 500); L = sum(W @ W)"
    tracemalloc.start()
    try:
        with pytest.raises(engine.EngineError) as caught:
            engine.train(source, {}, steps=100_000, learning_rate=1e-6)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_much_work"
    assert caught.value.message.startswith("training for 100,000 steps would take about")
    assert peak < 2**20
    assert engine.prepare_training(source, {}, steps=10, learning_rate=1e-6).cost.work < 10**10


@pytest.mark.parametrize("record", [None, [], [5], list(range(0, 40, 10))])
def test_record_cannot_skip_the_limits(record) -> None:
    # 3 × 2,000,000 numbers of parameters: too large however few steps are recorded
    source = "A = param(2000, 1000); B = param(2000, 1000); C = param(2000, 1000); L = sum(A + B + C)"
    with pytest.raises(engine.EngineError) as caught:
        engine.train(source, {}, steps=40, learning_rate=0.1, record=record)
    assert caught.value.code in ("tensor_too_large", "too_many_snapshots")


def test_too_many_snapshots_is_checked_before_anything_is_allocated() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(engine.EngineError) as caught:
            engine.train("W = param(1000, 1000); L = mean(W)", {}, steps=100, learning_rate=0.1,
                         record=list(range(100)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_snapshots"
    assert peak < 2**20


def test_reading_is_priced_by_length_and_values() -> None:
    assert engine.parse_work("x" * 100) == 100 * engine.parse_work("x")
    assert engine.parse_work("x", {"x": [[1.0] * 10] * 10}) > engine.parse_work("x", {"x": 1.0})
