"""Why the chain rule adds up, in a real browser: the paths list and its highlight, the nudge
slider, forward mode played through. Every number on screen is compared with the engine's."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import PageLog, blur, shown

LECTURE = ("(x+y)*z", {"x": -2, "y": 5, "z": -4})
LOG_SIN = ("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3})
FOURTH = ("x*x*x*x", {"x": 0.5})
# Each line squares the one before: 2^7 = 128 paths from x to the output.
SQUARES = "a = x*x\nb = a*a\nc = b*b\nd = c*c\ng = d*d\nh = g*g\nk = h*h"


def engine(live_server: str, source: str, values: dict, **options) -> dict:
    response = httpx.post(f"{live_server}/api/graph", json={"source": source, "values": values, "options": options})
    response.raise_for_status()
    return response.json()


def open_mode(page: Page, source: str, values: dict, **extra) -> None:
    query = [("src", source), *((f"v.{k}", repr(v)) for k, v in values.items()), *extra.items()]
    page.goto("/?" + urlencode(query))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def marked(page: Page) -> tuple[set[int], set[int]]:
    return (set(page.evaluate("[...document.querySelectorAll('#graph .node.on-path')].map((n) => +n.dataset.nodeId)")),
            set(page.evaluate("[...document.querySelectorAll('#graph .edge.on-path')].map((e) => +e.dataset.edgeId)")))


# --- paths ------------------------------------------------------------------------------------


def test_the_paths_add_up_and_hovering_one_marks_it(page: Page, live_server: str, artifacts: Path):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_mode(page, *LOG_SIN, mode="paths", paths="x2")
    paths = engine(live_server, *LOG_SIN, paths="x2")["paths"]
    items = page.locator("#paths .path")
    expect(items).to_have_count(2)
    expect(page.locator(".paths-count")).to_have_text("2 paths from x2 to f, each a product of local derivatives")
    for item, path in zip(items.all(), paths["items"], strict=True):
        expect(item.locator(".path-product")).to_have_text(re.compile(rf"= {re.escape(shown(path['product']))}$"))
    total = page.locator(".paths-total")
    expect(total).to_have_text(f"sum of the products: {shown_6(paths['total'])}")
    expect(page.locator(".paths-gradient")).to_have_text(
        f"∂f/∂x2 from the backward pass: {shown_6(paths['gradient'])}")
    assert marked(page) == (set(), set())
    items.nth(0).hover()
    assert marked(page) == (set(paths["items"][0]["nodes"]), set(paths["items"][0]["edges"]))
    page.screenshot(path=artifacts / "paths-hover-1280x800.png")
    items.nth(1).hover()
    assert marked(page) == (set(paths["items"][1]["nodes"]), set(paths["items"][1]["edges"]))
    page.locator(".paths-count").hover()
    assert marked(page) == (set(), set())
    items.nth(0).focus()  # the keyboard marks it too
    assert marked(page)[0] == set(paths["items"][0]["nodes"])

    with page.expect_response("**/api/graph"):
        page.locator(".paths-variable").select_option("x1")
    expect(items).to_have_count(1)
    expect(page.locator(".paths-count")).to_have_text("1 path from x1 to f, each a product of local derivatives")
    expect(page).to_have_url(re.compile(r"[?&]mode=paths&.*\bpaths=x1\b"))


def shown_6(x: float) -> str:
    """formatNumber(x, 6), for the numbers these tests show."""
    return repr(float(f"{x:.6g}")).removesuffix(".0").replace("-", "\u2212")


def test_past_64_paths_the_list_says_how_many_and_shows_the_first(page: Page, live_server: str):
    open_mode(page, SQUARES, {"x": 1.01}, mode="paths")
    expect(page.locator(".paths-count")).to_have_text("128 paths; the first 64 shown")
    expect(page.locator("#paths .path")).to_have_count(64)
    paths = engine(live_server, SQUARES, {"x": 1.01}, paths="x")["paths"]
    assert paths["count"] == 128 and paths["truncated"]
    expect(page.locator(".paths-total")).to_have_text(f"sum of the 64 shown: {shown_6(paths['total'])}")


def test_a_variable_the_source_no_longer_has_falls_back_to_the_first(page: Page, page_log: PageLog):
    # The engine refuses x2 once (400); the page then asks for the new source's first variable.
    page_log.allow_console(r"Failed to load resource: the server responded with a status of 400 \(Bad Request\)",
                           "/api/graph")
    open_mode(page, *LOG_SIN, mode="paths", paths="x2")
    page.locator("#source").fill("log(a*b)")
    expect(page.locator(".paths-count")).to_have_text("1 path from a to f, each a product of local derivatives")
    expect(page.locator("#error")).to_be_hidden()


# --- nudge ------------------------------------------------------------------------------------


def test_the_nudge_slider_shows_predicted_beside_actual(page: Page, live_server: str, artifacts: Path,
                                                       page_log: PageLog,
                                                       new_context: Callable[..., BrowserContext]):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_mode(page, *FOURTH, mode="nudge")
    expect(page.locator(".nudge-hint")).to_be_visible()
    slider = page.locator('.nudge-slider input[data-nudge="x"]')
    slider.focus()
    for _ in range(40):  # 40 steps of 0.01
        page.keyboard.press("ArrowRight")
    expect(page.locator(".nudge-slider output")).to_have_text("ε = 0.4")
    expect(page.locator(".nudge-title")).to_have_text("Nudge x by ε = 0.4: x = 0.5 → 0.9")
    nudge = engine(live_server, *FOURTH, nudge={"x": 0.4})["nudge"]
    expect(page.locator(".nudge-predicted")).to_have_text(f"predicted: ∂f/∂x · ε = 0.5 · 0.4 = {shown(nudge['predicted'])}")
    expect(page.locator(".nudge-actual")).to_have_text(f"actual: f(x + ε) − f(x) = {shown(nudge['actual'])}")
    expect(page.locator(".nudge-break")).to_have_text(
        f"The linear prediction breaks down as ε grows: from ε = {shown(nudge['breaks_down_at'])} on its "
        "relative error passes 0.1.")
    rows = page.locator(".nudge-table tbody tr")
    expect(rows).to_have_count(4)  # x, x·x, x·x·x, f
    for row in rows.all():
        entry = nudge["nodes"][row.get_attribute("data-node")]
        cells = row.locator("td").all_text_contents()
        assert cells == [shown(entry[k]) for k in ("derivative", "predicted", "actual", "error")], cells
    page.screenshot(path=artifacts / "nudge-1280x800.png")
    url = page.url
    assert "mode=nudge" in url and "nudge=x" in url and "eps=0.4" in url, url

    # a tiny nudge: the gradient predicts the change
    for _ in range(39):
        page.keyboard.press("ArrowLeft")
    expect(page.locator(".nudge-break")).to_have_text(
        "Up to ε = 0.01 the linear prediction holds: its relative error stays within 0.1.")

    other_context = new_context()
    page_log.watch(other_context)
    other = other_context.new_page()
    other.goto(url)
    expect(other.locator("body")).to_have_attribute("data-ready", "true")
    expect(other.locator(".nudge-title")).to_have_text("Nudge x by ε = 0.4: x = 0.5 → 0.9")
    expect(other.locator('.nudge-slider input[data-nudge="x"]')).to_have_value("0.4")


# --- forward mode -----------------------------------------------------------------------------


def test_forward_mode_plays_through_on_the_graph(page: Page, live_server: str, artifacts: Path):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_mode(page, *LECTURE, mode="forward")
    answer = engine(live_server, *LECTURE, forward_mode=True)
    mode = answer["forward_mode"]
    steps = mode["steps"]
    expect(page.locator("#step-label")).to_have_text(f"start · {len(steps)} steps, 3 passes")
    expect(page.locator(".counts-forward")).to_have_text("3 passes, 5 derivative operations")
    expect(page.locator(".counts-reverse")).to_have_text("1 pass, 2 operator nodes sending gradients back")
    blur(page)
    tangents: dict[int, float] = {}
    for k, step in enumerate(steps, start=1):
        page.keyboard.press("ArrowRight")
        expect(page.locator("#scrubber")).to_have_value(str(k))
        if step["kind"] == "seed":
            tangents = {n["id"]: 0.0 for n in answer["nodes"] if n["grad"] is not None}
        tangents[step["node"]] = step["tangent"]
        expect(page.locator("#explain-title")).to_have_text(
            f"Forward mode: pass {step['pass'] + 1} of 3, for {step['variable']}")
        first = page.locator("#explain-lines .explain-text").first
        expect(first).to_have_text(re.compile(rf"= {re.escape(shown(step['tangent']))}$"))
        current = page.locator("#graph .node.current")
        expect(current).to_have_attribute("data-node-id", str(step["node"]))
        on_graph = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#graph .node[data-grad]')]
            .map((n) => [n.dataset.nodeId, Number(n.dataset.grad)]))""")
        assert on_graph == {str(n): t for n, t in tangents.items()}, (k, on_graph)
        label = page.locator(f'#graph-labels [data-node-id="{step["node"]}"] .node-grad')
        expect(label).to_have_text(f"∂/∂{step['variable']} {shown(step['tangent'])}")
        if k == 2:
            page.screenshot(path=artifacts / "forward-mode-1280x800.png")
    table = page.locator(".forward-derivatives")
    expect(table).to_be_visible()
    for name in answer["variables"]:
        cells = table.locator(f'tr[data-variable="{name}"] td').all_text_contents()
        assert cells == [shown(mode["derivatives"][name]), shown(answer["gradients"][name])]
    expect(page.locator("#summary")).to_be_hidden()  # backprop's check is the other mode's end

    # undo: back over a pass's seed restores the pass before it
    seed = next(k for k, s in enumerate(steps, start=1) if s["kind"] == "seed" and s["pass"] == 1)
    page.locator("#scrubber").fill(str(seed))
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#explain-title")).to_have_text("Forward mode: pass 1 of 3, for x")
    expect(page.locator(f'#graph-labels [data-node-id="{answer["output"]}"] .node-grad')).to_have_text("∂/∂x \u22124")
