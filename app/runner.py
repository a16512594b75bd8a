"""Where each request's work runs: priced first, then on the event loop only if it is tiny.

Every analysis is priced by the engine before it runs (`engine.prepare`: parse,
shapes, the cost of every array and operation), and refused over the engine's
limits in milliseconds, with nothing allocated. Then:

- work the estimate proves tiny (at most `inline_max_work` operations, reading the
  source included: the lecture example) runs on the event loop at once, cheaper
  than any hand-off;
- everything else runs in a worker process (workers.py), analyses and trainings
  in pools and queues of their own, each request within its time budget from
  its arrival, queueing included; a worker still running at the deadline is
  terminated and replaced, and the client gets 503 time_budget_exceeded.

An answer to a request cheap to read is kept (answers.py), so the same request asked again,
a class opening the same example, is answered with the same bytes at once. And the request
a page opened at a shared link will make is begun as the page is served (`begin`,
sharelink.py), so the page's request, 200-450 ms later, waits only for the rest of it; a
class opening one link at once shares that one analysis.

Pricing needs the source parsed, which costs time in proportion to its length
and its values, so only a request cheap to read (`estimate_max_work`) is priced on
the event loop; a larger one is priced, and refused if need be, in its worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal, NamedTuple

from .. import engine
from .answers import AnswerCache
from .errors import UNAVAILABLE
from .schemas import GraphRequest, TrainRequest
from .settings import Settings
from .workers import WorkerPool, analyze_job, train_job

Disconnected = Callable[[], Awaitable[None]]
BEGUN_MAX = 8        # analyses begun for pages being served, at most at once
BEGUN_KEEP_S = 20.0  # how long one waits for its page's request (a slow phone's modules)


class Answered(NamedTuple):
    body: bytes
    encoding: str | None  # its Content-Encoding
    how: Literal["new", "kept", "begun"]  # analysed for this request, kept from before, begun with the page


def _retrieve(task: asyncio.Task) -> None:
    """A begun analysis's error is the page's request's to raise (or nobody's): taken here, so
    that asyncio does not report it as never retrieved."""
    if not task.cancelled():
        task.exception()


class Analyzer:
    def __init__(self, settings: Settings) -> None:
        self.limits = settings.engine_limits()
        self.budget = settings.time_budget_seconds
        self.train_budget = settings.train_time_budget_seconds
        self.inline_max_work = settings.inline_max_work
        self.estimate_max_work = settings.estimate_max_work
        self.answers = AnswerCache(settings.answer_cache_mb * 2**20)
        self.begun: dict[bytes, tuple[float, asyncio.Task]] = {}  # key -> (kept until, the analysis)
        memory = settings.worker_memory_mb * 2**20
        self.analyses = WorkerPool(settings.max_concurrent_analyses, settings.max_queued_analyses, memory)
        self.trainings = WorkerPool(settings.training_workers, settings.max_queued_trainings, memory,
                                    "training")

    def start(self) -> None:
        """Start the workers now, so that the first request does not wait for them."""
        self.analyses.start()
        self.trainings.start()

    def close(self) -> None:
        self.analyses.close()
        self.trainings.close()

    @staticmethod
    def _key(request: GraphRequest, gzip_ok: bool) -> bytes:
        return request.model_dump_json().encode() + (b" gzip" if gzip_ok else b"")

    def begin(self, request: GraphRequest, gzip_ok: bool) -> None:
        """Start the analysis of a request a page being served is about to make, unless it is
        kept or begun already, BEGUN_MAX are under way, or no worker is free (a request
        someone waits for never queues behind one nobody asked for yet). It is priced and
        bounded by its time budget like any other; nobody waits for it until the request comes."""
        key = self._key(request, gzip_ok)
        now = time.monotonic()
        for old in [k for k, (until, task) in self.begun.items() if until < now and task.done()]:
            del self.begun[old]
        if (key in self.begun or len(self.begun) >= BEGUN_MAX or self.answers.get(key) is not None
                or self.analyses.admitted >= self.analyses.workers):
            return
        task = asyncio.get_running_loop().create_task(self._analyze(request, key, gzip_ok, None))
        task.add_done_callback(_retrieve)
        self.begun[key] = (now + BEGUN_KEEP_S, task)

    async def analyze(self, request: GraphRequest, disconnected: Disconnected | None = None,
                      gzip_ok: bool = False) -> Answered:
        """The engine's JSON contract as bytes and their Content-Encoding (gzip, for a large
        answer to a client that accepts it), or EngineError (workers.ClientGone if the
        client left)."""
        key = self._key(request, gzip_ok)
        begun = self.begun.get(key)
        if begun is not None and begun[0] >= time.monotonic():
            try:
                return Answered(*await asyncio.shield(begun[1]), "begun")
            except engine.EngineError as error:
                if error.code not in UNAVAILABLE:  # the request's own error: the same again
                    raise
        answer = self.answers.get(key)
        if answer is not None:
            return Answered(*answer, "kept")
        return Answered(*await self._analyze(request, key, gzip_ok, disconnected), "new")

    async def _analyze(self, request: GraphRequest, key: bytes, gzip_ok: bool,
                       disconnected: Disconnected | None) -> tuple[bytes, str | None]:
        deadline = time.monotonic() + self.budget
        options = {**request.options.model_dump(), "limits": self.limits, "deadline": deadline}
        reading = engine.parse_work(request.source, request.values)
        prepared = None
        if reading <= self.estimate_max_work:
            prepared = engine.prepare(request.source, request.values, **options)
        if prepared is not None and reading + prepared.cost.work <= self.inline_max_work:
            answer = prepared.run().to_json(), None  # tiny, so never worth compressing
        else:
            answer = await self.analyses.run(analyze_job, (request.source, request.values, options, gzip_ok),
                                             deadline, self.budget, disconnected)
        self.answers.put(key, answer)
        return answer

    async def train(self, request: TrainRequest, disconnected: Disconnected | None = None) -> bytes:
        """SGD on the request's program; its losses and parameters as bytes, or EngineError."""
        deadline = time.monotonic() + self.train_budget
        options = {**request.model_dump(exclude={"source", "values"}), "limits": self.limits,
                   "deadline": deadline}
        if engine.parse_work(request.source, request.values) <= self.estimate_max_work:
            engine.prepare_training(request.source, request.values, **options)  # refused here if too big
        return await self.trainings.run(train_job, (request.source, request.values, options),
                                        deadline, self.train_budget, disconnected)
