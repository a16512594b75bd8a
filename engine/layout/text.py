"""The drawing's text: the sizes the page draws it at, width estimates for sizing nodes
(no font files at layout time), and node sizes from their labels.

Advance widths in em for a Helvetica/Arial-like sans-serif; anything not
listed counts as a typical lowercase letter, East Asian wide characters as
a full em. Every size is at text scale 1; a layout multiplies them by its scale.
"""

from __future__ import annotations

import math
import unicodedata

NODE_FONT = 18.0        # px, text inside nodes
EDGE_FONT = 15.0        # px, edge labels
EDGE_CHAR_EM = 0.6      # average digit/sign width of the edge label font
EDGE_LABEL_CHARS = 10   # a number as the page writes it, at most: −0.0001234, −1.234e−10
LABEL_LINE_H = 23.0     # height of one edge label box: the gradient's, with its padding and border
GRAD_FONT = 13.0        # px, a node's gradient, written under it (its second line is smaller)
GRAD_W = 12 * 0.6 * GRAD_FONT + 4.0  # the widest: ∂ −0.0001234
GRAD_GAP = 6.0          # between a node and the gradient under it (the page's GRAD_GAP)
GRAD_H = 29.0           # its two lines, 13 and 11 px at line height 1.2
OP_MIN = 48.0           # minimum op diameter
OP_PORT_H = 16.0        # op height per operand beyond three
BOX_H = 34.0
BOX_MIN_W = 40.0

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


def node_size(kind: str, label: str, n_operands: int, text_scale: float = 1.0) -> tuple[float, float, str]:
    """(w, h, shape): ops are circles/ellipses fitting the text, leaves boxes."""
    s = text_scale
    tw = text_width(label, NODE_FONT * s)
    if kind == "op":
        h = max(OP_MIN * s, OP_PORT_H * n_operands)
        # A tw x 22 px text box fits an ellipse of half-height h/2 when wider
        # by 1/sqrt(1 - (11/(h/2))^2).
        grow = 1.0 / math.sqrt(1.0 - (11.0 * s / (h / 2)) ** 2)
        return max(OP_MIN * s, tw * grow + 16.0 * s), h, "circle"
    return max(BOX_MIN_W * s, tw + 24.0 * s), BOX_H * s, "box"
