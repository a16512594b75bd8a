"""A node's span is its text as written, and an operation's takes in the parentheses written
around its operands: hovering `-(a+b)` highlights `-(a+b)`, not `-(a+b`. The same from the
one-pass reader (fast_graph.py) and the parser (tensor programs go to the parser)."""

from __future__ import annotations

import pytest

from compgraph import engine

CASES = [
    ("-(w0*x0 + w1*x1)", {"w0": 1, "x0": 2, "w1": 3, "x1": 4},
     ["w0*x0", "w1*x1", "w0*x0 + w1*x1", "-(w0*x0 + w1*x1)"]),
    ("(-2.0) ** 2 * x", {"x": 3}, ["-2.0", "2", "(-2.0) ** 2", "(-2.0) ** 2 * x"]),
    ("-(a+b)*c", {"a": 1, "b": 2, "c": 3}, ["a+b", "-(a+b)", "-(a+b)*c"]),
    ("((a + b)) * (c)", {"a": 1, "b": 2, "c": 3}, ["a + b", "((a + b)) * (c)"]),
    ("(x)²", {"x": 2}, ["²", "(x)²"]),
    ("X = [[1, 2]]; f = sum((X.T) @ (X))", {}, ["[[1, 2]]", "X.T", "(X.T) @ (X)", "sum((X.T) @ (X))"]),
]


@pytest.mark.parametrize(("source", "values", "texts"), CASES, ids=[c[0] for c in CASES])
def test_an_operation_spans_its_operands_parentheses(source: str, values: dict, texts: list[str]) -> None:
    nodes = engine.analyze(source, values).to_dict()["nodes"]
    spans = [node["span"] for node in nodes if node["kind"] != "input"]
    assert [source[start:end] for start, end in spans] == texts
