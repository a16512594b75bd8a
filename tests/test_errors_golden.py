"""Golden error messages: each bad source, its code, message and caret picture.

The expected output lives in tests/golden/errors.txt. After a deliberate
change to a message, regenerate it with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_errors_golden.py
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from compgraph import engine

GOLDEN = Path(__file__).parent / "golden" / "errors.txt"

CASES = [
    "",
    "   # only a comment",
    "(x + y",
    "x + y)",
    "(x + )",
    "x +",
    "* x",
    "sni(x)",
    "foo(x)",
    "sin + 1",
    "pow(x)",
    "max(a, b, c)",
    "log()",
    "x y",
    "2 3",
    "x = ",
    "= 3",
    "a = b = c",
    "sin = 3",
    "param = 3",
    "2x(x+1)",
    "y = x(x - 1)^2",
    "3.5w(a + (b - 1)) * a",
    "₁x",
    "x₁ + y₂",
    "x, y",
    "1e999",
    "9" * 400,
    "x⁻",
    "x + " + "y" * 300 + " +",
    "(" * 300 + "x",
    "log(x1*x2)*sin(x2",
    "q = x + y\nf = q * * z",
    "a = 1; b = (2\n; c",
    "x\u202e + 1",
    "x\u200b + 1",
    "\ufeffx + 1",
    "\u0445 + 1",
    "x + \u0430",
    "x \u2013 y",
    "x + \u00e9",
    "x + \U0001f600",
    "x + \ud800",
    "x + \x00",
    "# note \u202e hidden\nx",
    "x$",
    "3 = x",
    "x == y",
]


def render(source: str) -> str:
    try:
        engine.analyze(source, {})
    except engine.EngineError as error:
        assert 0 <= error.start <= error.end <= len(source), error
        return engine.describe(error, source)
    raise AssertionError(f"no error for {source!r}")


def golden_text() -> str:
    return "\n\n".join(f"### {ascii(source)}\n{render(source)}" for source in CASES) + "\n"


def test_error_messages_match_the_golden_file():
    text = golden_text()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
