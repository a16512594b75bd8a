"""The page fits the room it is shown in: numbers big enough to read from the back of a
lecture hall, every control inside a phone's or tablet's window, a long program that
opens readable, labels that never cover each other, and a keyboard (or a presenter's
clicker) that drives it all. Screenshots of the lecture examples at each size are
written to tests/artifacts/."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import PageLog, blur, comes_into_view, open_app, step_to

LECTURE = ("(x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0})
LOG_SIN = ("log(x1 * x2) * sin(x2)", {"x1": 2.0, "x2": 5.0})
CHAIN = "\n".join(["a1 = x*y + 1"] + [f"a{k} = tanh(a{k - 1})*w{k} + a{k - 1}" for k in range(2, 31)])
TIMELINE = ["#btn-start", "#btn-back", "#btn-play", "#btn-forward", "#btn-end", "#phase-label",
            "#scrubber", "#step-label", "#speed"]

# The size a label's text is drawn at, in screen pixels: its font size times the drawing's zoom.
_LABEL_PX = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const size = parseFloat(getComputedStyle(el).fontSize);
  const zoom = el.getBoundingClientRect().height / (el.offsetHeight || el.getBBox?.().height || 1);
  return size * zoom;
})"""


def number_px(page: Page) -> float:
    sizes = page.evaluate(_LABEL_PX, "#graph-labels .edge-value.shown, #graph-labels .edge-grad.shown")
    assert sizes, "no numbers shown"
    return min(sizes)


def node_text_px(page: Page) -> float:
    return min(page.evaluate("""() => [...document.querySelectorAll('#graph .node-label')].map((t) =>
        parseFloat(getComputedStyle(t).fontSize) * t.getBoundingClientRect().height / t.getBBox().height)"""))


@pytest.mark.parametrize(("width", "height", "least"), [(1280, 800, 14.0), (1920, 1080, 18.0)])
@pytest.mark.parametrize("example", [LECTURE, LOG_SIN], ids=["lecture", "log-sin"])
def test_the_lecture_examples_numbers_are_big_enough(page: Page, artifacts: Path, width: int,
                                                     height: int, least: float, example):
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, *example, step="end")
    size = number_px(page)
    name = "lecture" if example is LECTURE else "log-sin"
    page.screenshot(path=artifacts / f"{name}-{width}x{height}.png")
    assert size >= least, f"{name} at {width}×{height}: numbers at {size:.1f} px"


def test_1024x768_shows_the_graph_and_the_explanation_without_scrolling(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1024, "height": 768})
    for name, example in (("lecture", LECTURE), ("log-sin", LOG_SIN)):
        open_app(page, *example, step=8)
        page.screenshot(path=artifacts / f"{name}-1024x768.png")
        assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1"), "the page scrolls"
        timeline = page.locator("#timeline").bounding_box()
        for selector in (".graph-stage", "#explain-lines"):
            box = page.locator(selector).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= timeline["y"] + 1, (selector, box, timeline)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1024 + 1, (selector, box)
        expect(page.locator("#explain-lines .explain-text").first).to_be_in_viewport()


def _inside_window(page: Page, selector: str) -> bool:
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5
            || r.bottom > innerHeight + 0.5) return false;
        // drawn, not cut off by its container: the point at its centre is the control
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit === el || el.contains(hit) || hit?.closest('label')?.contains(el);
    }""", selector)


def _graph_visible_px(page: Page) -> float:
    return page.evaluate("""() => {
        const g = document.querySelector('.graph-stage').getBoundingClientRect();
        const t = document.querySelector('#timeline').getBoundingClientRect();
        return Math.max(0, Math.min(g.bottom, t.top, innerHeight) - Math.max(g.top, 0));
    }""")


@pytest.mark.parametrize(("width", "height", "scale"), [
    (390, 844, 1), (768, 1024, 1), (640, 400, 2)], ids=["phone", "tablet", "1280x800-at-200%"])
def test_every_timeline_control_is_inside_the_window(
        new_context: Callable[..., BrowserContext], page_log: PageLog, artifacts: Path,
        width: int, height: int, scale: int):
    context = new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                          has_touch=width < 800)
    page_log.watch(context)
    page = context.new_page()
    open_app(page, *LOG_SIN, step=9)
    page.screenshot(path=artifacts / f"log-sin-{width}x{height}@{scale}x.png")
    outside = [selector for selector in TIMELINE if not _inside_window(page, selector)]
    assert outside == [], f"{width}×{height}: {outside} outside the window"
    assert _graph_visible_px(page) >= 100, "the graph is not on screen"
    assert _nodes_on_screen(page) >= 2, "no node of the graph is on screen"


def _nodes_on_screen(page: Page) -> int:
    """Nodes drawn inside the visible part of the graph's stage."""
    return page.evaluate("""() => {
        const g = document.querySelector('.graph-stage').getBoundingClientRect();
        const t = document.querySelector('#timeline').getBoundingClientRect();
        const top = Math.max(g.top, 0), bottom = Math.min(g.bottom, t.top, innerHeight);
        return [...document.querySelectorAll('#graph .node .shape')].filter((n) => {
            const r = n.getBoundingClientRect();
            return r.left >= g.left && r.right <= g.right && r.top >= top && r.bottom <= bottom;
        }).length;
    }""")


def test_the_phone_screenshots(new_context: Callable[..., BrowserContext], page_log: PageLog, artifacts: Path):
    context = new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True)
    page_log.watch(context)
    page = context.new_page()
    for name, example in (("lecture", LECTURE), ("log-sin", LOG_SIN)):
        open_app(page, *example, step=8)
        page.screenshot(path=artifacts / f"{name}-phone.png")
        assert _graph_visible_px(page) >= 200


@pytest.mark.parametrize("source", ["x * y", "x"])
def test_fit_scales_a_small_graph_up_to_a_readable_maximum(page: Page, source: str):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, source, {"x": 2.0, "y": 3.0}, step="end")
    page.locator("#fit").click()
    size = number_px(page)
    assert 15.0 * 1.2 <= size <= 15.0 * 1.6 + 0.5, size  # larger than drawn, within the maximum
    page.locator("#zoom-out").click()
    assert number_px(page) < size


def test_side_panels_collapse_to_give_the_graph_room(page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, *LOG_SIN, step="end")
    stage = page.locator(".graph-stage")
    before = stage.bounding_box()
    small = number_px(page)
    page.locator("#toggle-editor").click()
    expect(page.locator(".editor-panel")).to_have_attribute("data-collapsed", "true")
    wider = stage.bounding_box()
    assert wider["width"] > before["width"] + 150
    page.locator("#toggle-explain").click()
    taller = stage.bounding_box()
    assert taller["height"] > wider["height"] + 100
    page.locator("#fit").click()
    assert number_px(page) > small
    page.locator("#toggle-editor").click()
    page.locator("#toggle-explain").click()
    assert stage.bounding_box() == before


def test_a_plus_scales_the_drawings_text_and_the_layout_makes_room(page: Page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_app(page, *LOG_SIN, step="end")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#graph-labels .edge-value')).fontSize)")
    width = page.evaluate("document.querySelector('#graph').dataset.layoutWidth")
    page.locator("#text-bigger").click()
    expect(page.locator("#graph")).not_to_have_attribute("data-layout-width", width)
    bigger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#graph-labels .edge-value')).fontSize)")
    assert bigger > font * 1.1
    assert float(page.locator("#graph").get_attribute("data-layout-width")) > float(width)
    assert overlaps(page) == []
    expect(page.locator("#scrubber")).to_have_value(page.locator("#scrubber").get_attribute("max"))  # kept the step
    page.locator("#text-smaller").click()
    page.locator("#text-smaller").click()
    # the new size comes with its layout, from the engine
    page.wait_for_function("""(font) => parseFloat(getComputedStyle(
        document.querySelector('#graph-labels .edge-value')).fontSize) < font""", arg=font)


def test_a_30_statement_chain_opens_readable_and_the_view_follows(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, CHAIN)
    assert node_text_px(page) >= 12.0, "the chain opened as a sliver"
    overview = page.locator("#overview")
    expect(overview).to_be_visible()
    page.screenshot(path=artifacts / "chain-open.png")
    stage = page.locator(".graph-stage").bounding_box()
    blur(page)
    steps = int(page.locator("#scrubber").get_attribute("max"))
    for k in [*range(1, 40), steps // 2, steps - 1]:
        if k < 40:
            step_to(page, k)
        else:
            page.locator("#scrubber").fill(str(k))
        current = page.locator("#graph .node.current, #graph .node.current-source").first
        assert comes_into_view(page, current, stage), f"step {k}: what it is about is out of view"
    page.screenshot(path=artifacts / "chain-stepping.png")
    assert node_text_px(page) >= 12.0


# Every label shown on the drawing and every node, as screen rectangles; pairs that overlap.
_OVERLAPS = """() => {
  const rect = (el) => el.getBoundingClientRect();
  const labels = [...document.querySelectorAll('#graph-labels .label.shown')].map((el) => [el.textContent, rect(el)]);
  const nodes = [...document.querySelectorAll('#graph .node .shape')].map((el) =>
      [el.closest('.node').querySelector('.node-label').textContent, rect(el)]);
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const out = [];
  labels.forEach(([ta, a], i) => {
    labels.slice(i + 1).forEach(([tb, b]) => { if (meet(a, b)) out.push([ta, tb]); });
    nodes.forEach(([tb, b]) => { if (meet(a, b)) out.push([ta, `node ${tb}`]); });
  });
  return out;
}"""


def overlaps(page: Page) -> list:
    return page.evaluate(_OVERLAPS)


def random_program(seed: int, statements: int = 7) -> str:
    """A program where names fan out: each statement reuses earlier names."""
    rng = random.Random(seed)
    names = ["x", "y", "z"]
    lines = []
    for k in range(statements):
        a, b = rng.choice(names), rng.choice(names)
        form = rng.choice(["{a}*{b}", "{a} + {b}", "sin({a})*{b}", "tanh({a} - {b})", "{a}*{a} + {b}",
                           "exp(-{a})*{b}"])
        lines.append(f"q{k} = " + form.format(a=a, b=b))
        names.append(f"q{k}")
    lines.append(" + ".join(names[-3:]))
    return "\n".join(lines)


def _sources(live_server: str) -> list[tuple[str, str, dict]]:
    examples = httpx.get(f"{live_server}/api/examples").json()["examples"]
    cases = [(e["id"], e["source"], e["values"]) for e in examples]
    cases.append(("x*x*x*x", "x*x*x*x", {"x": 0.5}))
    cases += [(f"random-{seed}", random_program(seed), {"x": 0.3, "y": -1.2, "z": 2.0}) for seed in range(5)]
    return cases


def test_labels_never_overlap_each_other_or_a_node(page: Page, live_server: str, artifacts: Path):
    page.set_viewport_size({"width": 1920, "height": 1080})
    found = {}
    for name, source, values in _sources(live_server):
        open_app(page, source, values)
        blur(page)
        steps = int(page.locator("#scrubber").get_attribute("max"))
        for k in sorted({steps, (steps * 3) // 4, (steps * 2) // 3}):
            page.locator("#scrubber").fill(str(k))
            expect(page.locator("#scrubber")).to_have_value(str(k))
            hits = overlaps(page)
            if hits:
                found[(name, k)] = hits
                page.screenshot(path=artifacts / f"overlap-{name}-{k}.png")
    assert found == {}


def test_after_choosing_an_example_the_keys_step_instead_of_changing_it(page: Page):
    open_app(page)
    menu = page.locator("#examples")
    menu.focus()
    menu.select_option("fan-out")
    expect(page.locator("#source")).to_have_value("(x + y) * (x - y)")
    expect(page.locator("#status")).to_have_text("")  # its graph is shown (it opens at its start)
    assert page.evaluate("document.activeElement.id") != "examples"
    page.keyboard.press("ArrowRight")
    expect(page.locator("#scrubber")).to_have_value("1")
    expect(page.locator("#source")).to_have_value("(x + y) * (x - y)")


def test_page_down_and_page_up_step(page: Page):
    open_app(page, *LECTURE)
    blur(page)
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    expect(page.locator("#scrubber")).to_have_value("2")
    page.keyboard.press("PageUp")
    expect(page.locator("#scrubber")).to_have_value("1")


def test_escape_closes_the_pinned_node_card_and_the_dialog(page: Page):
    open_app(page, *LECTURE, step="end")
    page.locator("#graph .node.kind-op").first.click()
    card = page.locator("#node-info")
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    page.locator("#help-open").click()
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()


def test_the_operators_dialog_opens_at_its_top(page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, *LECTURE)
    page.locator("#help-open").click()
    dialog = page.locator("#help")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('#help').scrollHeight > document.querySelector('#help').clientHeight"), \
        "the dialog is short enough to show whole; this test needs one that scrolls"
    assert page.evaluate("document.querySelector('#help').scrollTop") == 0
    expect(page.locator("#help-title")).to_be_in_viewport()


def test_the_phase_badge_keeps_its_width(page: Page):
    open_app(page, *LECTURE)
    blur(page)
    badge = page.locator("#phase-label")
    widths = {badge.bounding_box()["width"]}
    scrubber_x = {page.locator("#scrubber").bounding_box()["x"]}
    for k in (1, 6, 10):
        page.locator("#scrubber").fill(str(k))
        widths.add(badge.bounding_box()["width"])
        scrubber_x.add(page.locator("#scrubber").bounding_box()["x"])
    assert len(widths) == 1 and len(scrubber_x) == 1, (widths, scrubber_x)


def test_an_edit_that_leaves_the_graph_unchanged_keeps_the_step(page: Page):
    open_app(page, *LECTURE, step=7)
    view = page.locator("#graph").get_attribute("viewBox")
    page.locator("#source").press("End")
    with page.expect_response("**/api/graph"):
        page.locator("#source").type(" ")
    page.wait_for_timeout(100)  # the answer is applied right after it arrives
    expect(page.locator("#scrubber")).to_have_value("7")
    assert page.locator("#graph").get_attribute("viewBox") == view


def test_the_svg_export_is_sized_to_the_drawing(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_app(page, *LECTURE, step="end")
    with page.expect_download() as download:
        page.locator("#export-svg").click()
    path = artifacts / "lecture-export.svg"
    download.value.save_as(path)
    root = ET.parse(path).getroot()
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (float(root.get("width")), float(root.get("height"))) == (w, h)
    assert "width" not in (root.get("style") or ""), root.get("style")
    layout_width = float(page.locator("#graph").get_attribute("data-layout-width"))
    assert layout_width < w < layout_width + 400  # the drawing and its margins, not the window
    assert w < 1000 < 1920


def test_a_link_taken_after_training_restores_the_trained_state(
        page: Page, page_log: PageLog, new_context: Callable[..., BrowserContext]):
    open_app(page)
    page.locator("#examples").select_option("xor-mlp")
    expect(page.locator("#training")).to_be_visible()
    page.locator("#train-steps").fill("300")
    page.locator("#train-lr").fill("1.5")
    page.locator("#train-lr").dispatch_event("change")
    page.locator("#train-seed").fill("3")
    page.locator("#train-seed").dispatch_event("change")
    page.locator("#train-batch").fill("2")
    page.locator("#train-run").click()
    expect(page.locator("#train-status")).to_have_text(re.compile(r"^300 steps: loss "))
    page.locator("#train-scrubber").fill("10")
    step_label = page.locator("#train-step-label").text_content()
    page.locator("#train-replay").click()
    # the replay plays once its analysis has arrived; then pause it
    expect(page.locator("#btn-play")).to_have_attribute("aria-pressed", "true")
    page.locator("#btn-play").click()
    blur(page)
    page.locator("#scrubber").fill("12")
    expect(page.locator("#scrubber")).to_have_value("12")
    page.wait_for_timeout(300)  # the address is written once things settle
    state = _state(page)

    other_context = new_context()
    page_log.watch(other_context)
    other = other_context.new_page()
    other.goto(page.url)
    expect(other.locator("body")).to_have_attribute("data-ready", "true")
    expect(other.locator("#train-step-label")).to_have_text(step_label)
    expect(other.locator("#scrubber")).to_have_value("12")
    assert _state(other) == state


def _state(page: Page) -> dict:
    return page.evaluate("""() => ({
        source: document.querySelector('#source').value,
        fields: ['#train-steps', '#train-lr', '#train-seed', '#train-batch'].map((s) => document.querySelector(s).value),
        status: document.querySelector('#train-status').textContent,
        params: [...document.querySelectorAll('#graph .node.kind-param')].map((n) => n.getAttribute('data-value')),
        lines: [...document.querySelectorAll('#explain-lines .explain-line')].map((l) => l.textContent),
    })""")
