"""Tokens -> syntax tree, by operator precedence with explicit stacks.

No recursion: operands and pending operators live on two lists (the
shunting-yard method), so nesting depth costs memory, not Python stack, and
the depth limit is a policy checked the moment a '(' opens. Binding powers
and associativity come from the operator registry:

    lowest   + -            left
             * / and implicit multiplication (2x, 2(x+1), (a+b)(a-b))   left
             unary - +      prefix
    highest  ^ (and **)     right; so -x^2 is -(x^2) and 2^-1 is 0.5
             x² x³ ...      postfix on the atom before it

A statement is `name = expression` or a bare expression; statements end at
';' or at a newline outside parentheses. The last one is the output.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import numpy as np

from .errors import EngineError, quoted
from .lexer import (
    ASSIGN,
    COMMA,
    END,
    LBRACKET,
    LPAREN,
    NAME,
    NUM,
    OP,
    RBRACKET,
    RPAREN,
    SEP,
    SUP,
    TRANSPOSE,
    Token,
    raise_if_bad,
    tokenize,
)
from .limits import Limits
from .ops import FUNCTIONS, INFIX, PREFIX
from .ops.registry import MULTIPLICATIVE
from .syntax import Apply, Name, Num, Param, Program, Statement, outer_end, outer_start

_MUL = INFIX["*"]
PARAM = "param"  # param(3, 4): a trainable tensor, a leaf rather than an operation
_POW = "pow"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

# Entries of the pending-operator stack: (kind, operator-or-name, start, end, extra).
_BINARY, _PREFIX, _GROUP, _CALL = "binary", "prefix", "group", "call"
_REDUCIBLE = frozenset((_BINARY, _PREFIX))  # what reduce_while_tighter may apply


def parse(source: str, limits: Limits | None = None) -> Program:
    """The whole program as a syntax tree."""
    statements = list(iter_statements(source, limits))
    return Program(statements)


def iter_statements(source: str, limits: Limits | None = None, *,
                    count_nodes: bool = True) -> Iterator[Statement]:
    """The program's statements one at a time, so a caller can build each and let its tree go.

    Every number and operation becomes its own graph node unless identical ones are
    merged, so with `count_nodes` the parser stops at the node limit itself instead of
    reading a huge expression to the end first."""
    limits = limits or Limits()
    if len(source) > limits.max_source_chars:
        raise EngineError(
            "source_too_long",
            f"the source has {len(source):,} characters; the limit is {limits.max_source_chars:,}",
            limits.max_source_chars, len(source))
    budget = limits.max_nodes if count_nodes else None
    return _Parser(source, tokenize(source, limits), limits, budget).statements()


def describe_token(token: Token) -> str:
    kind, text = token[0], token[1]
    if kind == END:
        return "the end of the input"
    if kind == SEP:
        return "';'" if text == ";" else "the end of the line"
    if kind == NUM:
        return f"the number {text if len(text) <= 24 else text[:20] + '…'}"
    if kind == NAME:
        return f"the name {quoted(text)}"
    return f"'{text}'"


class _Parser:
    """Reads tokens as the lexer makes them (only the current one and the
    next are held), so memory does not grow with the source."""

    def __init__(self, source: str, tokens: Iterator[Token], limits: Limits, node_budget: int | None):
        self.source = source
        self.nodes_left = node_budget if node_budget is not None else -1  # -1: not counting
        self.node_budget = node_budget
        self.next_token = tokens.__next__
        self.max_depth = limits.max_depth
        self.token: Token = self.next_token()
        self.ahead: Token = self.next_token()

    def advance(self) -> None:
        self.token = self.ahead
        self.ahead = self.next_token()

    # -- statements -------------------------------------------------------

    def statements(self) -> Iterator[Statement]:
        count = 0
        while True:
            kind = self.token[0]
            if kind == SEP:
                self.advance()
                continue
            if kind == END:
                break
            count += 1
            yield self.statement()
        if not count:
            raise EngineError("empty_input", "the input is empty: type an expression such as (x + y) * z",
                              0, len(self.source))

    def statement(self) -> Statement:
        first = self.token
        raise_if_bad(first)
        if first[0] == NAME and self.ahead[0] == ASSIGN:
            target = first[1]
            # A constant (e, pi) may be rebound, as programs pasted from micrograd do
            # (e = c - d); the analysis warns that the name no longer means the constant.
            if target in FUNCTIONS or target == PARAM:
                raise EngineError("reserved_name",
                                  f"{quoted(target)} is a function and cannot be assigned to; choose another name",
                                  first[2], first[3])
            self.advance()
            equals = self.token
            self.advance()
            expr = self.expression(equals)
        else:
            target = None
            expr = self.expression(None)
        return Statement(target, expr, first[2], outer_end(expr))

    # -- expressions --------------------------------------------------------

    def expression(self, previous: Token | None):
        """One expression, up to a ';' or a newline outside parentheses.

        `previous` is the token before it (the '=' of an assignment), if any."""
        operands: list = []
        pending: list[tuple] = []
        depth = 0
        expect_operand = True
        next_token = self.next_token
        token, ahead = self.token, self.ahead  # kept local in this hot loop; written back on return
        while True:
            kind = token[0]
            if expect_operand:
                if kind == NUM:
                    operands.append(self.number(token))
                    expect_operand = False
                elif kind == LBRACKET:
                    literal, previous, token, ahead = self.tensor_literal(token, ahead, depth)
                    operands.append(literal)
                    expect_operand = False
                    continue
                elif kind == NAME:
                    if ahead[0] != LPAREN:
                        text = token[1]
                        if text in FUNCTIONS or text == PARAM:
                            self.name(token)  # says why it cannot be a name
                        operands.append(Name(text, token[2], token[3]))
                        expect_operand = False
                    elif token[1] == PARAM:
                        leaf, previous, token, ahead = self.param_leaf(token, ahead)
                        operands.append(leaf)
                        expect_operand = False
                        continue
                    else:
                        op = self.function(token, previous, ahead)
                        depth += 1
                        if depth > self.max_depth:
                            self.too_deep(ahead)
                        pending.append((_CALL, op, token[2], token[3], [len(operands), 0]))
                        previous = ahead  # the call's '('
                        token, ahead = next_token(), next_token()
                        continue
                elif kind == LPAREN:
                    depth += 1
                    if depth > self.max_depth:
                        self.too_deep(token)
                    pending.append((_GROUP, None, token[2], token[3], None))
                elif kind == OP and token[1] in PREFIX:
                    pending.append((_PREFIX, PREFIX[token[1]], token[2], token[3], None))
                elif kind == OP and token[1] == "+":
                    pass  # unary plus changes nothing and leaves no node
                elif kind == SEP and depth > 0 and token[1] != ";":
                    # a newline inside parentheses continues the line, invisibly
                    token, ahead = ahead, next_token()
                    continue
                elif kind == RPAREN and pending and pending[-1][0] == _CALL and previous is not None \
                        and previous[0] == LPAREN and pending[-1][4][0] == len(operands):
                    self.wrong_arity(pending[-1], 0, token)
                else:
                    self.missing_operand(token, previous)
            else:
                op = INFIX.get(token[1]) if kind == OP else None
                if op is not None:
                    if pending and pending[-1][0] in _REDUCIBLE:
                        self.reduce_while_tighter(operands, pending, op.precedence, op.right_assoc)
                    pending.append((_BINARY, op, token[2], token[3], None))
                    expect_operand = True
                elif kind == SUP:
                    operands.append(self.superscript(operands.pop(), token))
                elif kind == TRANSPOSE:
                    base = operands.pop()
                    self.made(token[2], token[3])
                    operands.append(Apply("transpose", [base], outer_start(base), token[3], token[2], token[3]))
                elif kind == RPAREN:
                    depth -= 1
                    self.close(operands, pending, token)
                elif kind == COMMA:
                    self.comma(operands, pending, token)
                    expect_operand = True
                elif kind in (LPAREN, NAME, NUM):
                    if not self.implicit_multiplication_allowed(previous, token):
                        self.missing_operator(previous, token)
                    self.reduce_while_tighter(operands, pending, MULTIPLICATIVE, False)
                    pending.append((_BINARY, _MUL, token[2], token[2], None))
                    expect_operand = True
                    continue  # the same token now starts the right operand
                elif kind == SEP and depth > 0 and token[1] != ";":
                    token, ahead = ahead, next_token()  # as above: previous stays what it was
                    continue
                elif kind in (SEP, END):
                    if depth > 0:
                        self.unclosed(pending)
                    self.reduce_while_tighter(operands, pending, -1, False)
                    self.token, self.ahead = token, ahead
                    return operands[0]
                else:
                    self.unexpected_after_operand(token, previous)
            previous = token
            token, ahead = ahead, next_token()

    # -- reductions ---------------------------------------------------------

    def reduce_while_tighter(self, operands: list, pending: list, power: int, right_assoc: bool) -> None:
        """Apply pending operators that bind tighter than an incoming one."""
        while pending:
            kind, op, start, end, _ = pending[-1]
            if kind in (_GROUP, _CALL):
                return
            if op.precedence < power or (op.precedence == power and right_assoc):
                return
            pending.pop()
            if kind == _PREFIX:
                operands.append(self.prefix(op, start, end, operands.pop()))
            else:
                right = operands.pop()
                left = operands.pop()
                self.made(start, end)
                operands.append(Apply(op.name, [left, right], outer_start(left), outer_end(right), start, end))

    def made(self, start: int, end: int) -> None:
        """Count one graph node to be; past the budget, stop here."""
        if self.nodes_left > 0:
            self.nodes_left -= 1
        elif self.nodes_left == 0:
            raise EngineError("too_many_nodes", f"the graph would have more than {self.node_budget:,} nodes",
                              start, end)

    def prefix(self, op, start: int, end: int, operand):
        if op.name == "neg" and isinstance(operand, Num):
            # -2 is the number minus two, not an operation on 2
            outer = None if operand.outer is None else (start, operand.outer[1])
            return Num(-operand.value, "-" + operand.text, start, operand.end, outer)
        self.made(start, end)
        return Apply(op.name, [operand], start, outer_end(operand), start, end)

    def close(self, operands: list, pending: list, token: Token) -> None:
        self.reduce_while_tighter(operands, pending, -1, False)
        if not pending:
            raise EngineError("unbalanced_parenthesis",
                              "this ')' has no matching '('", token[2], token[3])
        kind, op, start, end, extra = pending.pop()
        if kind == _GROUP:
            operands[-1].outer = (start, token[3])  # its parent's span takes in the parentheses
        if kind == _CALL:
            first_operand, commas = extra
            count = commas + 1
            args = operands[first_operand:]
            del operands[first_operand:]
            param = None
            if op.params and count == op.arity + len(op.params):
                param = self.integer_argument(op, args.pop())
            elif count != op.arity:
                self.wrong_arity((kind, op, start, end, extra), count, token)
            self.made(start, end)
            operands.append(Apply(op.name, args, start, token[3], start, end, param))

    def comma(self, operands: list, pending: list, token: Token) -> None:
        self.reduce_while_tighter(operands, pending, -1, False)
        if not pending or pending[-1][0] != _CALL:
            raise EngineError("unexpected_token",
                              "',' separates the arguments of a function call, as in max(a, b); "
                              "it cannot appear here", token[2], token[3])
        pending[-1][4][1] += 1

    def superscript(self, base, token: Token):
        digits = token[1].translate(_SUPERSCRIPT)
        if not digits.lstrip("-").isdigit() or digits.count("-") > 1:
            raise EngineError("unexpected_token",
                              f"superscript {quoted(token[1])} is not an exponent; write x² or x⁻¹",
                              token[2], token[3])
        if float(digits) in (float("inf"), float("-inf")):
            raise EngineError("number_too_large", "this exponent is too large for a 64-bit float",
                              token[2], token[3])
        exponent = Num(float(digits), digits, token[2], token[3])
        self.made(token[2], token[3])
        self.made(token[2], token[3])
        return Apply(_POW, [base, exponent], outer_start(base), token[3], token[2], token[3])

    # -- atoms -----------------------------------------------------------------

    def number(self, token: Token, count: bool = True) -> Num:
        value = float(token[1])
        if value == float("inf"):
            shown = token[1] if len(token[1]) <= 24 else token[1][:20] + "…"
            raise EngineError("number_too_large",
                              f"the number {shown} is too large for a 64-bit float (the largest is about 1.8e308)",
                              token[2], token[3])
        if count:
            self.made(token[2], token[3])
        return Num(value, token[1], token[2], token[3])

    def name(self, token: Token) -> Name:
        if token[1] in FUNCTIONS or token[1] == PARAM:
            raise EngineError("function_not_called",
                              f"{quoted(token[1])} is a function: call it with its argument in parentheses, "
                              f"as in {token[1]}(x)", token[2], token[3])
        return Name(token[1], token[2], token[3])

    def function(self, token: Token, previous: Token | None, paren: Token):
        op = FUNCTIONS.get(token[1])
        if op is not None:
            return op
        close = difflib.get_close_matches(token[1], list(FUNCTIONS), n=1, cutoff=0.6)
        if close:
            raise EngineError("unknown_function", f"unknown function {quoted(token[1])}; did you mean "
                              f"'{close[0]}'?", token[2], token[3])
        # Not a function, so a name that holds a value: 2x(x+1) meant 2x*(x+1).
        written = self.source[token[2]:token[3]][:40]
        if previous is not None and previous[0] == NUM and previous[3] == token[2]:
            written = previous[1][:24] + written  # the 2 of 2x(x+1)
        raise EngineError("unknown_function",
                          f"{quoted(token[1])} is a variable, not a function: to multiply, write "
                          f"{written}*{self.parenthesized(paren[2])}", token[2], token[3])

    def parenthesized(self, start: int, limit: int = 40) -> str:
        """The text from the '(' at `start` to its ')', or (…) when that is far or missing."""
        depth = 0
        for i in range(start, min(len(self.source), start + limit)):
            depth += (self.source[i] == "(") - (self.source[i] == ")")
            if depth == 0:
                return self.source[start:i + 1]
        return "(…)"

    def integer_argument(self, op, arg) -> int:
        """sum(x, 0): an operator's integer argument, written as a whole number."""
        value = arg.value if isinstance(arg, Num) and not isinstance(arg.value, np.ndarray) else None
        if value is None or not float(value).is_integer():
            raise EngineError("unexpected_token",
                              f"the {op.params[0]} of {op.names[0]}() must be a whole number, "
                              f"as in {op.names[0]}(x, 0)", arg.start, arg.end)
        return int(value)

    def tensor_literal(self, first: Token, ahead: Token, depth: int):
        """[1, 2] or [[1, 2], [3, 4]]: numbers in brackets, rows of equal length.

        Returns the literal, its closing ']', and the next two tokens."""
        next_token = self.next_token
        rows: list[list] = [[]]
        opened = [first]
        token, ahead = ahead, next_token()
        expect_item = True
        sign = 1.0
        signed: Token | None = None
        while True:
            kind = token[0]
            raise_if_bad(token)
            if kind == SEP and token[1] != ";":
                pass  # a matrix may be written one row per line
            elif expect_item and kind == LBRACKET and signed is None:
                if depth + len(opened) >= self.max_depth:
                    self.too_deep(token)
                rows.append([])
                opened.append(token)
            elif expect_item and kind == OP and token[1] in "+-" and signed is None:
                sign, signed = (-1.0 if token[1] == "-" else 1.0), token
            elif expect_item and kind == NUM:
                rows[-1].append(sign * self.number(token, count=False).value)
                sign, signed = 1.0, None
                expect_item = False
            elif not expect_item and kind == COMMA:
                expect_item = True
            elif kind == RBRACKET and (not expect_item or (not rows[-1] and signed is None)):
                if not rows[-1]:
                    raise EngineError("unexpected_token", "an empty vector; write numbers in it, like [1, 2]",
                                      opened[-1][2], token[3])
                row = rows.pop()
                opened.pop()
                if not rows:
                    break
                rows[-1].append(row)
                expect_item = False
            elif kind in (END, SEP):
                raise EngineError("unbalanced_parenthesis", "this '[' is never closed with ']'",
                                  opened[-1][2], opened[-1][3])
            else:
                wanted = "a number" if expect_item else "',' or ']'"
                raise EngineError("unexpected_token",
                                  f"expected {wanted} in this vector, but found {describe_token(token)}; "
                                  "a vector holds numbers, like [1, -2.5]", token[2], token[3])
            token, ahead = ahead, next_token()
        try:
            value = np.array(row, dtype=np.float64)
        except ValueError:
            raise EngineError("ragged_literal", "the rows of this matrix do not all have the same length",
                              first[2], token[3]) from None
        self.made(first[2], token[3])
        text = self.source[first[2]:token[3]]
        return Num(value, text, first[2], token[3]), token, ahead, next_token()

    def param_leaf(self, name: Token, ahead: Token):
        """param(3, 4): whole-number sizes in parentheses."""
        next_token = self.next_token
        sizes: list[int] = []
        token = next_token()
        while True:
            raise_if_bad(token)
            if token[0] == NUM and float(token[1]).is_integer() and 1 <= float(token[1]) <= 1_000_000:
                sizes.append(int(float(token[1])))
                token = next_token()
                if token[0] == COMMA:
                    token = next_token()
                    continue
                if token[0] == RPAREN and len(sizes) <= 2:
                    break
            raise EngineError("unexpected_token",
                              "param() takes one or two sizes, whole numbers like param(3, 4)",
                              token[2] if token[0] != END else name[2], token[3])
        self.made(name[2], token[3])
        return Param(tuple(sizes), name[2], token[3]), token, next_token(), next_token()

    # -- errors ----------------------------------------------------------------

    def too_deep(self, token: Token) -> None:
        raise EngineError("too_deep",
                          f"parentheses are nested more than {self.max_depth} deep here",
                          token[2], token[3])

    @staticmethod
    def implicit_multiplication_allowed(previous: Token | None, token: Token) -> bool:
        """2x, 2(x+1), (a+b)(a-b), (a+b)x, x²y: a number or ')' or superscript on the left,
        a name or '(' on the right. 'x y' and '2 3' are more likely typos."""
        if previous is None or token[0] == NUM:
            return False
        return previous[0] in (NUM, RPAREN, SUP)

    def missing_operand(self, token: Token, previous: Token | None) -> None:
        raise_if_bad(token)
        found = describe_token(token)
        if previous is None:
            if token[0] == ASSIGN:
                raise EngineError("unexpected_token",
                                  "'=' needs a name on its left, as in q = x + y", token[2], token[3])
            raise EngineError("missing_operand",
                              f"expected a number, a name or '(' but found {found}", token[2], token[3])
        if token[0] == ASSIGN and previous[0] == ASSIGN and previous[3] == token[2]:
            raise EngineError("unexpected_token",
                              "'==' is not an operator: compgraph has no comparisons; a single '=' "
                              "names a value, as in q = x + y", previous[2], token[3])
        if token[0] in (END, SEP):
            # Point at the dangling operator: the caret goes where the fix is.
            raise EngineError("missing_operand",
                              f"'{previous[1]}' needs an operand after it, but the "
                              f"{'input' if token[0] == END else 'statement'} ends",
                              previous[2], previous[3])
        raise EngineError("missing_operand",
                          f"expected a number, a name or '(' after '{previous[1]}', but found {found}",
                          token[2], token[3])

    def missing_operator(self, previous: Token, token: Token) -> None:
        raise EngineError("missing_operator",
                          f"expected an operator between {describe_token(previous)} and "
                          f"{describe_token(token)} (write * to multiply)",
                          token[2], token[3])

    def unexpected_after_operand(self, token: Token, previous: Token | None) -> None:
        raise_if_bad(token)
        if token[0] == ASSIGN:
            raise EngineError("unexpected_token",
                              "'=' can only follow the name at the start of a statement, as in q = x + y",
                              token[2], token[3])
        raise EngineError("unexpected_token",
                          f"expected an operator, ')' or the end of the statement, but found "
                          f"{describe_token(token)}", token[2], token[3])

    def unclosed(self, pending: list) -> None:
        for kind, _op, start, end, _ in reversed(pending):
            if kind == _GROUP:
                raise EngineError("unbalanced_parenthesis", "this '(' is never closed", start, end)
            if kind == _CALL:
                raise EngineError("unbalanced_parenthesis",
                                  f"the call of {quoted(self.source[start:end])} is never closed with ')'",
                                  start, end + 1)
        raise AssertionError("unclosed() called with nothing open")  # pragma: no cover

    def wrong_arity(self, call: tuple, count: int, closing: Token) -> None:
        _kind, op, start, end, _ = call
        name = self.source[start:end][:40]
        expected = f"{op.arity} argument{'s' if op.arity != 1 else ''}"
        if op.params:
            expected += f" (and optionally {', '.join(op.params)})"
        raise EngineError("wrong_arity", f"{name}() takes {expected}, but was given {count}",
                          start, closing[3])
