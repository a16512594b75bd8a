"""The worker processes: where work runs, the budget as a hard stop, the queue, memory caps.

These run the app in-process (ASGI), but its analyses run in real worker processes.
A slow analysis here is one large matrix product (3000×3000 @ 3000×3000, seconds of
BLAS in one call), allowed by raised limits: nothing but terminating the worker can stop
it inside that call.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import psutil
import pytest
from compgraph.app.main import create_app
from compgraph.app.settings import Settings
from compgraph.app.workers import analyze_job
from fastapi import FastAPI

pytestmark = pytest.mark.anyio

LECTURE = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}
SLOW = {"source": "A = param(3000, 3000); L = sum(A @ A)", "options": {"gradcheck": False}}
RAISED = {"max_work": 10**13, "max_training_work": 10**15, "max_array_elements": 10**8, "max_total_elements": 10**9}


def settings(**overrides: Any) -> Settings:
    return Settings(**{**RAISED, "worker_memory_mb": 0, **overrides})


def analyzer(app: FastAPI) -> Any:
    return app.state.analyzer


async def warm(pool: Any) -> None:
    """Start the pool's workers and wait until one has answered (however long the first start takes)."""
    await pool.run(analyze_job, (LECTURE["source"], LECTURE["values"], {}), time.monotonic() + 30, 30)


async def replaced(pool: Any, old: list[int], timeout: float = 5.0) -> list[int]:
    """The pool's workers once none of `old` is among them (or fail after `timeout`)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        pids = pool.worker_pids()
        if pids and not set(pids) & set(old):
            return pids
        await asyncio.sleep(0.05)
    raise AssertionError(f"workers {old} still there after {timeout} s")


async def test_a_worker_running_past_its_budget_is_stopped_at_the_budget(client_for: Any) -> None:
    app = create_app(settings(max_concurrent_analyses=1, time_budget_seconds=0.5, inline_max_work=0))
    async with client_for(app) as client:
        pool = analyzer(app).analyses
        await warm(pool)
        before = pool.worker_pids()
        assert len(before) == 1
        started = time.monotonic()
        response = await client.post("/api/graph", json=SLOW)
        took = time.monotonic() - started
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "time_budget_exceeded"
        assert 0.5 <= took <= 1.0
        # The worker was terminated inside its matrix product, and a fresh one took its place.
        after = await replaced(pool, before, timeout=1.0)
        assert not psutil.pid_exists(before[0]) or psutil.Process(before[0]).status() == "zombie"
        assert len(after) == 1
        assert (await client.post("/api/graph", json=LECTURE)).json()["value"] == -12.0


async def test_a_full_queue_is_503_at_once(client_for: Any) -> None:
    app = create_app(settings(max_concurrent_analyses=1, max_queued_analyses=1, time_budget_seconds=1.5,
                              inline_max_work=0))
    async with client_for(app) as client:
        await warm(analyzer(app).analyses)
        running = asyncio.ensure_future(client.post("/api/graph", json=SLOW))
        await asyncio.sleep(0.2)
        queued = asyncio.ensure_future(client.post("/api/graph", json=SLOW))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        refused = await client.post("/api/graph", json=LECTURE)
        assert time.monotonic() - started < 0.5
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.json() == {"error": {
            "code": "server_busy", "message": "the server is busy with other analyses; try again in a moment",
            "start": 0, "end": 0}}
        for late in await asyncio.gather(running, queued):
            assert late.status_code == 503
            assert late.json()["error"] == {
                "code": "time_budget_exceeded",
                "message": "the analysis did not finish within its time budget of 1.5 s; "
                           "try a smaller input, or try again if the server is busy",
                "start": 0, "end": 0}


async def test_a_cancelled_request_frees_its_worker(client_for: Any) -> None:
    app = create_app(settings(max_concurrent_analyses=1, time_budget_seconds=30, inline_max_work=0))
    async with client_for(app) as client:
        pool = analyzer(app).analyses
        await warm(pool)
        before = pool.worker_pids()
        request = asyncio.ensure_future(client.post("/api/graph", json=SLOW))
        await asyncio.sleep(0.3)
        request.cancel()  # as the server does when its client goes away
        await replaced(pool, before, timeout=1.0)
        assert pool.admitted == 0
        assert (await client.post("/api/graph", json=LECTURE)).json()["value"] == -12.0


async def test_workers_keep_what_they_imported_out_of_the_collector(client_for: Any) -> None:
    # Each job ends with gc.collect() before its answer goes: with the imports frozen it
    # scans only the job's objects (a 49-node request's answer came 6-15 ms later without).
    app = create_app(settings(inline_max_work=0))
    async with client_for(app):
        pool = analyzer(app).analyses
        await warm(pool)
        frozen = await asyncio.wrap_future(pool._pool.schedule(gc.get_freeze_count))
        assert frozen > 10_000


async def test_training_has_its_own_workers(client_for: Any) -> None:
    app = create_app(settings(time_budget_seconds=5, train_time_budget_seconds=1.0, inline_max_work=0))
    async with client_for(app) as client:
        await warm(analyzer(app).analyses)
        analyzer(app).trainings.start()
        training = asyncio.ensure_future(client.post("/api/train", json={
            "source": "A = param(600, 600); L = sum(A @ A @ A)", "steps": 100, "learning_rate": 1e-6}))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        page = await client.post("/api/graph", json=LECTURE)
        assert page.status_code == 200 and time.monotonic() - started < 0.8
        late = await training
        assert late.status_code == 503
        assert late.json()["error"]["message"].startswith("training did not finish within its time budget")


async def test_running_out_of_memory_in_a_worker_is_503_and_the_worker_goes_on(client_for: Any) -> None:
    app = create_app(settings(worker_memory_mb=64, max_concurrent_analyses=1, inline_max_work=0))
    async with client_for(app) as client:
        pool = analyzer(app).analyses
        await warm(pool)
        worker = psutil.Process(pool.worker_pids()[0])
        before = worker.memory_info().rss
        response = await client.post("/api/graph", json={"source": "W = param(3000, 3000); L = sum(W * W)"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "out_of_memory"
        assert response.headers["retry-after"] == "1"
        # the same worker, with its memory given back
        assert pool.worker_pids() == [worker.pid]
        assert worker.memory_info().rss < before + 8 * 2**20
        assert (await client.post("/api/graph", json=LECTURE)).json()["value"] == -12.0


async def test_running_out_of_memory_in_the_server_is_503(app: FastAPI, client_for: Any) -> None:
    @app.get("/exhaust", include_in_schema=False)
    async def exhaust() -> None:
        raise MemoryError

    async with client_for(app) as client:
        response = await client.get("/exhaust")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "out_of_memory"


async def test_work_is_placed_by_its_cost_not_by_the_length_of_its_source(client_for: Any) -> None:
    app = create_app(Settings())
    async with client_for(app) as client:
        # 300 characters that cost next to nothing: on the event loop, no worker started
        cheap = {"source": "(x + y) * z" + " " * 300 + "# a long comment", "values": LECTURE["values"]}
        assert (await client.post("/api/graph", json=cheap)).status_code == 200
        assert analyzer(app).analyses.worker_pids() == []
        # the same tiny graph, drawn: the layout's ordering search takes milliseconds, so a worker
        drawn = {**cheap, "options": {"layout": True}}
        assert (await client.post("/api/graph", json=drawn)).status_code == 200
        assert len(analyzer(app).analyses.worker_pids()) == 2
        # 40 characters of real work: in a worker
        dear = {"source": "W = param(500, 500); L = sum(W @ W)"}
        response = await client.post("/api/graph", json=dear)
        assert response.status_code == 200
        assert len(analyzer(app).analyses.worker_pids()) == 2


async def test_a_bomb_is_refused_in_milliseconds_without_a_worker(client_for: Any) -> None:
    app = create_app(Settings())
    async with client_for(app) as client:
        started = time.monotonic()
        response = await client.post("/api/graph", json={"source": "W=param(20000,20000); sum(W)"})
        assert time.monotonic() - started < 0.1
        assert analyzer(app).analyses.worker_pids() == []
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "tensor_too_large",
        "message": "W = param(20000,20000) holds 400,000,000 numbers; the limit is 4,000,000 per tensor",
        "start": 2, "end": 20}}

