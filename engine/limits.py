"""Configurable limits that keep any input cheap to reject.

The size limits are checked as the source is read; the cost limits before
any array is allocated, from the estimate in cost.py (which says what an
"operation" is). The defaults keep one analysis under about 200 MB and about
a second on a 2-core machine (README, "Limits").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_source_chars: int = 250_000  # the server's default body limit is 256 KiB
    max_nodes: int = 50_000
    max_depth: int = 256  # nesting of parentheses and calls
    max_name_chars: int = 64  # a variable's or function's name
    max_number_chars: int = 100  # a number as written (a float has 17 significant digits)
    # Gradient check: skipped when (variables x nodes) exceeds this many evaluations.
    max_gradcheck_evaluations: int = 4_000_000
    max_array_elements: int = 4_000_000  # numbers in any one tensor (32 MB)
    max_total_elements: int = 20_000_000  # numbers one analysis or training holds at once (160 MB)
    max_work: int = 20_000_000_000  # operations of one analysis (a matrix product m×k×n is m·k·n)
    max_training_work: int = 200_000_000_000  # operations of one training run, all its steps
    max_snapshot_numbers: int = 1_000_000  # numbers in all the parameter sets a training returns
