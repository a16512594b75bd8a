"""Training with SGD: XOR needs two layers, the update step matches the trainer."""

from __future__ import annotations

import numpy as np
import pytest
from compgraph.engine import train

from compgraph import engine

XOR_DATA = {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "Y": [[0], [1], [1], [0]]}

TWO_LAYERS = """
W1 = param(2, 4)
b1 = param(4)
W2 = param(4, 1)
b2 = param(1)
h = sigmoid(X @ W1 + b1)
p = sigmoid(h @ W2 + b2)
L = mse(p, Y)
"""

ONE_LAYER = """
W = param(2, 1)
b = param(1)
p = sigmoid(X @ W + b)
L = mse(p, Y)
"""


def test_two_layers_learn_xor():
    result = train(TWO_LAYERS, XOR_DATA, steps=1000, learning_rate=2.0, seed=0)
    assert result.losses[0] > 0.25
    assert result.final_loss < 0.05
    assert result.losses[-1] < result.losses[0]


@pytest.mark.parametrize("learning_rate", [0.5, 2.0, 10.0])
def test_one_layer_cannot_learn_xor(learning_rate):
    result = train(ONE_LAYER, XOR_DATA, steps=2000, learning_rate=learning_rate, seed=0)
    assert min(result.losses) > 0.2
    assert result.final_loss > 0.2


def test_training_is_deterministic_for_a_seed_and_differs_across_seeds():
    a = train(TWO_LAYERS, XOR_DATA, steps=50, learning_rate=1.0, seed=3, batch_size=2)
    b = train(TWO_LAYERS, XOR_DATA, steps=50, learning_rate=1.0, seed=3, batch_size=2)
    c = train(TWO_LAYERS, XOR_DATA, steps=50, learning_rate=1.0, seed=4, batch_size=2)
    assert a.losses == b.losses
    assert a.losses != c.losses


def test_snapshots_replay_one_step_exactly():
    """The parameters after step k, analyzed with the learning rate, give the parameters after k+1."""
    result = train(TWO_LAYERS, XOR_DATA, steps=6, learning_rate=0.5, seed=0, record=[5, 6])
    before, after = result.snapshots[5], result.snapshots[6]
    replay = engine.analyze(TWO_LAYERS, {**XOR_DATA, **{k: v.tolist() for k, v in before.items()}},
                            learning_rate=0.5).to_dict()
    updates = {s["name"]: s for s in replay["steps"] if s["phase"] == "update"}
    assert set(updates) == {"W1", "b1", "W2", "b2"}
    for name, step in updates.items():
        np.testing.assert_allclose(np.array(step["new_value"]["data"]), after[name], rtol=1e-12)
    assert replay["value"] == pytest.approx(result.losses[5], rel=1e-12)


def test_minibatches_use_rows_of_the_data():
    result = train(TWO_LAYERS, XOR_DATA, steps=8, learning_rate=1.0, seed=0, batch_size=1)
    assert len(result.losses) == 8
    assert len(set(result.losses)) > 1


@pytest.mark.parametrize("source, values, code", [
    ("L = mse(X, Y)", XOR_DATA, "no_parameters"),
    ("W = param(2, 1); p = X @ W", XOR_DATA, "loss_not_scalar"),
    ("W = param(3, 1); L = mse(X @ W, Y)", XOR_DATA, "shape_mismatch"),
])
def test_training_errors(source, values, code):
    with pytest.raises(engine.EngineError) as caught:
        train(source, values, steps=10, learning_rate=0.1)
    assert caught.value.code == code


def test_a_diverging_run_stops_with_a_warning():
    # w ← w − η·2w multiplies w by −199,999 each step: it overflows within a few dozen steps
    result = train("w = param(1); L = sum(w * w)", {}, steps=500, learning_rate=1e5)
    assert result.warnings and "training stopped" in result.warnings[0]
    assert len(result.losses) < 500


def test_parameters_are_initialised_from_the_seed_unless_given():
    a = engine.analyze("W = param(2, 3); L = sum(W)", {}, seed=1).to_dict()
    b = engine.analyze("W = param(2, 3); L = sum(W)", {}, seed=1).to_dict()
    c = engine.analyze("W = param(2, 3); L = sum(W)", {"W": [[1, 2, 3], [4, 5, 6]]}).to_dict()
    assert a["value"] == b["value"]
    assert c["value"] == 21.0
    assert c["gradients"]["W"]["data"] == [[1.0] * 3] * 2
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("W = param(2, 3); L = sum(W)", {"W": [1, 2]})
    assert caught.value.code == "shape_mismatch"
