"""The page in a real browser: the forward pass fills in values, the backward pass
carries gradients back, the timeline and keyboard move through the steps, and the
panel explains each step with the engine's numbers.

Runs against a real server (tests/browser.py). Every test also fails at teardown if
the page logged an error, threw, or asked anything of a host other than 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect

from tests.browser import (
    LOOPBACK,
    PageLog,
    blur,
    node,
    node_ids_by_label,
    open_app,
    shown,
    snapshot,
    step_to,
)

LECTURE = "(x+y)*z"
LECTURE_VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}
FAN_OUT = "log(x1*x2)*sin(x2)"


def analyze(live_server: str, source: str, values: dict[str, float]) -> dict:
    """The engine's own answer, to compare the page with."""
    response = httpx.post(f"{live_server}/api/graph", json={"source": source, "values": values})
    response.raise_for_status()
    return response.json()


def test_typed_expression_shows_values_forward_and_gradients_backward(page: Page, artifacts: Path):
    open_app(page, "a * b")  # start elsewhere, so the source and the inputs below are really typed
    page.locator("#source").fill(LECTURE)
    expect(page.locator("#step-label")).to_have_text("start · 10 steps")
    for name, value in LECTURE_VALUES.items():
        page.locator(f'#variables input[data-variable="{name}"]').fill(f"{value:g}")
    # Nothing is revealed at the start; at the end the new values can be seen arriving.
    page.locator("#btn-end").click()
    ids = node_ids_by_label(page)
    x, y, z, add, mul = (node(page, ids[label]) for label in ("x", "y", "z", "+", "×"))
    expect(mul).to_have_attribute("data-value", "-12")

    page.locator("#btn-start").click()
    forward = page.locator("#btn-forward")
    for _ in range(3):
        forward.click()
    expect(page.locator("#step-label")).to_have_text("forward · step 3 of 5")
    for element, value in ((x, "-2"), (y, "5"), (z, "-4")):
        expect(element).to_have_attribute("data-value", value)
    expect(add).not_to_have_attribute("data-value", re.compile(".*"))  # not computed yet

    forward.click()  # the add node
    expect(add).to_have_attribute("data-value", "3")
    expect(add).to_have_class(re.compile(r"\bcurrent\b"))
    expect(mul).not_to_have_attribute("data-value", re.compile(".*"))
    expect(page.locator("#explain-lines .explain-text").first).to_have_text(
        "x + y = \u22122 + 5 = 3")
    page.screenshot(path=artifacts / "forward-midway.png")

    forward.click()  # the mul node: the output
    expect(mul).to_have_attribute("data-value", "-12")
    expect(page.locator("#graph-labels [data-output] .edge-value")).to_have_text("\u221212")
    expect(page.locator("body")).to_have_attribute("data-phase", "forward")

    forward.click()  # the seed
    forward.click()  # the first edge back: into z, while x and y are still at 0
    expect(page.locator("body")).to_have_attribute("data-phase", "backward")
    expect(z).to_have_attribute("data-grad", "3")
    expect(x).to_have_attribute("data-grad", "0")
    forward.click()
    expect(page.locator("#step-label")).to_have_text("backward · step 3 of 5")
    page.screenshot(path=artifacts / "backward-midway.png")
    forward.click()
    forward.click()
    expect(page.locator("#step-label")).to_have_text("backward · step 5 of 5")
    for element, grad in ((x, "-4"), (y, "-4"), (z, "3"), (add, "-4"), (mul, "1")):
        expect(element).to_have_attribute("data-grad", grad)
    # The last step is the edge into x, in the lecture's words.
    expect(page.locator("#explain-lines .explain-text").first).to_have_text(
        "∂f/∂x = ∂f/∂(x+y) · ∂(x+y)/∂x = \u22124 · 1 = \u22124")


def test_no_gradient_before_the_seed_then_zeros_and_the_output_one(page: Page):
    open_app(page, "x*y + 2*z", {"x": 3, "y": -1, "z": 2})
    blur(page)
    graph = page.locator("#graph")
    for k in range(1, 20):
        expect(graph.locator(".node[data-grad], .edge[data-grad]")).to_have_count(0)
        step_to(page, k)
        if page.locator("body").get_attribute("data-phase") == "backward":
            break
    expect(page.locator("#step-label")).to_have_text(re.compile(r"^backward · step 1 of"))
    output = node(page, node_ids_by_label(page)["+"])
    expect(output).to_have_attribute("data-grad", "1")
    # Every other node that gets a gradient starts at 0; the constant 2 gets none.
    expect(graph.locator(".node.kind-input[data-grad='0']")).to_have_count(3)
    expect(graph.locator(".node.kind-op[data-grad='0']")).to_have_count(2)
    expect(graph.locator(".node.kind-const[data-grad]")).to_have_count(0)
    expect(graph.locator(".edge[data-grad]")).to_have_count(0)  # no edge has run yet
    expect(page.locator("#graph-labels [data-output] .edge-grad")).to_have_text("1")


def test_stepping_back_then_forward_returns_the_same_state(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES)
    blur(page)
    scrubber = page.locator("#scrubber")
    states = [snapshot(page)]
    spoken = [page.locator("#announce").text_content()]
    for k in range(1, 11):
        step_to(page, k)
        states.append(snapshot(page))
        spoken.append(page.locator("#announce").text_content())
    assert all(states[k] != states[k - 1] for k in range(1, 11)), "a step changed nothing"
    # The screen reader hears every step: the live region's text changes each time.
    assert all(spoken[k] != spoken[k - 1] for k in range(1, 11)), spoken

    # Undo each step from the end: each state is exactly the one seen on the way forward,
    # and stepping forward again from it gives the next one back.
    for k in range(10, 0, -1):
        page.keyboard.press("ArrowLeft")
        expect(scrubber).to_have_value(str(k - 1))
        assert snapshot(page) == states[k - 1], f"stepping back to {k - 1}"
        page.keyboard.press("ArrowRight")
        expect(scrubber).to_have_value(str(k))
        assert snapshot(page) == states[k], f"stepping forward again to {k}"
        page.keyboard.press("ArrowLeft")

    # Jumps rebuild the view from scratch; they must agree with the step-by-step view.
    page.keyboard.press("End")
    assert snapshot(page) == states[10]
    scrubber.fill("7")
    expect(scrubber).to_have_value("7")
    assert snapshot(page) == states[7]
    blur(page)
    page.keyboard.press("Home")
    expect(scrubber).to_have_value("0")
    assert snapshot(page) == states[0]


def test_keyboard_controls(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES)
    label = page.locator("#step-label")
    play = page.locator("#btn-play")
    # Keys typed into the source are text, not commands.
    page.locator("#source").press("ArrowRight")
    expect(label).to_have_text("start · 10 steps")

    blur(page)
    page.keyboard.press("ArrowRight")
    expect(label).to_have_text("forward · step 1 of 5")
    page.keyboard.press("ArrowRight")
    expect(label).to_have_text("forward · step 2 of 5")
    page.keyboard.press("ArrowLeft")
    expect(label).to_have_text("forward · step 1 of 5")
    page.keyboard.press("End")
    expect(label).to_have_text("backward · step 5 of 5")
    page.keyboard.press("Home")
    expect(label).to_have_text("start · 10 steps")

    page.locator("#speed").select_option("5")
    blur(page)
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(label).to_have_text(re.compile(r"^forward · step"))  # it moves on its own
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "false")
    paused_at = page.locator("#scrubber").input_value()
    # Unavoidable wait: that nothing moves is only seen over time (3 steps' worth at 5/s).
    page.wait_for_timeout(600)
    assert page.locator("#scrubber").input_value() == paused_at
    assert int(paused_at) < 10


def test_play_runs_to_the_end_and_shows_the_summary(page: Page, live_server: str, artifacts: Path):
    engine = analyze(live_server, LECTURE, LECTURE_VALUES)
    open_app(page, LECTURE, LECTURE_VALUES)
    page.locator("#speed").select_option("60")
    page.locator("#btn-play").click()
    expect(page.locator("#step-label")).to_have_text("backward · step 5 of 5")
    expect(page.locator("#btn-play")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#phase-label")).to_have_attribute("data-phase", "done")
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    for name, grad in engine["gradients"].items():
        cells = summary.locator(f'tr[data-variable="{name}"] td')
        expect(cells.nth(0)).to_have_text(shown(grad))  # backprop
        expect(cells.nth(1)).to_have_text(shown(grad))  # the numeric check agrees to the digits shown
    page.screenshot(path=artifacts / "end-summary.png")


def test_fan_out_shows_each_contribution_and_the_running_sum(
        page: Page, live_server: str, artifacts: Path):
    values = {"x1": 2.0, "x2": 5.0}
    engine = analyze(live_server, FAN_OUT, values)
    x2 = next(n["id"] for n in engine["nodes"] if n["name"] == "x2")
    into_x2 = [s for s in engine["steps"] if s["kind"] == "edge" and s["source"] == x2]
    assert [s["contribution"] for s in into_x2] == [1, 2]
    first, second = (s["product"] for s in into_x2)

    open_app(page, FAN_OUT, values)
    blur(page)
    sums = {}  # contribution label -> running-sum text, as the panel showed them
    for k in range(1, len(engine["steps"]) + 1):
        step_to(page, k)
        sum_line = page.locator("#explain-lines .explain-sum")
        if not sum_line.count():
            continue
        label = sum_line.locator(".explain-label").text_content()
        sums[label] = sum_line.locator(".explain-text").text_content()
        if label == "all 2 contributions added":
            page.screenshot(path=artifacts / "fan-out-panel.png")
            expect(node(page, str(x2))).to_have_attribute("data-grad", repr(engine["gradients"]["x2"]))
    # Adding a negative contribution reads as a subtraction: 0.6532 − 0.1918. Only the last
    # line calls the sum ∂f/∂x2; before it, it is the sum so far.
    added = f"− {shown(second)[1:]}" if shown(second).startswith("\u2212") else f"+ {shown(second)}"
    assert sums == {
        "running sum": f"∂f/∂x2 so far = {shown(first)}",
        "all 2 contributions added": f"∂f/∂x2 = {shown(first)} {added} = {shown(engine['gradients']['x2'])}",
    }


def test_program_steps_use_the_names_the_program_gave(page: Page):
    open_app(page, "q = x + y; f = q * z", LECTURE_VALUES)
    blur(page)
    text = page.locator("#explain-lines .explain-text").first
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(text).to_have_text("q = x + y = \u22122 + 5 = 3")
    page.keyboard.press("End")
    expect(text).to_have_text("∂f/∂x = ∂f/∂q · ∂q/∂x = \u22124 · 1 = \u22124")
    lines = page.locator("#explain-lines .explain-line")
    expect(lines.filter(has_text="upstream")).to_contain_text("∂f/∂q = \u22124")
    expect(lines.filter(has_text="local")).to_contain_text("∂q/∂x = 1")


# Each gradient on an edge sits in a dashed box (the shape cue besides colour); the
# number must fit inside it, also on the current edge.
_GRAD_OVERFLOW = """() => [...document.querySelectorAll('#graph-labels .edge-labels .edge-grad.shown')]
  .map((label) => {
    const style = getComputedStyle(label);
    const id = label.closest('.edge-labels').dataset.edgeId;
    const edge = document.querySelector(`#graph .edge[data-edge-id="${id}"]`);
    return [label.textContent, edge.classList.contains('current'),
            style.borderTopStyle, label.scrollWidth - label.clientWidth];
  })
  .filter(([, , border, over]) => border !== 'dashed' || over > 0)"""


def test_gradient_boxes_hold_their_numbers(page: Page):
    open_app(page, FAN_OUT, {"x1": 2.0, "x2": 5.0})
    blur(page)
    problems = set()
    for k in range(1, int(page.locator("#scrubber").get_attribute("max")) + 1):
        step_to(page, k)
        problems |= {(text, current, border) for text, current, border, _ in page.evaluate(_GRAD_OVERFLOW)}
    assert not problems, f"(number, on the current edge, border) not boxed or wider than its box: {sorted(problems)}"


def test_space_on_a_focused_button_presses_that_button(page: Page):
    # Space is how keyboard users press a button; the play/pause shortcut must not take it.
    open_app(page, LECTURE, LECTURE_VALUES)
    page.locator("#help-open").focus()
    page.keyboard.press("Space")
    expect(page.locator("#help")).to_be_visible(timeout=2000)  # a press opens it at once
    expect(page.locator("#btn-play")).to_have_attribute("aria-pressed", "false")


def test_no_console_errors_and_no_request_leaves_loopback(page: Page, page_log: PageLog):
    # A tour of the page: load, step, play, hover, theme, help, export, another example.
    open_app(page)
    blur(page)
    page.keyboard.press("ArrowRight")
    page.locator("#speed").select_option("600")
    page.locator("#btn-play").click()
    expect(page.locator("#phase-label")).to_have_attribute("data-phase", "done")
    page.locator("#graph .node.kind-op").first.hover()
    expect(page.locator("#node-info")).to_be_visible()
    page.locator("#theme").click()
    page.locator("#help-open").click()
    page.locator("#help-close").click()
    with page.expect_download():
        page.locator("#export-svg").click()
    page.locator("#examples").select_option(index=2)
    expect(page.locator("#step-label")).to_have_text(re.compile(r"^start · \d+ steps$"))

    assert page_log.console_of("error", "warning") == []
    assert page_log.errors == []
    paths = {urlsplit(url).path for url in page_log.requests}
    assert {"/", "/api/operators", "/api/examples", "/api/graph"} <= paths
    hosts = {urlsplit(url).hostname for url in page_log.requests
             if urlsplit(url).scheme in ("http", "https")}
    assert hosts == {LOOPBACK}
    # blob: URLs are the export's own download; nothing else may appear.
    assert {urlsplit(url).scheme for url in page_log.requests} <= {"http", "blob"}
