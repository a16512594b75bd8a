"""Page bench: opening a share link, playing, typing, and a 5,000-node program, in the page.

    .venv/bin/python bench/page_frames.py                 # about 2 minutes
    .venv/bin/python bench/page_frames.py --runs 5 --seconds 5

Headless Chromium (Debian's, /usr/bin/chromium), 1280×720, against a real server on
127.0.0.1. "Drawn" is the first frame painted after the page has shown the answer: the
page marks `compgraph:drawn` on its performance timeline once an answer is on the page
(static/js/session.js); the next frame is then rendered (its requestAnimationFrame
callbacks, then style, layout and paint in the same task), and a message posted from its
requestAnimationFrame callback is handled right after that rendering: its time is "drawn".
(A double requestAnimationFrame, as before, adds the wait for the next frame, up to 16.7 ms.)

- share_url_open: the share link (static/js/urlstate.js's address: ?src=…&v.x=…) of the
  1,261-node program (bench/programs.py mlp_program, the wire_size bench's) opened in a
  new browser context (nothing cached), from navigation start until drawn: fetching the
  page and its modules, the catalogue, the /api/graph answer (analysis and layout on the
  server; asked for as the page starts, static/js/prefetch.js, while the modules load),
  decoding, building the drawing and its first paint. The server begins the analysis as it
  serves the page (app/sharelink.py); the answer's Server-Timing says whether the page's
  request took it ("begun"). Median of runs.
- play_frame_interval: that program played at the fastest speed from the start: the
  requestAnimationFrame intervals over a few seconds (the page's loop and ours share the
  frame clock); the median of each of 3 runs must be ≤ 17 ms (60 Hz is the limit).
- keystroke_latency: a program of about 50 and of about 250 nodes (make_program) in the
  editor, then one key pressed (Playwright's keyboard: keydown, input) until drawn, less
  the page's stated typing debounce (session.js TYPING_DEBOUNCE_MS). Two kinds of key make
  the figure: one that changes a number (a digit typed into, or deleted from, a constant)
  and one that changes an operator (`*` ↔ `+`); both leave the graph's nodes and edges as
  they were, so the page changes its drawing in place (render.js reuse). A third kind is
  printed beside them, not in the figure: one that changes the graph's shape (the last
  constant made the variable x and back: a node fewer, so the drawing is built anew).
- by size: programs of 250 to 2,000 nodes (make_program) played at 600 steps/s by the
  player on its own, drawn as SVG + HTML and on the canvas: where SVG stops holding 60 Hz.
- big_program: a 5,000-node program (make_program; the server is started with
  COMPGRAPH_MAX_NODES=10000) opened by its share link until drawn, then played at the
  fastest speed: frames per second (frames shown / seconds).

The server runs with COMPGRAPH_ANSWER_CACHE_MB=0, so every answer is computed.

Each figure is printed beside its target with a `figure:` line (bench/figures.py) for
bench/run_all.py's summary. Not a test: two shared cores make frame timing noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import report  # noqa: E402
from bench.local_server import start_server  # noqa: E402
from bench.programs import make_program, mlp_program  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MAX_NODES = 10_000
CANVAS_MIN_NODES = 500  # static/js/canvasgraph.js
OPEN_TARGET_MS = 500.0
FRAME_INTERVAL_TARGET_MS = 17.0
KEYSTROKE_TARGET_MS = {50: 30.0, 250: 100.0}
FIGURE_KEYS = ("a number changes", "the graph changes")  # the keystroke figure's kinds of key
BIG_NODES = 5_000
BIG_OPEN_TARGET_MS = 2_000.0
BIG_FPS_TARGET = 30.0
VIEWPORT = {"width": 1280, "height": 720}

# Installed before the page's own scripts: resolves window.__drawn with the time of the
# first `compgraph:drawn` mark and of the frame painted after it (ms since navigation
# start); window.__nextDrawn() does the same for the next mark after now.
INSTRUMENT_JS = """
(() => {
  const MARK = 'compgraph:drawn';
  const waitFor = (after) => new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const mark = list.getEntriesByName(MARK).find((m) => m.startTime > after);
      if (!mark) return;
      observer.disconnect();
      // the frame's rendering (style, layout, paint) follows the rAF callbacks in the same
      // task; a message posted from one is handled right after it
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ mark: mark.startTime, painted: performance.now() });
        channel.port2.postMessage(null);
      });
    });
    observer.observe({ type: 'mark', buffered: true });
  });
  window.__drawn = waitFor(-1);
  window.__nextDrawn = () => waitFor(performance.now());
})();
"""

# The /api/graph requests made since `after` (ms since navigation start).
GRAPH_REQUESTS_JS = """(after) => performance.getEntriesByType('resource')
  .filter((e) => e.name.endsWith('/api/graph') && e.startTime >= after)
  .map((e) => ({ start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize,
                 how: e.serverTiming.map((t) => t.description).join() }))"""

# Press play and record every animation frame's timestamp while it plays.
PLAY_JS = """async ({ seconds }) => {
  const play = document.querySelector('#btn-play');
  const scrubber = document.querySelector('#scrubber');
  const stamps = [];
  const k0 = Number(scrubber.value);
  play.click();
  await new Promise((resolve) => {
    const until = performance.now() + seconds * 1000;
    const frame = (t) => {
      stamps.push(t);
      if (t >= until || play.getAttribute('aria-pressed') !== 'true') resolve();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  if (play.getAttribute('aria-pressed') === 'true') play.click();
  return { stamps, steps: Number(scrubber.value) - k0, length: Number(scrubber.max) };
}"""

# Before a key: put the caret (or a selection) at [start, end) and note the keydown's time.
BEFORE_KEY_JS = """([start, end]) => {
  const textarea = document.querySelector('#source');
  textarea.focus();
  textarea.setSelectionRange(start, end);
  window.__keyAt = null;
  textarea.addEventListener('keydown', (e) => { window.__keyAt = e.timeStamp; }, { once: true });
  window.__pending = window.__nextDrawn();
}"""


# The SVG and the canvas drawing side by side, by size: the player mounted on its own
# (playerparts.js) with the answer, drawn one way then the other, played at 600 steps/s.
SWEEP_JS = """async ({ result, canvasMinNodes, seconds }) => {
  const { mountPlayer } = await import('/static/js/playerparts.js');
  document.body.replaceChildren();
  const host = document.createElement('div');
  host.style.height = '600px';
  document.body.appendChild(host);
  const view = mountPlayer(host, result, { keys: false, canvasMinNodes });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  view.player.stepsPerSecond = 600;
  const stamps = [];
  view.player.play();
  await new Promise((resolve) => {
    const until = performance.now() + seconds * 1000;
    const frame = (t) => {
      stamps.push(t);
      if (t >= until || !view.player.playing) resolve(); else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  view.player.pause();
  return stamps;
}"""
SWEEP_NODES = (250, 500, 650, 800, 1000, 2000)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def share_url(url: str, source: str, values: dict[str, float]) -> str:
    return f"{url}/?" + urlencode({"src": source, **{f"v.{name}": repr(value) for name, value in values.items()}})


def new_page(browser: Browser, console: list[str]) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.add_init_script(INSTRUMENT_JS)
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    return page


def open_share_url(browser: Browser, link: str, console: list[str]) -> tuple[Page, dict]:
    """Open `link` in a fresh context; (the page, its timings in ms since navigation start)."""
    page = new_page(browser, console)
    page.goto(link, wait_until="commit", timeout=60_000)
    drawn = page.evaluate("window.__drawn")
    requests = page.evaluate(GRAPH_REQUESTS_JS, 0)
    answer = requests[-1] if requests else {"start": float("nan"), "end": float("nan"), "bytes": 0, "how": ""}
    page.wait_for_selector("body[data-ready='true']")
    return page, {**drawn, "request": answer["start"], "answer": answer["end"], "bytes": answer["bytes"],
                  "how": answer["how"]}


def play(page: Page, seconds: float) -> dict:
    speeds = page.locator("#speed option").evaluate_all("(os) => os.map((o) => o.value)")
    page.locator("#speed").select_option(speeds[-1])  # the fastest
    page.locator("#btn-start").click()
    played = page.evaluate(PLAY_JS, {"seconds": seconds})
    stamps = played["stamps"]
    played["intervals"] = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    played["seconds"] = (stamps[-1] - stamps[0]) / 1000 if len(stamps) > 1 else 0.0
    played["median"] = statistics.median(played["intervals"])
    played["fps"] = len(played["intervals"]) / played["seconds"] if played["seconds"] else 0.0
    played["speed"] = speeds[-1]
    return played


def describe(played: dict) -> str:
    intervals = played["intervals"]
    rate = played["steps"] / played["seconds"] if played["seconds"] else 0.0
    slow = sum(1 for i in intervals if i > 33.4)
    return (f"{len(intervals)} frames over {played['seconds']:.1f} s ({played['fps']:.0f} fps), "
            f"{played['steps']:,} of {played['length']:,} steps shown ({rate:,.0f} steps/s); interval median "
            f"{played['median']:.1f} ms, p95 {percentile(intervals, 0.95):.1f} ms, max {max(intervals):.1f} ms, "
            f"{slow} frames over 33 ms")


def keystroke(page: Page, selection: tuple[int, int], key: str, debounce: float) -> dict:
    page.evaluate(BEFORE_KEY_JS, list(selection))
    page.keyboard.press(key)
    drawn = page.evaluate("window.__pending")
    key_at = page.evaluate("window.__keyAt")
    requests = page.evaluate(GRAPH_REQUESTS_JS, key_at)
    last = requests[-1]
    return {"ms": drawn["painted"] - key_at - debounce, "request_ms": last["end"] - last["start"],
            "after_answer_ms": drawn["painted"] - last["end"], "requests": len(requests)}


def typing(browser: Browser, url: str, nodes: int, runs: int, console: list[str]) -> dict:
    """Keystrokes into a program of about `nodes` nodes: {kind: [timings]} and the node count."""
    source, statements, values = make_program(nodes - 2, seed=7)
    last = statements[-1][0]
    source += f"\nout = {last} * 2"
    page, _ = open_share_url(browser, share_url(url, source, values), console)
    counted = httpx.post(f"{url}/api/graph", json={"source": source, "values": values,
                                                   "options": {"format": "compact"}}).json()
    debounce = page.evaluate("async () => (await import('/static/js/session.js')).TYPING_DEBOUNCE_MS")
    op_at = source.rindex("*")
    end = len(source)
    found: dict[str, list[dict]] = {"a number changes": [], "the graph changes": [], "the shape changes": []}
    for run in range(runs):
        # the last constant made a variable and back: * 2 → * x → * 2
        for key in ("x", "2"):
            found["the shape changes"].append(keystroke(page, (end - 1, end), key, debounce))
        # a digit typed after the last constant, then deleted: 2 → 21 → 2
        if run % 2 == 0:
            found["a number changes"].append(keystroke(page, (end, end), "1", debounce))
        else:
            found["a number changes"].append(keystroke(page, (end + 1, end + 1), "Backspace", debounce))
        # the last operator replaced: * → + → *
        found["the graph changes"].append(keystroke(page, (op_at, op_at + 1), "+" if run % 2 == 0 else "*", debounce))
    page.context.close()
    return {"nodes": len(counted["nodes"]["op"]), "debounce": debounce, "kinds": found}


def sweep(browser: Browser, url: str, seconds: float, console: list[str]) -> list[tuple[int, float, float]]:
    """(nodes, median frame interval drawn as SVG, on the canvas) for programs of each size."""
    page = new_page(browser, console)
    page.goto(url + "/?src=x")
    page.wait_for_selector("body[data-ready='true']")
    rows = []
    for nodes in SWEEP_NODES:
        source, _, values = make_program(nodes, seed=3)
        result = page.request.post(f"{url}/api/graph", data={"source": source, "values": values,
                                                               "options": {"layout": True}}, timeout=120_000).json()
        medians = []
        for canvas_min in (10 ** 9, 1):
            stamps = page.evaluate(SWEEP_JS, {"result": result, "canvasMinNodes": canvas_min, "seconds": seconds})
            medians.append(statistics.median(b - a for a, b in zip(stamps, stamps[1:], strict=False)))
        rows.append((len(result["nodes"]), *medians))
    page.context.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="share-link opens and plays (default 3)")
    parser.add_argument("--keys", type=int, default=6, help="keystrokes of each kind (default 6)")
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of play (default 4)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium fonts-dejavu-core fonts-liberation2")

    source, values = mlp_program()
    big_source, _, big_values = make_program(BIG_NODES, seed=1)
    console: list[str] = []
    with tempfile.TemporaryFile("w+") as log:
        # The server keeps no answers here: each figure includes the analysis it needs (the
        # typing keys go back and forth, and the share link is opened again, which a kept
        # answer would serve at once; a class opening one link gets that, see server_load).
        process, url = start_server(log, {"COMPGRAPH_MAX_NODES": str(MAX_NODES), "COMPGRAPH_ANSWER_CACHE_MB": "0"})
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"])
                opens, plays = [], []
                for _ in range(args.runs):
                    page, opened = open_share_url(browser, share_url(url, source, values), console)
                    opens.append(opened)
                    plays.append(play(page, args.seconds))
                    page.context.close()
                typed = {nodes: typing(browser, url, nodes, args.keys, console) for nodes in KEYSTROKE_TARGET_MS}
                big_page, big_open = open_share_url(browser, share_url(url, big_source, big_values), console)
                big_play = play(big_page, args.seconds)
                big_page.context.close()
                sizes = sweep(browser, url, min(args.seconds, 2.0), console)
                browser.close()
        finally:
            stop(process)

    print(f"page bench: headless Chromium {VIEWPORT['width']}x{VIEWPORT['height']}, server {url}")
    print("\nopening the share link of the 1,261-node program (ms since navigation start)")
    print(f"{'run':<4} {'request sent':>13} {'answer in':>10} {'answer KB':>10} {'shown':>7} {'drawn':>7}  analysis")
    for k, run in enumerate(opens, 1):
        print(f"{k:<4} {run['request']:>13.0f} {run['answer']:>10.0f} {run['bytes'] / 1024:>10.0f} "
              f"{run['mark']:>7.0f} {run['painted']:>7.0f}  {run['how']}")
    print("\nplaying it at the fastest speed")
    for k, played in enumerate(plays, 1):
        print(f"run {k} ({played['speed']} steps/s): {describe(played)}")
    print("\nkeystrokes (ms from the keydown to drawn, less the debounce; the request's own time; "
          "from its answer to drawn)")
    for found in typed.values():
        for kind, timings in found["kinds"].items():
            print(f"{found['nodes']:>5} nodes, {kind:<18}: median {statistics.median(t['ms'] for t in timings):5.0f} ms, "
                  f"worst {max(t['ms'] for t in timings):5.0f}; request {statistics.median(t['request_ms'] for t in timings):4.0f}, "
                  f"after the answer {statistics.median(t['after_answer_ms'] for t in timings):4.0f} "
                  f"(debounce {found['debounce']} ms, {len(timings)} keys)")
    print(f"\na {BIG_NODES:,}-node program (make_program): share link drawn at {big_open['painted']:.0f} ms "
          f"(answer in at {big_open['answer']:.0f} ms, {big_open['bytes'] / 1024:.0f} KB); playing: {describe(big_play)}")
    print("\nplaying at 600 steps/s, the player on its own, median frame interval (ms), by size "
          f"(the page draws on the canvas from {CANVAS_MIN_NODES:,} nodes)")
    print(f"{'nodes':>6} {'SVG + HTML':>11} {'canvas':>7}")
    for nodes, svg_ms, canvas_ms in sizes:
        print(f"{nodes:>6,} {svg_ms:>11.1f} {canvas_ms:>7.1f}")
    print()

    open_ms = statistics.median(run["painted"] for run in opens)
    runs = ", ".join(f"{run['painted']:.0f}" for run in opens)
    report("share_url_open", "opening the share link of the 1,261-node program until drawn",
           f"{open_ms:.0f} ms (median of {len(opens)}; runs {runs})",
           f"≤ {OPEN_TARGET_MS:.0f} ms", open_ms <= OPEN_TARGET_MS)
    medians = [played["median"] for played in plays]
    report("play_frame_interval", "playing it at the fastest speed, median frame interval",
           ", ".join(f"{m:.1f}" for m in medians) + " ms", f"≤ {FRAME_INTERVAL_TARGET_MS:.0f} ms in every run",
           all(m <= FRAME_INTERVAL_TARGET_MS for m in medians))
    parts, met = [], True
    for nodes, found in typed.items():
        worst_kind = max(statistics.median(t["ms"] for t in found["kinds"][kind]) for kind in FIGURE_KEYS)
        parts.append(f"{worst_kind:.0f} ms at {found['nodes']}")
        met = met and worst_kind <= KEYSTROKE_TARGET_MS[nodes]
    debounce = next(iter(typed.values()))["debounce"]
    report("keystroke_latency", "a keystroke until the new graph is drawn (debounce excluded)",
           f"{', '.join(parts)} nodes (median, worse kind of key; debounce {debounce} ms)",
           "≤ 30 ms at 50 nodes, ≤ 100 ms at 250", met)
    report("big_program", f"a {BIG_NODES:,}-node program: open, then play",
           f"opens in {big_open['painted'] / 1000:.2f} s, plays at {big_play['fps']:.0f} fps "
           f"(median frame {big_play['median']:.1f} ms)",
           f"≤ {BIG_OPEN_TARGET_MS / 1000:.0f} s, ≥ {BIG_FPS_TARGET:.0f} fps",
           big_open["painted"] <= BIG_OPEN_TARGET_MS and big_play["fps"] >= BIG_FPS_TARGET)
    if console:
        print("\nthe page logged:")
        for line in dict.fromkeys(console):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
