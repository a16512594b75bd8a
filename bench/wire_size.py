"""The page's own /api/graph answer, in bytes per node, from a real server.

    .venv/bin/python bench/wire_size.py        # about 10 s

The 1,261-node program (bench/programs.py mlp_program, a micrograd MLP as compgraph
reads it) is sent as the page sends it (layout, default_value 1, the compact form,
Accept-Encoding: gzip, as Chromium asks), and beside it the same request for the
object contract, and the benchmark's deep 1,261-node chain (make_program), whose
layout has long edges. Bytes are the body as it crosses the wire (gzip included) and
as JSON before compression. The target is the issue's: ≤ 150 bytes per node on the wire.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import report  # noqa: E402
from bench.programs import make_program, mlp_program  # noqa: E402

TARGET = 150
TODAY = 1_313  # issue 12: the object contract with its layout


def start_server(log) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "compgraph.app.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    give_up = time.monotonic() + 20
    while time.monotonic() < give_up and process.poll() is None:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


def answer_size(client: httpx.Client, url: str, source: str, values: dict, form: str) -> tuple[int, int, int]:
    """(bytes on the wire, bytes of JSON, nodes)."""
    options = {"layout": True, "default_value": 1, **({"format": "compact"} if form == "compact" else {})}
    with client.stream("POST", f"{url}/api/graph", json={"source": source, "values": values, "options": options},
                       headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        response.raise_for_status()
        wire = sum(len(chunk) for chunk in response.iter_raw())
    body = client.post(f"{url}/api/graph", json={"source": source, "values": values, "options": options},
                       headers={"Accept-Encoding": "identity"})
    data = body.json()
    nodes = len(data["nodes"]["op"]) if form == "compact" else len(data["nodes"])
    return wire, len(body.content), nodes


def main(argv: list[str] | None = None) -> None:
    programs = {"MLP (mlp_program)": mlp_program(), "chain (make_program)": make_program(1260)[::2]}
    rows = []
    with tempfile.TemporaryFile("w+") as log:
        process, url = start_server(log)
        try:
            with httpx.Client(timeout=120) as client:
                for name, (source, values) in programs.items():
                    for form in ("compact", "object"):
                        rows.append((name, form, *answer_size(client, url, source, values, form)))
        finally:
            process.terminate()
            process.wait(timeout=10)
    print("the page's /api/graph answer with its layout, bytes per node")
    print(f"{'program':<22} {'form':<8} {'nodes':>6} {'on the wire':>12} {'JSON':>8}")
    for name, form, wire, raw, nodes in rows:
        print(f"{name:<22} {form:<8} {nodes:>6,} {wire / nodes:>12.0f} {raw / nodes:>8.0f}")
    _, _, wire, raw, nodes = rows[0]
    report("wire_bytes_per_node", "the page's /api/graph answer, 1,261-node program with its layout, bytes per node",
           f"{wire / nodes:.0f} on the wire ({raw / nodes:.0f} as JSON)", f"≤ {TARGET} (today {TODAY:,})",
           wire / nodes <= TARGET)


if __name__ == "__main__":
    main()
