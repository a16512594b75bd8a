"""Generated programs for the engine benchmark.

Statements reuse earlier names and are built from +, *, relu and constants
over a few shared variables, so micrograd 0.1.0 (which has no tanh) can build
the same graph. Each statement uses the previous one, so every node reaches
the output and the graph is as deep as it is long.
"""

from __future__ import annotations

import random

VARIABLES = ("x", "y", "z", "w")


def make_program(target_nodes: int, seed: int = 0) -> tuple[str, list[tuple], dict[str, float]]:
    """(source, statements as (target, op, a, b), values) with about `target_nodes` graph nodes.

    Ops: "avg" (a + b) * 0.5, "mul" of two names, "addc"/"mulc" of a name and a constant,
    "relu" of a name.
    """
    rng = random.Random(seed)
    names = list(VARIABLES)
    statements: list[tuple] = []
    lines: list[str] = []
    nodes = len(VARIABLES)
    i = 0
    # Kept numerically tame (no overflow at 100,000 nodes): averages, products
    # with variables near 1, small shifts and shrinking scales.
    while nodes < target_nodes:
        target = f"v{i}"
        previous = names[-1]
        kind = rng.choice(("avg", "mulv", "addc", "mulc", "relu"))
        if kind == "avg":
            other = rng.choice(names[-8:])
            statements.append((target, "avg", previous, other))
            lines.append(f"{target} = ({previous} + {other}) * 0.5")
            nodes += 3
        elif kind == "mulv":
            other = rng.choice(VARIABLES)
            statements.append((target, "mul", previous, other))
            lines.append(f"{target} = {previous} * {other}")
            nodes += 1
        elif kind == "addc":
            c = round(rng.uniform(-0.5, 0.5), 3)
            statements.append((target, "addc", previous, c))
            lines.append(f"{target} = {previous} + {c}")
            nodes += 2
        elif kind == "mulc":
            c = round(rng.uniform(0.5, 1.0), 3)
            statements.append((target, "mulc", previous, c))
            lines.append(f"{target} = {previous} * {c}")
            nodes += 2
        else:
            statements.append((target, "relu", previous, None))
            lines.append(f"{target} = relu({previous})")
            nodes += 1
        names.append(target)
        i += 1
    values = {name: rng.uniform(0.8, 1.2) for name in VARIABLES}
    return "\n".join(lines), statements, values


def mlp_program(inputs: int = 4, layers: tuple[int, ...] = (32, 8, 1), seed: int = 0) -> tuple[str, dict[str, float]]:
    """A micrograd MLP (micrograd.nn, ReLU hidden layers) on one input, as compgraph reads it
    (compgraph.from_micrograd): (source, values). With the defaults, 1,261 nodes: the
    page-size program of the wire-size and page benches. Needs micrograd (the bench extra)."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    import compgraph

    state = random.getstate()
    random.seed(seed)  # micrograd draws its weights from the random module
    try:
        model = MLP(inputs, list(layers))
        xs = [Value(random.uniform(-1.0, 1.0)) for _ in range(inputs)]
        program = compgraph.from_micrograd(model(xs), names={f"x{k}": x for k, x in enumerate(xs)})
    finally:
        random.setstate(state)
    return program.source, dict(program.values)
