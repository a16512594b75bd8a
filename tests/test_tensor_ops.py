"""Every tensor operator and loss against PyTorch (CPU, float64), broadcasting included.

Each case is a source over variables a (and b) of given shapes and the same
computation in torch; values and the gradients of sum(output) must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from compgraph import engine  # noqa: E402

RNG = np.random.default_rng(7)


def random(shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape)


def check(source, torch_fn, arrays, *, rel=1e-10, grads_for=None):
    result = engine.analyze(source, {k: v.tolist() for k, v in arrays.items()}, gradcheck=False)
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(grads_for is None or k in grads_for))
               for k, v in arrays.items()}
    expected = torch_fn(*tensors.values())  # operands in the order the arrays are given
    expected.sum().backward()
    np.testing.assert_allclose(np.asarray(result.value), expected.detach().numpy(), rtol=rel, atol=1e-12)
    for name, tensor in tensors.items():
        if tensor.grad is None:
            continue
        got = result.gradients[name]
        assert got is not None, f"no gradient for {name}"
        np.testing.assert_allclose(np.asarray(got), tensor.grad.numpy(), rtol=rel, atol=1e-12,
                                   err_msg=f"gradient w.r.t. {name}")


BINARY = [
    ("a + b", lambda a, b: a + b),
    ("a - b", lambda a, b: a - b),
    ("a * b", lambda a, b: a * b),
    ("a / b", lambda a, b: a / b),
    ("max(a, b)", torch.maximum),
    ("min(a, b)", torch.minimum),
]
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3), ()), ((), (5,)), ((4,), (3, 4))]


@pytest.mark.parametrize("source, fn", BINARY, ids=[s for s, _ in BINARY])
@pytest.mark.parametrize("shape_a, shape_b", SHAPES, ids=[f"{a}-{b}" for a, b in SHAPES])
def test_elementwise_binary_with_broadcasting(source, fn, shape_a, shape_b):
    a = random(shape_a)
    b = random(shape_b, 0.5, 2.0) * RNG.choice([-1.0, 1.0], size=shape_b)  # keep away from 0 for /
    check(source, fn, {"a": a, "b": b})


def test_power_on_tensors():
    check("a ^ b", torch.pow, {"a": random((3, 4), 0.5, 2.0), "b": random((4,))})
    check("a ^ 2", lambda a: a ** 2, {"a": random((2, 3))})


UNARY = [
    ("-a", lambda a: -a, (-2, 2)),
    ("log(a)", torch.log, (0.1, 3)),
    ("exp(a)", torch.exp, (-2, 2)),
    ("sqrt(a)", torch.sqrt, (0.1, 3)),
    ("sin(a)", torch.sin, (-3, 3)),
    ("cos(a)", torch.cos, (-3, 3)),
    ("tan(a)", torch.tan, (-1, 1)),
    ("tanh(a)", torch.tanh, (-3, 3)),
    ("sigmoid(a)", torch.sigmoid, (-30, 30)),
    ("relu(a)", torch.relu, (-2, 2)),
    ("abs(a)", torch.abs, (-2, 2)),
    ("softplus(a)", lambda a: F.softplus(a, threshold=1000), (-30, 30)),
    ("softmax(a)", lambda a: torch.softmax(a, dim=-1), (-5, 5)),
    ("log_softmax(a)", lambda a: torch.log_softmax(a, dim=-1), (-5, 5)),
    ("a.T", lambda a: a.T if a.ndim == 2 else a, (-2, 2)),  # a vector is its own transpose
    ("transpose(a)", lambda a: a.T if a.ndim == 2 else a, (-2, 2)),
    ("sum(a)", torch.sum, (-2, 2)),
    ("sum(a, 0)", lambda a: a.sum(dim=0), (-2, 2)),
    ("sum(a, 1)", lambda a: a.sum(dim=1), (-2, 2)),
    ("sum(a, -1)", lambda a: a.sum(dim=-1), (-2, 2)),
    ("mean(a)", torch.mean, (-2, 2)),
    ("mean(a, 0)", lambda a: a.mean(dim=0), (-2, 2)),
    ("mean(a, 1)", lambda a: a.mean(dim=1), (-2, 2)),
]


@pytest.mark.parametrize("source, fn, bounds", UNARY, ids=[s for s, *_ in UNARY])
@pytest.mark.parametrize("shape", [(3, 4), (5,)], ids=["3x4", "5"])
def test_unary(source, fn, bounds, shape):
    if "1)" in source and len(shape) < 2:
        pytest.skip("axis 1 needs a matrix")
    check(source, fn, {"a": random(shape, *bounds)})


@pytest.mark.parametrize("shape_a, shape_b", [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,))])
def test_matrix_product(shape_a, shape_b):
    check("a @ b", torch.matmul, {"a": random(shape_a), "b": random(shape_b)})


def test_a_two_layer_network_end_to_end():
    arrays = {"X": random((5, 3)), "W1": random((3, 4)), "b1": random((4,)), "W2": random((4, 2)),
              "t": random((5, 2))}
    check("h = relu(X @ W1 + b1); mse(h @ W2, t)",
          lambda X, W1, b1, W2, t: F.mse_loss(torch.relu(X @ W1 + b1) @ W2, t), arrays)


def test_mse():
    check("mse(a, b)", F.mse_loss, {"a": random((4, 3)), "b": random((4, 3))})


def test_binary_cross_entropy():
    check("bce(p, t)", F.binary_cross_entropy,
          {"p": random((4, 3), 0.05, 0.95), "t": random((4, 3), 0.0, 1.0)})


@pytest.mark.parametrize("batch", [(6, 4), (4,)], ids=["batch", "one sample"])
def test_cross_entropy_with_class_labels(batch):
    labels = RNG.integers(0, batch[-1], size=batch[:-1]).astype(float)
    check("cross_entropy(z, t)", lambda z, t: F.cross_entropy(z, t.long()),
          {"z": random(batch, -4, 4), "t": labels}, grads_for={"z"})
    result = engine.analyze("cross_entropy(z, t)", {"z": random(batch).tolist(), "t": labels.tolist()})
    assert result.gradients["t"] is None  # no gradient flows to class labels


def test_cross_entropy_with_probabilities():
    probabilities = torch.softmax(torch.tensor(random((5, 3))), dim=-1).numpy()
    check("cross_entropy(z, t)", F.cross_entropy, {"z": random((5, 3), -4, 4), "t": probabilities})


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0], [-800.0, 800.0, 799.0]])
    t = np.array([0.0, 2.0])
    check("cross_entropy(z, t)", lambda z, t: F.cross_entropy(z, t.long()), {"z": z, "t": t},
          grads_for={"z"})


@pytest.mark.parametrize("source, values, message", [
    ("A @ B", {"A": [[1, 2, 3]] * 4, "B": [[1] * 5] * 2}, "cannot multiply 4×3 by 2×5"),
    ("a + b", {"a": [1, 2, 3], "b": [1, 2]}, "cannot add 3 and 2"),
    ("sum(a, 2)", {"a": [[1, 2]]}, "axis 2 is out of range for a 1×2 tensor"),
    ("cross_entropy(z, t)", {"z": [[1, 2]], "t": [3]}, "class labels must be whole numbers from 0 to 1"),
    ("x @ 2", {"x": [1, 2]}, "@ multiplies vectors and matrices"),
])
def test_shape_errors_name_both_shapes_at_the_operation(source, values, message):
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, values)
    error = caught.value
    assert error.code == "shape_mismatch"
    assert message in error.message
    assert (error.start, error.end) == (0, len(source))


def test_a_backward_step_on_a_matrix_product_shows_its_rule_with_shapes():
    result = engine.analyze("W1 = param(3, 4); h = W1 @ x; L = sum(h)", {"x": [1.0, 2.0, 3.0, 4.0]}).to_dict()
    step = next(s for s in result["steps"] if s["phase"] == "backward" and s.get("source") == 1)
    assert step["rule"] == "upstream · xᵀ"
    assert step["shapes"] == "3×4 = 3×1 · 1×4"
    assert step["local"] is None
    assert result["nodes"][1]["shape"] == [3, 4]


def test_scalar_programs_do_not_switch_to_tensors():
    result = engine.analyze("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    assert not result.tensor
    assert type(result.value) is float


def test_tensor_json_carries_small_data_and_summaries():
    result = engine.analyze("a * 2", {"a": np.arange(100.0).reshape(10, 10).tolist()}).to_dict()
    value = result["value"]
    assert value["shape"] == [10, 10] and "data" not in value
    assert (value["min"], value["max"]) == (0.0, 198.0)
    small = engine.analyze("a * 2", {"a": [[1, 2], [3, 4]]}).to_dict()["value"]
    assert small["data"] == [[2.0, 4.0], [6.0, 8.0]]
