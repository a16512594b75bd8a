"""Watching a real server while tests load it: /healthz latency from a process of its own, and
the resident memory of the server's whole process tree (workers included)."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from typing import Any

import httpx
import psutil


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker that was just replaced
            total += member.memory_info().rss
    return total


class Watch:
    """/healthz every 20 ms on its own connection, from a process of its own (this one's threads
    decode large answers, which would hold its GIL), and the tree's memory every 100 ms (psutil
    reads every process of the machine to find the tree's)."""

    def __init__(self, base_url: str, process: psutil.Process) -> None:
        self.base_url, self.process = base_url, process
        self.latencies: list[float] = []
        self.failures = 0
        self.peak = 0
        self.stop = threading.Event()
        context = multiprocessing.get_context("fork")  # before any sender thread exists
        self.stopping = context.Event()
        self.results, sender = context.Pipe(duplex=False)
        self.prober = context.Process(target=probe, args=(base_url, self.stopping, sender))
        self.sampler = threading.Thread(target=self.sample)

    def sample(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_rss(self.process))
            self.stop.wait(0.1)

    def __enter__(self) -> Watch:
        self.prober.start()
        self.sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.latencies, self.failures = self.results.recv()
        self.prober.join()
        self.stop.set()
        self.sampler.join()

    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.99 * (len(ordered) - 1))]


def probe(base_url: str, stopping: Any, results: Any) -> None:
    latencies, failures = [], 0
    with httpx.Client(base_url=base_url, timeout=5) as client:
        while not stopping.is_set():
            started = time.perf_counter()
            try:
                ok = client.get("/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                failures += 1
            stopping.wait(0.02)
    results.send((latencies, failures))
