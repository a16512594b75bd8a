"""Server load bench: one uvicorn worker on 127.0.0.1, loaded by wrk (or a bounded Python
load generator where wrk is missing), every figure next to its target.

    .venv/bin/python bench/server_load.py            # about 3 minutes
    .venv/bin/python bench/server_load.py --quick    # about 40 s, shorter runs (figures noisier)

Measures, in one server process (bench/bare_app.py: the real app plus a bare peer route):
- requests/s, p50 and p99 latency of GET /healthz, POST /api/graph with the lecture example,
  POST /api/graph with a 1,000-node expression, and POST /bench/bare answering the same
  1,000-node bytes prebuilt; non-2xx counts of each run. The server keeps recent answers
  (app/answers.py), so the same request again is a cache hit; each /api/graph run is made
  twice, with one request repeated (what a class opening one example sends) and with every
  request new (another value of x each time: the engine runs for each);
- resident memory after 1,000 and after 100,000 requests (a mix: mostly the lecture example,
  some errors, every 100th the 1,000-node graph);
- a flood of hostile inputs at concurrency 16 for 60 s while a probe asks /healthz 50 times
  a second: its p99;
- the engine's share: `engine.analyze(...).to_json()` timed in this process, against the
  server's time per request;
- a tensor flood: 16 connections sending the worst tensor request the default limits allow
  (worst_tensor_request()) for 30 s, while 4 more send the lecture example and a probe asks
  /healthz: /healthz's p99, the peak resident memory of the server's whole process tree
  (workers included) and the lecture example's rate beside its rate alone.

Traffic goes to 127.0.0.1 only; every run is bounded in time or in count.
Results are also written to bench/results/server_load.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # loopback only

LECTURE = {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}


def thousand_node_request() -> dict[str, Any]:
    """A deterministic expression of exactly 1,000 graph nodes over 20 variables.

    Each term is fn(a·b + c): a product, a constant, a sum and a function (4 nodes),
    and each term but the first adds one + to the running sum."""
    functions = ["sin", "cos", "tanh", "sigmoid", "relu", "softplus", "exp", "sin"]
    variables = [f"x{i}" for i in range(20)]
    # 20 inputs + 4 + 5·(terms − 1) + 3·(top-up terms) = 1,000 with 195 terms and 2 top-ups.
    terms = []
    for k in range(195):
        a, b = variables[k % 20], variables[(7 * k + 3) % 20]
        terms.append(f"{functions[k % len(functions)]}({a}*{b} + {k % 9 + 1})")
    # Each top-up x·c adds a constant, a product and a sum.
    terms += ["x1*2", "x2*3"]
    values = {name: round(0.05 * (i - 10), 2) for i, name in enumerate(variables)}
    return {"source": " + ".join(terms), "values": values}


def distinct(request: dict[str, Any], count: int) -> list[bytes]:
    """`count` bodies of the request, each with another value of its first variable: no two the same."""
    first = next(iter(request["values"]))
    return [orjson.dumps({**request, "values": {**request["values"], first: request["values"][first] + k / 8192}})
            for k in range(count)]


def distinct_lectures(count: int) -> list[bytes]:
    return distinct(LECTURE, count)


def hostile_bodies() -> list[bytes]:
    """The flood's mix: the hostile test's inputs, each a 4xx or a 200 with non-finite values."""
    def graph(source: str, values: Any = None, **extra: Any) -> bytes:
        return orjson.dumps({"source": source, "values": {} if values is None else values, **extra})

    def value(raw: bytes) -> bytes:
        return b'{"source": "x", "values": {"x": ' + raw + b"}}"

    return [
        graph("__import__('os').system('id')"), graph("x.__class__", {"x": 1}), graph("lambda: 1"),
        graph("`id`"), graph("x; import os; os.system('id')", {"x": 1}),
        graph("(" * 100_000 + "x" + ")" * 100_000, {"x": 1}),
        graph("x+" * 500_000 + "x", {"x": 1}),  # 1 MB: 413
        graph("x", {"x": 1}, padding="p" * 5_000_000),  # 5 MB: 413
        graph("9^9^9^9"), graph("10^10^10"), graph("exp(1000)"), graph("log(-1)"), graph("0/0"),
        graph("<script>alert(1)</script>"), graph("x", {"x": 1, "<script>alert(1)</script>": 2}),
        graph("foo(x)", {"x": 1}), graph("sin(x, y)", {"x": 1, "y": 2}), graph("x * y", {"x": 1}),
        graph("x", {"x": 1, "y": 2}), graph("x", {"x": "1"}), graph("x", {"x": True}),
        graph("x", {"x": None}), graph("x", {"x": {"y": {"z": 1}}}), value(b"1e999"), value(b"NaN"),
        b'{"source": "x\\ud800", "values": {"x": 1}}', b'{"source": "x\xc3\x28"}',
        graph("+".join(["x*y"] * 3_000), {"x": 1.5, "y": -2}),  # 8,001 nodes: the heavy one
        graph("+".join(["x*y"] * 5_000), {"x": 1.5, "y": -2}),  # 15,001 nodes: too many
        graph("x", {"x": 1, **{f"v{i}": i for i in range(10_000)}}),
    ]


def worst_tensor_request() -> dict[str, Any]:
    """W = param(n, n); L = sum(W @ W @ W) for the largest n the engine's default limits allow:
    the costliest request a student can send that is not refused (about a second of work)."""
    from bench.limits import largest_allowed

    n = largest_allowed("W = param({n}, {n}); L = sum(W @ W @ W)")
    return {"source": f"W = param({n}, {n}); L = sum(W @ W @ W)", "values": {}}


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (the worker processes)."""
    import psutil

    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker replaced meanwhile
            total += process.memory_info().rss
    return total // 1024


class TreeMemory:
    """The peak of tree_rss_kib, sampled every 50 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self) -> None:
        while not self.stopping.is_set():
            self.peak = max(self.peak, tree_rss_kib(self.pid))
            self.stopping.wait(0.05)

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()


# --- results --------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)


# --- load generators ------------------------------------------------------------------------


def lua_string(data: bytes) -> bytes:
    """A Lua long string holding `data` byte for byte (Lua strings are bytes; no escapes apply)."""
    level = b"=" * 4
    assert b"]" + level + b"]" not in data and b"\r" not in data and b"\n" not in data
    return b"[" + level + b"[" + data + b"]" + level + b"]"


class Wrk:
    """wrk from Debian's package: C, event-driven, with a Lua hook for bodies and counts."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.scripts = tempfile.TemporaryDirectory(prefix="compgraph-bench-")

    def script(self, name: str, bodies: list[bytes] | None, path: str, *, count_limit: int | None = None,
               count_statuses: bool = False) -> str:
        lines: list[str | bytes] = ["local threads = {}",
                                    "function setup(thread) table.insert(threads, thread) end"]
        if bodies:
            lines.append(b"bodies = {" + b", ".join(lua_string(b) for b in bodies) + b"}")
            lines.append("local i = 0")
            lines.append('local headers = {["Content-Type"] = "application/json"}')
            lines.append("function request() i = i % #bodies + 1 "
                         f'return wrk.format("POST", "{path}", headers, bodies[i]) end')
        if count_limit is not None or count_statuses:
            lines.append("statuses = {}")
            lines.append("local count = 0")
            stop = f"if count >= {count_limit} then wrk.thread:stop() end" if count_limit else ""
            lines.append("function response(status, headers, body) "
                         "statuses[status] = (statuses[status] or 0) + 1 "
                         f"count = count + 1 {stop} end")
            lines.append("function done(summary, latency, requests) "
                         "for _, t in ipairs(threads) do local s = t:get('statuses') "
                         "for k, v in pairs(s) do io.write(string.format('status %d %d\\n', k, v)) end end end")
        file = Path(self.scripts.name) / f"{name}.lua"
        file.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n")
        return str(file)

    def run(self, name: str, base_url: str, path: str, *, bodies: list[bytes] | None = None,
            duration: float, connections: int, threads: int = 1, count_limit: int | None = None,
            count_statuses: bool = False) -> Run:
        script = self.script(name, bodies, path, count_limit=count_limit, count_statuses=count_statuses)
        command = [self.binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   "--latency", "--timeout", "10s", "-s", script, base_url + path]
        output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout
        return parse_wrk(name, output)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(name: str, output: str) -> Run:
    found = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m|h)", output)
    if found is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    requests = int(found.group(1))
    seconds = float(found.group(2)) * {"ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}[found.group(3)]
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    merged: dict[str, int] = {}  # one line per wrk thread and status
    for code, n in re.findall(r"^status (\d+) (\d+)$", output, re.M):
        merged[code] = merged.get(code, 0) + int(n)
    return Run(name, requests, seconds, requests / seconds, _ms(percentiles["50"]), _ms(percentiles["99"]),
               int(non_2xx.group(1)) if non_2xx else 0,
               sum(map(int, errors.groups())) if errors else 0, merged)


class PythonLoad:
    """Fallback where wrk is missing: keep-alive connections in threads, bounded in time and count.

    The generator itself shares two cores with the server, so its figures are lower bounds."""

    def run(self, name: str, base_url: str, path: str, *, bodies: list[bytes] | None = None,
            duration: float, connections: int, threads: int = 1, count_limit: int | None = None,
            count_statuses: bool = False) -> Run:
        port = int(base_url.rsplit(":", 1)[1])
        deadline = time.monotonic() + duration
        lock = threading.Lock()
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        errors = 0
        sent = 0

        def worker(offset: int) -> None:
            nonlocal errors, sent
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            k = offset
            while time.monotonic() < deadline:
                with lock:
                    if count_limit is not None and sent >= count_limit:
                        return
                    sent += 1
                body = bodies[k % len(bodies)] if bodies else None
                k += 1
                started = time.perf_counter()
                try:
                    connection.request("POST" if body is not None else "GET", path, body=body,
                                       headers={"Content-Type": "application/json"} if body else {})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("connection") == "close":
                        connection.close()
                        connection = http.client.HTTPConnection(HOST, port, timeout=10)
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors += 1
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=10)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1

        started = time.monotonic()
        pool = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        seconds = time.monotonic() - started
        latencies.sort()
        n = len(latencies)
        non_2xx = sum(v for k, v in statuses.items() if not k.startswith("2"))
        return Run(name, n, seconds, n / seconds, 1e3 * latencies[n // 2] if n else 0.0,
                   1e3 * latencies[int(0.99 * (n - 1))] if n else 0.0, non_2xx, errors,
                   statuses if count_statuses else {})


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, stack: str) -> None:
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        command = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", HOST,
                   "--port", str(self.port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
        if stack == "h11":
            command += ["--loop", "asyncio", "--http", "h11"]
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "COMPGRAPH_ACCESS_LOG": "false"})
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def rss(self) -> int:
        return rss_kib(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Probe:
    """Asks /healthz at a steady rate on its own keep-alive connection, as a load balancer would."""

    def __init__(self, port: int, interval: float = 0.02) -> None:
        self.port = port
        self.interval = interval
        self.latencies: list[float] = []
        self.failures = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            elapsed = time.perf_counter() - started
            if ok:
                self.latencies.append(elapsed)
            else:
                self.failures += 1
            self.stopping.wait(max(0.0, self.interval - elapsed))

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return 1e3 * ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("inf")


# --- the engine's share ----------------------------------------------------------------------


def engine_seconds(request: dict[str, Any], budget: float = 2.0) -> float:
    """Median time of engine.analyze(...).to_json() in this process."""
    from compgraph import engine

    times = []
    give_up = time.perf_counter() + budget
    while time.perf_counter() < give_up or len(times) < 5:
        started = time.perf_counter()
        engine.analyze(request["source"], request["values"]).to_json()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- the bench ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs: about 40 s in all")
    parser.add_argument("--stack", choices=["auto", "h11"], default="auto",
                        help="uvicorn's default (uvloop + httptools when installed) or pure-Python h11")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is here")
    args = parser.parse_args(argv)

    run_seconds = 3.0 if args.quick else 10.0
    flood_seconds = 10.0 if args.quick else 60.0
    memory_total = 20_000 if args.quick else 100_000
    wrk = shutil.which("wrk")
    load: Wrk | PythonLoad = Wrk(wrk) if wrk and not args.python_load else PythonLoad()
    generator = "wrk" if isinstance(load, Wrk) else "python (wrk not found)"

    big = thousand_node_request()
    lecture_body, big_body = orjson.dumps(LECTURE), orjson.dumps(big)
    error_body = orjson.dumps({"source": "foo(x)", "values": {"x": 1}})
    invalid_body = b'{"source": "x", "values": {"x": NaN}}'

    from compgraph import engine

    analysis = engine.analyze(big["source"], big["values"])
    assert len(analysis.graph) == 1000, len(analysis.graph)
    big_bytes = len(analysis.to_json())

    server = Server(args.stack)
    try:
        stack = describe_stack(args.stack)
        load_average = os.getloadavg()[0]
        print(f"server: one uvicorn worker ({stack}), load: {generator}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average before the bench {load_average:.2f}")
        if load_average > 0.5:
            print("warning: the machine is busy with other work; these figures are lower than it can do")
        print(f"1,000-node expression: {len(big['source']):,} characters, answer {big_bytes:,} bytes")
        for path, body in (("/api/graph", lecture_body), ("/api/graph", big_body), ("/bench/bare", big_body)):
            status, _ = server.post(path, body)  # warm up, and check the routes work
            assert status == 200, (path, status)

        runs: dict[str, Run] = {}
        plan = [("healthz", "/healthz", None, 16), ("lecture", "/api/graph", [lecture_body], 16),
                ("lecture-new", "/api/graph", distinct_lectures(40_000), 16),
                ("graph-1000", "/api/graph", [big_body], 4), ("graph-1000-new", "/api/graph", distinct(big, 2_000), 4),
                ("bare-1000", "/bench/bare", [big_body], 4)]
        for name, path, bodies, connections in plan:
            runs[name] = load.run(name, server.base_url, path, bodies=bodies, duration=run_seconds,
                                  connections=connections)
            print(f"  ran {name}: {runs[name].rps:,.0f} req/s")

        # Memory: the first 1,000 requests, then up to the total, of a mix of outcomes. wrk stops a
        # thread at a count but still waits out its duration, so the rest runs in timed chunks.
        mix = [lecture_body] * 96 + [error_body, invalid_body, big_body, lecture_body]
        rss_start = server.rss()
        first = load.run("memory-1k", server.base_url, "/api/graph", bodies=mix, duration=2,
                         connections=16, count_limit=1_000, count_statuses=True)
        rss_1k = server.rss()
        memory_runs = [first]
        while sum(r.requests for r in memory_runs) < memory_total:
            remaining = memory_total - sum(r.requests for r in memory_runs)
            rate = max(100.0, memory_runs[-1].rps)
            memory_runs.append(load.run("memory-rest", server.base_url, "/api/graph", bodies=mix,
                                        duration=min(30.0, max(1.0, 1.05 * remaining / rate)),
                                        connections=16, count_limit=remaining, count_statuses=True))
        rss_total = server.rss()
        memory_requests = sum(r.requests for r in memory_runs)
        memory_statuses: dict[str, int] = {}
        for run in memory_runs:
            for code, n in run.statuses.items():
                memory_statuses[code] = memory_statuses.get(code, 0) + n
        print(f"  ran memory: {memory_requests:,} requests")

        # The flood, with the health probe alongside.
        with Probe(server.port) as probe:
            flood = load.run("flood", server.base_url, "/api/graph", bodies=hostile_bodies(),
                             duration=flood_seconds, connections=16, threads=2, count_statuses=True)
        healthy_after = server.get("/healthz")[0] == 200
        print(f"  ran flood: {flood.requests:,} requests")

        # The tensor flood: 16 connections of the worst allowed tensor request, the lecture beside.
        worst = worst_tensor_request()
        tensor_seconds = 10.0 if args.quick else 30.0
        tensor_before = tree_rss_kib(server.process.pid)
        beside: dict[str, Run] = {}
        with Probe(server.port) as tensor_probe, TreeMemory(server.process.pid) as memory:
            lecture_thread = threading.Thread(target=lambda: beside.update(lecture=load.run(
                "lecture-beside", server.base_url, "/api/graph", bodies=distinct_lectures(40_000),
                duration=tensor_seconds, connections=4, count_statuses=True)))
            lecture_thread.start()
            # another seed each: the same answer, but no request the server has answered before
            worst_bodies = [orjson.dumps({**worst, "options": {"seed": seed}}) for seed in range(5_000)]
            tensor_flood = load.run("tensor-flood", server.base_url, "/api/graph", bodies=worst_bodies,
                                    duration=tensor_seconds, connections=16, count_statuses=True)
            lecture_thread.join()
        time.sleep(2)
        tensor_after = tree_rss_kib(server.process.pid)
        print(f"  ran tensor flood: {tensor_flood.requests:,} requests of {worst['source']}")
    finally:
        server.stop()

    lecture_engine = engine_seconds(LECTURE)
    big_engine = engine_seconds(big)
    report(runs, rss_start, rss_1k, rss_total, memory_requests, memory_statuses, flood, probe,
           healthy_after, lecture_engine, big_engine, stack, generator, args)
    report_tensor_flood(worst, tensor_flood, tensor_probe, memory.peak, tensor_before, tensor_after,
                        beside["lecture"], runs["lecture-new"])
    return 0


def report_tensor_flood(worst: dict[str, Any], flood: Run, probe: Probe, peak_kib: int, before_kib: int,
                        after_kib: int, lecture: Run, lecture_alone: Run) -> None:
    print()
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(flood.statuses.items()))
    print(f"tensor flood: {worst['source']} from 16 connections for {flood.seconds:.0f} s: "
          f"{flood.requests:,} answers ({statuses}), p50 {flood.p50_ms:.0f} ms, p99 {flood.p99_ms:.0f} ms")
    rows = [
        ("/healthz p99 during the tensor flood", f"{probe.p99_ms():.1f} ms", "≤ 100 ms",
         probe.p99_ms() <= 100 and probe.failures == 0),
        ("peak RSS of the process tree (workers included)", f"{peak_kib / 1024:.0f} MiB", "≤ 1024 MiB",
         peak_kib <= 1024 * 1024),
        ("tree RSS 2 s after ÷ before", f"{after_kib / before_kib:.2f} ({after_kib / 1024:.0f} / "
         f"{before_kib / 1024:.0f} MiB)", "≤ 1.10", after_kib <= 1.1 * before_kib),
        ("lecture req/s beside the flood (4 connections)", f"{lecture.rps:,.0f} "
         f"({lecture.rps / lecture_alone.rps:.2f}× of alone)", "", True),
    ]
    print(f"{'target':<52} {'measured':>28} {'target':>9}  verdict")
    for label, measured, target, ok in rows:
        print(f"{label:<52} {measured:>28} {target:>9}  {verdict(ok) if target else ''}")
    (RESULTS / "server_load_tensors.json").write_text(json.dumps({
        "request": worst, "flood": asdict(flood), "healthz_p99_ms": probe.p99_ms(),
        "probe_failures": probe.failures, "peak_tree_rss_kib": peak_kib, "tree_rss_kib_before": before_kib,
        "tree_rss_kib_after": after_kib, "lecture_beside": asdict(lecture)}, indent=2))


def describe_stack(stack: str) -> str:
    """What uvicorn runs on: with "auto" it takes uvloop and httptools when they are installed."""
    import importlib.util

    if stack == "h11":
        return "asyncio + h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop} + {http}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(runs: dict[str, Run], rss_start: int, rss_1k: int, rss_total: int, memory_requests: int,
           memory_statuses: dict[str, int], flood: Run, probe: Probe, healthy_after: bool,
           lecture_engine: float, big_engine: float, stack: str, generator: str,
           args: argparse.Namespace) -> None:
    health, lecture, big, bare = runs["healthz"], runs["lecture"], runs["graph-1000"], runs["bare-1000"]
    lecture_new, big_new = runs["lecture-new"], runs["graph-1000-new"]
    print()
    print(f"{'run':<44} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7}")
    for run, connections in ((health, 16), (lecture, 16), (lecture_new, 16), (big, 4), (big_new, 4), (bare, 4)):
        label = {"healthz": "GET /healthz", "lecture": "POST /api/graph lecture, one request repeated",
                 "lecture-new": "POST /api/graph lecture, every request new",
                 "graph-1000": "POST /api/graph 1,000 nodes, repeated",
                 "graph-1000-new": "POST /api/graph 1,000 nodes, every one new",
                 "bare-1000": "POST /bench/bare (prebuilt)"}[run.name]
        print(f"{label:<44} {connections:>5} {run.rps:>9,.0f} {run.p50_ms:>8.2f} {run.p99_ms:>8.2f} "
              f"{run.non_2xx:>8} {run.errors:>7}")
    print()
    lecture_ratio = lecture.rps / health.rps
    lecture_new_ratio = lecture_new.rps / health.rps
    big_ratio = big_new.rps / bare.rps
    memory_ratio = rss_total / rss_1k
    non_2xx = sum(r.non_2xx + r.errors for r in (health, lecture, lecture_new, big, big_new, bare))
    flood_p99 = probe.p99_ms()
    rows = [
        ("lecture req/s ÷ /healthz req/s, repeated (cache)", f"{lecture_ratio:.2f}", "≥ 0.50", lecture_ratio >= 0.5),
        ("lecture req/s ÷ /healthz req/s, every one new", f"{lecture_new_ratio:.2f}", "≥ 0.50",
         lecture_new_ratio >= 0.5),
        ("1,000-node req/s ÷ bare req/s, every one new", f"{big_ratio:.2f}", "≥ 0.80", big_ratio >= 0.8),
        ("non-2xx and socket errors in the runs above", f"{non_2xx}", "0", non_2xx == 0),
        (f"RSS after {memory_requests:,} ÷ after 1,000 requests",
         f"{memory_ratio:.3f} ({rss_total / 1024:.1f} / {rss_1k / 1024:.1f} MiB)", "≤ 1.10", memory_ratio <= 1.10),
        (f"/healthz p99 during the {flood.seconds:.0f} s hostile flood", f"{flood_p99:.1f} ms", "≤ 100 ms",
         flood_p99 <= 100 and probe.failures == 0),
    ]
    print(f"{'target':<52} {'measured':>28} {'target':>9}  verdict")
    for label, measured, target, ok in rows:
        print(f"{label:<52} {measured:>28} {target:>9}  {verdict(ok)}")
    print()
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(flood.statuses.items()))
    print(f"flood: {flood.requests:,} requests at concurrency 16 ({flood.rps:,.0f}/s), statuses {statuses}; "
          f"socket errors {flood.errors}; /healthz probes {len(probe.latencies):,}, "
          f"median {1e3 * statistics.median(probe.latencies):.1f} ms, failures {probe.failures}; "
          f"healthy afterwards: {healthy_after}")
    print(f"memory mix statuses: {memory_statuses}; RSS at start {rss_start / 1024:.1f} MiB")
    lecture_share = lecture_engine * lecture_new.rps
    big_share = big_engine * big_new.rps
    print(f"engine share: lecture analyze+to_json {1e6 * lecture_engine:.0f} µs of "
          f"{1e6 / lecture_new.rps:.0f} µs per new request ({100 * lecture_share:.0f}%); 1,000 nodes "
          f"{1e3 * big_engine:.2f} ms of {1e3 / big_new.rps:.2f} ms per new request ({100 * big_share:.0f}%)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "server_load.json").write_text(json.dumps({
        "stack": stack, "generator": generator, "quick": args.quick,
        "runs": {name: asdict(run) for name, run in runs.items()},
        "rss_kib": {"start": rss_start, "after_1k": rss_1k, "after_total": rss_total, "total": memory_requests},
        "flood": asdict(flood), "flood_healthz_p99_ms": flood_p99, "flood_probe_failures": probe.failures,
        "engine_seconds": {"lecture": lecture_engine, "graph_1000": big_engine},
        "targets": {label: {"measured": measured, "target": target, "pass": ok}
                    for label, measured, target, ok in rows},
    }, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
