"""The operator catalog, read from the engine's registry: the page's help comes from it.

Nothing here is written by hand: a new operator registered in the engine shows up
in the catalog, with its signs, names, formulas and description.
"""

from __future__ import annotations

from typing import Any

from ..engine.lexer import CANONICAL_OPS
from ..engine.ops import CONSTANTS, OPERATORS, Operator

_OPERAND_NAMES = ("a", "b")


class _Show(dict):
    """Fills a display template: {a} -> a, {b} -> b, and any other {key} -> key."""

    def __missing__(self, key: str) -> str:
        return key


def display(template: str) -> str:
    return template.format_map(_Show(a="a", b="b"))


def signs(op: Operator) -> list[str]:
    """The canonical sign first, then the signs pasted from slides that mean the same."""
    if op.sign is None:
        return []
    return [op.sign] + [pasted for pasted, canonical in CANONICAL_OPS.items() if canonical == op.sign]


def operator_info(op: Operator) -> dict[str, Any]:
    return {
        "name": op.name,
        "symbol": op.symbol,
        "arity": op.arity,
        "notation": op.notation,
        "signs": signs(op),
        "aliases": list(op.names),
        "formula": display(op.formula),
        "template": op.formula,
        "partials": [{"operand": _OPERAND_NAMES[k], "formula": display(partial.formula)}
                     for k, partial in enumerate(op.partials)],
        "description": op.description,
        "convention": op.convention or None,
    }


def catalog() -> dict[str, Any]:
    """{"operators": [...], "constants": [...]} in registry order."""
    return {
        "operators": [operator_info(op) for op in OPERATORS.values()],
        "constants": [{"name": name, "value": value} for name, value in CONSTANTS.items()],
    }
