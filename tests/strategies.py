"""Hypothesis strategies: random compgraph sources, each with a sympy twin.

`cases()` draws a `Case`: a source text over the whole grammar (every operator
and function, the pasted signs · × ⋅ ÷ − and **, superscripts, implicit
multiplication, redundant parentheses and white space, newlines and comments
inside parentheses, programs with rebinding and comments), the same
computation as a sympy expression, the computation as a node list (the test
uses it to tell well-conditioned points from ill-conditioned ones), and
values for its variables.

The text is rendered here, operator by operator, with the parser's binding
powers; the sympy expression is built from the same choices, so a parser
that reads the text differently gives different numbers.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import mpmath as mp
import sympy as sp
from compgraph.engine.ops import OPERATORS
from hypothesis import strategies as st

# Binding powers of printed pieces: the parser's, plus postfix superscripts and atoms.
ADD, MUL, UNARY, POW, POSTFIX, ATOM = 10, 20, 30, 40, 50, 60


# The operators on plain numbers: this file covers them all (the tensor-only ones, such as
# matmul and the losses, are not part of the scalar grammar it draws from).
SCALAR_OPERATORS = {name: op for name, op in OPERATORS.items() if not getattr(op, "tensor_only", False)}


# -- the oracle's operators ----------------------------------------------------------------


@dataclass(frozen=True)
class OracleOp:
    """One operator as the oracle knows it: exact sympy and mpmath versions, and the
    local derivatives (mpmath, of the operand values) used only to estimate rounding."""

    sym: Callable
    mp: Callable
    partials: tuple[Callable, ...]


def _mp_sigmoid(a):
    return 1 / (1 + mp.exp(-a))


class Sigmoid(sp.Function):
    """1/(1 + e^−a) and its derivative. (Written as that formula, sympy's simplifier takes
    seconds on some random expressions; and sympy has no softplus.)"""

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0]) * (1 - Sigmoid(self.args[0]))


class Softplus(sp.Function):
    """log(1 + e^a) and its derivative σ(a)."""

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0])


# How lambdify evaluates them (log1p keeps the digits of softplus(-100) = 3.7e-44).
MPMATH_FUNCTIONS = {"Sigmoid": _mp_sigmoid, "Softplus": lambda a: mp.log1p(mp.exp(a))}


def _one(*_):
    return mp.mpf(1)


def _step(condition: bool):
    return mp.mpf(1) if condition else mp.mpf(0)


ORACLE: dict[str, OracleOp] = {
    "add": OracleOp(lambda a, b: a + b, lambda a, b: a + b, (_one, _one)),
    "sub": OracleOp(lambda a, b: a - b, lambda a, b: a - b, (_one, lambda a, b: -_one())),
    "mul": OracleOp(lambda a, b: a * b, lambda a, b: a * b, (lambda a, b: b, lambda a, b: a)),
    "div": OracleOp(lambda a, b: a / b, lambda a, b: a / b,
                    (lambda a, b: 1 / b, lambda a, b: -a / b**2)),
    "pow": OracleOp(lambda a, b: a**b, lambda a, b: a**b,
                    (lambda a, b: b * a ** (b - 1), lambda a, b: a**b * mp.log(a))),
    "neg": OracleOp(lambda a: -a, lambda a: -a, (lambda a: -_one(),)),
    "log": OracleOp(sp.log, mp.log, (lambda a: 1 / a,)),
    "exp": OracleOp(sp.exp, mp.exp, (mp.exp,)),
    "sqrt": OracleOp(sp.sqrt, mp.sqrt, (lambda a: 1 / (2 * mp.sqrt(a)),)),
    "sin": OracleOp(sp.sin, mp.sin, (mp.cos,)),
    "cos": OracleOp(sp.cos, mp.cos, (lambda a: -mp.sin(a),)),
    "tan": OracleOp(sp.tan, mp.tan, (lambda a: 1 / mp.cos(a) ** 2,)),
    "tanh": OracleOp(sp.tanh, mp.tanh, (lambda a: 1 / mp.cosh(a) ** 2,)),
    "sigmoid": OracleOp(Sigmoid, _mp_sigmoid, (lambda a: _mp_sigmoid(a) * (1 - _mp_sigmoid(a)),)),
    "relu": OracleOp(lambda a: sp.Max(a, 0), lambda a: max(a, mp.mpf(0)),
                     (lambda a: _step(a > 0),)),
    "abs": OracleOp(sp.Abs, abs, (mp.sign,)),
    "softplus": OracleOp(Softplus, lambda a: mp.log1p(mp.exp(a)), (_mp_sigmoid,)),
    "max": OracleOp(sp.Max, max, (lambda a, b: _step(a > b), lambda a, b: _step(b > a))),
    "min": OracleOp(sp.Min, min, (lambda a, b: _step(a < b), lambda a, b: _step(b < a))),
}

# Operators whose derivative jumps where this expression is zero: the test keeps away.
KINKS: dict[str, Callable] = {
    "relu": lambda a: a, "abs": lambda a: a, "max": lambda a, b: a - b, "min": lambda a, b: a - b,
}

# Every name a function can be called by, and the operator it means.
FUNCTION_NAMES = {
    "log": "log", "ln": "log", "exp": "exp", "sqrt": "sqrt", "sin": "sin", "cos": "cos",
    "tan": "tan", "tanh": "tanh", "sigmoid": "sigmoid", "σ": "sigmoid", "relu": "relu",
    "abs": "abs", "softplus": "softplus", "pow": "pow", "max": "max", "min": "min",
}
ARITY = {"pow": 2, "max": 2, "min": 2}

# Ways to write each infix operator, as typed and as pasted from slides.
SIGNS = {"add": ["+"], "sub": ["-", "−"], "mul": ["*", "·", "×", "⋅"], "div": ["/", "÷"],
         "pow": ["^", "**"]}
PRECEDENCE = {"add": ADD, "sub": ADD, "mul": MUL, "div": MUL, "pow": POW}

# Variables a source reads, and names its statements assign (reassigning x and c rebinds them).
INPUTS = ("x", "y", "z", "θ", "w_1", "c")
TARGETS = ("q", "f", "c", "x", "h_2", "β")
CONSTANTS = {"pi": sp.pi, "π": sp.pi, "e": sp.E}
# Literals whose decimal value is exactly a double, so sympy and the engine start equal.
LITERALS = ("2", "1", "0", "3", "10", "0.5", ".5", "2.5", "4.", "1.25", "2.5e-1", "1E2",
            "1e+1", "0.75", "007", "1.5")
SUPERSCRIPTS = {"²": 2, "³": 3, "⁻¹": -1, "¹": 1, "⁰": 0, "⁴": 4, "⁻²": -2, "¹⁰": 10}


# -- what a case is ------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One step of the computation: a leaf ("var", "num", "const") or an ORACLE operator."""

    op: str
    args: tuple[int, ...] = ()
    leaf: object = None  # variable name, literal text or constant name
    depends: bool = False  # does it read a variable (as the engine's requires_grad)?


@dataclass(frozen=True)
class Case:
    text: str
    sym: sp.Expr  # the output, over real symbols named like the inputs
    nodes: tuple[Node, ...]  # topological order
    output: int  # index into nodes
    inputs: tuple[str, ...]  # variables in order of first reading: the graph's order
    values: dict[str, float]


class SympyTooSlow(BaseException):
    """sympy spent longer than its budget on one expression. (A BaseException: sympy's
    evalf catches Exception here and there, and would carry on.)"""


@contextlib.contextmanager
def sympy_budget(seconds: float = 2.0) -> Iterator[None]:
    """Raise SympyTooSlow in the block after `seconds`. sympy's assumption system can spend
    minutes deciding the sign of a random constant such as (exp(2)·sin(3))^(π−e); such a
    case is rejected, not waited for. (SIGALRM: only the main thread, where pytest runs.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def give_up(_signum, _frame):
        raise SympyTooSlow

    previous = signal.signal(signal.SIGALRM, give_up)
    # and again every 0.1 s, should a bare `except:` somewhere swallow it
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class Piece:
    """A rendered expression: its text, how tightly it binds, its first and last token."""

    text: str
    level: int
    first: str  # "name", "num", "lparen" or "op"
    last: str  # "name", "num", "rparen" or "sup"
    node: int
    sym: sp.Expr


# -- rendering -----------------------------------------------------------------------------


class _Builder:
    def __init__(self, draw):
        self.draw = draw
        self.nodes: list[Node] = []
        self.inputs: list[str] = []
        self.variable_node: dict[str, int] = {}
        self.bound: dict[str, Piece] = {}  # program names -> their value
        # Per node, to keep sympy cheap: the size of its expression as a tree, and the value of
        # a node that reads no variable (None for one that does; NAN once out of bounds).
        self.sizes: list[int] = []
        self.constant_values: list = []

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def add(self, node: Node, size: int = 1, value=None) -> int:
        self.nodes.append(node)
        self.sizes.append(size)
        self.constant_values.append(value)
        return len(self.nodes) - 1

    def ws(self, inside: bool) -> str:
        """White space between tokens; inside parentheses a newline or comment continues the line."""
        options = ["", " ", "", " ", "", " ", "  ", "\t", "\u00a0"]
        if inside:
            options += ["\n", " # note: (ignored) ;\n  "]
        return self.pick(options)

    def op(self, name: str, pieces: list[Piece]) -> tuple[int, sp.Expr]:
        return self.apply(name, [p.node for p in pieces], [p.sym for p in pieces])

    def apply(self, name: str, operands: list[int], args: list[sp.Expr]) -> tuple[int, sp.Expr]:
        """A new operator node, and its sympy expression, or nan where sympy would be slow.

        sympy simplifies as it builds: on a constant like exp(exp(exp(9))) it tries to find a
        sign and runs out of memory, and big trees make diff slow. The test rejects a point
        with a value beyond 1e20 anyway, and nan marks the rest for rejection too."""
        size = 1 + sum(self.sizes[k] for k in operands)
        value = None
        if not any(self.nodes[k].depends for k in operands):
            value = _bounded(ORACLE[name].mp, [self.constant_values[k] for k in operands])
        node = self.add(Node(name, tuple(operands), depends=value is None), size, value)
        if size > MAX_SYMPY_SIZE or (value is not None and value != value) or any(a is sp.nan for a in args):
            return node, sp.nan
        try:
            with sympy_budget():
                return node, ORACLE[name].sym(*args)
        except (ValueError, TypeError, OverflowError, SympyTooSlow):  # sympy refuses max(zoo, x)
            return node, sp.nan

    # leaves

    def number(self, text: str | None = None) -> Piece:
        text = text or self.pick(LITERALS)
        node = self.add(Node("num", leaf=text), value=mp.mpf(float(text)))
        return Piece(text, ATOM, "num", "num", node, sp.Rational(float(text)))

    def leaf(self) -> Piece:
        kind = self.pick(["variable", "number", "variable", "bound", "constant", "variable", "bound"])
        if kind == "number":
            return self.number()
        if kind == "constant":
            return self.name(self.pick(list(CONSTANTS)))
        if kind == "bound" and self.bound:
            return self.name(self.pick(list(self.bound)))
        return self.name(self.pick(INPUTS))

    def name(self, name: str) -> Piece:
        if name in self.bound:
            return replace(self.bound[name], text=name, level=ATOM, first="name", last="name")
        if name in CONSTANTS:
            node = self.add(Node("const", leaf=name), value=mp.mpf(+mp.pi if name != "e" else +mp.e))
            return Piece(name, ATOM, "name", "name", node, CONSTANTS[name])
        if name not in self.variable_node:
            self.inputs.append(name)
            self.variable_node[name] = self.add(Node("var", leaf=name, depends=True))
        return Piece(name, ATOM, "name", "name", self.variable_node[name], symbol(name))

    # composite forms

    def paren(self, piece: Piece) -> Piece:
        text = f"({self.ws(True)}{piece.text}{self.ws(True)})"
        return replace(piece, text=text, level=ATOM, first="lparen", last="rparen")

    def operand(self, piece: Piece, fits: bool) -> Piece:
        """`piece` as an operand: in parentheses when the grammar needs them, and sometimes not."""
        if not fits or self.draw(st.integers(0, 9)) == 0:
            return self.paren(piece)
        return piece

    def binary(self, name: str, left: Piece, right: Piece, inside: bool) -> Piece:
        power = PRECEDENCE[name]
        if name == "pow":  # right-associative; a prefix minus may start the exponent: 2^-x
            left = self.operand(left, left.level >= POSTFIX)
            right = self.operand(right, right.level >= POW or right.level == UNARY)
        else:
            left = self.operand(left, left.level >= power)
            right = self.operand(right, right.level > power)
        sign = self.pick(SIGNS[name])
        node, sym = self.op(name, [left, right])
        text = f"{left.text}{self.ws(inside)}{sign}{self.ws(inside)}{right.text}"
        return Piece(text, power, left.first, right.last, node, sym)

    def implicit(self, left: Piece, right: Piece, inside: bool) -> Piece:
        """2x, 2(x+1), (a+b)(a-b), x²y: a number, ')' or superscript, then a name or '('."""
        left = self.operand(left, left.level >= MUL and left.last in ("num", "rparen", "sup"))
        right = self.operand(right, right.level > MUL and right.first in ("name", "lparen"))
        # "2e-1" would lex as one number: keep a space between a number and a name starting with e.
        gap = " " if left.last == "num" and right.text[0] in "eE" else self.pick(
            ["", " ", *(["\n"] if inside else [])])
        node, sym = self.op("mul", [left, right])
        return Piece(left.text + gap + right.text, MUL, left.first, right.last, node, sym)

    def prefix(self, sign: str, arg: Piece) -> Piece:
        arg = self.operand(arg, arg.level >= UNARY)
        text = sign + self.pick(["", " "]) + arg.text
        if sign == "+":  # unary plus leaves no node
            return replace(arg, text=text, level=UNARY, first="op")
        node, sym = self.op("neg", [arg])
        return Piece(text, UNARY, "op", arg.last, node, sym)

    def superscript(self, base: Piece, digits: str) -> Piece:
        base = self.operand(base, base.level == ATOM)
        n = SUPERSCRIPTS[digits]
        exponent = self.add(Node("num", leaf=str(n)), value=mp.mpf(n))
        node, sym = self.apply("pow", [base.node, exponent], [base.sym, sp.Integer(n)])
        return Piece(base.text + digits, POSTFIX, base.first, "sup", node, sym)

    def call(self, function: str, args: list[Piece]) -> Piece:
        separator = f"{self.ws(True)},{self.ws(True)}"
        inner = separator.join(self.operand(arg, True).text for arg in args)
        text = f"{function}{self.pick(['', ' '])}({self.ws(True)}{inner}{self.ws(True)})"
        node, sym = self.op(FUNCTION_NAMES[function], args)
        return Piece(text, ATOM, "name", "rparen", node, sym)

    # random expressions

    def expression(self, depth: int, inside: bool = False) -> Piece:
        kinds = ["leaf"] if depth <= 0 else [
            "leaf", "binary", "binary", "binary", "binary", "call", "call", "prefix", "superscript",
            "implicit", "paren"]
        kind = self.pick(kinds)
        if kind == "leaf":
            return self.leaf()
        if kind == "binary":
            return self.rooted(self.pick(["add", "sub", "mul", "div", "^"]), depth, inside)
        if kind == "call":
            return self.rooted(self.pick(list(FUNCTION_NAMES)), depth, inside)
        if kind == "prefix":
            return self.prefix(self.pick(["-", "−", "+"]), self.expression(depth - 1, inside))
        if kind == "paren":
            return self.paren(self.expression(depth - 1, True))
        return self.rooted(kind, depth, inside)

    def rooted(self, root: str, depth: int, inside: bool) -> Piece:
        """An expression whose top is `root`: an operator, a function name, or one of the forms
        "neg", "superscript", "implicit"."""
        below = depth - 1
        if root == "^":
            return self.binary("pow", self.positive(self.expression(below, inside), inside),
                               self.exponent(below, inside), inside)
        if root in ("add", "sub", "mul", "div"):
            return self.binary(root, self.expression(below, inside), self.expression(below, inside),
                               inside)
        if root == "neg":
            return self.prefix(self.pick(["-", "−"]), self.expression(below, inside))
        if root == "superscript":
            return self.superscript(self.expression(below, inside), self.pick(list(SUPERSCRIPTS)))
        if root == "implicit":
            left = self.number() if self.draw(st.booleans()) else self.expression(below, inside)
            return self.implicit(left, self.expression(below, inside), inside)
        if root == "pow":
            args = [self.positive(self.expression(below, True), True), self.exponent(below, True)]
        elif root in ("log", "ln", "sqrt"):
            args = [self.positive(self.expression(below, True), True)]
        else:
            args = [self.expression(below, True) for _ in range(ARITY.get(root, 1))]
        return self.call(root, args)

    def positive(self, piece: Piece, inside: bool) -> Piece:
        """Usually a positive function of `piece`, so that log, sqrt and powers stay in their domain."""
        how = self.pick(["square", "exp", "softplus", "as is"])
        if how == "square":  # 1 + u²
            return self.binary("add", self.number("1"), self.superscript(piece, "²"), inside)
        if how in ("exp", "softplus"):
            return self.call(how, [piece])
        return piece

    def exponent(self, depth: int, inside: bool) -> Piece:
        how = self.pick(["literal", "negative", "expression", "tower"])
        if how == "literal":
            return self.number(self.pick(["2", "3", "0.5", "1.5", "1", "0"]))
        if how == "negative":
            return self.prefix(self.pick(["-", "−"]), self.number(self.pick(["1", "2", "0.5"])))
        if how == "tower":  # a^b^c: the exponent is itself a power, unparenthesized
            return self.binary("pow", self.positive(self.leaf(), inside),
                               self.number(self.pick(["2", "0.5", "3"])), inside)
        return self.expression(depth, inside)

    # programs

    def program(self, max_depth: int, root: str | None = None) -> tuple[str, Piece]:
        count = self.pick([1, 2, 1, 3, 4])
        out = [self.pick(["", "", "\n", "# a comment, with (unbalanced parens\n", ";"])]
        piece = None
        for k in range(count):
            last = k == count - 1
            target = self.pick([None, *TARGETS]) if last else self.pick([*TARGETS, None])
            depth = self.draw(st.integers(1 if last else 0, max_depth))
            piece = self.rooted(root, depth, False) if last and root else self.expression(depth)
            if target is None:
                out.append(piece.text)
            else:
                out.append(f"{target}{self.pick(['', ' '])}={self.pick(['', ' '])}{piece.text}")
                self.bound[target] = piece
            if not last:
                out.append(self.pick(["\n", ";", "; ", "\r\n", "\r", "\n\n", "  # comment\n", ";\n"]))
        out.append(self.pick(["", "", "\n", ";", "  # the end"]))
        return "".join(out), piece


MAX_SYMPY_SIZE = 150  # nodes in an expression written out as a tree (a reused name counts again)


def _bounded(function, args):
    """function(*args) at low precision, if every arg is a real and so is the result, with
    1e-20 <= |result| <= 1e20 or 0 (the test rejects points beyond that); else nan."""
    if any(a != a for a in args):
        return mp.nan
    try:
        with mp.workdps(20):
            value = function(*args)
    except (ZeroDivisionError, ValueError, OverflowError):
        return mp.nan
    if not isinstance(value, mp.mpf | int) or not (value == 0 or 1e-20 <= abs(value) <= 1e20):
        return mp.nan
    return mp.mpf(value)


def values_for(names) -> st.SearchStrategy[dict[str, float]]:
    value = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries({name: value for name in names})


# What `cases(root=...)` can put at the top of the output: every operator and surface form.
ROOTS = ("add", "sub", "mul", "div", "^", "neg", "superscript", "implicit", *FUNCTION_NAMES)


@st.composite
def cases(draw, max_depth: int = 4, root: str | None = None) -> Case:
    """A random case; with `root`, its output is that operator or form applied to random operands."""
    builder = _Builder(draw)
    text, piece = builder.program(max_depth, root)
    values = draw(values_for(builder.inputs))
    return Case(text, piece.sym, tuple(builder.nodes), piece.node, tuple(builder.inputs), values)
