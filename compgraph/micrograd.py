"""A graph of micrograd Values as a compgraph program: `from_micrograd(output, names={...})`.

micrograd is never imported: a Value is anything with `data`, `_prev` (its operands) and
`_op` (micrograd 0.1.0), and maybe `label` (the lecture video's variant). micrograd writes
−, / and negation with its own operators (`a - b` is `a + b*-1`, `a / b` is `a * b**-1`),
so six operations cover it: `+ * **k relu tanh exp`.

The program has one node per micrograd node. A node used more than once (fan-out), a named
or labelled one, and the output get a statement of their own; a node used once is written
inside its user's expression, up to a few levels deep. Nothing here recurses, so a graph
of any depth converts.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .engine import Analysis, EngineError, analyze

# micrograd's _op of a one-operand operation → compgraph's function; `**k` is read apart.
UNARY = {"ReLU": "relu", "relu": "relu", "tanh": "tanh", "exp": "exp"}
BINARY = ("+", "*")
# Binding of what a written piece is, as the parser reads it (docs/language.md): a lower one
# needs parentheses where a higher one is expected.
ADD, MUL, SIGNED, POW, ATOM = 10, 20, 30, 40, 50
MAX_INLINE_DEPTH = 4  # deeper than this, an expression is split into statements


@dataclass(frozen=True)
class MicrogradProgram:
    """The compgraph program that computes what a micrograd graph computes.

    `source` is the program (also what `str()` gives), `values` a value per variable (the
    named leaves), `names` the micrograd Value behind each name in `source`. `analyze(**options)`
    runs compgraph's engine on it, with the options of `compgraph.analyze`."""

    source: str
    values: dict[str, float]
    names: dict[str, object] = field(repr=False)

    def analyze(self, **options) -> Analysis:
        return analyze(self.source, self.values, **options)

    def __str__(self) -> str:
        return self.source


def from_micrograd(output, names: Mapping[str, object] | None = None) -> MicrogradProgram:
    """The program of the graph that ends at `output`.

    A leaf named in `names` ({name: Value}) or carrying a `label` becomes a variable with its
    `data` as its value; other leaves are constants; a named or labelled operation names its
    statement (names of Values outside the graph are ignored). A name compgraph cannot read
    as a variable (`e`, `pi`, a function's name, `x1*w1`) is changed into one that it can
    (`e_`, `x1_w1`); `names` of the result says which Value each name stands for."""
    _check_value(output, "the output")
    given = {}
    for name, value in (names or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"names are text, not {name!r}")
        _check_value(value, f"names[{name!r}]")
        if id(value) in given:
            raise ValueError(f"names gives one Value two names: {given[id(value)]!r} and {name!r}")
        given[id(value)] = name
    order, operands = _walk(output, given)
    uses = {id(node): 0 for node in order}
    for node in order:
        for child in operands[id(node)]:
            uses[id(child)] += 1
    return _Writer(order, operands, uses, given).program(output)


def _check_value(value, what: str) -> None:
    if not all(hasattr(value, attr) for attr in ("data", "_prev", "_op")):
        raise TypeError(f"{what} is not a micrograd Value (it has no data, _prev and _op): "
                        f"{type(value).__name__}")


def _walk(output, given: dict[int, str]) -> tuple[list, dict[int, list]]:
    """Every node, operands before their users (a deterministic order), and each node's operands."""
    # First pass, in whatever order `_prev` (a set in micrograd) gives: each node's height.
    height: dict[int, int] = {}
    raw: dict[int, list] = {}
    nodes = []
    stack = [(output, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if expanded:
            height[key] = 1 + max((height[id(c)] for c in raw[key]), default=-1)
        elif key not in raw:
            raw[key] = _operands(node)
            nodes.append(node)
            stack.append((node, True))
            stack.extend((child, False) for child in raw[key] if id(child) not in raw)

    # A set loses the operands' order. Guess it as people write it: constants last (x * 2, as
    # micrograd's __rmul__ does), the taller operand first (a running sum, then what is added),
    # then as the node's label spells them (the lecture's 'x1*w1'), then by name. A tuple or a
    # list keeps its order.
    def rank(label: str, child) -> tuple:
        name = given.get(id(child)) or _label(child)
        spelled = label.find(name) if name and label else -1
        return (not child._prev and not name, -height[id(child)],
                spelled if spelled >= 0 else len(label), name, str(child._op), repr(_number(child.data)))

    operands = {}
    for node in nodes:
        children = raw[id(node)]
        if len(children) == 2 and not isinstance(node._prev, tuple | list):
            label = given.get(id(node)) or _label(node)
            children = sorted(children, key=functools.partial(rank, label))
        operands[id(node)] = children
    # Second pass, in that order: the order of the statements.
    order, done = [], set()
    stack = [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in done:
            done.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(operands[id(node)]) if id(child) not in done)
    return order, operands


def _operands(node) -> list:
    children, op = list(node._prev), node._op
    if not children:
        return children
    if op in BINARY:
        if len(children) == 1:  # `a + a`: a set holds `a` once
            children.append(children[0])
        if len(children) == 2:
            return children
    elif (op in UNARY or _exponent(op) is not None) and len(children) == 1:
        return children
    raise ValueError(f"a micrograd Value made by {op!r} from {len(children)} operand(s) has no "
                     "compgraph counterpart; compgraph reads + * **k relu tanh exp")


def _exponent(op) -> float | None:
    """k of micrograd's `**k` (its _op is f'**{k}')."""
    if not isinstance(op, str) or not op.startswith("**"):
        return None
    try:
        return _number(int(op[2:]) if re.fullmatch(r"-?\d+", op[2:]) else float(op[2:]))
    except ValueError:
        return None


def _number(data) -> int | float:
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"a micrograd Value holds {data!r}, not a real number")
    return int(data) if isinstance(data, numbers.Integral) else float(data)


def _label(node) -> str:
    label = getattr(node, "label", "")
    return label if isinstance(label, str) else ""


def _literal(number: int | float) -> str:
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"a constant of the micrograd graph is {number}; compgraph's constants "
                         "are finite numbers")
    return repr(number)


class _Writer:
    """Names the nodes and writes the statements, in the order of `_walk`."""

    def __init__(self, order: list, operands: dict[int, list], uses: dict[int, int],
                 given: dict[int, str]) -> None:
        self.order, self.operands, self.uses, self.given = order, operands, uses, given
        self.taken: set[str] = set()
        self.counter = 0
        self.name: dict[int, str] = {}
        self.values: dict[str, float] = {}
        self.names: dict[str, object] = {}

    def program(self, output) -> MicrogradProgram:
        # A named Value's name first, so that a label cannot take it.
        for node in self.order:
            if id(node) in self.given:
                self.assign(node, self.given[id(node)])
        for node in self.order:
            if id(node) not in self.name and _label(node):
                self.assign(node, _label(node))
        text: dict[int, tuple[str, int, int]] = {}  # id → (written form, binding, depth)
        statements = []
        for node in self.order:
            key = id(node)
            if not node._prev:
                if key in self.name:
                    self.values[self.name[key]] = float(_number(node.data))
                    text[key] = (self.name[key], ATOM, 0)
                    continue
                written = _literal(_number(node.data))
                form = (written, SIGNED if written.startswith("-") else ATOM, 0)
            else:
                form = self.expression(node, [text[id(c)] for c in self.operands[key]])
            if node is output or key in self.name or self.uses[key] > 1 or form[2] > MAX_INLINE_DEPTH:
                if node is output and key not in self.name:
                    statements.append(form[0])
                    continue
                name = self.name.get(key) or self.assign(node, None)
                statements.append(f"{name} = {form[0]}")
                form = (name, ATOM, 0)
            text[key] = form
        if not statements:  # the output is a leaf
            statements.append(text[id(output)][0])
        return MicrogradProgram("\n".join(statements) + "\n", self.values, self.names)

    def expression(self, node, parts: list[tuple[str, int, int]]) -> tuple[str, int, int]:
        depth = 1 + max(part[2] for part in parts)
        op = node._op
        if op in UNARY:
            return f"{UNARY[op]}({parts[0][0]})", ATOM, depth
        if op in BINARY:
            binding = ADD if op == "+" else MUL
            left, right = parts
            return f"{_wrap(left, binding)} {op} {_wrap(right, binding + 1)}", binding, depth
        exponent = _literal(_exponent(op))
        return f"{_wrap(parts[0], ATOM)} ** {exponent}", POW, depth

    def assign(self, node, wanted: str | None) -> str:
        name = _readable(wanted) if wanted else None
        if name is None:
            self.counter += 1
            name = f"t{self.counter}"
        base, n = name, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        self.name[id(node)] = name
        self.names[name] = node
        return name


def _wrap(part: tuple[str, int, int], needed: int) -> str:
    return part[0] if part[1] >= needed else f"({part[0]})"


def _readable(wanted: str) -> str | None:
    """`wanted`, or the nearest name that compgraph reads as a variable, or None."""
    if _is_variable_name(wanted):
        return wanted
    ascii_name = re.sub(r"[^A-Za-z0-9_]+", "_", wanted).strip("_")
    for candidate in (ascii_name, f"{ascii_name}_", f"_{ascii_name}"):
        if ascii_name and _is_variable_name(candidate):
            return candidate
    return None


@functools.lru_cache(maxsize=4096)
def _is_variable_name(name: str) -> bool:
    """The engine reads `name` alone as one variable called so (not e, pi, a function, 2x, x.T)."""
    try:
        return list(analyze(name, {name: 1.0}, gradcheck=False).gradients) == [name]
    except EngineError:
        return False
