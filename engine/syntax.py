"""The syntax tree, and printing it back as source.

Every node carries its [start, end) span into the source, so a graph node
and an error can point at the characters they came from. Operator nodes
name their registry entry; unary plus and parentheses leave no node.
Printing is iterative: a 100,000-term sum prints without recursion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .ops import OPERATORS
from .ops.registry import POWER, UNARY


@dataclass(slots=True)
class Num:
    value: float | np.ndarray  # a number, or a vector/matrix literal [1, 2]
    text: str  # as written, for labels ("2.5", "-3")
    start: int
    end: int
    outer: tuple[int, int] | None = None  # the span with the parentheses written around it


@dataclass(slots=True)
class Param:
    """param(3, 4): a trainable tensor of that shape, initialized from a seed."""

    shape: tuple[int, ...]
    start: int
    end: int
    outer: tuple[int, int] | None = None  # the span with the parentheses written around it


@dataclass(slots=True)
class Name:
    name: str
    start: int
    end: int
    outer: tuple[int, int] | None = None  # the span with the parentheses written around it


@dataclass(slots=True)
class Apply:
    op: str  # a key of OPERATORS
    args: list
    start: int
    end: int
    op_start: int  # span of the operator sign or function name
    op_end: int
    param: int | None = None  # an operator's integer argument: the axis of sum(x, 0)
    outer: tuple[int, int] | None = None  # the span with the parentheses written around it


def outer_start(node) -> int:
    """Where an operand starts as written, its parentheses included: (a+b)*c spans from '('."""
    return node.start if node.outer is None else node.outer[0]


def outer_end(node) -> int:
    return node.end if node.outer is None else node.outer[1]


@dataclass(slots=True)
class Statement:
    target: str | None  # the assigned name, or None for a bare expression
    expr: Num | Name | Apply
    start: int
    end: int


@dataclass(slots=True)
class Program:
    statements: list[Statement]


Expr = Num | Name | Apply | Param

_ATOM = 100  # binding power of numbers, names and calls


def _power(node: Expr) -> int:
    """How tightly a node's printed form binds (decides parentheses)."""
    if isinstance(node, Apply):
        op = OPERATORS[node.op]
        return op.precedence if op.notation != "function" else _ATOM
    if isinstance(node, Num) and not isinstance(node.value, np.ndarray) and math.copysign(1.0, node.value) < 0:
        return UNARY  # a negative literal prints like unary minus
    return _ATOM


def format_number(value: float) -> str:
    """Shortest text that parses back to exactly `value`."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("non-finite numbers have no literal")
    if value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
        return "-0" if text == "0" and str(value).startswith("-") else text
    return repr(value)


def format_literal(value: float | np.ndarray) -> str:
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return format_number(float(value))
        return "[" + ", ".join(format_literal(row) for row in value) + "]"
    return format_number(float(value))  # a numpy scalar prints as a plain number


def to_source(tree: Program | Expr) -> str:
    """Print a program or expression so that parsing it gives the same tree."""
    if isinstance(tree, Program):
        lines = []
        for statement in tree.statements:
            text = _expr_to_source(statement.expr)
            lines.append(f"{statement.target} = {text}" if statement.target else text)
        return "\n".join(lines)
    return _expr_to_source(tree)


def _expr_to_source(root: Expr) -> str:
    out: list[str] = []
    # A stack of work: either a node to print, or literal text to emit.
    work: list = [root]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Num):
            out.append(format_literal(item.value))
        elif isinstance(item, Name):
            out.append(item.name)
        elif isinstance(item, Param):
            out.append(f"param({', '.join(map(str, item.shape))})")
        else:
            work.extend(reversed(_pieces(item)))
    return "".join(out)


def _pieces(node: Apply) -> list:
    """The node's printed form as a sequence of texts and child nodes."""
    op = OPERATORS[node.op]
    if op.notation == "function":
        pieces: list = [op.names[0], "("]
        for i, arg in enumerate(node.args):
            if i:
                pieces.append(", ")
            pieces.append(arg)
        if node.param is not None:
            pieces.append(f", {node.param}")
        pieces.append(")")
        return pieces
    if op.notation == "prefix":
        (arg,) = node.args
        return [op.sign, *_wrap(arg, _power(arg) < op.precedence)]
    left, right = node.args
    if op.right_assoc:
        # The base of a power binds tighter than everything but atoms; an
        # exponent in parentheses avoids any doubt about '2^-1'.
        left_needs = _power(left) <= op.precedence
        right_needs = _power(right) < op.precedence or _power(right) == UNARY
    else:
        left_needs = _power(left) < op.precedence
        right_needs = _power(right) <= op.precedence
    sign = f" {op.sign} " if op.precedence < POWER else op.sign
    return [*_wrap(left, left_needs), sign, *_wrap(right, right_needs)]


def _wrap(node: Expr, parenthesize: bool) -> list:
    return ["(", node, ")"] if parenthesize else [node]
