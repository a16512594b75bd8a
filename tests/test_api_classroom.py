"""Classroom options through POST /api/graph: whole bodies, their schema, their errors."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import schemathesis
from compgraph.app.catalog import catalog
from compgraph.app.main import create_app
from compgraph.app.schemas import GraphResponse
from compgraph.app.settings import Settings
from test_api import engine_json, invalid
from test_schemathesis import CHECKS

from compgraph import engine

pytestmark = pytest.mark.anyio

LECTURE = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}
LOG_SIN = {"source": "log(x1*x2)*sin(x2)", "values": {"x1": 2, "x2": 3}}
CATALOG = copy.deepcopy(catalog())  # before any classroom analysis runs

OPTIONS = [
    {"mistakes": True},
    {"paths": "x2"},
    {"nudge": {"x2": 0.01}},
    {"nudge": {"x1": 1}},  # a JSON integer is a number
    {"forward_mode": True},
    {"predict": 3},
    {"mistakes": True, "paths": "x1", "nudge": {"x2": -0.5}, "forward_mode": True, "predict": 2,
     "layout": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
async def test_each_option_gives_the_engines_own_answer(client: httpx.AsyncClient,
                                                        options: dict[str, Any]) -> None:
    response = await client.post("/api/graph", json={**LOG_SIN, "options": options})
    assert response.status_code == 200
    body = response.json()
    assert body == engine_json(LOG_SIN["source"], LOG_SIN["values"], **options)
    GraphResponse.model_validate(body)
    assert ("paths" in body, "nudge" in body, "forward_mode" in body, "predict" in body) == (
        "paths" in options, "nudge" in options, "forward_mode" in options, "predict" in options)
    assert all(("mistakes" in step) == ("mistakes" in options) for step in body["steps"])


async def test_the_lecture_example_with_paths_nudge_and_forward_mode(client: httpx.AsyncClient) -> None:
    options = {"paths": "z", "nudge": {"z": 0.5}, "forward_mode": True, "gradcheck": False}
    body = (await client.post("/api/graph", json={**LECTURE, "options": options})).json()
    assert body["paths"] == {
        "variable": "z", "count": 1,
        "items": [{"nodes": [2, 4], "edges": [3], "locals": [3.0], "product": 3.0}],
        "total": 3.0, "gradient": 3.0, "truncated": False}
    # f is linear in z: the prediction is exact at every nudge of the curve
    curve = [{"epsilon": k / 32, "predicted": 3 * k / 32, "actual": 3 * k / 32, "relative_error": 0.0}
             for k in range(1, 17)]
    assert body["nudge"] == {
        "variable": "z", "epsilon": 0.5, "value": -4.0, "nudged": -3.5, "derivative": 3.0,
        "predicted": 1.5, "actual": 1.5, "error": 0.0, "relative_error": 0.0, "linear_within": 0.1,
        "breaks_down_at": None, "curve": curve,
        "nodes": {"0": {"derivative": 0.0, "predicted": 0.0, "actual": 0.0, "nudged": -2.0, "error": 0.0},
                  "1": {"derivative": 0.0, "predicted": 0.0, "actual": 0.0, "nudged": 5.0, "error": 0.0},
                  "2": {"derivative": 1.0, "predicted": 0.5, "actual": 0.5, "nudged": -3.5, "error": 0.0},
                  "3": {"derivative": 0.0, "predicted": 0.0, "actual": 0.0, "nudged": 3.0, "error": 0.0},
                  "4": {"derivative": 3.0, "predicted": 1.5, "actual": 1.5, "nudged": -10.5, "error": 0.0}}}
    assert body["forward_mode"]["derivatives"] == body["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert body["forward_mode"]["counts"] == {"forward_mode": {"passes": 3, "operations": 5},
                                              "reverse_mode": {"passes": 1, "operations": 2}}


async def test_mistakes_on_the_lecture_example(client: httpx.AsyncClient) -> None:
    body = (await client.post("/api/graph", json={**LECTURE, "options": {"mistakes": True}})).json()
    seed = [step for step in body["steps"] if step["kind"] == "seed"][0]
    assert seed == {"phase": "backward", "kind": "seed", "node": 4, "grad": 1.0, "mistakes": [
        {"answer": "grad", "value": 0.0, "kind": "zero_seed",
         "why": "every gradient starts at 0 except the output's own, ∂f/∂f: f changes exactly as f does",
         "also": []},
        {"answer": "grad", "value": -12.0, "kind": "value_not_gradient",
         "why": "that is the value of f, not its gradient", "also": []}]}


@pytest.mark.parametrize(("options", "loc", "msg"), [
    ({"mistakes": "yes"}, ["body", "options", "mistakes"], "Input should be a valid boolean"),
    ({"forward_mode": 1}, ["body", "options", "forward_mode"], "Input should be a valid boolean"),
    ({"paths": 1}, ["body", "options", "paths"], "Input should be a valid string"),
    ({"paths": ["x"]}, ["body", "options", "paths"], "Input should be a valid string"),
    ({"predict": "3"}, ["body", "options", "predict"], "Input should be a valid integer"),
    ({"nudge": {"x": "0.1"}}, ["body", "options", "nudge", "x"], "Input should be a valid number"),
    ({"nudge": 0.1}, ["body", "options", "nudge"], "Input should be a valid dictionary"),
])
async def test_wrong_json_types_are_422(client: httpx.AsyncClient, options: dict, loc: list,
                                        msg: str) -> None:
    response = await client.post("/api/graph", json={**LECTURE, "options": options})
    assert response.status_code == 422
    assert response.json() == invalid(loc, msg)


@pytest.mark.parametrize(("source", "values", "options", "error"), [
    ("(x + y) * z", LECTURE["values"], {"paths": "w"},
     {"code": "invalid_option", "start": 0, "end": 0,
      "message": "paths: 'w' is not a variable of this source; its variables are x, y, z"}),
    ("(x + y) * z", LECTURE["values"], {"nudge": {"x": 0.1, "y": 0.1}},
     {"code": "invalid_option", "start": 0, "end": 0,
      "message": 'nudge must name one variable and how far to move it: {"x": 0.01}'}),
    ("sum(x)", {"x": [1, 2]}, {"forward_mode": True},
     {"code": "not_for_tensors", "start": 4, "end": 5,
      "message": "forward_mode works on programs of numbers only: on a tensor program @, sum and the "
                 "losses define only the reverse rule, and a tensor input would need a pass per element"}),
    ("+".join(f"x{k}" for k in range(400)), {f"x{k}": 1 for k in range(400)}, {"forward_mode": True},
     {"code": "too_many_steps", "start": 0, "end": 0,
      "message": "forward mode would take 400 passes × 399 operations = 159,600 steps, more than "
                 "100,000; reverse mode needs one pass (ask for forward_mode on a smaller graph)"}),
])
async def test_what_cannot_be_done_is_400(client: httpx.AsyncClient, source: str, values: dict,
                                          options: dict, error: dict) -> None:
    response = await client.post("/api/graph", json={"source": source, "values": values, "options": options})
    assert response.status_code == 400
    assert response.json() == {"error": error}


SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(time_budget_seconds=30)))


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_answers_match_the_documented_schema(options: dict) -> None:
    for body in (LOG_SIN, {"source": "relu(x) + log(y) + max(x, y)", "values": {"x": 0, "y": 0}}):
        options = {**options}
        for key in ("paths", "nudge"):  # the second source's variables
            if key in options and body is not LOG_SIN:
                options[key] = "x" if key == "paths" else {"y": 0.5}
        case = SCHEMA["/api/graph"]["POST"].Case(body={**body, "options": options},
                                                 media_type="application/json")
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200
        answer = response.json()
        assert all(key in answer for key in ("paths", "nudge", "forward_mode", "predict") if key in options)
        assert all("mistakes" in step for step in answer["steps"]) == ("mistakes" in options)


async def test_the_operator_catalog_is_unaffected(client: httpx.AsyncClient) -> None:
    for options in OPTIONS:
        engine.analyze(LOG_SIN["source"], LOG_SIN["values"], **options).to_json()
    response = await client.get("/api/operators")
    assert response.status_code == 200
    assert response.json() == CATALOG == catalog()
