"""options.paths: every path from a variable to the output, and why their products add up."""

from __future__ import annotations

import json

import pytest

from compgraph import engine


def paths_of(source: str, values: dict, variable: str, **options) -> dict:
    result = engine.analyze(source, values, paths=variable, **options).to_dict()
    json.dumps(result, allow_nan=False)
    return result["paths"]


def doubling(times: int) -> str:
    """a = x + x, then a = a + a again: 2^times paths from x to the output."""
    return "a = x + x\n" + "a = a + a\n" * (times - 1)


def test_the_lectures_paths():
    values = {"x": -2, "y": 5, "z": -4}
    assert paths_of("q = x + y; f = q * z", values, "x") == {
        "variable": "x", "count": 1,
        "items": [{"nodes": [0, 3, 4], "edges": [0, 2], "locals": [1.0, -4.0], "product": -4.0}],
        "total": -4.0, "gradient": -4.0, "truncated": False}
    assert paths_of("q = x + y; f = q * z", values, "z") == {
        "variable": "z", "count": 1,
        "items": [{"nodes": [2, 4], "edges": [3], "locals": [3.0], "product": 3.0}],
        "total": 3.0, "gradient": 3.0, "truncated": False}


def test_a_variable_used_twice_has_two_paths_that_add_up():
    # log(x1 x2) sin(x2): x2 reaches f through x1·x2 and log, and through sin.
    paths = paths_of("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3}, "x2")
    assert paths == {
        "variable": "x2", "count": 2,
        "items": [
            {"nodes": [1, 2, 3, 5], "edges": [1, 2, 4], "locals": [2.0, 1 / 6, 0.1411200080598672],
             "product": 0.1411200080598672 * (1 / 6) * 2.0},
            {"nodes": [1, 4, 5], "edges": [3, 5], "locals": [-0.9899924966004454, 1.791759469228055],
             "product": 1.791759469228055 * -0.9899924966004454},
        ],
        "total": -1.7267884275619487, "gradient": -1.7267884275619487, "truncated": False}


def test_x_times_x_is_two_paths_through_the_same_nodes():
    paths = paths_of("x*x", {"x": 3}, "x")
    assert [(item["nodes"], item["edges"], item["product"]) for item in paths["items"]] == [
        ([0, 1], [0], 3.0), ([0, 1], [1], 3.0)]
    assert (paths["count"], paths["total"], paths["gradient"]) == (2, 6.0, 6.0)


def test_the_output_itself_and_a_variable_that_does_not_reach_it():
    assert paths_of("x", {"x": 3}, "x") == {
        "variable": "x", "count": 1, "items": [{"nodes": [0], "edges": [], "locals": [], "product": 1.0}],
        "total": 1.0, "gradient": 1.0, "truncated": False}
    assert paths_of("u = x * 2\ny + 1", {"x": 1, "y": 2}, "x") == {
        "variable": "x", "count": 0, "items": [], "total": 0.0, "gradient": 0.0, "truncated": False}


def test_past_64_paths_the_count_and_the_first_64():
    paths = paths_of(doubling(10), {"x": 1}, "x")
    assert (paths["count"], len(paths["items"]), paths["truncated"]) == (1024, 64, True)
    assert paths["gradient"] == 1024.0
    assert paths["total"] == 64.0  # the listed ones only: each path's product is 1
    # depth first: the first path takes every node's first consumer edge, the next differs last
    assert paths["items"][0]["edges"] == list(range(0, 20, 2))
    assert paths["items"][1]["edges"] == [*range(0, 18, 2), 19]
    assert len({tuple(item["edges"]) for item in paths["items"]}) == 64


def test_exponentially_many_paths_are_counted_not_listed():
    big = paths_of(doubling(60), {"x": 1}, "x", gradcheck=False)
    assert big["count"] == 2.0**60 and isinstance(big["count"], float)  # past 2^53, a double
    assert len(big["items"]) == 64
    huge = paths_of(doubling(1_100), {"x": 1}, "x", gradcheck=False)
    assert (huge["count"], huge["gradient"], huge["truncated"]) == ("inf", "inf", True)


def test_long_paths_are_listed_up_to_100000_edges():
    paths = paths_of(doubling(2_000), {"x": 1}, "x", gradcheck=False)
    assert len(paths["items"]) == 50  # 50 × 2,000 edges
    assert sum(len(item["edges"]) for item in paths["items"]) == 100_000
    chain = paths_of("a = x\n" + "a = a * 1\n" * 3_000, {"x": 1}, "x", gradcheck=False,
                     limits=engine.Limits(max_nodes=10_000))
    assert len(chain["items"][0]["edges"]) == 3_000  # a single path is listed whole


def test_a_product_at_a_kink_uses_the_engines_convention():
    # relu′(0) = 0 (as PyTorch): the path through relu contributes 0.
    paths = paths_of("relu(x) + x", {"x": 0}, "x")
    assert [item["product"] for item in paths["items"]] == [0.0, 1.0]
    assert paths["gradient"] == 1.0


def test_non_finite_products_are_strings():
    paths = paths_of("sqrt(x) + x", {"x": 0}, "x")
    assert [item["product"] for item in paths["items"]] == ["inf", 1.0]
    assert (paths["total"], paths["gradient"]) == ("inf", "inf")


def test_an_unknown_variable_is_an_option_error():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("x * y", {"x": 1, "y": 2}, paths="z")
    assert caught.value.to_dict() == {"error": {
        "code": "invalid_option", "message": "paths: 'z' is not a variable of this source; its "
                                             "variables are x, y", "start": 0, "end": 0}}
    for bad in ("", 3, ["x"]):
        with pytest.raises(engine.EngineError) as caught:
            engine.analyze("x", {"x": 1}, paths=bad)
        assert caught.value.message == "paths must be the name of a variable"


def test_tensor_programs_are_refused():
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("sum(x * [1, 2])", {"x": 1}, paths="x")
    assert caught.value.to_dict() == {"error": {
        "code": "not_for_tensors",
        "message": "paths works on programs of numbers only: on a tensor program a path's product is "
                   "then a chain of matrices (Jacobians), not a number",
        "start": 8, "end": 14}}  # the vector [1, 2]
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze("y = 2\nsum(x)", {"x": 1}, paths="x")
    assert (caught.value.start, caught.value.end) == (6, 12)  # sum() of a number is a tensor program


def test_without_the_option_there_are_no_paths():
    assert "paths" not in engine.analyze("x * y", {"x": 1, "y": 2}).to_dict()
