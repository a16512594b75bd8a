"""Which characters a source may hold, and why a rejected one is rejected.

The lexer's regular expression accepts the alphabet below; when it meets any
other character it asks `reject` for the error to raise. The alphabet:

- ASCII letters, digits, `_`, subscript digits `₀`–`₉` after a name's first character, white space (space, tab, no-break space) and
  newlines (`\\n`, `\\r\\n`, `\\r`);
- Greek letters α–ω and Α–Ω, except those drawn exactly like Latin letters
  (capital Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ and small ο), which would make two
  different-looking-alike names;
- `+ - * / ^ ( ) , ; = #` and `**`; for tensors `@`, `[ ]` and `.T`; and what people paste from slides:
  `·` `×` `⋅` (times), `÷` (divide), `−` (U+2212 minus), superscripts `⁰`–`⁹` and `⁻`.

Comments (`#` to the end of the line) may hold any printable text, but never
the characters that hide or reorder text (bidi controls, zero-width
characters, a byte-order mark) or lone surrogates: those are rejected
everywhere, because they make source read differently from how it runs.
Subscript digits in a name are its digits: `x₁` is the name `x1` (the lecture
writes x₁). Superscripts never are: `x²` is x squared, not a name `x2`.
"""

from __future__ import annotations

import unicodedata

from .errors import EngineError

GREEK_LOOKALIKES = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο")
GREEK_LETTERS = "".join(
    chr(c)
    for c in [*range(0x391, 0x3AA), *range(0x3B1, 0x3CA)]
    if c != 0x3A2 and chr(c) not in GREEK_LOOKALIKES
)

# Subscript digits inside a name are its digits: x₁ (the lecture's spelling) is the name x1.
SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
SUBSCRIPTS = str.maketrans(SUBSCRIPT_DIGITS, "0123456789")

SUPERSCRIPT_DIGITS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
                      "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}

# Characters that change how text is displayed without being seen.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u180e\ufeff\u00ad")

# Letters from other scripts that are drawn like a Latin letter or an ASCII
# sign: the message names the look-alike so the user knows what to retype.
CONFUSABLES = {
    "а": "a", "в": "B", "е": "e", "к": "k", "м": "M", "н": "H", "о": "o", "р": "p",
    "с": "c", "т": "T", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
    "ℯ": "e", "ⅹ": "x", "ｘ": "x", "ｙ": "y",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "∗": "*", "∕": "/", "（": "(", "）": ")",
    "，": ",", "；": ";", "＝": "=", "＋": "+", "＊": "*", "﹣": "-", "٫": ".",
}


def reject(source: str, index: int) -> EngineError:
    """The error for the character at `index`, which the lexer could not accept."""
    ch = source[index]
    span = (index, index + 1)
    code_point = ord(ch)
    label = _label(ch)
    if 0xD800 <= code_point <= 0xDFFF:
        return EngineError("invalid_character",
                           f"lone surrogate {label} is not a character; the text is not valid Unicode", *span)
    if ch in BIDI_CONTROLS:
        return EngineError("invisible_character",
                           f"bidirectional control {label} is not allowed: it makes the text display "
                           "in a different order than it is read", *span)
    if ch in ZERO_WIDTH:
        what = "byte-order mark" if ch == "\ufeff" else "invisible character"
        return EngineError("invisible_character",
                           f"{what} {label} is not allowed: delete it", *span)
    if ch in CONFUSABLES:
        return EngineError("confusable_character",
                           f"{label} looks like '{CONFUSABLES[ch]}' but is a different character; "
                           f"type '{CONFUSABLES[ch]}' instead", *span)
    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp"):
        return EngineError("invalid_character", f"control character {label} is not allowed", *span)
    if ch in SUBSCRIPT_DIGITS:
        return EngineError("unexpected_character",
                           f"subscript {label} belongs to a name, as in x₁ (the same as x1)", *span)
    if ch.isdigit():
        return EngineError("unexpected_character",
                           f"{label} is not an ASCII digit; write numbers with 0-9", *span)
    if ch.isalpha():
        return EngineError("unexpected_character",
                           f"letter {label} is not allowed in names; names use ASCII letters, "
                           "digits, '_' and Greek letters", *span)
    return EngineError("unexpected_character",
                       f"unexpected character {label}; expected a number, a name, an operator "
                       "(+ - * / ^), a parenthesis, ',' or ';'", *span)


def forbidden_in_comment(text: str) -> int | None:
    """Offset of the first character a comment may not hold, or None."""
    for offset, ch in enumerate(text):
        if ch in BIDI_CONTROLS or ch in ZERO_WIDTH or 0xD800 <= ord(ch) <= 0xDFFF:
            return offset
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            return offset
    return None


def _label(ch: str) -> str:
    name = unicodedata.name(ch, "")
    shown = f"'{ch}' " if ch.isprintable() and not (0xD800 <= ord(ch) <= 0xDFFF) else ""
    return f"{shown}(U+{ord(ch):04X}{' ' + name if name else ''})"
