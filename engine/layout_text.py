"""Text width estimates for sizing nodes (no font files at layout time).

Advance widths in em for a Helvetica/Arial-like sans-serif; anything not
listed counts as a typical lowercase letter, East Asian wide characters as
a full em.
"""

from __future__ import annotations

import unicodedata

_WIDTH: dict[str, float] = {}
for _chars, _em in (
    ("ijlI|!.,:;'` ", 0.28),
    ("ftr()[]{}/\\-\"", 0.34),
    ("*", 0.39),
    ("^", 0.47),
    ("0123456789abcdeghknopqsuvxyz_?$#Lk", 0.556),
    ("+<>=~×÷−±·", 0.584),
    ("ABEKPSVXYFTZJ", 0.667),
    ("CDHNRUGOQw", 0.722),
    ("m", 0.833),
    ("M", 0.833),
    ("W%@", 0.944),
):
    for _c in _chars:
        _WIDTH[_c] = _em


def text_width(text: str, font_px: float) -> float:
    """Estimated rendered width of one line of text in px."""
    em = 0.0
    for ch in text:
        w = _WIDTH.get(ch)
        if w is None:
            w = 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6
        em += w
    return em * font_px
