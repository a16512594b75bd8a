"""Source text -> tokens, each with its [start, end) span.

One compiled regular expression does the work (fast, and no recursion);
white space is swallowed in front of each token. A character outside the
alphabet (see alphabet.py) becomes a single BAD token carrying its error, and
lexing stops there: the parser raises it when it reaches it, so the error a
user sees is always the first one in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .alphabet import GREEK_LETTERS, SUBSCRIPT_DIGITS, SUBSCRIPTS, forbidden_in_comment, reject
from .errors import EngineError
from .limits import Limits

# Token kinds.
NUM, NAME, OP, LPAREN, RPAREN, COMMA, SEP, ASSIGN, SUP, BAD, END = (
    "num", "name", "op", "lparen", "rparen", "comma", "sep", "assign", "sup", "bad", "end")
LBRACKET, RBRACKET, TRANSPOSE = "lbracket", "rbracket", "transpose"  # tensors: [1, 2], W.T

Token = tuple  # (kind, text, start, end); for OP the text is the canonical sign

# What people paste from slides, mapped to the canonical operator sign.
CANONICAL_OPS = {"**": "^", "·": "*", "×": "*", "⋅": "*", "÷": "/", "−": "-"}

_TOKEN = re.compile(
    rf"""[ \t\u00a0]*
    (?:
        (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
      | (?P<name>[A-Za-z_{GREEK_LETTERS}][A-Za-z0-9_{GREEK_LETTERS}{SUBSCRIPT_DIGITS}]*)
      | (?P<op>\*\*|[-+*/^·×⋅÷−@])
      | (?P<transpose>\.T(?![A-Za-z0-9_]))
      | (?P<lbracket>\[)
      | (?P<rbracket>\])
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<comma>,)
      | (?P<sep>;|\r\n|\r|\n)
      | (?P<assign>=)
      | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)
      | (?P<comment>\#[^\r\n]*)
      | (?P<end>\Z)
      | (?P<bad>.)
    )""",
    re.VERBOSE | re.DOTALL,
)


def tokenize(source: str, limits: Limits | None = None) -> Iterator[Token]:
    """The tokens of `source` as they are found, ending with END (or BAD at the first bad
    character, or a name or number longer than the limits allow), which then repeats forever,
    so a reader never needs to check for exhaustion."""
    limits = limits or Limits()
    longest = {NUM: limits.max_number_chars, NAME: limits.max_name_chars}
    canonical = CANONICAL_OPS.get
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup
        start, end = match.span(kind)
        if end - start > longest.get(kind, end - start):
            yield from _forever((BAD, _too_long(kind, source, start, end, longest[kind]), start, end))
        text = source[start:end]
        if kind == OP:
            text = canonical(text, text)
        elif kind == NAME and not text.isascii():
            text = text.translate(SUBSCRIPTS)  # x₁ is the name x1
        elif kind == "comment":
            offset = forbidden_in_comment(text)
            if offset is None:
                continue
            yield from _forever((BAD, reject(source, start + offset), start + offset, start + offset + 1))
        elif kind == BAD:
            yield from _forever((BAD, reject(source, start), start, end))
        elif kind == END:
            yield from _forever((END, "", start, end))
        yield (kind, text, start, end)
    raise AssertionError("the token pattern always ends with END or BAD")  # pragma: no cover


def _too_long(kind: str, source: str, start: int, end: int, limit: int) -> EngineError:
    # Only the beginning is shown: the message stays small whatever was sent.
    what, code = ("number", "number_too_long") if kind == NUM else ("name", "name_too_long")
    return EngineError(code, f"this {what} ({source[start:start + 12]}…) has {end - start:,} characters; "
                             f"the limit is {limit}", start, end)


def _forever(token: Token) -> Iterator[Token]:
    while True:
        yield token


def raise_if_bad(token: Token) -> None:
    if token[0] == BAD:
        error = token[1]
        assert isinstance(error, EngineError)
        raise error
