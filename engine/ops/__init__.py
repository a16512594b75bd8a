"""The operator registry, filled by importing each family of operators."""

from . import arithmetic, functions, linalg, losses  # noqa: F401  (registration happens on import)
from .registry import FUNCTIONS, INFIX, OPERATORS, PREFIX, Operator, Partial

CONSTANTS = {"pi": 3.141592653589793, "π": 3.141592653589793, "e": 2.718281828459045}

__all__ = ["CONSTANTS", "FUNCTIONS", "INFIX", "OPERATORS", "PREFIX", "Operator", "Partial"]
