"""Tensor bombs against a real server with its default limits: nothing may stall it, starve it
or exhaust its memory.

Each request is refused (400 with its code) or answered within its time budget + 0.5 s;
the only 5xx allowed are 503 busy / time_budget_exceeded / out_of_memory. Meanwhile a probe
asks /healthz every 20 ms (p99 ≤ 100 ms) and a sampler adds up the resident memory of the
server's whole process tree every 100 ms, workers included (never above 1 GB); once the run is over the
tree's memory must come back within 10% of where it started. The run sends each bomb on
its own, then 16 at once, then trainings: about half a minute.
"""

from __future__ import annotations

import http.client
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
from healthz_probe import Watch, tree_rss

BUDGET, TRAIN_BUDGET = 2.0, 3.0
GRACE = 0.5
GIB = 2**30
UNAVAILABLE = {"server_busy", "time_budget_exceeded", "out_of_memory"}


@dataclass(frozen=True)
class Bomb:
    name: str
    path: str
    body: dict[str, Any]
    codes: frozenset[str]  # the 4xx codes it may get; 200 and the 503s are always allowed
    answer: bool = False  # whether it must be answered (200) or refused (4xx)

    @property
    def budget(self) -> float:
        return TRAIN_BUDGET if self.path == "/api/train" else BUDGET


def graph(name: str, source: str, values: Any = None, *, codes: tuple[str, ...] = (),
          answer: bool = False) -> Bomb:
    return Bomb(name, "/api/graph", {"source": source, "values": values or {}}, frozenset(codes), answer)


def train(name: str, source: str, values: Any = None, *, codes: tuple[str, ...] = (),
          **settings: Any) -> Bomb:
    return Bomb(name, "/api/train", {"source": source, "values": values or {}, **settings},
                frozenset(codes))


TOO_LARGE, TOO_MUCH = ("tensor_too_large",), ("too_much_work",)
N = 3_000  # two small inputs, 3,000 numbers each: their product has 9,000,000
MANY = "\n".join(f"W{i} = param(1000, 1000)" for i in range(300)) + "\nL = " + " + ".join(
    f"sum(W{i})" for i in range(300))

BOMBS = [
    graph("10k² parameter", "W=param(10000,10000); sum(W)", codes=TOO_LARGE),
    graph("20k² parameter", "W=param(20000,20000); sum(W)", codes=TOO_LARGE),
    graph("10⁶² parameter", "W=param(1000000,1000000)", codes=TOO_LARGE),
    graph("broadcast column × row", "sum(x * y)", {"x": [[0.5]] * N, "y": [[0.5] * N]}, codes=TOO_LARGE),
    graph("broadcast then exp", "sum(exp(x + y) * x)", {"x": [[0.1]] * 3000, "y": [[0.2] * 3000]},
          codes=TOO_LARGE),
    graph("outer product", "x = param(10000); y = param(10000, 1); sum(y * x)", codes=TOO_LARGE),
    graph("300 parameters of 10⁶", MANY, codes=TOO_LARGE),
    graph("softmax 2000²", "W = param(2000, 2000); L = sum(softmax(W) * W)", codes=TOO_LARGE + TOO_MUCH),
    graph("softmax 1000²", "W = param(1000, 1000); L = sum(softmax(W) * W)", codes=TOO_LARGE + TOO_MUCH),
    graph("cross-entropy 4000×1000", "Z = param(4000, 1000); L = cross_entropy(Z, t)",
          {"t": [float(i % 1000) for i in range(4000)]}, codes=TOO_LARGE + TOO_MUCH),
    graph("log_softmax 1000×2000", "Z = param(1000, 2000); L = mean(log_softmax(Z))",
          codes=TOO_LARGE + TOO_MUCH),
    graph("matmul chain 1000³ ×6", "W = param(1000, 1000); L = sum(W@W@W@W@W@W)",
          codes=TOO_LARGE + TOO_MUCH),
    graph("matmul chain 2000³", "W = param(2000, 2000); L = sum(W@W@W)", codes=TOO_LARGE + TOO_MUCH),
    graph("matmul 1000³ ×3", "W = param(1000, 1000); L = sum(W@W@W)", codes=TOO_LARGE + TOO_MUCH),
    graph("wide layer", "W = param(1000, 2000); V = param(2000, 1000); L = mean(sigmoid(W @ V))",
          codes=TOO_LARGE + TOO_MUCH),
    graph("lecture", "(x + y) * z", {"x": -2, "y": 5, "z": -4}, answer=True),
    graph("8k scalar nodes", "+".join(["x*y"] * 2_000), {"x": 1.5, "y": -2}, answer=True),
    train("100,000 steps of 500²", "W = param(500, 500); L = sum(W @ W)", steps=100_000,
          learning_rate=1e-6, codes=TOO_MUCH + TOO_LARGE),
    train("long training", "W = param(300, 300); L = mean(W @ W @ W)", steps=500, learning_rate=1e-6,
          codes=TOO_MUCH),
    train("every step recorded", "W = param(1000, 1000); L = mean(W)", steps=100, learning_rate=0.1,
          record=list(range(100)), codes=("too_many_snapshots",)),
    train("minibatch of a vector", "W=param(3); L=mean(x*W)", {"x": [1, 2, 3]}, steps=5,
          learning_rate=0.01, batch_size=2, codes=("shape_mismatch",)),
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    env = {"COMPGRAPH_TIME_BUDGET_SECONDS": str(BUDGET), "COMPGRAPH_TRAIN_TIME_BUDGET_SECONDS": str(TRAIN_BUDGET)}
    with running_server(uvicorn_command(port), port, env) as base_url:
        process = next(p for p in psutil.Process().children() if str(port) in " ".join(p.cmdline()))
        yield base_url, process


def send(base_url: str, bomb: Bomb) -> tuple[Bomb, int, dict[str, Any], float]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        started = time.monotonic()
        response = client.post(bomb.path, content=orjson.dumps(bomb.body),
                               headers={"content-type": "application/json"})
        return bomb, response.status_code, response.json(), time.monotonic() - started


OUTCOMES: dict[tuple[str, int, str | None], int] = {}  # (bomb, status, code) -> count, for the log


def check(bomb: Bomb, status: int, body: dict[str, Any], took: float) -> str | None:
    """A problem with this answer, or None."""
    code = body.get("error", {}).get("code")
    OUTCOMES[bomb.name, status, code] = OUTCOMES.get((bomb.name, status, code), 0) + 1
    if took > bomb.budget + GRACE:
        return f"took {took:.2f} s"
    if status == 200:
        return None
    if status == 503 and code in UNAVAILABLE and not bomb.answer:
        return None
    if 400 <= status < 500 and code in bomb.codes:
        return None
    return f"{status} {code}"


def settled_rss(process: psutil.Process, target: int, timeout: float = 10.0) -> int:
    """The tree's memory once it is back under `target`, or after `timeout` (replaced workers
    start over; the last one to be stopped may take a moment to go)."""
    give_up = time.monotonic() + timeout
    rss = tree_rss(process)
    while rss > target and time.monotonic() < give_up:
        time.sleep(0.2)
        rss = tree_rss(process)
    return rss


def test_tensor_bombs_are_refused_or_answered_within_budget(server: tuple[str, psutil.Process]) -> None:
    base_url, process = server
    # Warm up: every worker does a matrix product once (BLAS sets up its buffers then).
    warm = graph("warm", "W = param(300, 300); L = sum(W @ W)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda b: send(base_url, b), [warm, warm]))
    send(base_url, train("warm", "W = param(300, 300); L = sum(W @ W)", steps=2, learning_rate=1e-6))
    time.sleep(1)
    before = tree_rss(process)
    problems = []
    with Watch(base_url, process) as watch:
        for bomb in BOMBS:  # one at a time
            problem = check(*send(base_url, bomb))
            if problem:
                problems.append(f"{bomb.name} alone: {problem}")
        with ThreadPoolExecutor(max_workers=16) as pool:  # 16 at once, twice over
            heavy = [b for b in BOMBS if b.path == "/api/graph" and not b.answer]
            allowed = [b for b in heavy if b.name in ("matmul 1000³ ×3", "softmax 1000²")]
            batch = allowed * 4 + heavy[:8]  # 8 that take the workers' whole budget, 8 refusals
            for _ in range(2):
                for result in pool.map(lambda b: send(base_url, b), batch):
                    problem = check(*result)
                    if problem:
                        problems.append(f"{result[0].name} of 16: {problem}")
            mixed = [b for b in BOMBS if b.path == "/api/train"] * 2 + heavy[:8]
            for result in pool.map(lambda b: send(base_url, b), mixed):
                problem = check(*result)
                if problem:
                    problems.append(f"{result[0].name} among trainings: {problem}")
    after = settled_rss(process, int(1.1 * before))
    print(f"healthz p99 {1e3 * watch.p99():.1f} ms over {len(watch.latencies)} probes; tree RSS before "
          f"{before / 2**20:.0f} MiB, peak {watch.peak / 2**20:.0f} MiB, after {after / 2**20:.0f} MiB")
    for (name, status, code), count in sorted(OUTCOMES.items()):
        print(f"  {name}: {status} {code or ''} ×{count}")
    assert problems == []
    assert watch.failures == 0
    assert watch.p99() <= 0.100
    assert watch.peak <= GIB
    assert after <= 1.1 * before


def test_the_next_request_on_a_connection_after_a_refused_training_is_answered(
        server: tuple[str, psutil.Process]) -> None:
    base_url, _ = server
    repros = [
        {"source": "W=param(3); L=mean(x*W)", "values": {"x": [1, 2, 3]}, "steps": 5,
         "learning_rate": 0.01, "batch_size": 2},
        {"source": "W=param(3,3); L=mean(W@x)", "values": {"x": [1, 2, 3]}, "steps": 5,
         "learning_rate": 0.01, "batch_size": 2},
        {"source": "W=param(2,1); L=mean(X.T @ W)", "values": {"X": [[1, 2, 3], [4, 5, 6]]}, "steps": 5,
         "learning_rate": 0.01, "batch_size": 1},
    ]
    with httpx.Client(base_url=base_url, timeout=10) as client:  # one keep-alive connection
        for repro in repros:
            response = client.post("/api/train", json=repro)
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "shape_mismatch"
            lecture = client.post("/api/graph", json={"source": "(x + y) * z",
                                                      "values": {"x": -2, "y": 5, "z": -4}})
            assert lecture.json()["value"] == -12.0


def test_a_client_that_goes_away_frees_its_worker() -> None:
    """A slow analysis whose client hangs up is stopped then, not at its budget."""
    port = free_port()
    env = {"COMPGRAPH_TIME_BUDGET_SECONDS": "20", "COMPGRAPH_MAX_WORK": str(10**13),
           "COMPGRAPH_MAX_ARRAY_ELEMENTS": str(10**8), "COMPGRAPH_MAX_TOTAL_ELEMENTS": str(10**9),
           "COMPGRAPH_MAX_CONCURRENT_ANALYSES": "1", "COMPGRAPH_WORKER_MEMORY_MB": "0"}
    with running_server(uvicorn_command(port), port, env) as base_url:
        process = next(p for p in psutil.Process().children() if str(port) in " ".join(p.cmdline()))
        httpx.post(base_url + "/api/graph", json={"source": "W = param(200, 200); L = sum(W @ W)"})
        before = {p.pid for p in process.children(recursive=True)}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("POST", "/api/graph", headers={"content-type": "application/json"},
                           body=orjson.dumps({"source": "A = param(3000, 3000); L = sum(A @ A @ A)",
                                              "options": {"gradcheck": False}}))
        children = process.children(recursive=True)
        for child in children:
            child.cpu_percent(None)
        time.sleep(0.5)
        busy = max(children, key=lambda p: p.cpu_percent(None))
        assert busy.pid in before
        connection.close()
        started = time.monotonic()
        while psutil.pid_exists(busy.pid) and busy.status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() - started < 2.0, "the worker still runs after its client left"
            time.sleep(0.05)
        lecture = httpx.post(base_url + "/api/graph", timeout=10, json={
            "source": "W = param(2, 2); L = sum(W @ x)", "values": {"x": [1, 2]}})
        assert lecture.status_code == 200
