"""One record per operator, in one registry that everything else reads.

The parser looks up signs and function names here, the graph builder and the
evaluator call `forward` and each operand's `Partial`, the JSON contract and
the API's operator catalog print `symbol`, `formula` and the partials'
display formulas. Adding an operator is one `register(...)` call and a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Binding power of the written forms, lowest first.
ADDITIVE, MULTIPLICATIVE, UNARY, POWER = 10, 20, 30, 40


@dataclass(frozen=True, slots=True)
class Partial:
    """The local derivative of an operator's output w.r.t. one operand.

    `formula` is a display template over the operands `{a}`, `{b}` and the
    output `{out}`; `local(a, [b,] out)` is its value at a point. For q·z the
    partial w.r.t. q has formula "{b}" (that is, z).

    On tensors, an elementwise operator gives `tensor_local` (the same
    derivative on numpy arrays; the evaluator multiplies it by the upstream
    gradient and sums over broadcast axes). An operator that mixes elements
    (a matrix product, a sum, a loss) gives `vjp(upstream, a, [b,] out, param)`
    instead, returning the contribution to the operand directly, and `rule`
    says how it is formed ("upstream · {b}ᵀ").
    """

    formula: str
    local: Callable[..., float] | None  # None for operators that only exist on tensors
    tensor_local: Callable[..., Any] | None = None
    vjp: Callable[..., Any] | None = None
    rule: str = ""
    # The rule with shapes, from the shapes of (upstream, a, b): "3×4 = 3×1 · 1×4".
    shape_rule: Callable[..., str] | None = None

    def render(self, *operand_names: str) -> str:
        """The formula with the operands' names filled in: render("q", "z") of q·z's first partial is "z"."""
        return _positional(self.formula).format(*operand_names)

    def render_rule(self, *operand_names: str) -> str:
        return _positional(self.rule).format(*operand_names)


@dataclass(frozen=True, slots=True)
class Operator:
    name: str  # canonical name used in JSON: "mul"
    symbol: str  # drawn inside the graph node: "×"
    arity: int
    notation: str  # "infix", "prefix" or "function"
    formula: str  # display template of the forward, e.g. "{a} × {b}"
    description: str  # one line for the operator catalog
    forward: Callable[..., float]  # forward(a[, b]) on floats; never raises
    partials: tuple[Partial, ...]
    sign: str | None = None  # canonical sign for infix/prefix forms: "*"
    names: tuple[str, ...] = ()  # names it can be called by: ("log", "ln")
    precedence: int = 0
    right_assoc: bool = False
    convention: str = ""  # what the derivative is at a non-differentiable point
    # Tensors: `tensor_forward(a[, b][, param])` on numpy arrays, when `forward` won't do;
    # `tensor_only` operators (matrix product, sums, losses) switch an analysis to tensors;
    # `params` names optional integer arguments after the operands (sum(x, axis));
    # `infer_shape(shape_a, shape_b, param)` gives the output's shape or raises ShapeError.
    tensor_forward: Callable[..., Any] | None = None
    tensor_only: bool = False
    params: tuple[str, ...] = ()
    infer_shape: Callable[..., tuple[int, ...]] | None = None

    def render(self, *operand_names: str) -> str:
        """The forward written with the operands' names: render("x", "y") of add is "x + y"."""
        return _positional(self.formula).format(*operand_names)


def _positional(template: str) -> str:
    """"{b}·{a}" -> "{1}·{0}": positional fields format faster than named ones."""
    cached = _POSITIONAL.get(template)
    if cached is None:
        cached = _POSITIONAL[template] = template.replace("{a}", "{0}").replace("{b}", "{1}")
    return cached


_POSITIONAL: dict[str, str] = {}

OPERATORS: dict[str, Operator] = {}  # by canonical name
FUNCTIONS: dict[str, Operator] = {}  # by every name it can be called by
INFIX: dict[str, Operator] = {}  # by canonical sign
PREFIX: dict[str, Operator] = {}  # by canonical sign


def register(op: Operator) -> Operator:
    assert op.name not in OPERATORS, f"operator {op.name} registered twice"
    assert len(op.partials) == op.arity, f"{op.name}: one partial per operand"
    OPERATORS[op.name] = op
    for name in op.names:
        assert name not in FUNCTIONS, f"function name {name} registered twice"
        FUNCTIONS[name] = op
    if op.sign is not None and op.notation == "infix":
        INFIX[op.sign] = op
    elif op.sign is not None and op.notation == "prefix":
        PREFIX[op.sign] = op
    return op
