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

Pricing needs the source parsed, which costs time in proportion to its length
and its values, so only a request cheap to read (`estimate_max_work`) is priced on
the event loop; a larger one is priced, and refused if need be, in its worker.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from .. import engine
from .schemas import GraphRequest, TrainRequest
from .settings import Settings
from .workers import WorkerPool, analyze_job, train_job

Disconnected = Callable[[], Awaitable[None]]


class Analyzer:
    def __init__(self, settings: Settings) -> None:
        self.limits = settings.engine_limits()
        self.budget = settings.time_budget_seconds
        self.train_budget = settings.train_time_budget_seconds
        self.inline_max_work = settings.inline_max_work
        self.estimate_max_work = settings.estimate_max_work
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

    async def analyze(self, request: GraphRequest, disconnected: Disconnected | None = None,
                      gzip_ok: bool = False) -> tuple[bytes, str | None]:
        """The engine's JSON contract as bytes and their Content-Encoding (gzip, for a large
        answer to a client that accepts it), or EngineError (workers.ClientGone if the
        client left)."""
        deadline = time.monotonic() + self.budget
        options = {**request.options.model_dump(), "limits": self.limits, "deadline": deadline}
        reading = engine.parse_work(request.source, request.values)
        if reading <= self.estimate_max_work:
            prepared = engine.prepare(request.source, request.values, **options)
            if reading + prepared.cost.work <= self.inline_max_work:
                return prepared.run().to_json(), None  # tiny, so never worth compressing
        return await self.analyses.run(analyze_job, (request.source, request.values, options, gzip_ok),
                                       deadline, self.budget, disconnected)

    async def train(self, request: TrainRequest, disconnected: Disconnected | None = None) -> bytes:
        """SGD on the request's program; its losses and parameters as bytes, or EngineError."""
        deadline = time.monotonic() + self.train_budget
        options = {**request.model_dump(exclude={"source", "values"}), "limits": self.limits,
                   "deadline": deadline}
        if engine.parse_work(request.source, request.values) <= self.estimate_max_work:
            engine.prepare_training(request.source, request.values, **options)  # refused here if too big
        return await self.trainings.run(train_job, (request.source, request.values, options),
                                        deadline, self.train_budget, disconnected)
