"""The page at scale and while typing, in a real browser: only correctness here (timings
are bench/page_frames.py's). A request made stale by a keystroke is cancelled and its
answer never drawn; an answer that draws as the graph on screen but for its numbers
updates them in place, showing what a fresh drawing shows; stepping applies only what
each step changes, and shows at every step what a full render of that step shows."""

from __future__ import annotations

import contextlib
import time

import pytest
from playwright.sync_api import Error, Page, Route, expect

from tests.browser import blur, open_app, snapshot

LECTURE = ("(x+y)*z", {"x": -2.0, "y": 5.0, "z": -4.0})
POWERS = ("x*x*x*x", {"x": 3.0})

# How many answers the page has shown since the marks were last cleared (session.js marks each).
DRAWN = "() => performance.getEntriesByName('compgraph:drawn').length"


def test_a_stale_request_is_cancelled_and_its_answer_never_drawn(page: Page):
    source, values = LECTURE
    open_app(page, f"{source}+1", values, step="end")
    held: list[Route] = []
    failed: list[str] = []

    def hold_the_first(route: Route) -> None:
        if "+2" in (route.request.post_data or ""):
            held.append(route)  # answered later, after the next keystroke
        else:
            route.continue_()

    page.route("**/api/graph", hold_the_first)
    page.on("requestfailed", lambda request: failed.append(request.post_data or ""))
    page.evaluate("performance.clearMarks()")
    textarea = page.locator("#source")
    textarea.fill(f"{source}+2")
    give_up = time.monotonic() + 10
    while not held and time.monotonic() < give_up:
        page.wait_for_timeout(20)
    assert held, "the first edit's request was never sent"
    # The next keystroke, then the first answer arrives while the page waits out its debounce.
    textarea.fill(f"{source}+3")
    with contextlib.suppress(Error):  # already cancelled by the page
        held[0].fulfill(response=held[0].fetch())
    constant = page.locator("#graph .node.kind-const .node-label")
    expect(constant).to_have_text("3")
    page.wait_for_timeout(500)
    assert any("+2" in body for body in failed), "the stale request was not aborted"
    assert page.evaluate(DRAWN) == 1, "the stale answer was drawn"
    assert constant.text_content() == "3"


@pytest.mark.parametrize("step", ["end", 4])
def test_an_answer_with_the_same_drawing_updates_the_numbers_in_place(page: Page, step: int | str):
    source, values = LECTURE
    # y = 5 → 6: other numbers (f = −11 → −15), none of them wider or narrower: the same drawing
    open_app(page, f"{source}+1", values, step=step)
    page.evaluate("() => document.querySelectorAll('#graph .node, #graph-labels .label')"
                  ".forEach((e) => { e.keptFromBefore = true; })")
    page.evaluate("performance.clearMarks()")
    page.locator('#variables input[data-variable="y"]').fill("6")
    page.wait_for_function(DRAWN + " >= 1")
    blur(page)
    in_place = snapshot(page)
    kept = page.evaluate("() => [...document.querySelectorAll('#graph .node, #graph-labels .label')]"
                         ".every((e) => e.keptFromBefore)")
    open_app(page, f"{source}+1", {**values, "y": 6.0}, step=step)
    blur(page)
    assert in_place == snapshot(page)
    assert kept, "the drawing was built anew"


# The drawing as markup: the SVG and its HTML labels (the numbers), every place and text.
DRAWING = "() => [document.querySelector('#graph').innerHTML, document.querySelector('#graph-labels').innerHTML]"


@pytest.mark.parametrize(("before", "after", "values"), [
    ("(x+y)*z+1", "(x+y)*z+1000", LECTURE[1]),  # a constant's digits: its box grows, edges move
    ("q = x + y\nf = q * z", "q = x + y\nf = q + z", LECTURE[1]),  # another operator, the same places
    ("a = x * 3\nb = a + x", "a = x * y\nb = a + x", {"x": 2.0}),  # a constant becomes a variable
])
def test_an_answer_for_the_same_graph_changes_the_drawing_in_place_as_a_fresh_one(
        page: Page, before: str, after: str, values: dict):
    open_app(page, before, values, step="end")
    page.evaluate("() => document.querySelectorAll('#graph .node').forEach((e) => { e.keptFromBefore = true; })")
    page.evaluate("performance.clearMarks()")
    page.locator("#source").fill(after)
    page.wait_for_function(DRAWN + " >= 1")
    blur(page)
    page.keyboard.press("End")
    in_place = [snapshot(page), page.evaluate(DRAWING)]
    kept = page.evaluate("() => [...document.querySelectorAll('#graph .node')].every((e) => e.keptFromBefore)")
    open_app(page, after, {"y": 1.0, **values} if "y" in after else values, step="end")
    blur(page)
    assert in_place == [snapshot(page), page.evaluate(DRAWING)]
    assert kept, "the drawing was built anew"


def walk(page: Page, key: str, count: int) -> list[dict]:
    shots = [snapshot(page)]
    scrubber = page.locator("#scrubber")
    for _ in range(count):
        before = int(scrubber.input_value())
        page.keyboard.press(key)
        expect(scrubber).not_to_have_value(str(before))
        shots.append(snapshot(page))
    return shots


@pytest.mark.parametrize(("source", "values"), [LECTURE, POWERS], ids=["lecture", "x*x*x*x"])
def test_each_step_shows_what_a_full_render_of_it_shows(page: Page, source: str, values: dict):
    open_app(page, source, values, step=0)
    blur(page)
    length = int(page.locator("#scrubber").get_attribute("max"))
    forward = walk(page, "ArrowRight", length)  # each step applied to the last
    backward = walk(page, "ArrowLeft", length)[::-1]  # each step undone
    for k in range(length + 1):
        open_app(page, source, values, step=k)  # drawn from nothing at step k
        blur(page)
        full = snapshot(page)
        assert forward[k] == full, f"step {k}, stepping forward"
        assert backward[k] == full, f"step {k}, stepping back"


# Two players side by side, given the same answer: one draws it as SVG, one on a canvas.
_MOUNT_BOTH = """async (result) => {
  const { mountPlayer } = await import('/static/js/playerparts.js');
  document.body.replaceChildren();
  window.players = {};
  for (const [id, canvasMinNodes] of [['svg', Infinity], ['canvas', 1]]) {
    const host = document.createElement('div');
    host.id = id;
    host.style.height = '500px';
    document.body.appendChild(host);
    window.players[id] = mountPlayer(host, result, { keys: false, canvasMinNodes });
  }
}"""

# What a player's DOM hooks say: each node's and edge's numbers and marks, the labels' texts.
_HOOKS = """(id) => {
  const host = document.getElementById(id);
  const text = (root, selector) => root?.querySelector(selector)?.textContent.trim() ?? null;
  const labels = (kind, i) => host.querySelector(`[data-part="labels"] [data-${kind}-id="${i}"]`);
  const nodes = [...host.querySelectorAll('[data-part="graph"] .node[data-node-id]')].map((n) => ({
    id: n.dataset.nodeId, cls: n.getAttribute('class'), label: text(n, '.node-label'),
    aria: n.getAttribute('aria-label'), focus: n.getAttribute('tabindex'),
    value: n.dataset.value ?? null, grad: n.dataset.grad ?? null,
    gradText: text(labels('node', n.dataset.nodeId), '.node-grad'),
  })).sort((a, b) => a.id - b.id);
  const edges = [...host.querySelectorAll('[data-part="graph"] .edge[data-edge-id]')].map((e) => ({
    id: e.dataset.edgeId, cls: e.getAttribute('class'), grad: e.dataset.grad ?? null,
    valueText: text(labels('edge', e.dataset.edgeId), '.edge-value'),
    gradText: text(labels('edge', e.dataset.edgeId), '.edge-grad'),
  })).sort((a, b) => a.id - b.id);
  const out = host.querySelector('[data-part="labels"] [data-output]');
  return { nodes, edges, output: [text(out, '.edge-value'), text(out, '.edge-grad')] };
}"""

# How many of the canvas's pixels are drawn (not transparent).
_DRAWN_PIXELS = """() => {
  const canvas = document.querySelector('#canvas canvas.graph-canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]) drawn += 1;
  return drawn;
}"""


@pytest.mark.parametrize(("source", "values"), [LECTURE, POWERS], ids=["lecture", "x*x*x*x"])
def test_a_canvas_drawn_graph_keeps_the_hooks_and_numbers_of_the_svg_one(
        page: Page, live_server: str, source: str, values: dict):
    open_app(page)  # only for a page of this origin to import the modules from
    result = page.request.post(f"{live_server}/api/graph",
                               data={"source": source, "values": values, "options": {"layout": True}}).json()
    # The page writes its address 60 ms after its last step, reading its own markup: let it
    # do so before that markup is replaced by the two players.
    page.wait_for_timeout(500)
    page.evaluate(_MOUNT_BOTH, result)
    assert page.evaluate("() => !document.querySelector('#canvas canvas.graph-canvas').hidden")
    assert page.evaluate("() => document.querySelector('#svg canvas.graph-canvas').hidden")
    length = len(result["steps"])
    for k in range(length + 1):
        page.evaluate("(k) => { for (const p of Object.values(window.players)) p.player.seek(k); }", k)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(r))")  # the canvas is drawn
        svg, canvas = page.evaluate(_HOOKS, "svg"), page.evaluate(_HOOKS, "canvas")
        assert len(svg["nodes"]) == len(result["nodes"])
        assert canvas == svg, f"step {k}"
    assert page.evaluate(_DRAWN_PIXELS) > 0, "nothing drawn"
    # On the canvas the hooks are there to be reached, not seen: the picture is the canvas's.
    fill = page.evaluate("() => getComputedStyle(document.querySelector('#canvas .node .shape')).fill")
    assert fill == "rgba(0, 0, 0, 0)"


# Where node `id` of the canvas player is on screen (client px), from its layout box and the view.
_NODE_ON_SCREEN = """(id) => {
  const graph = window.players.canvas.canvasGraph;
  const { view } = graph.camera;
  const box = graph.result.layout.nodes[id];
  const rect = window.players.canvas.svg.getBoundingClientRect();
  return [rect.left + (box.x + graph.leftPad - view.x) / view.scale, rect.top + (box.y - view.y) / view.scale];
}"""


def test_a_node_on_the_canvas_with_no_element_is_still_pointed_at(page: Page, live_server: str):
    source, values = LECTURE
    open_app(page)
    result = page.request.post(f"{live_server}/api/graph",
                               data={"source": source, "values": values, "options": {"layout": True}}).json()
    page.wait_for_timeout(500)  # (as above)
    page.evaluate(_MOUNT_BOTH, result)
    # As with a whole large graph in view: no element per node, only the picture.
    page.evaluate("""() => { const graph = window.players.canvas.canvasGraph;
        graph.hooksMax = 0; graph.cameraKey = null; graph.draw(); }""")
    assert page.evaluate("() => document.querySelectorAll('#canvas .node').length") == 0
    x_node = next(n["id"] for n in result["nodes"] if n["label"] == "x")
    card = page.locator('#canvas [data-part="node-info"]')
    expect(card).to_be_hidden()
    page.mouse.move(*page.evaluate(_NODE_ON_SCREEN, x_node))
    expect(card).to_be_visible()
    expect(card).to_contain_text("x")
    page.mouse.move(5, 5)  # off the drawing
    expect(card).to_be_hidden()
    page.mouse.click(*page.evaluate(_NODE_ON_SCREEN, x_node))
    page.mouse.move(5, 5)
    expect(card).to_be_visible()  # pinned
