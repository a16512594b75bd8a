"""Expression-shaped graphs for the layout bench and tests.

A graph is the tuple layout_graph() takes: (inputs, kinds, labels, output),
with node ids in topological order. Everything here is deterministic: random
graphs take an explicit seed and use their own random.Random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

Graph = tuple[list[list[int]], list[str], list[str], int]


@dataclass
class Builder:
    """Appends nodes in topological order; each add returns the new id."""

    inputs: list[list[int]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def var(self, name: str) -> int:
        return self._add("input", name, [])

    def const(self, text: str) -> int:
        return self._add("const", text, [])

    def op(self, label: str, *args: int) -> int:
        return self._add("op", label, list(args))

    def _add(self, kind: str, label: str, args: list[int]) -> int:
        self.inputs.append(args)
        self.kinds.append(kind)
        self.labels.append(label)
        return len(self.inputs) - 1

    def graph(self, output: int | None = None) -> Graph:
        out = len(self.inputs) - 1 if output is None else output
        return self.inputs, self.kinds, self.labels, out


def xyz() -> Graph:
    """(x + y) * z, the first backprop example of the lecture."""
    b = Builder()
    x, y, z = b.var("x"), b.var("y"), b.var("z")
    b.op("×", b.op("+", x, y), z)
    return b.graph()


def log_sin() -> Graph:
    """log(x1 * x2) * sin(x2)."""
    b = Builder()
    x1, x2 = b.var("x1"), b.var("x2")
    m = b.op("×", x1, x2)
    lg = b.op("log", m)
    s = b.op("sin", x2)
    b.op("×", lg, s)
    return b.graph()


def sigmoid_neuron() -> Graph:
    """1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), drawn op by op as on the slide."""
    b = Builder()
    w0, x0, w1, x1, w2 = (b.var(s) for s in ("w0", "x0", "w1", "x1", "w2"))
    s = b.op("+", b.op("×", w0, x0), b.op("×", w1, x1))
    s = b.op("+", s, w2)
    e = b.op("exp", b.op("×", s, b.const("-1")))
    d = b.op("+", e, b.const("1"))
    b.op("1/x", d)
    return b.graph()


def fan_out(k: int = 6) -> Graph:
    """One variable feeding k different ops whose results are summed."""
    b = Builder()
    x, y = b.var("x"), b.var("y")
    funcs = ["sin", "log", "exp", "relu", "tanh", "sigmoid", "cos", "sqrt"]
    terms = []
    for i in range(k):
        t = b.op(funcs[i % len(funcs)], x)
        if i % 2:
            t = b.op("×", t, y)
        terms.append(t)
    acc = terms[0]
    for t in terms[1:]:
        acc = b.op("+", acc, t)
    return b.graph()


def chain(n: int) -> Graph:
    """x followed by n-1 unary ops: the deepest possible graph."""
    b = Builder()
    v = b.var("x")
    for i in range(n - 1):
        v = b.op(("sin", "log", "relu")[i % 3], v)
    return b.graph()


_UNARY = ("relu", "log", "sin")
_BINARY = ("+", "×")
_CONSTS = ("2", "0.5", "3", "-1", "1.5", "10")


def random_program(n: int, seed: int, n_vars: int = 3, p_const: float = 0.15,
                   p_var: float = 0.25, p_unary: float = 0.35,
                   named: bool = True) -> Graph:
    """A straight-line program of about n nodes over a few shared variables.

    Each statement applies one of +, ×, relu, log, sin to earlier names
    (mostly recent ones, sometimes a variable, sometimes a fresh constant),
    like `t7 = t5 * x1`. The last statement is the output; statements no later
    one uses stay as dead nodes, as they would in a student's program.
    """
    rng = random.Random(seed)
    b = Builder()
    names = [b.var(f"x{i}") for i in range(max(1, n_vars))]
    stmts: list[int] = []

    def operand() -> int:
        r = rng.random()
        if r < p_const:
            return b.const(rng.choice(_CONSTS))
        if r < p_const + p_var or not stmts:
            return rng.choice(names[:n_vars])
        back = min(len(stmts), 1 + int(rng.expovariate(0.35)))
        return stmts[-back]

    while len(b.inputs) < n:
        if rng.random() < p_unary:
            op, args = rng.choice(_UNARY), [operand()]
        else:
            op, args = rng.choice(_BINARY), [operand(), operand()]
        label = f"{op} t{len(stmts)}" if named and rng.random() < 0.3 else op
        stmts.append(b.op(label, *args))
    return b.graph(stmts[-1] if stmts else len(b.inputs) - 1)


def random_dag(n: int, seed: int, n_vars: int = 8, window: int = 40) -> Graph:
    """A large, less structured DAG: operands drawn uniformly from a recent window.

    Variables are used throughout, so many edges are long; it is the stress
    case for dummy nodes rather than a realistic expression.
    """
    rng = random.Random(seed)
    b = Builder()
    for i in range(n_vars):
        b.var(f"v{i}")
    while len(b.inputs) < n:
        k = len(b.inputs)
        arity = 1 if rng.random() < 0.3 else 2
        args = []
        for _ in range(arity):
            if rng.random() < 0.1:
                args.append(rng.randrange(n_vars))
            else:
                args.append(rng.randrange(max(0, k - window), k))
        b.op(rng.choice(_BINARY) if arity == 2 else rng.choice(_UNARY), *args)
    return b.graph()


def chain_program(statements: int = 30) -> str:
    """The long chain of issue 10: a_k = tanh(a_{k-1})*w_k + a_{k-1}."""
    lines = ["a1 = x*y + 1"] + [f"a{k} = tanh(a{k - 1})*w{k} + a{k - 1}" for k in range(2, statements + 1)]
    return "\n".join(lines)


def program_text(g: Graph) -> str:
    """The graph as a program the engine reads back into the same graph: a node used once is
    written inside its user's expression, any other (shared, dead, the output) gets a
    statement of its own, as a student would write it."""
    inputs, kinds, labels, output = g
    uses = [0] * len(inputs)
    for args in inputs:
        for u in args:
            uses[u] += 1
    text: list[str] = []
    depth: list[int] = []
    lines: list[str] = []
    for v, args in enumerate(inputs):
        if kinds[v] == "input":
            text.append(labels[v])
            depth.append(0)
            continue
        if kinds[v] == "const":
            text.append(f"({labels[v]})" if labels[v].startswith("-") else labels[v])
            depth.append(0)
            continue
        op = labels[v].split()[0]
        a = [text[u] for u in args]
        if op in ("+", "×") and len(a) == 2:
            expr = f"{a[0]} {'+' if op == '+' else '*'} {a[1]}"
        elif op == "1/x":
            expr = f"1/({a[0]})"
        else:
            expr = f"{op}({', '.join(a)})"
        d = 1 + max(depth[u] for u in args)
        if uses[v] != 1 or v == output or d > 12:
            lines.append(f"t{v} = {expr}")
            text.append(f"t{v}")
            depth.append(0)
        else:
            text.append(f"({expr})" if op in ("+", "×") else expr)
            depth.append(d)
    return "\n".join(lines)


def bench_programs() -> list[tuple[str, str]]:
    """(name, source) of the programs the layout bench compares on, through the engine: the
    bench graphs as programs, more random programs up to 100 nodes, the 30-statement chain
    and larger programs up to about 640 nodes (fixed seeds)."""
    out = [(name, program_text(g)) for name, g in bench_set()]
    for i, size in enumerate([10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 90, 100] * 2):
        out.append((f"random n={size} s={100 + i}", program_text(random_program(size, seed=100 + i))))
    out.append(("chain of 30 statements", chain_program(30)))
    for i, size in enumerate([260, 400, 640]):
        out.append((f"random n={size} s={200 + i}", program_text(random_program(size, seed=200 + i))))
    return out


def bench_set() -> list[tuple[str, Graph]]:
    """The named graphs the bench compares on (fixed seeds)."""
    graphs: list[tuple[str, Graph]] = [
        ("(x+y)*z", xyz()),
        ("log(x1*x2)*sin(x2)", log_sin()),
        ("sigmoid neuron", sigmoid_neuron()),
        ("fan-out 6", fan_out(6)),
    ]
    sizes = [10, 12, 15, 18, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100, 100, 150, 200, 300, 500]
    for i, size in enumerate(sizes):
        graphs.append((f"program n={size} s={i}", random_program(size, seed=i)))
    return graphs
