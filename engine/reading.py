"""Source text → graph, with the graphs of short sources kept for the next request.

A class asks for the same program again and again with other values: the nudge slider,
an input edited, the same example opened by every student. Reading the source (lexer,
parser, builder) and the texts derived from the graph alone (display.formula_texts,
kept on it) are then the same work each time, a third of a small analysis. A graph is
never changed once built, so the same object can serve every request; only short
sources are kept, the most recently used first, so what is held stays small.
"""

from __future__ import annotations

from functools import lru_cache

from .fast_graph import read_graph
from .graph import Graph, build_graph
from .limits import Limits
from .parser import iter_statements

KEPT_CHARS = 1_000  # sources shorter than this are kept (the lecture's are under 100)
KEPT_GRAPHS = 128  # at most this many graphs, a few MB at most


def read(source: str, limits: Limits, merge: bool) -> Graph:
    """The graph of `source` (EngineError for a source in error, which is never kept)."""
    if len(source) < KEPT_CHARS:
        return _kept(source, limits, merge)
    return _read(source, limits, merge)


def _read(source: str, limits: Limits, merge: bool) -> Graph:
    # The common program is read straight into its graph; any other is parsed, and each
    # statement's syntax tree built into the graph and let go at once.
    graph = None if merge else read_graph(source, limits)
    if graph is None:
        graph = build_graph(iter_statements(source, limits, count_nodes=not merge), limits,
                            merge=merge, source=source)
    return graph


_kept = lru_cache(maxsize=KEPT_GRAPHS)(_read)  # thread-safe; an exception is not kept


def forget() -> None:
    """Let go of every kept graph (a test that swaps an operator in the registry)."""
    _kept.cache_clear()
