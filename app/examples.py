"""Named examples, each a source with values that make a point about backpropagation.

The page offers them in this order; a test analyzes every one and checks the
numbers its description promises.
"""

from __future__ import annotations

from typing import Any

_STAGED = """\
# f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), one small step per line
sigy = 1 / (1 + exp(-y))
num = x + sigy
sigx = 1 / (1 + exp(-x))
xpy = x + y
xpysqr = xpy^2
den = sigx + xpysqr
invden = 1 / den
f = num * invden"""


EXAMPLES: list[dict[str, Any]] = [
    {
        "id": "lecture",
        "title": "(x + y) · z",
        "description": "The lecture's first example. Forward: x + y = 3, then f = 3 · (−4) = −12. "
                       "Backward: the multiply gate swaps its inputs, so ∂f/∂z = x + y = 3 and the sum "
                       "gets z = −4, which the add gate hands unchanged to both x and y.",
        "source": "(x + y) * z",
        "values": {"x": -2.0, "y": 5.0, "z": -4.0},
    },
    {
        "id": "log-sin",
        "title": "log(x₁ · x₂) · sin(x₂)",
        "description": "x₂ is used twice, so its gradient is the sum of two paths: "
                       "sin(x₂)/x₂ through the log and log(x₁x₂)·cos(x₂) through the sine.",
        "source": "log(x1 * x2) * sin(x2)",
        "values": {"x1": 2.0, "x2": 5.0},
    },
    {
        "id": "sigmoid-neuron",
        "title": "A sigmoid neuron, gate by gate",
        "description": "1 / (1 + e^−(w₀x₀ + w₁x₁ + w₂)) built from +, ·, exp, negation and division. "
                       "The output is 0.73 and every weight's gradient is its input times 0.2, "
                       "since σ′ = σ(1 − σ) = 0.73 · 0.27 ≈ 0.2.",
        "source": "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
        "values": {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
    },
    {
        "id": "sigmoid-gate",
        "title": "The same neuron with one sigmoid gate",
        "description": "The four gates after the weighted sum collapse into one σ node whose local "
                       "gradient is σ(1 − σ): same gradients, fewer steps. Compare with the neuron "
                       "built gate by gate.",
        "source": "sigmoid(w0*x0 + w1*x1 + w2)",
        "values": {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
    },
    {
        "id": "fan-out",
        "title": "Fan-out: gradients add up",
        "description": "x and y each feed two operations, so each receives two gradient "
                       "contributions that are summed: ∂f/∂x = 6 = 2x and ∂f/∂y = −4 = −2y, "
                       "just as f = x² − y² says.",
        "source": "(x + y) * (x - y)",
        "values": {"x": 3.0, "y": 2.0},
    },
    {
        "id": "staged",
        "title": "A program with named intermediates",
        "description": "The lecture notes' staged computation: every line names an intermediate, "
                       "so the backward pass reads as a list of local gradients, one line at a time.",
        "source": _STAGED,
        "values": {"x": 3.0, "y": -4.0},
    },
    {
        "id": "gate-patterns",
        "title": "Add distributes, max routes, multiply swaps",
        "description": "The add gate passes its gradient unchanged to both inputs, the max gate sends "
                       "all of it to the larger input (w gets 0), and the multiply gate gives each "
                       "input the other input's value times the upstream gradient.",
        "source": "2 * (x*y + max(z, w))",
        "values": {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
    },
    {
        "id": "overflow",
        "title": "Overflow: log(1 + eˣ) at x = 1000",
        "description": "exp(1000) overflows to inf, so the value is inf and the gradient nan, "
                       "although the true answer is 1000 with gradient 1. Change the source to "
                       "softplus(x), which computes the same function stably.",
        "source": "log(1 + exp(x))",
        "values": {"x": 1000.0},
    },
    {
        "id": "merge",
        "title": "Shared subexpressions",
        "description": "With the merge option, both x·y are one node that fans out to sin and cos; "
                       "without it they are two nodes, each with its own gradient.",
        "source": "sin(x*y) + cos(x*y)",
        "values": {"x": 1.0, "y": 2.0},
        "options": {"merge": True},
    },
]

_OR_POINTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]

# Neural networks: tensors, losses and training. `train` holds the page's defaults for SGD.
EXAMPLES += [
    {
        "id": "neuron-bce",
        "title": "One sigmoid neuron, binary cross-entropy",
        "description": "p = σ(X·w + b) for the four points of OR, and the loss −t log p − (1 − t) log(1 − p) "
                       "averaged over them. A single neuron draws one line, which is enough for OR: "
                       "train it and the loss falls towards 0.",
        "source": "# one neuron: a weighted sum, then the sigmoid\nw = param(2)\nb = param(1)\n"
                  "p = sigmoid(X @ w + b)\nL = bce(p, t)",
        "values": {"X": _OR_POINTS, "t": [0.0, 1.0, 1.0, 1.0]},
        "train": {"steps": 300, "learning_rate": 2.0},
    },
    {
        "id": "xor-mlp",
        "title": "XOR: a 2-layer network (MSE)",
        "description": "No single line separates XOR's points, so one layer cannot learn it (Minsky & "
                       "Papert, 1969). Two layers can: h = σ(X W1 + b1), p = σ(h W2 + b2), trained on "
                       "(p − Y)². Train, watch the loss curve fall, then step through one update.",
        "source": "# XOR needs a hidden layer\nW1 = param(2, 4)\nb1 = param(4)\nW2 = param(4, 1)\n"
                  "b2 = param(1)\nh = sigmoid(X @ W1 + b1)\np = sigmoid(h @ W2 + b2)\nL = mse(p, Y)",
        "values": {"X": _OR_POINTS, "Y": [[0.0], [1.0], [1.0], [0.0]]},
        "train": {"steps": 1000, "learning_rate": 2.0},
    },
    {
        "id": "softmax-classifier",
        "title": "A softmax classifier, cross-entropy",
        "description": "Six points in three classes; logits z = X W + b, and the loss is the cross-entropy "
                       "of softmax(z) with the class labels, computed stably with log-sum-exp. Its "
                       "gradient w.r.t. the logits is (softmax(z) − onehot(t)) / n.",
        "source": "W = param(2, 3)\nb = param(3)\nz = X @ W + b\nL = cross_entropy(z, t)",
        "values": {"X": [[2.0, 0.0], [1.5, 0.5], [-1.0, 1.5], [-1.5, 1.0], [0.0, -2.0], [0.5, -1.5]],
                   "t": [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]},
        "train": {"steps": 200, "learning_rate": 0.5},
    },
    {
        "id": "lecture-2layer",
        "title": "The lecture's y = W₂ g(W₁ x)",
        "description": "A 2-layer network in matrix notation: x ∈ R⁴, W₁ ∈ R³ˣ⁴, W₂ ∈ R²ˣ³, g the sigmoid, "
                       "small random weights from the seed. The output is a vector, so the gradients "
                       "shown are those of the sum of its elements. Watch ∂/∂W₁ = upstream · xᵀ: a "
                       "3×4 matrix from a 3×1 column and a 1×4 row.",
        "source": "W1 = param(3, 4)\nW2 = param(2, 3)\ny = W2 @ sigmoid(W1 @ x)",
        "values": {"x": [1.0, 0.5, -1.0, 2.0]},
    },
]

for _example in EXAMPLES:
    _example["options"] = {"merge": False, "gradcheck": True, **_example.get("options", {})}


def examples() -> dict[str, Any]:
    return {"examples": EXAMPLES}
