"""A shared link's analysis begins as the page is served (app/sharelink.py reads the request
the page will make from its address; runner.Analyzer.begin starts it), and the page's request
takes that analysis when it asks exactly the same. tests/test_page_share.py checks, in a real
browser, that the page's request is the one read here."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlencode

import pytest
from compgraph.app import runner
from compgraph.app.errors import UNAVAILABLE
from compgraph.app.main import create_app
from compgraph.app.settings import Settings
from compgraph.app.sharelink import PAGE_OPTIONS, first_request

pytestmark = pytest.mark.anyio

LECTURE = [("src", "(x + y) * z"), ("v.x", "-2"), ("v.y", "5"), ("v.z", "-4")]


def read(query: str):
    return first_request(parse_qsl(query, keep_blank_values=True))


def page_body(source: str, values: dict) -> dict:
    """What the page sends for a link: api.js graphRequest with prefetch.js's settings."""
    return {"source": source, "values": values, "options": PAGE_OPTIONS}


def test_a_link_is_read_as_the_page_reads_it() -> None:
    request = read(urlencode(LECTURE + [("step", "end"), ("theme", "dark"), ("embed", "1")]))
    assert request is not None
    assert request.source == "(x + y) * z"
    assert request.values == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert request.options.model_dump() == {**request.options.model_dump(), **PAGE_OPTIONS}


def test_line_breaks_first_source_and_repeated_values() -> None:
    request = read(urlencode([("src", "q = x + y\r\nf = q * z\rg = f"), ("src", "other"),
                              ("v.x", "1"), ("v.y", "2"), ("v.x", "3"), ("mode", "step"), ("text", "1.0")]))
    assert request is not None
    assert request.source == "q = x + y\nf = q * z\ng = f"
    assert list(request.values.items()) == [("x", 3.0), ("y", 2.0)]  # a Map: first place, last value


def test_vectors_matrices_and_signed_zero() -> None:
    request = read(urlencode([("src", "sum(W @ x)"), ("v.W", "[[1, 2], [3, 4]]"), ("v.x", "[0.5, -1]"),
                              ("v.b", "-0")]))
    assert request is not None
    assert request.values["W"] == [[1.0, 2.0], [3.0, 4.0]]
    assert str(request.values["b"]) == "0.0"  # JSON.stringify(-0) is "0"


@pytest.mark.parametrize("query", [
    "",                                     # no source: the page shows an example
    "src=",
    "src=x&mode=predict",                   # another mode asks with other options
    "src=x&mode=nonsense",                  # the page reads it as step; not certain here
    "src=x&text=2",
    "src=x&text=big",
    "src=x&seed=1", "src=x&lr=0.1", "src=x&trained=1",  # the training panel is shown
    "src=x&v.x=0x10", "src=x&v.x=1_0", "src=x&v.x=abc", "src=x&v.x=1e999", "src=x&v.x=%5B1,",
    "src=x&v.x=Infinity",
])
def test_links_whose_first_request_is_not_certain_are_not_read(query: str) -> None:
    assert read(query) is None


async def settle() -> None:
    """Let the analyses begun by the page's GET run (they run on this event loop)."""
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_the_page_request_takes_the_analysis_begun_with_the_page(client_for, prepared) -> None:
    # No answers kept: only the begun analysis can answer without the engine.
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        page = await client.get("/?" + urlencode(LECTURE))
        assert page.status_code == 200
        await settle()
        assert prepared == ["(x + y) * z"]
        body = page_body("(x + y) * z", {"x": -2, "y": 5, "z": -4})
        taken = await client.post("/api/graph", json=body)
        again = await client.post("/api/graph", json=body)  # a classmate opening the same link
        other = await client.post("/api/graph", json={**body, "values": {"x": 1, "y": 5, "z": -4}})
    assert taken.status_code == again.status_code == other.status_code == 200
    assert taken.headers["server-timing"] == again.headers["server-timing"] == "answer;desc=begun"
    assert other.headers["server-timing"] == "answer;desc=new"
    assert taken.content == again.content
    assert prepared == ["(x + y) * z"] * 2  # the link's, then the other values'
    async with client_for(create_app(Settings(answer_cache_mb=0))) as fresh:
        assert (await fresh.post("/api/graph", json=body)).content == taken.content


async def test_a_link_in_error_still_gets_its_error(client_for, prepared) -> None:
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        await client.get("/?" + urlencode([("src", "foo(x)"), ("v.x", "1")]))
        await settle()
        answer = await client.post("/api/graph", json=page_body("foo(x)", {"x": 1}))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "unknown_function"
    assert answer.json()["error"]["start"] == 0
    assert prepared == ["foo(x)"]  # the same request fails the same way: not analysed again


async def test_head_and_plain_pages_begin_nothing(client_for, prepared) -> None:
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        assert (await client.head("/?" + urlencode(LECTURE))).status_code == 200
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/?" + urlencode(LECTURE + [("mode", "paths")]))).status_code == 200
        await settle()
    assert prepared == []


async def test_at_most_begun_max_analyses_are_begun(client_for, prepared) -> None:
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        for k in range(runner.BEGUN_MAX + 3):
            await client.get("/?" + urlencode([("src", f"x * {k}"), ("v.x", "1")]))
        await settle()
        assert len(prepared) == runner.BEGUN_MAX
        late = await client.post("/api/graph", json=page_body(f"x * {runner.BEGUN_MAX + 1}", {"x": 1}))
    assert late.status_code == 200
    assert late.headers["server-timing"] == "answer;desc=new"


async def test_nothing_is_begun_while_every_worker_is_taken(client_for, prepared) -> None:
    app = create_app(Settings(answer_cache_mb=0))
    async with client_for(app) as client:
        pool = app.state.analyzer.analyses
        pool.admitted = pool.workers  # as while the class's analyses run
        await client.get("/?" + urlencode(LECTURE))
        await settle()
        assert prepared == []
        pool.admitted = 0
        answer = await client.post("/api/graph", json=page_body("(x + y) * z", {"x": -2, "y": 5, "z": -4}))
    assert answer.headers["server-timing"] == "answer;desc=new"


@pytest.mark.parametrize("code", sorted(UNAVAILABLE))
async def test_a_begun_analysis_the_server_could_not_finish_is_made_anew(client_for, monkeypatch,
                                                                         code: str) -> None:
    # busy, out of time or memory: the server's state then, not the request's (never kept)
    app = create_app(Settings(answer_cache_mb=0))
    async with client_for(app) as client:
        analyzer = app.state.analyzer
        real = analyzer._analyze
        calls = []

        async def busy_first(*args):
            calls.append(args[0].source)
            if len(calls) == 1:
                raise runner.engine.EngineError(code, "not now", 0, 0)
            return await real(*args)

        monkeypatch.setattr(analyzer, "_analyze", busy_first)
        await client.get("/?" + urlencode(LECTURE))
        await settle()
        answer = await client.post("/api/graph", json=page_body("(x + y) * z", {"x": -2, "y": 5, "z": -4}))
    assert answer.status_code == 200
    assert answer.headers["server-timing"] == "answer;desc=new"
    assert answer.json()["format"] == "compact"
    assert len(calls) == 2


async def test_a_begun_analysis_not_asked_for_in_time_is_not_used(client_for, prepared, monkeypatch) -> None:
    monkeypatch.setattr(runner, "BEGUN_KEEP_S", 0.0)
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        await client.get("/?" + urlencode(LECTURE))
        await settle()
        answer = await client.post("/api/graph", json=page_body("(x + y) * z", {"x": -2, "y": 5, "z": -4}))
    assert answer.headers["server-timing"] == "answer;desc=new"
    assert prepared == ["(x + y) * z"] * 2
