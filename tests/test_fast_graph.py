"""The one-pass reader (engine/fast_graph.py) makes the parser's and builder's graph, or none.

On any text, token soup and random programs over the whole grammar: when read_graph
gives a graph, it is the graph parser.py and graph.py make, field for field; when the
parser or the builder refuses the source, read_graph gives none (so every error is
theirs). The common programs (the benchmark's, micrograd's, the scalar examples) are
read by it.
"""

from __future__ import annotations

import pytest
from compgraph.app.examples import EXAMPLES
from compgraph.engine.errors import EngineError
from compgraph.engine.fast_graph import read_graph
from compgraph.engine.graph import build_graph
from compgraph.engine.limits import Limits
from compgraph.engine.parser import iter_statements
from hypothesis import event, given
from hypothesis import strategies as st
from strategies import Case, cases
from test_properties import PROPERTY, any_char, token_soup

from bench.programs import make_program

FIELDS = ("kinds", "ops", "operand_a", "operand_b", "labels", "starts", "ends", "const_nodes", "const_values",
          "variables", "occurrences", "output", "requires_grad", "parameters", "tensor_constants", "op_params",
          "uses_tensors", "first_edge", "edge_targets", "edge_operands", "source")


DEFAULT = Limits()


def same_graph_or_none(source: str, limits: Limits = DEFAULT) -> bool:
    """Whether read_graph read it (and then made the very same graph)."""
    fast = read_graph(source, limits)
    try:
        slow = build_graph(iter_statements(source, limits), limits, source=source)
    except EngineError:
        assert fast is None
        return False
    if fast is None:
        return False
    for field in FIELDS:
        assert getattr(fast, field) == getattr(slow, field), field
    assert list(fast.statements) == list(slow.statements)
    return True


@PROPERTY
@given(st.text(any_char, max_size=80))
def test_any_text(text: str) -> None:
    event(f"read in one pass: {same_graph_or_none(text)}")


@PROPERTY
@given(token_soup)
def test_any_token_sequence(text: str) -> None:
    event(f"read in one pass: {same_graph_or_none(text)}")


@PROPERTY
@given(cases())
def test_random_programs(case: Case) -> None:
    event(f"read in one pass: {same_graph_or_none(case.text)}")


TIGHT = [Limits(max_nodes=n, max_depth=d) for n in (3, 5, 8) for d in (1, 2)]


@PROPERTY
@given(st.one_of(token_soup, cases().map(lambda case: case.text)), st.sampled_from(TIGHT))
def test_near_the_limits(text: str, limits: Limits) -> None:
    same_graph_or_none(text, limits)


@pytest.mark.parametrize("source", [make_program(n, seed)[0] for n in (10, 200, 2000) for seed in (0, 1)]
                         + [e["source"] for e in EXAMPLES if "param" not in e["source"] and "[" not in e["source"]
                            and not e["options"].get("merge")],
                         ids=lambda s: s[:24])
def test_common_programs_are_read_in_one_pass(source: str) -> None:
    assert same_graph_or_none(source)


@pytest.mark.parametrize("source", [
    "max(x)", "sin(x, y)", "sin()", "f(x)", "sin", "x = ", "= x", "x == y", "(x", "x)", "x,y", "2x", "x²",
    "x.T", "[1, 2]", "W = param(2)", "sum(x, 0)", "x @ y", "1e999", "-(2)", "- - 2", "-+2", "+x", "-2^2", "2^-1",
    "(x\n+ y)", "(x;\ny)", "x\n\n", ";;x;;", "pi * e", "e = 2; e * x", "sin = 2", "param = 1", "x # c\n+ 1",
    "((((x))))", "log(x1*x2)*sin(x2)", "max(x, min(y, -2))", "x ^ y ^ z", "-x ^ 2", "1 - - 1",
    "-(w0*x0 + w1*x1)", "(-2.0) ** 2 * x", "-(2) * x", "((a + b)) * (c)", "q = (x + y)\nf = (q) * z",
])
def test_edge_cases(source: str) -> None:
    same_graph_or_none(source, Limits())
    same_graph_or_none(source, Limits(max_nodes=4, max_depth=2))
