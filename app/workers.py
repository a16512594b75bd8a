"""Worker processes for analyses and trainings, where a deadline is a deadline.

Each kind of work has its own pool of processes (pebble's ProcessPool) and its
own queue, so trainings cannot starve the page's analyses. A request waits for a
free worker, then runs there; at its deadline, or when its client goes away, the
task is cancelled, and pebble terminates a worker still running it and starts a
fresh one: nothing a user sends can keep a CPU or memory past its budget.

Each worker, in its initializer:
- caps its own address space (RLIMIT_AS) at what it has plus `memory_bytes`, so an
  estimate that was wrong ends in a MemoryError inside the worker, reported as
  503 out_of_memory, and never in the server's own memory;
- lowers its priority (nice), so the event loop answers /healthz first;
- dies at once on SIGTERM (pebble's own handler would wait for numpy's current
  call to return).

Workers start from a fork server that has imported the engine already, so a
replacement is ready in milliseconds; they use one BLAS thread each (one
worker per core), and glibc returns every freed array to the system.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import gzip
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Awaitable, Callable

from pebble import ProcessExpired, ProcessPool

from .. import engine
from ..engine import EngineError

# Set before the fork server starts, which every worker inherits.
_WORKER_ENVIRONMENT = {
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    # A fixed threshold: every array over 128 KiB gets its own mapping, unmapped when freed
    # (glibc otherwise raises the threshold after a free and keeps freed arrays in its heap).
    "MALLOC_MMAP_THRESHOLD_": "131072",
}
WORKER_NICENESS = 15


def out_of_memory() -> EngineError:
    return EngineError("out_of_memory",
                       "the analysis needed more memory than a worker may use; try smaller tensors",
                       0, 0)


def over_budget(budget: float, what: str = "the analysis") -> EngineError:
    return EngineError("time_budget_exceeded",
                       f"{what} did not finish within its time budget of {budget:g} s; "
                       "try a smaller input, or try again if the server is busy", 0, 0)


def busy() -> EngineError:
    return EngineError("server_busy", "the server is busy with other analyses; try again in a moment",
                       0, 0)


class ClientGone(Exception):
    """The client closed its connection before the answer was ready."""


# --- inside a worker -------------------------------------------------------------------------


def initialize(memory_bytes: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.nice(WORKER_NICENESS)
    if memory_bytes:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # What the fork server imported (the engine, numpy: ~28,000 objects) is never garbage:
    # kept out of the collector's scans, each job's gc.collect() (_give_back), which runs
    # before its answer is sent, costs the job's own objects, not 6-15 ms for the imports.
    gc.collect()
    gc.freeze()


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def analyze_job(source: str, values: dict, options: dict, gzip_ok: bool = False) -> tuple[str, object]:
    """("ok", (the JSON contract's bytes, their Content-Encoding or None)) or ("error", an
    EngineError's fields). A large answer is compressed here, in the worker, when the
    client accepts gzip."""
    return _guarded(lambda: encoded(engine.analyze(source, values, **options).to_json(), gzip_ok))


GZIP_MIN_BYTES = 32 * 1024  # smaller answers go as they are: compressing them gains little
GZIP_LEVEL = 1  # the fastest: a 1,261-node answer with its layout in about 4 ms, to a quarter


def encoded(body: bytes, gzip_ok: bool) -> tuple[bytes, str | None]:
    if not gzip_ok or len(body) < GZIP_MIN_BYTES:
        return body, None
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0), "gzip"


def train_job(source: str, values: dict, options: dict) -> tuple[str, object]:
    import orjson

    return _guarded(lambda: orjson.dumps(engine.train(source, values, **options).to_dict()))


def _guarded(work: Callable[[], object]) -> tuple[str, object]:
    failed = None
    try:
        return "ok", work()
    except EngineError as error:
        failed = error
    except MemoryError:
        failed = out_of_memory()
    finally:
        _give_back()
    return "error", (failed.code, failed.message, failed.start, failed.end)


def _give_back() -> None:
    """Return what the job freed to the system: glibc keeps freed small blocks in its heap
    (the JSON's dicts and strings) unless asked to trim it."""
    gc.collect()
    _LIBC.malloc_trim(0)


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


# --- in the server ---------------------------------------------------------------------------


class WorkerPool:
    """`workers` processes and at most `queue` requests waiting for one."""

    def __init__(self, workers: int, queue: int, memory_bytes: int, what: str = "the analysis") -> None:
        self.what = what  # for messages: "the analysis", "training"
        self.workers = workers
        self.capacity = workers + queue
        self.memory_bytes = memory_bytes
        self.admitted = 0  # running or waiting; one event loop per process, so a plain int
        self._free: asyncio.Semaphore | None = None
        self._pool: ProcessPool | None = None

    def start(self) -> None:
        if self._pool is None:
            for name, value in _WORKER_ENVIRONMENT.items():
                os.environ.setdefault(name, value)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._pool = ProcessPool(max_workers=self.workers, initializer=initialize,
                                     initargs=(self.memory_bytes,), context=context)
            self._pool.schedule(int)  # pebble starts its workers with the first task

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None

    def worker_pids(self) -> list[int]:
        """The processes working for this pool now (for tests and benches)."""
        if self._pool is None:
            return []
        return sorted(self._pool._pool_manager.worker_manager.workers)  # pebble keeps them by pid

    async def run(self, job: Callable, args: tuple, deadline: float, budget: float,
                  disconnected: Callable[[], Awaitable[None]] | None = None) -> bytes:
        """The job's bytes; EngineError for the user's mistakes, a full queue, the budget, memory;
        ClientGone when `disconnected()` returns first."""
        if self.admitted >= self.capacity:
            raise busy()
        self.admitted += 1
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                status, value = await self._run(job, args, disconnected)
        except TimeoutError:
            raise over_budget(budget, self.what) from None
        finally:
            self.admitted -= 1
        if status == "error":
            raise EngineError(*value)
        return value

    async def _run(self, job: Callable, args: tuple, disconnected) -> tuple[str, object]:
        self.start()
        if self._free is None:
            self._free = asyncio.Semaphore(self.workers)
        # Handed to pebble only once a worker is free: a task cancelled while queued here costs
        # nothing, while one cancelled in pebble's own queue would cost a worker.
        async with self._free:
            future = self._pool.schedule(job, args=args)
            waiting = asyncio.wrap_future(future)
            try:
                return await _first(waiting, disconnected)
            except ProcessExpired:  # killed by the system: out of memory, most likely
                raise out_of_memory() from None
            finally:
                waiting.cancel()
                future.cancel()  # if still running, pebble stops its worker and starts another


async def _first(work: asyncio.Future, disconnected) -> tuple[str, object]:
    if disconnected is None:
        return await work
    watcher = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait({work, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if work in done:
        return work.result()
    raise ClientGone


def _loop_time(deadline: float) -> float:
    """A time.monotonic() deadline on the event loop's clock (the same clock, in practice)."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())
