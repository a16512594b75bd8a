"""The analysis a page opened at a shared link will ask for first, read from its address.

A shared link (static/js/urlstate.js: ?src=…&v.x=…&step=…) opens the page, whose
prefetch.js asks /api/graph for the link's graph as soon as its modules are in: 150-350 ms
after the page was served, on this machine. The server reads the same address when it
serves the page (routes/pages.py), so the analysis begins at once and the page's request
waits only for what is left of it (runner.Analyzer.begin).

Only links whose first request is certain are read: the step-by-step mode, the default text
size, no training settings, and every value written as the page writes it (a decimal
number, or a vector or matrix as JSON). For anything else this gives None and the page asks
as it always does. A request read differently from the page's is never wrong, only unused:
the page's own request is matched by its whole content (runner.Analyzer.analyze), and
tests/test_page_share.py checks that the page's request is the one read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import orjson
from pydantic import ValidationError

from .schemas import GraphRequest

# What the page adds to its first request: api.js graphRequest's options, and the training
# panel's first seed and learning rate (templates/training.html) with the default text size
# (prefetch.js).
PAGE_OPTIONS = {"layout": True, "default_value": 1, "format": "compact",
                "seed": 0, "learning_rate": 0.5, "text_scale": 1}
VALUE_PREFIX = "v."
TRAINING_KEYS = ("seed", "lr", "trained")  # urlstate.js GROUPS.train: the training panel is shown
DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class Unread(Exception):
    """A text this reader cannot be sure the page reads the same way."""


def first_request(query: Iterable[tuple[str, str]]) -> GraphRequest | None:
    """The page's first /api/graph request for an address's query pairs (in their order),
    or None when it is not certain."""
    pairs = list(query)
    first: dict[str, str] = {}
    for key, text in pairs:
        first.setdefault(key, text)  # URLSearchParams.get: the first
    source = first.get("src")
    if not source or first.get("mode", "step") != "step" or any(key in first for key in TRAINING_KEYS):
        return None
    values: dict[str, object] = {}
    try:
        if "text" in first and _number(first["text"]) != 1:
            return None
        for key, text in pairs:
            if key.startswith(VALUE_PREFIX):
                values[key[len(VALUE_PREFIX):]] = _value(text)  # a Map: first place, last value
        return GraphRequest(source=re.sub(r"\r\n?", "\n", source), values=values, options=PAGE_OPTIONS)
    except (Unread, ValidationError):
        return None


def _number(text: str) -> float:
    """A decimal number, as JavaScript's Number() reads it (both round to the nearest double)."""
    if not DECIMAL.fullmatch(text.strip(" ")):
        raise Unread(text)
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise Unread(text)
    return number + 0.0  # JSON.stringify writes -0 as 0


def _value(text: str) -> object:
    """urlstate.js's value: a finite number, or a vector or matrix as JSON."""
    if text.startswith("["):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            raise Unread(text) from None
    return _number(text)
