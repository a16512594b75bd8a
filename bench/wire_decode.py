"""Opening the 1,261-node program in headless Chromium: the compact answer decoded into
objects (static/js/wire.js, what the page uses), as a lazy view (bench/wire_lazy.js), or
the object answer as it is.

    .venv/bin/python bench/wire_decode.py [--runs 5]     # about 30 s

For each form, against a real server on 127.0.0.1 and the page as a user opens it:
- decode: the answer's text to the result object the page reads (JSON.parse, then the
  decoder), median of the runs, timed in the page;
- open: the program put in the editor, from the answer's arrival (its responseEnd) to
  the first frame painted with the graph (the decoder, the build and the first layout),
  median of the runs; each run a program of its own (another seed), so each is a rebuild.
The lazy view is swapped in for /static/js/wire.js by the browser's request routing; the
object form by rewriting the page's request. Prints a table; a bench, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.programs import mlp_program  # noqa: E402  (after the path is set)

CHROMIUM = "/usr/bin/chromium"
LAZY = (ROOT / "bench" / "wire_lazy.js").read_text()

DECODE_JS = """async ({ body, lazy }) => {
  const { decode } = await import(lazy ? '/bench-lazy-wire.js' : '/static/js/wire.js');
  const text = await (await fetch('/api/graph', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) })).text();
  const started = performance.now();
  const data = JSON.parse(text);
  const result = data.format === 'compact' ? decode(data) : data;
  const ms = performance.now() - started;
  return { ms, bytes: text.length, nodes: result.nodes.length, steps: result.steps.length };
}"""

OPEN_JS = """async ({ source }) => {
  const svg = document.querySelector('#graph');
  const started = performance.now();
  const drawn = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    });
    observer.observe(svg, { childList: true });
  });
  const textarea = document.querySelector('#source');
  textarea.value = source;
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
  const painted = await drawn;
  const answer = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/api/graph') && e.startTime >= started).pop();
  return { ms: painted - answer.responseEnd, nodes: svg.querySelectorAll('.node[data-node-id]').length };
}"""


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


def lazy_decoder(route: Route) -> None:
    route.fulfill(body=LAZY, content_type="text/javascript")


def object_form(route: Route) -> None:
    body = json.loads(route.request.post_data)
    body["options"].pop("format", None)
    route.continue_(post_data=json.dumps(body))


FORMS = ("objects", "lazy view", "object form")


def route_for(page: Page, form: str) -> None:
    page.unroute_all()
    page.route("**/bench-lazy-wire.js", lazy_decoder)
    if form == "lazy view":
        page.route("**/static/js/wire.js", lazy_decoder)
    if form == "object form":
        page.route("**/api/graph", object_form)


def measure(page: Page, url: str, runs: int) -> list[dict]:
    """Each run opens a new program in every form in turn, so that the forms share the
    machine's ups and downs."""
    times: dict[str, dict[str, list]] = {form: {"decode": [], "open": [], "kb": []} for form in FORMS}
    nodes = 0
    for seed in range(runs):
        source, values = mlp_program(seed=seed)
        query = "&".join(f"v.{name}={value!r}" for name, value in values.items())
        for form in FORMS:
            route_for(page, form)
            page.goto(f"{url}/?src=x&{query}")
            page.wait_for_selector("body[data-ready='true']")
            options = {"layout": True, "default_value": 1, **({} if form == "object form" else {"format": "compact"})}
            decoded = page.evaluate(DECODE_JS, {"body": {"source": source, "values": values, "options": options},
                                                "lazy": form == "lazy view"})
            times[form]["decode"].append(decoded["ms"])
            times[form]["kb"].append(decoded["bytes"] / 1024)
            times[form]["open"].append(page.evaluate(OPEN_JS, {"source": source})["ms"])
            nodes = decoded["nodes"]
    return [{"form": form, "nodes": nodes, "kb": statistics.median(t["kb"]),
             "decode": statistics.median(t["decode"]), "open": statistics.median(t["open"])}
            for form, t in times.items()]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryFile("w+") as log:
        process, url = start_server(log)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                rows = measure(page, url, args.runs)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"opening the {rows[0]['nodes']:,}-node program (bench/programs.py mlp_program) in headless Chromium, "
          f"median of {args.runs} runs")
    print(f"{'answer':<40} {'KB':>7} {'parse+decode ms':>16} {'answer to drawn ms':>19}")
    labels = {"objects": "compact, decoded to objects (the page)", "lazy view": "compact, as a lazy view",
              "object form": "object form, parsed"}
    for row in rows:
        print(f"{labels[row['form']]:<40} {row['kb']:>7.0f} {row['decode']:>16.1f} {row['open']:>19.0f}")
    return rows


if __name__ == "__main__":
    main()
