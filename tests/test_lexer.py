"""The lexer gives the tokens a one-match-at-a-time reference gives, on any text.

engine/lexer.py cuts the source with `findall` and C-level maps, a stretch at a time;
the reference below is the plain reading (one `finditer` match per token, one named
group per kind) that it replaced. On random texts over the grammar's characters and
nasty ones, and with stretches of a few characters (so that tokens meet stretch
ends), both give the same tokens, the same spans and the same errors.
"""

from __future__ import annotations

import re
from itertools import islice

import pytest
from compgraph.engine import lexer
from compgraph.engine.alphabet import (
    GREEK_LETTERS,
    SUBSCRIPT_DIGITS,
    SUBSCRIPTS,
    forbidden_in_comment,
    reject,
)
from compgraph.engine.errors import EngineError
from compgraph.engine.lexer import BAD, CANONICAL_OPS, END, NAME, NUM, OP, tokenize
from compgraph.engine.limits import Limits
from hypothesis import given
from hypothesis import strategies as st
from test_properties import PROPERTY, any_char, token_soup

_REFERENCE = re.compile(
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


def reference(source: str, limits: Limits) -> list[tuple]:
    longest = {NUM: limits.max_number_chars, NAME: limits.max_name_chars}
    tokens = []
    for match in _REFERENCE.finditer(source):
        kind = match.lastgroup
        start, end = match.span(kind)
        if end - start > longest.get(kind, end - start):
            return [*tokens, (BAD, lexer._too_long(kind, source, start, end, longest[kind]), start, end)]
        text = source[start:end]
        if kind == OP:
            text = CANONICAL_OPS.get(text, text)
        elif kind == NAME and not text.isascii():
            text = text.translate(SUBSCRIPTS)
        elif kind == "comment":
            offset = forbidden_in_comment(text)
            if offset is None:
                continue
            return [*tokens, (BAD, reject(source, start + offset), start + offset, start + offset + 1)]
        elif kind == BAD:
            return [*tokens, (BAD, reject(source, start), start, end)]
        elif kind == END:
            return [*tokens, (END, "", start, end)]
        tokens.append((kind, text, start, end))
    raise AssertionError("unreachable")


def plain(token: tuple) -> tuple:
    kind, text, start, end = token
    if isinstance(text, EngineError):
        text = (text.code, text.message, text.start, text.end)
    return kind, text, start, end


def same_tokens(source: str, limits: Limits) -> None:
    expected = [plain(t) for t in reference(source, limits)]
    got = [plain(t) for t in islice(tokenize(source, limits), len(expected) + 2)]
    assert got[:len(expected)] == expected
    assert got[len(expected):] == [expected[-1]] * 2  # the last token repeats forever


SMALL_LIMITS = Limits(max_name_chars=3, max_number_chars=4)


@PROPERTY
@given(st.text(any_char, max_size=120), st.sampled_from([Limits(), SMALL_LIMITS]))
def test_any_text_gives_the_references_tokens(text: str, limits: Limits) -> None:
    same_tokens(text, limits)


@PROPERTY
@given(token_soup, st.sampled_from([Limits(), SMALL_LIMITS]))
def test_any_token_sequence_gives_the_references_tokens(text: str, limits: Limits) -> None:
    same_tokens(text, limits)


@PROPERTY
@given(st.lists(st.sampled_from(["x1 ", "2.5", ".5", "W.T", "# ok\n", "#\u202e\n", "\r\n", "\n", " ",
                                 "**", "·", "x₁", "é", "α", "[1, 2]", "(", ")", "=", ";"]), max_size=60)
       .map("".join))
def test_stretches_end_anywhere_between_tokens(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lexer, "CHUNK", 3)
        same_tokens(text, Limits())


@pytest.mark.parametrize("text", ["", "   ", "x  ", "x\n", "1e5e", "..5", ".", ".T", "x.T.T", "a\r\nb",
                                  "x # c", "x #\u200b", "ab" * 40, "9" * 101, "2\u2003", "x\t\u00a0+ y"])
def test_edge_cases(text: str) -> None:
    same_tokens(text, Limits())
