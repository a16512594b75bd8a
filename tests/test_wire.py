"""The compact wire format carries exactly what the object contract does.

`expand` (tests/wire_expand.py) applies the compact form's documented rules; on random
programs (tests/strategies.py and the property tests' token soup, tensors included),
on every example with its options, with layout, an update step and the classroom
options, and on non-finite results, expanding the compact answer gives the object
answer exactly: every number bit for bit, every string, every verdict.
"""

from __future__ import annotations

import contextlib
import json

import orjson
import pytest
from compgraph.app.examples import EXAMPLES
from compgraph.engine import EngineError
from hypothesis import given
from hypothesis import strategies as st
from strategies import Case, cases
from test_properties import _NAME, PROPERTY, token_soup
from wire_expand import expand

from compgraph import engine


def both(source: str, values: dict, **options) -> tuple[dict, dict, bytes]:
    analysis = engine.analyze(source, values, **options)
    compact = analysis.to_json("compact")
    return orjson.loads(analysis.to_json("object")), orjson.loads(compact), compact


def assert_same(source: str, values: dict, **options) -> dict:
    obj, compact, raw = both(source, values, **options)
    json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} in the compact JSON"))  # strict JSON
    assert expand(compact) == obj
    return compact


@PROPERTY
@given(cases(), st.booleans(), st.booleans(), st.data())
def test_compact_equals_object_on_random_programs(case: Case, merge: bool, classroom: bool, data) -> None:
    options = {"merge": merge}
    if classroom:
        name = data.draw(st.sampled_from(case.inputs)) if case.inputs else None
        options.update(mistakes=True, forward_mode=True, predict=3)
        if name:
            options.update(paths=name, nudge={name: 0.25})
    try:
        assert_same(case.text, case.values, **options)
    except EngineError as error:  # a case over a classroom limit, say
        assert error.code in ("too_many_steps", "not_for_tensors"), error


@PROPERTY
@given(token_soup, st.sampled_from([{}, {"merge": True}, {"gradcheck": False}, {"learning_rate": 0.1}]))
def test_compact_equals_object_on_any_program_that_parses(text: str, options: dict) -> None:
    """Token soup reaches tensors, parameters, literals, non-finite numbers and dead code."""
    values = {name: 1.5 for name in _NAME.findall(text)}
    with contextlib.suppress(EngineError):
        assert_same(text, values, **options)


LAYOUT_CASES = [(example["id"], extra) for example in EXAMPLES
                for extra in ({}, {"layout": True}, {"layout": True, "text_scale": 1.5},
                              {"learning_rate": 0.1}, {"gradcheck": False})]


@pytest.mark.parametrize(("example_id", "extra"), LAYOUT_CASES, ids=str)
def test_compact_equals_object_on_every_example(example_id: str, extra: dict) -> None:
    example = next(e for e in EXAMPLES if e["id"] == example_id)
    compact = assert_same(example["source"], example["values"], **{**example["options"], **extra})
    if "learning_rate" in extra and example.get("train"):
        assert compact["updates"]["node"]  # the training examples end with their update steps


CLASSROOM = [{"mistakes": True}, {"forward_mode": True}, {"paths": "first"}, {"nudge": "first"}, {"predict": 3},
             {"mistakes": True, "forward_mode": True, "paths": "first", "nudge": "first", "predict": 3,
              "layout": True}]


@pytest.mark.parametrize("options", CLASSROOM, ids=str)
@pytest.mark.parametrize("example", [e for e in EXAMPLES if "train" not in e and "param" not in e["source"]
                                     and not any(isinstance(v, list) for v in e["values"].values())],
                         ids=lambda e: e["id"])
def test_compact_equals_object_with_classroom_options(example: dict, options: dict) -> None:
    first = next(iter(example["values"]))
    chosen = {key: (first if value == "first" and key == "paths" else {first: 0.5} if value == "first" else value)
              for key, value in options.items()}
    compact = assert_same(example["source"], example["values"], **example["options"], **chosen)
    if "mistakes" in chosen:
        assert any(compact["mistakes"])


NON_FINITE = [
    ("log(1 + exp(x))", {"x": 1000.0}),
    ("log(x) + 0/0 + exp(1000)", {"x": -1.0}),
    ("sqrt(x) / x", {"x": 0.0}),
    ("1/x * y", {"x": 0.0, "y": 0.0}),
    ("sum(log(x))", {"x": [1.0, -1.0, 0.0]}),
    ("W = param(2, 2); sum(W @ x / 0)", {"x": [1.0, 2.0]}),
]


@pytest.mark.parametrize(("source", "values"), NON_FINITE, ids=[s for s, _ in NON_FINITE])
def test_non_finite_numbers_travel_as_strings(source: str, values: dict) -> None:
    compact = assert_same(source, values, layout=True)
    text = orjson.dumps(compact).decode()
    assert '"nan"' in text or '"inf"' in text or '"-inf"' in text


def test_the_compact_form_has_no_record_per_node() -> None:
    """Columns: a 900-node answer with its layout holds a handful of JSON objects, not one
    per node, edge and step (the object form holds thousands)."""
    source = "\n".join(f"v{k} = v{k - 1} * x + {k}" if k else "v0 = x + 1" for k in range(300))
    analysis = engine.analyze(source, {"x": 0.5}, layout=True)
    assert len(analysis.graph) == 900
    assert analysis.to_json("compact").count(b"{") < 20
    assert analysis.to_json("object").count(b"{") > 5000


@pytest.mark.anyio
async def test_the_api_answers_compact_when_asked(client) -> None:
    body = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}, "options": {"layout": True}}
    plain = await client.post("/api/graph", json=body)
    compact = await client.post("/api/graph", json={**body, "options": {"layout": True, "format": "compact"}})
    assert plain.status_code == compact.status_code == 200
    assert "format" not in plain.json() and compact.json()["format"] == "compact"
    assert expand(compact.json()) == plain.json()
    assert len(compact.content) < len(plain.content) / 2
    wrong = await client.post("/api/graph", json={**body, "options": {"format": "columns"}})
    assert wrong.status_code == 422


@pytest.mark.anyio
async def test_a_large_answer_travels_gzipped_to_a_client_that_accepts_it(client) -> None:
    source = "\n".join(f"v{k} = v{k - 1} * x + {k % 7}" if k else "v0 = x + 1" for k in range(400))
    body = {"source": source, "values": {"x": 0.5}, "options": {"format": "compact", "layout": True}}
    zipped = await client.post("/api/graph", json=body, headers={"Accept-Encoding": "gzip"})
    plain = await client.post("/api/graph", json=body, headers={"Accept-Encoding": "identity"})
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert zipped.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.json() == plain.json()  # httpx undoes the gzip
    small = await client.post("/api/graph", json={"source": "x + 1", "values": {"x": 1}},
                              headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # not worth it


@pytest.mark.parametrize(("header", "gzip_ok"), [
    ("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("GZIP;q=0.0", False), ("identity", False), ("", False), ("deflate", False)])
def test_accept_encoding(header: str, gzip_ok: bool) -> None:
    from compgraph.app.routes.api import accepts_gzip

    assert accepts_gzip(header) is gzip_ok
