"""Every route and every error code, over ASGI, asserting whole JSON bodies."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from compgraph.app.catalog import catalog
from compgraph.app.errors import MAX_ERROR_BYTES
from compgraph.app.examples import EXAMPLES, examples
from compgraph.app.main import create_app
from compgraph.app.schemas import Catalog, ExampleList, GraphResponse
from compgraph.app.settings import Settings
from fastapi import FastAPI

from compgraph import engine

pytestmark = pytest.mark.anyio

ClientFor = Callable[[FastAPI], httpx.AsyncClient]

LECTURE = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}


def engine_json(source: str, values: dict[str, float], **options: Any) -> Any:
    """What the engine itself says, through its own JSON bytes."""
    return orjson.loads(engine.analyze(source, values, **options).to_json())


def engine_error(source: str, values: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(engine.EngineError) as caught:
        engine.analyze(source, values)
    return caught.value.to_dict()


def invalid(loc: list[str | int], msg: str, more: int = 0) -> dict[str, Any]:
    """The 422 body for a single schema problem at `loc`."""
    where = ".".join(str(part) for part in loc)
    tail = f" (and {more} more)" if more else ""
    return {"error": {"code": "invalid_request", "message": f"invalid request: {where}: {msg}{tail}",
                      "start": 0, "end": 0, "details": [{"loc": loc, "msg": msg}]}}


def invalid_json(reason: str, position: int) -> dict[str, Any]:
    return {"error": {
        "code": "invalid_json",
        "message": f"the body is not strict JSON ({reason} at position {position}); numbers must be "
                   "finite JSON numbers and text valid UTF-8",
        "start": 0, "end": 0, "details": [{"loc": ["body", position], "msg": reason}]}}


async def post_raw(client: httpx.AsyncClient, body: bytes,
                   content_type: str | None = "application/json") -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return await client.post("/api/graph", content=body, headers=headers)


# --- health, page, docs ---------------------------------------------------------------------


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert (await client.head("/healthz")).status_code == 200  # for load balancers that ask with HEAD


async def test_index_page_and_its_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>compgraph: watch backpropagation</title>" in page.text
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page.text
    assert '<script type="module" src="/static/js/main.js"></script>' in page.text
    for asset, kind in (("/static/css/app.css", "text/css"), ("/static/js/main.js", "text/javascript")):
        response = await client.get(asset)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)


async def test_docs_are_served_from_this_server(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert 'data-openapi-url="/openapi.json"' in page.text
    for asset in ("/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js",
                  "/static/swagger-init.js"):
        assert f'"{asset}"' in page.text
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100
    assert (await client.get("/redoc")).status_code == 404  # ReDoc would load from a CDN


async def test_openapi_documents_every_route_with_models_and_errors(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    paths = schema["paths"]
    assert sorted((path, method) for path, item in paths.items() for method in item) == [
        ("/", "get"), ("/api/examples", "get"), ("/api/export", "post"), ("/api/graph", "post"),
        ("/api/operators", "get"), ("/api/train", "post"), ("/healthz", "get"),
    ]
    refs = {
        (path, method): item[method]["responses"]["200"]["content"]
        for path, item in paths.items() for method in item
    }
    assert refs[("/api/graph", "post")]["application/json"]["schema"]["anyOf"] == [  # the object or compact form
        {"$ref": "#/components/schemas/GraphResponse"}, {"$ref": "#/components/schemas/CompactGraphResponse"}]
    assert refs[("/api/operators", "get")] == {"application/json": {"schema": {"$ref": "#/components/schemas/Catalog"}}}
    assert refs[("/api/examples", "get")] == {"application/json": {"schema": {"$ref": "#/components/schemas/ExampleList"}}}
    assert refs[("/healthz", "get")] == {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
    assert refs[("/api/train", "post")] == {"application/json": {"schema": {"$ref": "#/components/schemas/TrainResponse"}}}
    assert refs[("/", "get")] == {"text/html": {"schema": {"type": "string"}}}
    assert refs[("/api/export", "post")] == {"text/html": {"schema": {"type": "string"}}}
    graph = paths["/api/graph"]["post"]
    assert graph["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/GraphRequest"}
    assert sorted(graph["responses"]) == ["200", "400", "413", "422", "503"]
    for status in ("400", "413", "422", "503"):
        assert graph["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # FastAPI's default 422 is replaced


# --- POST /api/graph: results ---------------------------------------------------------------


async def test_lecture_example(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/graph", json=LECTURE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == engine_json("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    assert body["value"] == -12.0
    assert body["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert [(n["name"], n["value"], n["grad"]) for n in body["nodes"]] == [
        ("x", -2.0, -4.0), ("y", 5.0, -4.0), ("z", -4.0, 3.0), ("(x+y)", 3.0, -4.0), ("f", -12.0, 1.0)]
    assert body["warnings"] == []
    assert all(check["rel_error"] < 1e-6 for check in body["gradcheck"].values())
    GraphResponse.model_validate(body)


async def test_program_with_options(client: httpx.AsyncClient) -> None:
    source = "q = x*y; f = sin(q) + cos(x*y)"
    values = {"x": 1.0, "y": 2.0}
    merged = await client.post("/api/graph", json={"source": source, "values": values,
                                                   "options": {"merge": True, "gradcheck": False}})
    assert merged.status_code == 200
    assert merged.json() == engine_json(source, values, merge=True, gradcheck=False)
    assert merged.json()["gradcheck"] is None
    plain = await client.post("/api/graph", json={"source": source, "values": values})
    assert plain.json() == engine_json(source, values)
    assert len(plain.json()["nodes"]) == len(merged.json()["nodes"]) + 1


async def test_non_finite_results_are_strings_with_warnings(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/graph", json={"source": "log(x)", "values": {"x": -1}})
    assert response.status_code == 200
    body = response.json()
    assert body == engine_json("log(x)", {"x": -1})
    assert body["value"] == "nan"
    assert body["warnings"][0] == {"code": "non_finite_value", "message": "log(-1) = nan is not a finite number",
                                   "start": 0, "end": 6, "node": 1}
    overflow = (await client.post("/api/graph", json={"source": "exp(1000)", "values": {}})).json()
    assert overflow["value"] == "inf"


async def test_a_scalar_meeting_a_vector_is_200(client: httpx.AsyncClient) -> None:
    # numpy sums the scalar's gradient into a numpy.float64, which orjson refused: it was a 500.
    response = await client.post("/api/graph", json={"source": "x*[1, 2]", "values": {"x": 1.5}})
    assert response.status_code == 200
    assert response.json()["gradients"] == {"x": 3.0}


async def test_extra_values_are_a_warning_and_names_stay_text(client: httpx.AsyncClient) -> None:
    values = {"x": 1, "<script>alert(1)</script>": 2}
    response = await client.post("/api/graph", json={"source": "x", "values": values})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == engine_json("x", values)
    assert response.json()["warnings"] == [{
        "code": "unused_value",
        "message": "'<script>alert(1)</script>' is not a variable of this expression; its value is ignored",
        "start": 0, "end": 0, "node": None}]


async def test_a_huge_integer_within_float_range_is_a_number(client: httpx.AsyncClient) -> None:
    response = await post_raw(client, b'{"source": "x", "values": {"x": 123456789012345678901234567890}}')
    assert response.status_code == 200
    assert response.json()["value"] == 1.2345678901234568e29


# --- POST /api/graph: engine errors (400) ---------------------------------------------------


@pytest.mark.parametrize(("source", "values", "code", "span"), [
    ("foo(x)", {"x": 1}, "unknown_function", (0, 3)),
    ("sin(x, y)", {"x": 1, "y": 2}, "wrong_arity", (0, 9)),
    ("x * y", {"x": 1}, "missing_value", (4, 5)),
    ("(x + ", {"x": 1}, None, None),
    ("", {}, "empty_input", (0, 0)),
    ("x.__class__", {"x": 1}, "unexpected_character", (1, 2)),
    ("(" * 1000 + "x" + ")" * 1000, {"x": 1}, "too_deep", (256, 257)),
])
async def test_engine_errors_are_400_with_the_engine_error(
        client: httpx.AsyncClient, source: str, values: dict[str, Any], code: str | None,
        span: tuple[int, int] | None) -> None:
    response = await client.post("/api/graph", json={"source": source, "values": values})
    assert response.status_code == 400
    assert response.json() == engine_error(source, values)
    if code is not None:
        error = response.json()["error"]
        assert (error["code"], error["start"], error["end"]) == (code, *span)


async def test_unknown_function_error_body(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/graph", json={"source": "foo(x)", "values": {"x": 1}})
    assert response.json() == {"error": {
        "code": "unknown_function",
        "message": "'foo' is a variable, not a function: to multiply, write foo*(x)",
        "start": 0, "end": 3}}


async def test_engine_limits_come_from_settings(client_for: ClientFor) -> None:
    app = create_app(Settings(max_nodes=10))
    async with client_for(app) as client:
        response = await client.post("/api/graph", json={"source": "x+x+x+x+x+x+x+x+x+x+x", "values": {"x": 1}})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_nodes"


# --- POST /api/graph: invalid requests (422) ------------------------------------------------


NOT_A_VALUE = "Input should be a valid number, or a vector or matrix of numbers"


@pytest.mark.parametrize(("values", "loc", "msg"), [
    ({"x": "1"}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": "NaN"}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": True}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": None}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": {"y": 1}}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": [1, "2"]}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": [1, True]}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": []}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": [[[1]]]}, ["body", "values", "x"], NOT_A_VALUE),
    ({"x": [[1, 2], [3]]}, ["body", "values", "x"], "Input should be a matrix: rows of equal length"),
])
async def test_values_are_strictly_numbers(client: httpx.AsyncClient, values: dict[str, Any],
                                           loc: list[str], msg: str) -> None:
    response = await client.post("/api/graph", json={"source": "x", "values": values})
    assert response.status_code == 422
    assert response.json() == invalid(loc, msg)


@pytest.mark.parametrize(("body", "reason", "position"), [
    (b'{"source": "x", "values": {"x": NaN}}', "unexpected character, expected a JSON value", 32),
    (b'{"source": "x", "values": {"x": Infinity}}', "unexpected character, expected a JSON value", 32),
    (b'{"source": "x", "values": {"x": -Infinity}}', "no digit after sign", 33),
    (b'{"source": "x", "values": {"x": 1e999}}', "number is infinity when parsed as double", 32),
    (b'{"source": "x", "values": {"x": -1e999}}', "number is infinity when parsed as double", 32),
    (b'{"source": "\\ud800", "values": {}}', "no low surrogate in string", 12),
    (b'{"source": "x", "values": {"\\udc00": 1}}', "invalid high surrogate in string", 28),
    (b'{"source": "\xff", "values": {}}', "str is not valid UTF-8: surrogates not allowed", 0),
    (b'{"source": "x"', "unexpected end of data", 14),
    (b"[" * 2000 + b"]" * 2000, "depth limit exceeded", 1025),
])
async def test_bodies_must_be_strict_json(client: httpx.AsyncClient, body: bytes, reason: str,
                                          position: int) -> None:
    response = await post_raw(client, body)
    assert response.status_code == 422
    assert response.json() == invalid_json(reason, position)
    response.content.decode("utf-8")  # the reply itself is valid UTF-8


@pytest.mark.parametrize(("body", "expected"), [
    ({"values": {"x": 1}}, invalid(["body", "source"], "Field required")),
    ({"source": 42}, invalid(["body", "source"], "Input should be a valid string")),
    ({"source": "x", "values": [1]}, invalid(["body", "values"], "Input should be a valid dictionary")),
    ({"source": "x", "extra": 1}, invalid(["body", "extra"], "Extra inputs are not permitted")),
    ({"source": "x", "options": {"merge": "yes"}}, invalid(["body", "options", "merge"], "Input should be a valid boolean")),
    ({"source": "x", "options": {"merge": 1}}, invalid(["body", "options", "merge"], "Input should be a valid boolean")),
    ({"source": "x", "options": {"fast": True}}, invalid(["body", "options", "fast"], "Extra inputs are not permitted")),
    ({"source": "x", "options": None}, invalid(["body", "options"], "Input should be a valid dictionary or object to extract fields from")),
    (["x"], invalid(["body"], "Input should be a valid dictionary or object to extract fields from")),
])
async def test_request_must_match_the_schema(client: httpx.AsyncClient, body: Any,
                                             expected: dict[str, Any]) -> None:
    response = await client.post("/api/graph", json=body)
    assert response.status_code == 422
    assert response.json() == expected


async def test_a_missing_body_or_wrong_content_type_is_422(client: httpx.AsyncClient) -> None:
    empty = await post_raw(client, b"")
    assert empty.status_code == 422
    assert empty.json() == invalid(["body"], "Field required")
    text = await post_raw(client, orjson.dumps(LECTURE), content_type="text/plain")
    assert text.status_code == 422
    assert text.json()["error"]["code"] == "invalid_request"


async def test_validation_errors_are_small_and_never_echo_the_input(client: httpx.AsyncClient) -> None:
    big_name = "n" * 2000
    values = {f"{big_name}{i}": "not a number" for i in range(40)}
    response = await client.post("/api/graph", json={"source": "x" * 50_000, "values": values})
    assert response.status_code == 422
    assert len(response.content) <= MAX_ERROR_BYTES
    body = response.json()
    assert body["error"]["message"] == (
        f"invalid request: body.values.{'n' * 47}…: {NOT_A_VALUE} (and 39 more)")
    assert body["error"]["details"] == [
        {"loc": ["body", "values", "n" * 47 + "…"], "msg": NOT_A_VALUE}] * 8
    assert big_name not in response.text


# --- sizes (413), routes (404, 405), failures (500) -----------------------------------------


TOO_LARGE = {"error": {"code": "body_too_large",
                       "message": "the request body is larger than the limit of 262,144 bytes",
                       "start": 0, "end": 0}}


async def test_a_body_over_the_limit_is_413_before_parsing(client: httpx.AsyncClient) -> None:
    body = orjson.dumps({"source": "x" * 300_000, "values": {}})
    response = await post_raw(client, body)
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert response.headers["connection"] == "close"
    at_limit = await post_raw(client, b" " * (262_144 - len(orjson.dumps(LECTURE))) + orjson.dumps(LECTURE))
    assert at_limit.status_code == 200


async def test_a_chunked_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> Any:
        for _ in range(100):
            yield b" " * 10_000  # never valid JSON: parsing must not even start

    response = await client.post("/api/graph", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


async def test_the_body_limit_comes_from_settings(client_for: ClientFor) -> None:
    async with client_for(create_app(Settings(max_body_bytes=100))) as client:
        response = await client.post("/api/graph", json={"source": "x" * 100, "values": {}})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "the request body is larger than the limit of 100 bytes"


async def test_unknown_route_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing/<script>")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found",
                                         "message": "there is no page or API route at this address",
                                         "start": 0, "end": 0}}
    missing = await client.get("/static/missing.css")
    assert missing.status_code == 404
    assert missing.json() == response.json()


async def test_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/graph")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"error": {"code": "method_not_allowed",
                                         "message": "this route does not accept that method",
                                         "start": 0, "end": 0}}


async def test_a_bug_is_a_500_with_a_fixed_message(app: Any, client_for: ClientFor) -> None:
    @app.get("/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("secret internals")

    async with client_for(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error",
                                         "message": "the server failed on this request; this is a bug",
                                         "start": 0, "end": 0}}


# --- the engine's own deadline (the worker pools are tested in test_workers.py) -------------


async def test_the_engine_stops_at_the_deadline(client_for: ClientFor) -> None:
    # gradcheck on 2,000 variables x 4,000 operations takes seconds: the engine's
    # deadline check between variables must stop it soon after the budget.
    source = " + ".join(f"x{i}*x{i}" for i in range(2000))
    values = {f"x{i}": 0.5 for i in range(2000)}
    app = create_app(Settings(inline_max_work=0, estimate_max_work=0, time_budget_seconds=0.2,
                              max_gradcheck_evaluations=10**9, max_work=10**13))
    async with client_for(app) as client:
        started = time.monotonic()
        response = await client.post("/api/graph", json={"source": source, "values": values})
        took = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "time_budget_exceeded"
    assert took < 1.5


# --- catalog and examples -------------------------------------------------------------------


async def test_operator_catalog(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/operators")
    assert response.status_code == 200
    body = response.json()
    assert body == catalog()
    Catalog.model_validate(body)
    by_name = {op["name"]: op for op in body["operators"]}
    assert set(by_name) == set(engine.ops.OPERATORS)
    assert by_name["mul"] == {
        "name": "mul", "symbol": "×", "arity": 2, "notation": "infix", "signs": ["*", "·", "×", "⋅"],
        "aliases": [], "formula": "a · b", "template": "{a} · {b}",
        "partials": [{"operand": "a", "formula": "b"}, {"operand": "b", "formula": "a"}],
        "description": engine.ops.OPERATORS["mul"].description, "convention": None,
    }
    assert by_name["log"]["aliases"] == ["log", "ln"]
    assert by_name["log"]["partials"] == [{"operand": "a", "formula": "1/a"}]
    assert by_name["pow"]["signs"] == ["^", "**"]
    assert by_name["relu"]["convention"] == "relu′(0) = 0 (as PyTorch)"
    assert {c["name"] for c in body["constants"]} == {"pi", "π", "e"}


async def test_examples_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/examples")
    assert response.status_code == 200
    assert response.json() == examples()
    ExampleList.model_validate(response.json())
    ids = [example["id"] for example in response.json()["examples"]]
    assert ids[:6] == ["lecture", "log-sin", "sigmoid-neuron", "sigmoid-gate", "fan-out", "staged"]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
async def test_every_example_runs(client: httpx.AsyncClient, example: dict[str, Any]) -> None:
    request = {key: example[key] for key in ("source", "values", "options")}
    response = await client.post("/api/graph", json=request)
    assert response.status_code == 200
    body = response.json()
    assert body == engine_json(example["source"], example["values"], **example["options"])
    assert [w for w in body["warnings"] if w["code"] == "unused_value"] == []
    check = EXAMPLE_CHECKS[example["id"]]
    check(body)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check_sigmoid(body: dict[str, Any]) -> None:
    s = 1 / (1 + math.exp(-1.0))  # w0*x0 + w1*x1 + w2 = -2 + 6 - 3 = 1
    assert _close(body["value"], s)
    local = s * (1 - s)
    expected = {"w0": -1 * local, "x0": 2 * local, "w1": -2 * local, "x1": -3 * local, "w2": local}
    assert all(_close(body["gradients"][k], v) for k, v in expected.items())


EXAMPLE_CHECKS = {
    "lecture": lambda b: (b["value"], b["gradients"]) == (-12.0, {"x": -4.0, "y": -4.0, "z": 3.0}) or _fail(b),
    "log-sin": lambda b: _close(b["gradients"]["x2"], math.sin(5) / 5 + math.log(10) * math.cos(5)) or _fail(b),
    "sigmoid-neuron": _check_sigmoid,
    "sigmoid-gate": _check_sigmoid,
    "fan-out": lambda b: (b["value"], b["gradients"]) == (5.0, {"x": 6.0, "y": -4.0}) or _fail(b),
    "staged": lambda b: b["output_name"] == "f" and len(b["variables"]) == 2 or _fail(b),
    "gate-patterns": lambda b: b["gradients"] == {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0} or _fail(b),
    "overflow": lambda b: (b["value"], b["gradients"]["x"]) == ("inf", "nan") or _fail(b),
    "merge": lambda b: sum(n["op"] == "mul" for n in b["nodes"]) == 1 or _fail(b),
    "neuron-bce": lambda b: b["parameters"] == ["w", "b"] and b["nodes"][-1]["op"] == "bce" or _fail(b),
    "xor-mlp": lambda b: b["parameters"] == ["W1", "b1", "W2", "b2"] and b["value"] > 0.25 or _fail(b),
    "softmax-classifier": lambda b: b["gradients"]["t"] is None and b["nodes"][-1]["op"] == "cross_entropy"
    or _fail(b),
    "lecture-2layer": lambda b: b["value"]["shape"] == [2] and b["nodes"][1]["shape"] == [3, 4] or _fail(b),
}


def _fail(body: dict[str, Any]) -> None:
    raise AssertionError(f"example result not as described: {body['value']}, {body['gradients']}")
