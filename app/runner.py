"""Runs engine analyses without blocking the event loop, within a time budget.

An analysis is pure CPU work (up to about a second for the largest graph the
limits allow), so it runs in a worker thread while the event loop keeps answering
other requests. Three bounds keep one user from slowing everyone else:

- at most `max_concurrent_analyses` run at once (a CapacityLimiter): they share
  one GIL, so more threads would only add switching, and the event loop gets the
  GIL at every switch interval;
- at most `max_queued_analyses` wait for a slot; the next one gets 503
  server_busy at once instead of piling up;
- every request has `time_budget_seconds` from its arrival, queueing included.
  The engine checks the deadline between its phases and stops with
  time_budget_exceeded, which frees the thread soon after the budget runs out;
  `fail_after` ends a request still waiting in the queue at its deadline.
  A running thread is never abandoned: the limiter's count stays the true
  number of busy threads.

A tiny source (a lecture example) costs less to analyze than the hand-off to a
thread and back, so it runs on the event loop: its work is bounded by its few
characters and few values, well under a millisecond.
"""

from __future__ import annotations

import sys
import time

import anyio
import anyio.to_thread
import orjson

from .. import engine
from ..engine import EngineError
from .schemas import GraphRequest, TrainRequest
from .settings import Settings

# An inline analysis also needs few values: each unused value costs a warning.
_INLINE_MAX_VALUES = 16


class Analyzer:
    def __init__(self, settings: Settings) -> None:
        # Process-wide: the event loop waits for the GIL each time it wakes while an analysis
        # thread runs; Python's default 5 ms switch interval put /healthz's p99 past 100 ms in a
        # flood of large graphs, 1 ms halves it.
        sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)
        self.limits = settings.engine_limits()
        self.budget = settings.time_budget_seconds
        self.train_budget = settings.train_time_budget_seconds
        self.inline_max_chars = settings.inline_max_source_chars
        self.limiter = anyio.CapacityLimiter(settings.max_concurrent_analyses)
        self.capacity = settings.max_concurrent_analyses + settings.max_queued_analyses
        self.admitted = 0  # running or waiting; one event loop per process, so a plain int

    async def analyze(self, request: GraphRequest) -> bytes:
        """The engine's JSON contract as bytes, or EngineError."""
        inline = len(request.source) <= self.inline_max_chars and len(request.values) <= _INLINE_MAX_VALUES \
            and all(isinstance(v, float) for v in request.values.values())
        return await self._submit(self._analyze, request, self.budget, inline)

    async def train(self, request: TrainRequest) -> bytes:
        """SGD on the request's program; its losses and parameters as bytes, or EngineError."""
        return await self._submit(self._train, request, self.train_budget, False)

    async def _submit(self, work, request, budget: float, inline: bool) -> bytes:
        deadline = time.monotonic() + budget
        if inline:
            return work(request, deadline, budget)
        if self.admitted >= self.capacity:
            raise EngineError("server_busy",
                              "the server is busy with other analyses; try again in a moment", 0, 0)
        self.admitted += 1
        try:
            with anyio.fail_after(budget):
                return await anyio.to_thread.run_sync(work, request, deadline, budget, limiter=self.limiter)
        except TimeoutError:
            raise _over_budget(budget) from None
        finally:
            self.admitted -= 1

    def _analyze(self, request: GraphRequest, deadline: float, budget: float) -> bytes:
        if time.monotonic() > deadline:  # the budget ran out while this waited for a thread
            raise _over_budget(budget)
        result = engine.analyze(request.source, request.values, **request.options.model_dump(),
                                limits=self.limits, deadline=deadline)
        return result.to_json()

    def _train(self, request: TrainRequest, deadline: float, budget: float) -> bytes:
        if time.monotonic() > deadline:
            raise _over_budget(budget)
        settings = request.model_dump(exclude={"source", "values"})
        result = engine.train(request.source, request.values, **settings, limits=self.limits,
                              deadline=deadline)
        return orjson.dumps(result.to_dict())


def _over_budget(budget: float) -> EngineError:
    return EngineError("time_budget_exceeded",
                       f"the analysis did not finish within its time budget of {budget:g} s; "
                       "try a smaller input, or try again if the server is busy", 0, 0)
