"""The common program read straight into its graph, in one pass over its tokens.

Most programs are numbers, names, + − · / ^, unary minus, parentheses and calls of
scalar functions, in `name = expression` statements. `read_graph` reads such a source
with one operator-precedence loop (parser.py's, cut down) that appends graph nodes to
a graph.Builder as it reduces: no syntax tree, no second walk over it. Nodes come in
the order the builder's post-order walk makes them (a leaf when it is read, an
operation when it is reduced), so the graph is the parser's and builder's own, id for
id, span for span.

Anything else returns None, and parser.py and graph.py read the source from the
start: tensors, param(), implicit multiplication (2x), superscripts, merge, a limit
reached or nearly, and every mistake. So every error, and its message, is theirs.
"""

from __future__ import annotations

from .errors import EngineError
from .graph import NONE, Builder, Graph, Statements
from .lexer import ASSIGN, COMMA, END, LPAREN, NAME, NUM, OP, RPAREN, SEP, tokenize
from .limits import Limits
from .ops import FUNCTIONS, INFIX, PREFIX

_BINARY, _PREFIX, _GROUP, _CALL = 0, 1, 2, 3
_INF = float("inf")


class _Unusual(Exception):
    """Not the common case: the parser and the builder take it from the start."""


def read_graph(source: str, limits: Limits) -> Graph | None:
    """The graph of `source` if it is a common program, else None."""
    if len(source) > limits.max_source_chars:
        return None
    try:
        return _Reader(source, limits).program()
    except (_Unusual, EngineError):  # a limit the builder checks: the parser says where
        return None


class _Reader:
    def __init__(self, source: str, limits: Limits):
        self.builder = Builder(limits, False, source)
        self.max_depth = limits.max_depth
        self.next_token = tokenize(source, limits).__next__

    def program(self) -> Graph:
        builder, next_token = self.builder, self.next_token
        statements = Statements()
        token, ahead = next_token(), next_token()
        while True:
            kind = token[0]
            if kind == SEP:
                token, ahead = ahead, next_token()
                continue
            if kind == END:
                break
            start, target = token[2], None
            if kind == NAME and ahead[0] == ASSIGN:
                target = token[1]
                if target in FUNCTIONS or target == "param":
                    raise _Unusual
                token, ahead = next_token(), next_token()
            (node, _start, end, _text, _value), token, ahead = self.expression(token, ahead)
            builder.bind(statements, target, node, start, end)
        if not len(statements):
            raise _Unusual  # empty
        return builder.finish(statements)

    def expression(self, token: tuple, ahead: tuple) -> tuple:
        """One expression up to a ';' or a newline outside parentheses: its operand entry
        (node, start, end, and the text and value of a bare number literal, else None, 0.0),
        and the two tokens after it."""
        builder, next_token = self.builder, self.next_token
        operands: list[tuple] = []
        pending: list[tuple] = []
        depth = 0
        expect_operand = True
        while True:
            kind, text = token[0], token[1]
            if expect_operand:
                if kind == NUM:
                    value = float(text)
                    if value == _INF:
                        raise _Unusual
                    node = builder.constant(value, text, token[2], token[3])
                    operands.append((node, token[2], token[3], text, value))
                    expect_operand = False
                elif kind == NAME:
                    if ahead[0] == LPAREN:
                        op = FUNCTIONS.get(text)
                        if op is None or op.tensor_only or op.params or depth >= self.max_depth:
                            raise _Unusual
                        depth += 1
                        pending.append((_CALL, op, token[2], token[3], [len(operands), 0]))
                        token, ahead = next_token(), next_token()
                        continue
                    if text in FUNCTIONS or text == "param":
                        raise _Unusual
                    node = builder.name_at(text, token[2], token[3])
                    operands.append((node, token[2], token[3], None, 0.0))
                    expect_operand = False
                elif kind == LPAREN:
                    if depth >= self.max_depth:
                        raise _Unusual
                    depth += 1
                    pending.append((_GROUP, None, token[2], token[3], None))
                elif kind == OP and text in PREFIX:
                    pending.append((_PREFIX, PREFIX[text], token[2], token[3], None))
                elif not (kind == OP and text == "+" or kind == SEP and depth > 0 and text != ";"):
                    raise _Unusual  # unary plus leaves no node; a newline in parentheses is space
            else:
                op = INFIX.get(text) if kind == OP else None
                if op is not None:
                    if op.tensor_only:
                        raise _Unusual
                    if pending and pending[-1][0] <= _PREFIX:
                        self.reduce(operands, pending, op.precedence, op.right_assoc)
                    pending.append((_BINARY, op, token[2], token[3], None))
                    expect_operand = True
                elif kind == RPAREN:
                    depth -= 1
                    self.close(operands, pending, token)
                elif kind == COMMA:
                    self.reduce(operands, pending, -1, False)
                    if not pending or pending[-1][0] != _CALL:
                        raise _Unusual
                    pending[-1][4][1] += 1
                    expect_operand = True
                elif kind in (SEP, END):
                    if depth > 0 and kind == SEP and text != ";":
                        token, ahead = ahead, next_token()
                        continue
                    if depth > 0:
                        raise _Unusual
                    self.reduce(operands, pending, -1, False)
                    return operands[0], token, ahead
                else:
                    raise _Unusual  # implicit multiplication, a superscript, .T, ...
            token, ahead = ahead, next_token()

    def reduce(self, operands: list, pending: list, power: int, right_assoc: bool) -> None:
        """Apply pending operators that bind tighter than an incoming one (parser.py's
        reduce_while_tighter), making their nodes."""
        builder = self.builder
        while pending:
            kind, op, start, _end, _ = pending[-1]
            if kind >= _GROUP or op.precedence < power or (op.precedence == power and right_assoc):
                return
            pending.pop()
            if kind == _PREFIX:
                node, _start, end, text, value = operands.pop()
                if op.name == "neg" and text is not None:  # -2 is the number minus two
                    builder.negated(node, -value, "-" + text, start)
                    operands.append((node, start, end, "-" + text, -value))
                else:
                    operands.append((builder.op_node(op, node, NONE, start, end), start, end, None, 0.0))
            else:
                right, left = operands.pop(), operands.pop()
                node = builder.op_node(op, left[0], right[0], left[1], right[2])
                operands.append((node, left[1], right[2], None, 0.0))

    def close(self, operands: list, pending: list, token: tuple) -> None:
        self.reduce(operands, pending, -1, False)
        if not pending:
            raise _Unusual
        kind, op, start, _end, extra = pending.pop()
        if kind == _GROUP:  # its parent's span takes in the parentheses (parser.py's outer)
            node, _start, _end, text, value = operands.pop()
            operands.append((node, start, token[3], text, value))
        if kind == _CALL:
            first, commas = extra
            args = operands[first:]
            del operands[first:]
            if commas + 1 != op.arity:
                raise _Unusual
            b = args[1][0] if len(args) == 2 else NONE
            operands.append((self.builder.op_node(op, args[0][0], b, start, token[3]), start, token[3], None, 0.0))
