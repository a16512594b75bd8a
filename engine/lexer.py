"""Source text -> tokens, each with its [start, end) span.

One compiled regular expression does the work (fast, and no recursion): `findall`
cuts a stretch of the source into pieces, each a token with the white space before
it, and C-level maps turn them into kinds, texts and spans, so no Python code runs
per token but the parser's own. The source is read in stretches of about CHUNK
characters ending at a newline (no token spans one), so memory does not grow with
it. A character outside the alphabet (see alphabet.py) becomes a single BAD token
carrying its error, and lexing stops there: the parser raises it when it reaches
it, so the error a user sees is always the first one in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import accumulate, chain, repeat
from operator import itemgetter, sub

from .alphabet import GREEK_LETTERS, SUBSCRIPT_DIGITS, SUBSCRIPTS, forbidden_in_comment, reject
from .errors import EngineError
from .limits import Limits

# Token kinds.
NUM, NAME, OP, LPAREN, RPAREN, COMMA, SEP, ASSIGN, SUP, BAD, END = (
    "num", "name", "op", "lparen", "rparen", "comma", "sep", "assign", "sup", "bad", "end")
LBRACKET, RBRACKET, TRANSPOSE = "lbracket", "rbracket", "transpose"  # tensors: [1, 2], W.T
_COMMENT, _DOT = "comment", "dot"  # never handed out: a comment is dropped, a '.' decided below

Token = tuple  # (kind, text, start, end); for OP the text is the canonical sign

# What people paste from slides, mapped to the canonical operator sign.
CANONICAL_OPS = {"**": "^", "·": "*", "×": "*", "⋅": "*", "÷": "/", "−": "-"}

_WHITE = " \t\u00a0"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
# A token, with the white space in front of it (taken possessively, so that trailing white
# space is no token at all). The alternatives are tried in this order.
_PIECE = re.compile(
    rf"""[{_WHITE}]*+
    (?: (?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?
      | [A-Za-z_{GREEK_LETTERS}][A-Za-z0-9_{GREEK_LETTERS}{SUBSCRIPT_DIGITS}]*
      | \*\*|[-+*/^·×⋅÷−@]
      | \.T(?![A-Za-z0-9_])
      | [\[\](),;=]
      | \r\n|\r|\n
      | [{_SUPERSCRIPTS}]+
      | \#[^\r\n]*
      | .
    )""",
    re.VERBOSE | re.DOTALL,
)

# A token's kind from its first character; anything else is a BAD character. Only '.'
# starts two kinds (.5 and .T), and alone it is bad.
_FIRST: dict[str, str] = {
    **dict.fromkeys("0123456789", NUM),
    **dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_" + GREEK_LETTERS, NAME),
    **dict.fromkeys("*+-/^·×⋅÷−@", OP),
    **dict.fromkeys(_SUPERSCRIPTS, SUP),
    **dict.fromkeys(";\r\n", SEP),
    "[": LBRACKET, "]": RBRACKET, "(": LPAREN, ")": RPAREN, ",": COMMA, "=": ASSIGN, "#": _COMMENT,
    ".": _DOT,
}
CHUNK = 1 << 14  # characters read at a time: a stretch's tokens are a few hundred KB


def tokenize(source: str, limits: Limits | None = None) -> Iterator[Token]:
    """The tokens of `source` as they are found, ending with END (or BAD at the first bad
    character, or a name or number longer than the limits allow), which then repeats forever,
    so a reader never needs to check for exhaustion."""
    return chain.from_iterable(_stretches(source, limits or Limits()))


def _stretches(source: str, limits: Limits) -> Iterator[Iterator[Token]]:
    start, length = 0, len(source)
    while start < length:
        stop = source.find("\n", start + CHUNK)
        stop = length if stop < 0 else stop + 1
        tokens, last = _lex(source, start, stop, limits)
        yield tokens
        if last is not None:
            yield repeat(last)
            return
        start = stop
    yield repeat((END, "", length, length))


def _lex(source: str, start: int, stop: int, limits: Limits) -> tuple[Iterator[Token], Token | None]:
    """The tokens of source[start:stop], and the BAD token they end with, if any."""
    pieces = _PIECE.findall(source, start, stop)
    ends = list(accumulate(map(len, pieces), initial=start))
    del ends[0]
    texts = list(map(str.lstrip, pieces, repeat(_WHITE)))
    kinds = list(map(_FIRST.get, map(itemgetter(0), texts)))
    starts = list(map(sub, ends, map(len, texts)))
    stretch = source[start:stop]
    bad: Token | None = None
    present = set(kinds)
    if (None in present or _DOT in present or _COMMENT in present
            or max(map(len, texts), default=0) > min(limits.max_number_chars, limits.max_name_chars)):
        kinds, texts, starts, ends, bad = _exceptions(source, kinds, texts, starts, ends, limits)
    if not stretch.isascii() or "**" in stretch:
        texts = list(map(CANONICAL_OPS.get, texts, texts))  # no name or number is a key
        if not stretch.isascii():  # x₁ is the name x1
            texts = [text.translate(SUBSCRIPTS) if kind == NAME and not text.isascii() else text
                     for kind, text in zip(kinds, texts, strict=True)]
    return zip(kinds, texts, starts, ends, strict=True), bad


def _exceptions(source: str, kinds: list, texts: list, starts: list, ends: list,
                limits: Limits) -> tuple[list, list, list, list, Token | None]:
    """The rare tokens, one by one: '.' read as a number or .T, comments dropped, and the
    tokens cut at the first bad character, bad comment or overlong name or number."""
    longest = {NUM: limits.max_number_chars, NAME: limits.max_name_chars}
    out: tuple[list, list, list, list] = ([], [], [], [])
    for kind, text, start, end in zip(kinds, texts, starts, ends, strict=True):
        if kind == _DOT:
            kind = TRANSPOSE if text == ".T" else NUM if len(text) > 1 else None
        if kind is None:
            return (*out, (BAD, reject(source, start), start, end))
        if end - start > longest.get(kind, end - start):
            return (*out, (BAD, _too_long(kind, source, start, end, longest[kind]), start, end))
        if kind == _COMMENT:
            offset = forbidden_in_comment(text)
            if offset is None:
                continue
            at = start + offset
            return (*out, (BAD, reject(source, at), at, at + 1))
        for column, item in zip(out, (kind, text, start, end), strict=True):
            column.append(item)
    return (*out, None)


def _too_long(kind: str, source: str, start: int, end: int, limit: int) -> EngineError:
    # Only the beginning is shown: the message stays small whatever was sent.
    what, code = ("number", "number_too_long") if kind == NUM else ("name", "name_too_long")
    return EngineError(code, f"this {what} ({source[start:start + 12]}…) has {end - start:,} characters; "
                             f"the limit is {limit}", start, end)


def raise_if_bad(token: Token) -> None:
    if token[0] == BAD:
        error = token[1]
        assert isinstance(error, EngineError)
        raise error
