"""compgraph.from_micrograd: micrograd's graphs as compgraph programs, with micrograd's numbers.

The graphs are micrograd's own: its README example (also its test_more_ops), its
test_sanity_check, an MLP from micrograd.nn, and the Value of the lecture video (with
`label`, `tanh` and `exp`), written out below as it is built on screen.

micrograd's gradients are compared to rounding (relative 1e-12), not bit for bit: where
a node feeds several others, the order in which the contributions are summed decides
the last bit, and micrograd's order follows its set of operands, which changes from run
to run (the README example's ∂g/∂b is 645.5772594752186 in some runs, ...187 in others).
"""

from __future__ import annotations

import math
import random
import re
import sys

import pytest
from micrograd.engine import Value
from micrograd.nn import MLP

import compgraph
from compgraph import from_micrograd

REL = 1e-12


def readme_example() -> tuple[Value, Value, Value]:
    """micrograd's README example (and its test_more_ops): g, a, b."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g, a, b


def sanity_check() -> tuple[Value, Value]:
    """micrograd's test_sanity_check: y, x."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y, x


def graph_of(output) -> list:
    """Every node of a Value graph, once."""
    seen, stack, nodes = {id(output)}, [output], []
    while stack:
        node = stack.pop()
        nodes.append(node)
        for child in node._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return nodes


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-300)


def test_the_readme_example_gives_micrograds_value_and_gradients() -> None:
    g, a, b = readme_example()
    g.backward()
    program = from_micrograd(g, names={"a": a, "b": b})
    analysis = program.analyze()
    assert analysis.value == g.data and f"{analysis.value:.4f}" == "24.7041"
    assert set(analysis.gradients) == {"a", "b"}
    assert close(analysis.gradients["a"], a.grad) and f"{analysis.gradients['a']:.4f}" == "138.8338"
    assert close(analysis.gradients["b"], b.grad) and f"{analysis.gradients['b']:.4f}" == "645.5773"
    assert program.values == {"a": -4.0, "b": 2.0}
    assert str(program) == program.source


def test_every_statement_has_micrograds_value_and_gradient() -> None:
    g, a, b = readme_example()
    g.backward()
    program = from_micrograd(g, names={"a": a, "b": b})
    nodes = {node["label"]: node for node in program.analyze().to_dict()["nodes"] if node["kind"] == "op"}
    statements = [name for name in program.names if name not in program.values]
    assert len(statements) >= 5
    for name in statements:
        value = program.names[name]
        assert close(nodes[name]["value"], value.data), name
        assert close(nodes[name]["grad"], value.grad), name


def test_the_graph_is_micrograds_node_for_node() -> None:
    """Shared subgraphs stay shared: one operation per micrograd operation, one variable per leaf
    named, one constant per other leaf (and one per exponent of **k, which micrograd keeps in
    its _op)."""
    g, a, b = readme_example()
    theirs = graph_of(g)
    ours = program_nodes(from_micrograd(g, names={"a": a, "b": b}))
    operations = [v for v in theirs if v._prev]
    powers = [v for v in operations if v._op.startswith("**")]
    assert len(ours["op"]) == len(operations)
    assert len(ours["input"]) == 2
    assert len(ours["const"]) == len(theirs) - len(operations) - 2 + len(powers)
    # Fan-out stays fan-out: as many edges as micrograd has operand slots.
    slots = sum(2 if v._op in "+*" else 1 for v in operations)
    assert ours["edges"] == slots + len(powers)


def program_nodes(program) -> dict:
    contract = program.analyze().to_dict()
    kinds: dict = {"op": [], "input": [], "const": []}
    for node in contract["nodes"]:
        kinds[node["kind"]].append(node)
    kinds["edges"] = len(contract["edges"])
    return kinds


def test_the_sanity_check_graph_gives_micrograds_numbers() -> None:
    y, x = sanity_check()
    y.backward()
    analysis = from_micrograd(y, names={"x": x}).analyze()
    assert close(analysis.value, y.data)
    assert close(analysis.gradients["x"], x.grad)


def test_an_mlp_from_micrograd_nn_gets_micrograds_gradient_for_every_parameter() -> None:
    random.seed(1)
    model = MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True))
    loss.backward()
    parameters = {f"p{k}": p for k, p in enumerate(model.parameters())}
    analysis = from_micrograd(loss, names=parameters).analyze()
    assert close(analysis.value, loss.data)
    assert set(analysis.gradients) == set(parameters)
    for name, p in parameters.items():
        assert close(analysis.gradients[name], p.grad), name


class LectureValue:
    """The Value of the lecture video (micrograd as built on screen): a `label`, `tanh`, `exp`,
    and −, / and negation written with + * and **, as micrograd does."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op, self._backward = set(_children), _op, lambda: None

    def __add__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = LectureValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __radd__(self, other):
        return self + other

    def __truediv__(self, other):
        return self * other**-1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = LectureValue(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def lecture_neuron(activation: str):
    x1, x2 = LectureValue(2.0, label="x1"), LectureValue(0.0, label="x2")
    w1, w2 = LectureValue(-3.0, label="w1"), LectureValue(1.0, label="w2")
    b = LectureValue(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    if activation == "tanh":
        o = n.tanh()
    else:
        e = (2 * n).exp()
        e.label = "e"
        o = (e - 1) / (e + 1)
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


@pytest.mark.parametrize("activation", ["tanh", "exp"])
def test_the_lectures_neuron_with_its_labels(activation: str) -> None:
    o, leaves = lecture_neuron(activation)
    o.backward()
    program = from_micrograd(o)  # the labels name the variables and the statements
    analysis = program.analyze()
    assert close(analysis.value, o.data) and f"{o.data:.4f}" == "0.7071"
    assert set(analysis.gradients) == set(leaves)
    for name, leaf in leaves.items():
        assert math.isclose(analysis.gradients[name], leaf.grad, rel_tol=REL, abs_tol=1e-12), name
    lines = program.source.splitlines()
    assert lines[:4] == ["x1_w1 = x1 * w1", "x2_w2 = x2 * w2", "x1_w1_x2_w2 = x1_w1 + x2_w2",
                         "n = x1_w1_x2_w2 + b"]
    if activation == "tanh":
        assert lines[4:] == ["o = tanh(n)"]
    else:  # `e` is the constant e in compgraph: the label becomes e_
        assert lines[4:] == ["e_ = exp(n * 2)", "o = (e_ + 1) ** -1 * (e_ + -1)"]
        assert program.names["e_"].label == "e"


def test_names_compgraph_cannot_read_are_changed_and_mapped_back() -> None:
    pi, sin, odd, other = Value(1.0), Value(2.0), Value(3.0), Value(4.0)
    program = from_micrograd(pi * sin + odd * other, names={"pi": pi, "sin": sin, "x.1": odd, "θ": other})
    assert set(program.values) == {"pi_", "sin_", "x_1", "θ"}
    assert {name: program.names[name] for name in program.values} == {
        "pi_": pi, "sin_": sin, "x_1": odd, "θ": other}
    assert program.analyze().gradients == {"pi_": 2.0, "sin_": 1.0, "x_1": 4.0, "θ": 3.0}


def test_a_name_for_an_operation_names_its_statement() -> None:
    g, a, b = readme_example()
    program = from_micrograd(g, names={"a": a, "b": b, "g": g})
    assert program.source.splitlines()[-1].startswith("g = ")
    assert program.analyze().to_dict()["output_name"] == "g"


def test_clashing_names_are_told_apart() -> None:
    a, b = LectureValue(1.0, label="x"), LectureValue(2.0, label="x")
    program = from_micrograd(a * b, names={"t1": LectureValue(0.0)})
    assert program.values == {"x": 1.0, "x_2": 2.0}


def test_a_node_used_twice_is_one_node_and_a_times_a_has_two_operands() -> None:
    a = Value(3.0)
    square = a * a  # micrograd's set of operands holds `a` once
    y = square + square
    y.backward()
    program = from_micrograd(y, names={"a": a})
    assert program.source == "t1 = a * a\nt1 + t1\n"
    assert program.analyze().gradients == {"a": a.grad} == {"a": 12.0}


def test_a_constant_used_twice_is_one_node() -> None:
    a, b, k = Value(1.0), Value(2.0), Value(0.5)
    program = from_micrograd(a * k + b * k, names={"a": a, "b": b})
    assert program.source == "t1 = 0.5\na * t1 + b * t1\n"
    assert len(program_nodes(program)["const"]) == 1


def test_a_leaf_as_the_output() -> None:
    a = Value(2.0)
    assert from_micrograd(a, names={"a": a}).source == "a\n"
    assert from_micrograd(Value(2.0)).source == "2.0\n"


def test_the_program_does_not_depend_on_where_python_put_the_values() -> None:
    sources = set()
    for extra in range(5):
        _padding = [Value(0) for _ in range(extra * 37)]  # other addresses, another set order
        g, a, b = readme_example()
        sources.add(from_micrograd(g, names={"a": a, "b": b}).source)
    assert len(sources) == 1


def test_a_deep_graph_converts_without_recursion() -> None:
    a = Value(0.5)
    v = a
    for _ in range(20_000):
        v = v + a
    assert sys.getrecursionlimit() < 20_000
    program = from_micrograd(v, names={"a": a})
    depth = max(len(re.findall(r"\+", line)) for line in program.source.splitlines())
    assert depth <= 8  # long chains are cut into statements, not one 20,000-term line
    analysis = program.analyze()
    assert analysis.value == 0.5 * 20_001
    assert analysis.gradients == {"a": 20_001.0}


def test_what_is_not_a_micrograd_graph_is_refused_clearly() -> None:
    with pytest.raises(TypeError, match="the output is not a micrograd Value"):
        from_micrograd(3.0)
    a = Value(1.0)
    with pytest.raises(TypeError, match=r"names\['a'\] is not a micrograd Value"):
        from_micrograd(a, names={"a": 1.0})
    with pytest.raises(TypeError, match="names are text, not 1"):
        from_micrograd(a, names={1: a})
    with pytest.raises(ValueError, match="one Value two names"):
        from_micrograd(a, names={"a": a, "b": a})
    odd = Value(1.0, (a, Value(2.0)), "-")
    with pytest.raises(ValueError, match=r"made by '-' from 2 operand\(s\).*\+ \* \*\*k relu tanh exp"):
        from_micrograd(odd)
    with pytest.raises(ValueError, match="constant of the micrograd graph is inf"):
        from_micrograd(a * math.inf)


def test_it_is_part_of_the_public_api() -> None:
    assert compgraph.from_micrograd is from_micrograd
    assert "from_micrograd" in compgraph.__all__
