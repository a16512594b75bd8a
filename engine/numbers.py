"""Numbers in strict JSON: non-finite floats become the strings "nan", "inf", "-inf"."""

from __future__ import annotations


def json_number(x):
    """A float (or None) as strict JSON allows it."""
    if x is None or x - x == 0:
        return x
    if x != x:
        return "nan"
    return "inf" if x > 0 else "-inf"


def json_numbers(xs: list) -> list:
    return [json_number(x) for x in xs]
