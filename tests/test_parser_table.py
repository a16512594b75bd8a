"""The grammar as a table: source -> fully parenthesized tree."""

from __future__ import annotations

import pytest
from compgraph.engine.parser import parse
from compgraph.engine.syntax import Apply, Name, Num, format_number

SIGNS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


def show(node) -> str:
    """Every operation in parentheses; calls as name(args); numbers in their shortest form."""
    if isinstance(node, Num):
        return format_number(node.value)
    if isinstance(node, Name):
        return node.name
    assert isinstance(node, Apply)
    args = [show(arg) for arg in node.args]
    if node.op in SIGNS:
        return f"({args[0]} {SIGNS[node.op]} {args[1]})"
    if node.op == "neg":
        return f"(-{args[0]})"
    return f"{node.op}({', '.join(args)})"


def shown(source: str) -> str:
    return "; ".join(
        f"{s.target} = {show(s.expr)}" if s.target else show(s.expr) for s in parse(source).statements
    )


@pytest.mark.parametrize("source, expected", [
    # precedence and associativity
    ("1 + 2 * 3", "(1 + (2 * 3))"),
    ("1 - 2 - 3", "((1 - 2) - 3)"),
    ("8 / 4 / 2", "((8 / 4) / 2)"),
    ("2^3^2", "(2 ^ (3 ^ 2))"),
    ("2**3**2", "(2 ^ (3 ^ 2))"),
    ("-x^2", "(-(x ^ 2))"),
    ("2^-1", "(2 ^ -1)"),
    ("2^-x", "(2 ^ (-x))"),
    ("-2^2", "(-(2 ^ 2))"),
    ("-x * y", "((-x) * y)"),
    ("a * -b", "(a * (-b))"),
    ("a - -b", "(a - (-b))"),
    ("+x", "x"),
    ("--x", "(-(-x))"),
    ("-2", "-2"),
    ("-(2)", "-2"),
    ("(x + y) * z", "((x + y) * z)"),
    # numbers
    (".5 + 2.5E+1 + 1e-3 + 2.", "(((0.5 + 25) + 0.001) + 2)"),
    # pasted from slides
    ("a · b × c ⋅ d", "(((a * b) * c) * d)"),
    ("a ÷ b − c", "((a / b) - c)"),
    ("x² + y³", "((x ^ 2) + (y ^ 3))"),
    ("x⁻¹", "(x ^ -1)"),
    ("2^x²", "(2 ^ (x ^ 2))"),
    ("-x²", "(-(x ^ 2))"),
    ("(a+b)²", "((a + b) ^ 2)"),
    # implicit multiplication
    ("2x", "(2 * x)"),
    ("2(x+1)", "(2 * (x + 1))"),
    ("(a+b)(a-b)", "((a + b) * (a - b))"),
    ("(a+b)x", "((a + b) * x)"),
    ("2x^2", "(2 * (x ^ 2))"),
    ("1/2x", "((1 / 2) * x)"),
    ("x²y", "((x ^ 2) * y)"),
    ("2e", "(2 * e)"),
    ("2e3x", "(2000 * x)"),
    # functions and aliases
    ("ln(x) + log(x)", "(log(x) + log(x))"),
    ("σ(x) + sigmoid(x)", "(sigmoid(x) + sigmoid(x))"),
    ("pow(a, b) + max(a, b*2) + min(1, 2)", "(((a ^ b) + max(a, (b * 2))) + min(1, 2))"),
    ("sqrt(abs(relu(softplus(tanh(tan(cos(sin(exp(x)))))))))",
     "sqrt(abs(relu(softplus(tanh(tan(cos(sin(exp(x)))))))))"),
    # names
    ("θ + α_2 + W_2 + x1", "(((θ + α_2) + W_2) + x1)"),
    ("pi + π + e", "((pi + π) + e)"),
    # programs
    ("q = x + y; f = q * z", "q = (x + y); f = (q * z)"),
    ("q = x + y\nf = q * z\n", "q = (x + y); f = (q * z)"),
    ("c = c + c + 1", "c = ((c + c) + 1)"),
    ("a = (x\n + 1)  # continued inside parentheses\n\n;; a", "a = (x + 1); a"),
    ("# comment\nx # trailing", "x"),
])
def test_parse_table(source, expected):
    assert shown(source) == expected


@pytest.mark.parametrize("source, spans", [
    ("x + y", [(0, 5)]),
    ("  log(x1*x2)*sin(x2)", [(2, 20)]),
    ("q = x + y; f = q * z", [(4, 9), (15, 20)]),
])
def test_spans_cover_the_expression(source, spans):
    assert [(s.expr.start, s.expr.end) for s in parse(source).statements] == spans


def test_spans_travel_to_operands():
    tree = parse("log(x1*x2)*sin(x2)").statements[0].expr
    log, sin = tree.args
    assert (log.start, log.end) == (0, 10)
    assert (log.args[0].start, log.args[0].end) == (4, 9)
    assert (sin.args[0].start, sin.args[0].end) == (15, 17)
    assert (tree.op_start, tree.op_end) == (10, 11)
