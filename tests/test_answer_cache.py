"""The server keeps recent answers (app/answers.py): the same request asked again gets the
same bytes without the engine; another request, an error, or a full cache does not."""

from __future__ import annotations

import httpx
import pytest
from compgraph.app.answers import AnswerCache
from compgraph.app.main import create_app
from compgraph.app.settings import Settings

pytestmark = pytest.mark.anyio

LECTURE = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}


async def test_the_same_request_is_answered_again_without_the_engine(client: httpx.AsyncClient,
                                                                      prepared: list[str]) -> None:
    first = await client.post("/api/graph", json=LECTURE)
    again = await client.post("/api/graph", json=LECTURE)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert prepared == [LECTURE["source"]]


async def test_another_value_or_option_is_analysed_anew(client: httpx.AsyncClient, prepared: list[str]) -> None:
    answers = [await client.post("/api/graph", json=body) for body in (
        LECTURE,
        {**LECTURE, "values": {**LECTURE["values"], "x": -3}},
        {**LECTURE, "options": {"format": "compact"}},
        {**LECTURE, "options": {"seed": 1}},
    )]
    assert [a.status_code for a in answers] == [200] * 4
    assert len(prepared) == 4
    assert answers[1].json()["value"] == -8.0  # (−3 + 5) · −4, not the first answer's −12
    assert answers[2].json()["format"] == "compact"


async def test_errors_are_not_kept(client: httpx.AsyncClient, prepared: list[str]) -> None:
    for _ in range(2):
        answer = await client.post("/api/graph", json={"source": "foo(x)", "values": {"x": 1}})
        assert answer.status_code == 400
    assert len(prepared) == 2


async def test_no_cache_when_it_is_switched_off(client_for, prepared: list[str]) -> None:
    async with client_for(create_app(Settings(answer_cache_mb=0))) as client:
        for _ in range(2):
            assert (await client.post("/api/graph", json=LECTURE)).status_code == 200
    assert len(prepared) == 2


def test_the_cache_holds_its_bytes_and_drops_the_least_recently_used() -> None:
    cache = AnswerCache(max_bytes=1600)
    for k in range(20):
        cache.put(b"key%02d" % k, (b"x" * 95, None))  # 100 bytes with its key
    assert cache.held <= 1600 and len(cache) == 16
    assert cache.get(b"key00") is None and cache.get(b"key19") == (b"x" * 95, None)
    cache.get(b"key04")  # used: it stays while the next put drops key05, the oldest now
    cache.put(b"key20", (b"y" * 95, None))
    assert cache.get(b"key04") is not None and cache.get(b"key05") is None
    cache.put(b"huge", (b"z" * 200, None))  # more than a sixteenth of the whole: not kept
    assert cache.get(b"huge") is None
