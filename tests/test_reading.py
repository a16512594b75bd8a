"""The graphs of short sources are kept (engine/reading.py): the same source read again is
the same graph, with its formula texts worked out once; a long source, a source in error
and other limits are read afresh; and an analysis from a kept graph is the same as one
from a graph read anew, whatever was done with an earlier answer."""

from __future__ import annotations

import pytest
from compgraph.app.examples import EXAMPLES
from compgraph.engine import EngineError, Limits, reading
from compgraph.engine.display import formula_texts, kept_names

from compgraph import engine


@pytest.fixture(autouse=True)
def _nothing_kept():
    reading.forget()
    yield
    reading.forget()


def test_the_same_short_source_is_read_once():
    first = reading.read("(x + y) * z", Limits(), False)
    assert reading.read("(x + y) * z", Limits(), False) is first
    assert reading.read("(x + y) * z", Limits(), True) is not first  # merged: another graph
    assert formula_texts(first, first.source) is formula_texts(first, first.source)


def test_the_compact_answer_works_out_only_the_names():
    # The page fills each operator's formulas in with the nodes' names; the formulas and
    # expressions are worked out only for the object contract (and the classroom's mistakes).
    source = "q = x + y\nf = log(q) * z"
    engine.analyze(source, {"x": 1, "y": 2, "z": 3}, format="compact").to_json()
    graph = reading.read(source, Limits(), False)
    assert set(graph.derived) == {"names"}
    assert kept_names(graph, source) is kept_names(graph, source)
    assert kept_names(graph, source) == formula_texts(graph, source).names
    assert set(graph.derived) == {"names", "formula_texts"}


def test_a_long_source_is_read_afresh():
    source = " + ".join(f"x{k}" for k in range(reading.KEPT_CHARS // 4))
    assert len(source) >= reading.KEPT_CHARS
    assert reading.read(source, Limits(), False) is not reading.read(source, Limits(), False)


def test_a_source_in_error_is_an_error_each_time():
    for _ in range(2):
        with pytest.raises(EngineError) as error:
            reading.read("x + foo(y)", Limits(), False)
        assert (error.value.code, error.value.start, error.value.end) == ("unknown_function", 4, 7)


def test_a_graph_kept_under_looser_limits_is_refused_under_tighter_ones():
    source = "x * x * x * x"
    assert len(reading.read(source, Limits(), False)) == 4  # x and three products
    with pytest.raises(EngineError) as error:
        reading.read(source, Limits(max_nodes=3), False)
    assert error.value.code == "too_many_nodes"


def _answers(example: dict, values: dict) -> tuple[dict, bytes]:
    numbers = "param(" not in example["source"] and not any(isinstance(v, list) for v in values.values())
    options = {**example.get("options", {}), "mistakes": numbers, "forward_mode": numbers}
    analysis = engine.analyze(example["source"], values, **options)
    return analysis.to_dict(), analysis.to_json("compact")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
def test_an_analysis_of_a_kept_graph_is_that_of_a_graph_read_anew(example):
    earlier, _ = _answers(example, example["values"])
    for node in earlier["nodes"]:  # what a caller may do with its own answer
        node["name"] = "changed"
        if node["formulas"]:
            node["formulas"].append("changed")
    for forward_pass in earlier.get("forward_mode", {}).get("passes", []):
        for step in forward_pass["steps"]:
            if step.get("local_formulas"):
                step["local_formulas"].append("changed")
    other = {name: value if isinstance(value, list) else value * 0.5 + 0.25
             for name, value in example["values"].items()}
    kept = _answers(example, other)
    reading.forget()
    assert kept == _answers(example, other)
