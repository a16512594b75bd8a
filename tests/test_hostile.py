"""Hostile inputs against a real server, while /healthz must keep answering quickly.

Each input gets a clear 4xx, or a 200 whose non-finite results are reported as
"nan"/"inf" strings; never a 5xx, never a body that is not strict UTF-8 JSON,
never an error body over 4 KiB. The requests run from a few threads at once
while a process of its own polls /healthz on its own connection.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import psutil
import pytest
from conftest import free_port, running_server, uvicorn_command
from healthz_probe import Watch

MAX_ERROR_BYTES = 4096


@dataclass(frozen=True)
class Hostile:
    name: str
    body: bytes
    statuses: frozenset[int]
    code: str | None = None  # the error code, for a 4xx
    check: Any = None  # a function of the parsed 200 body


def graph(source: str, values: Any = None, **extra: Any) -> bytes:
    return orjson.dumps({"source": source, "values": {} if values is None else values, **extra})


def value_body(raw_value: bytes) -> bytes:
    return b'{"source": "x", "values": {"x": ' + raw_value + b"}}"


def nested_object(depth: int) -> bytes:
    return b'{"source": "x", "values": {"x": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}}"


def non_finite(value: str) -> Any:
    def check(body: dict[str, Any]) -> None:
        assert body["value"] == value
        assert any(w["code"] == "non_finite_value" for w in body["warnings"])
    return check


E400, E413, E422, OK = frozenset({400}), frozenset({413}), frozenset({422}), frozenset({200})

HOSTILE: list[Hostile] = [
    # code injection: none of it is Python, all of it is a syntax error or an unknown name
    Hostile("import", graph("__import__('os').system('id')"), E400, "unknown_function"),
    Hostile("dunder", graph("x.__class__", {"x": 1}), E400, "unexpected_character"),
    Hostile("lambda", graph("lambda: 1"), E400, "unexpected_character"),
    Hostile("backticks", graph("`id`"), E400, "unexpected_character"),
    Hostile("chain", graph("x; import os; os.system('id')", {"x": 1}), E400),
    Hostile("exec", graph('exec("print(1)")'), E400, "unknown_function"),
    Hostile("builtins", graph("__builtins__", {}), E400, "missing_value"),
    Hostile("format", graph("{x.__class__}", {"x": 1}), E400, "unexpected_character"),
    # size and depth
    Hostile("100k parens", graph("(" * 100_000 + "x" + ")" * 100_000, {"x": 1}), E400, "too_deep"),
    Hostile("deep calls", graph("sin(" * 5_000 + "x" + ")" * 5_000, {"x": 1}), E400, "too_deep"),
    Hostile("1 MB source", graph("x+" * 500_000 + "x", {"x": 1}), E413, "body_too_large"),
    Hostile("5 MB body", graph("x", {"x": 1}, padding="p" * 5_000_000), E413, "body_too_large"),
    Hostile("too many nodes", graph("x+" * 100_000 + "x", {"x": 1}), E400, "too_many_nodes"),
    Hostile("long name", graph("y" * 200_000), E400, "name_too_long"),
    Hostile("long number", graph("1" * 100_000, {}), E400, "number_too_long"),
    Hostile("8k nodes", graph("+".join(["x*y"] * 3_000), {"x": 1.5, "y": -2}), OK),
    Hostile("15k nodes", graph("+".join(["x*y"] * 5_000), {"x": 1.5, "y": -2}), E400, "too_many_nodes"),
    Hostile("10k extra values", graph("x", {"x": 1, **{f"v{i}": i for i in range(10_000)}}), OK),
    # numbers that explode
    Hostile("9^9^9^9", graph("9^9^9^9"), OK, check=non_finite("inf")),
    Hostile("10^10^10", graph("10^10^10"), OK, check=non_finite("inf")),
    Hostile("exp(1000)", graph("exp(1000)"), OK, check=non_finite("inf")),
    Hostile("log(-1)", graph("log(-1)"), OK, check=non_finite("nan")),
    Hostile("0/0", graph("0/0"), OK, check=non_finite("nan")),
    Hostile("big power", graph("x^1e300", {"x": 10}), OK, check=non_finite("inf")),
    # markup
    Hostile("script source", graph("<script>alert(1)</script>"), E400, "unexpected_character"),
    Hostile("img source", graph('<img src=x onerror="alert(1)">'), E400, "unexpected_character"),
    Hostile("script name", graph("x", {"x": 1, "<script>alert(1)</script>": 2}), OK),
    Hostile("attribute name", graph("x", {"x": 1, '"><img src=x onerror=alert(1)>': 2}), OK),
    Hostile("bidi and emoji", graph("x\u202e + 🙂", {"x": 1}), E400),
    Hostile("nul", graph("x\x00", {"x": 1}), E400),
    # functions and values
    Hostile("unknown function", graph("foo(x)", {"x": 1}), E400, "unknown_function"),
    Hostile("wrong arity", graph("sin(x, y)", {"x": 1, "y": 2}), E400, "wrong_arity"),
    Hostile("too few arguments", graph("max(x)", {"x": 1}), E400, "wrong_arity"),
    Hostile("missing value", graph("x * y", {"x": 1}), E400, "missing_value"),
    Hostile("extra value", graph("x", {"x": 1, "y": 2}), OK),
    Hostile("string value", graph("x", {"x": "1"}), E422, "invalid_request"),
    Hostile("NaN string", graph("x", {"x": "NaN"}), E422, "invalid_request"),
    Hostile("boolean", graph("x", {"x": True}), E422, "invalid_request"),
    Hostile("null", graph("x", {"x": None}), E422, "invalid_request"),
    Hostile("object", graph("x", {"x": {"y": 1}}), E422, "invalid_request"),
    Hostile("deep object", nested_object(5_000), E422, "invalid_json"),
    Hostile("1e999", value_body(b"1e999"), E422, "invalid_json"),
    Hostile("huge integer", value_body(b"9" * 400), E422, "invalid_json"),
    Hostile("NaN", value_body(b"NaN"), E422, "invalid_json"),
    Hostile("-Infinity", value_body(b"-Infinity"), E422, "invalid_json"),
    Hostile("lone surrogate", b'{"source": "x\\ud800", "values": {"x": 1}}', E422, "invalid_json"),
    Hostile("invalid UTF-8", b'{"source": "x\xc3\x28", "values": {"x": 1}}', E422, "invalid_json"),
    Hostile("binary", bytes(range(256)) * 100, E422, "invalid_json"),
    Hostile("source not text", orjson.dumps({"source": ["x"], "values": {}}), E422, "invalid_request"),
    Hostile("unknown option", graph("x", {"x": 1}, options={"debug": True}), E422, "invalid_request"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    with running_server(uvicorn_command(port), port) as base_url:
        yield base_url


def send(base_url: str, hostile: Hostile) -> tuple[Hostile, int, bytes, str]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.post("/api/graph", content=hostile.body,
                               headers={"content-type": "application/json"})
        return hostile, response.status_code, response.content, response.headers["content-type"]


def test_hostile_inputs_while_healthz_stays_fast(server: str) -> None:
    work = HOSTILE * 2
    random.Random(7).shuffle(work)
    # The probe runs in a process of its own: this one decodes multi-megabyte answers.
    with Watch(server, psutil.Process()) as watch, ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda hostile: send(server, hostile), work))
        time.sleep(max(0.0, 2.0 - 0.02 * len(watch.latencies)))  # at least ~100 probes

    problems = []
    for hostile, status, content, content_type in results:
        try:
            check_response(hostile, status, content, content_type)
        except AssertionError as error:
            problems.append(f"{hostile.name}: {status} {content[:200]!r}: {error}")
    assert problems == []

    latencies = sorted(watch.latencies)
    print(f"/healthz during the hostile run: {len(latencies)} probes, "
          f"median {1e3 * statistics.median(latencies):.1f} ms, p99 {1e3 * watch.p99():.1f} ms, "
          f"max {1e3 * latencies[-1]:.1f} ms")
    assert watch.failures == 0
    assert watch.p99() <= 0.100


def check_response(hostile: Hostile, status: int, content: bytes, content_type: str) -> None:
    assert status < 500
    assert status in hostile.statuses
    assert content_type == "application/json"
    body = orjson.loads(content)  # strict JSON in valid UTF-8, or this raises
    if status >= 400:
        assert len(content) <= MAX_ERROR_BYTES
        assert set(body) == {"error"}
        assert body["error"]["message"]
        if hostile.code is not None:
            assert body["error"]["code"] == hostile.code
    elif hostile.check is not None:
        hostile.check(body)


def test_server_still_healthy_after_the_run(server: str) -> None:
    response = httpx.get(server + "/healthz", timeout=5)
    assert response.status_code == 200
    lecture = httpx.post(server + "/api/graph", timeout=5,
                         json={"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}})
    assert lecture.json()["value"] == -12.0
