"""Configurable limits that keep any input cheap to reject."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_source_chars: int = 250_000  # the server's default body limit is 256 KiB
    max_nodes: int = 50_000
    max_depth: int = 256  # nesting of parentheses and calls
    # Gradient check: skipped when (variables x nodes) exceeds this many evaluations.
    max_gradcheck_evaluations: int = 4_000_000
