"""The engine's one error type, and drawing a caret under its span.

Every user mistake (bad character, missing operand, unknown function, missing
value, a limit exceeded, ...) becomes an EngineError with a stable `code`, a
plain message that says what was expected, and a [start, end) span of
code-point offsets into the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


class EngineError(Exception):
    """A user error: what went wrong, and where in the source."""

    def __init__(self, code: str, message: str, start: int = 0, end: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.start = start
        self.end = start if end is None else end

    def to_dict(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "start": self.start,
                "end": self.end,
            }
        }

    def __repr__(self) -> str:
        return f"EngineError({self.code!r}, {self.message!r}, {self.start}, {self.end})"


@dataclass(slots=True)
class EngineWarning:
    """Something the user should know that does not stop the analysis (a non-finite value,
    an unused statement, a skipped check), with the span it is about."""

    code: str
    message: str
    start: int
    end: int
    node: int | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "start": self.start,
                "end": self.end, "node": self.node}


def quoted(text: str, limit: int = 40) -> str:
    """User text for a message: quoted, escaped if unprintable, and cut short.

    Messages must stay small and valid UTF-8 whatever the user sent."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable() and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        return f"'{text}'"
    return ascii(text)


def caret_lines(source: str, start: int, end: int, width: int = 80) -> str:
    """The source line holding `start`, with carets under [start, end).

    A span that runs past the end of its line is underlined to the line's end;
    an empty span gets a single caret (it points between two characters).
    Invisible or control characters are drawn as '?' so the caret stays aligned
    and the culprit is visible. A line longer than `width` is cut to a window
    around the span, with '…' where it was cut.
    """
    start = max(0, min(start, len(source)))
    end = max(start, min(end, len(source)))
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    match = _LINE_END.search(source, start)
    line_end = match.start() if match else len(source)
    carets = max(1, min(end, line_end) - start)
    left, right = line_start, line_end
    if right - left > width:
        carets = min(carets, width // 2)
        left = max(line_start, start - width // 4)
        right = min(line_end, max(start + carets, left + width))
    line = "".join(_visible(ch) for ch in source[left:right])
    column = start - left
    if left > line_start:
        line, column = "…" + line, column + 1
    if right < line_end:
        line += "…"
    line_no = len(_LINE_END.findall(source, 0, line_start)) + 1
    prefix = f"{line_no} | "
    return f"{prefix}{line}\n{' ' * (len(prefix) + column)}{'^' * carets}"


_LINE_END = re.compile(r"\r\n|\r|\n")


def _visible(ch: str) -> str:
    if ch == "\t":
        return " "
    category = unicodedata.category(ch)
    return "?" if category[0] == "C" or category in ("Zl", "Zp") else ch


def describe(error: EngineError, source: str) -> str:
    """The error as a person reads it: message, then the caret picture."""
    return f"error[{error.code}]: {error.message}\n{caret_lines(source, error.start, error.end)}"
