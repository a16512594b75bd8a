"""Present mode in a real browser: at 1920×1080 the graph fills the window and the lecture
examples' numbers are large enough for the back of a room, the step's explanation is a
large caption, every panel is hidden, a clicker's keys step, F enters, Esc leaves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser import blur

LECTURE = ("(x + y) * z", {"x": -2, "y": 5, "z": -4})
LOG_SIN = ("log(x1 * x2) * sin(x2)", {"x1": 2, "x2": 5})

_MEASURE = """() => {
  const labels = [...document.querySelectorAll('#graph-labels .edge-value.shown, #graph-labels .edge-grad.shown')];
  const px = labels.map((el) => parseFloat(getComputedStyle(el).fontSize) * el.getBoundingClientRect().height / el.offsetHeight);
  const drawn = [...document.querySelectorAll('#graph .node .shape, #graph-labels .label.shown, #graph .output-name')]
    .map((el) => el.getBoundingClientRect());
  const left = Math.min(...drawn.map((r) => r.left));
  const right = Math.max(...drawn.map((r) => r.right));
  const line = document.querySelector('#explain-lines .explain-line');
  return {
    numbers: Math.min(...px), stage: document.querySelector('.graph-stage').getBoundingClientRect().width,
    drawing: right - left, caption: parseFloat(getComputedStyle(line).fontSize),
    currentStroke: parseFloat(getComputedStyle(document.querySelector('#graph .node.current-source .shape, #graph .node.current .shape')).strokeWidth),
  };
}"""


def present_url(source: str, values: dict, **extra) -> str:
    query = [("src", source), *((f"v.{k}", str(v)) for k, v in values.items()), *extra.items()]
    return "/?" + urlencode(query)


@pytest.mark.parametrize("example", [LECTURE, LOG_SIN], ids=["lecture", "log-sin"])
def test_present_mode_fills_a_1920x1080_screen(page: Page, artifacts: Path, example):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(present_url(*example, mode="present", step="end"))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    for hidden in (".topbar", "#editor-panel", ".graph-tools", "#timeline", "#summary"):
        expect(page.locator(hidden)).to_be_hidden()
    page.wait_for_timeout(200)  # the graph is fitted again once the panels' room is its
    sizes = page.evaluate(_MEASURE)
    name = "lecture" if example is LECTURE else "log-sin"
    page.screenshot(path=artifacts / f"present-{name}-1920x1080.png")
    assert sizes["stage"] >= 0.85 * 1920, sizes
    assert sizes["drawing"] >= 0.85 * 1920, sizes
    assert sizes["numbers"] >= 28, sizes
    assert sizes["caption"] >= 36, sizes
    assert sizes["currentStroke"] >= 6, sizes  # the current node, from the back of the room


def test_the_page_is_not_present_mode_and_its_numbers_are_smaller(page: Page):
    # The same measure on the page as it is, so that the test above can fail.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(present_url(*LECTURE, step="end"))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    sizes = page.evaluate(_MEASURE)
    assert sizes["drawing"] < 0.85 * 1920 and sizes["numbers"] < 28, sizes


def test_f_presents_a_clicker_steps_and_esc_leaves(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(present_url(*LECTURE))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    blur(page)
    page.keyboard.press("f")
    expect(page.locator("body")).to_have_attribute("data-mode", "present")
    expect(page).to_have_url(re.compile(r"[?&]mode=present\b"))
    progress = page.locator("#present-progress")
    for key, k in (("PageDown", 1), ("PageDown", 2), ("ArrowRight", 3), ("PageUp", 2), ("ArrowLeft", 1)):
        page.keyboard.press(key)
        expect(page.locator("#scrubber")).to_have_value(str(k))
    expect(progress).to_have_text("forward · step 1 of 5")
    expect(page.locator("#explain-lines .explain-text").first).to_have_text("x = \u22122")
    page.keyboard.press("Space")  # plays
    expect(page.locator("#btn-play")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    page.keyboard.press("End")
    expect(progress).to_have_text("backward · step 5 of 5")
    page.screenshot(path=artifacts / "present-lecture-end-1920x1080.png")
    page.keyboard.press("Escape")
    expect(page.locator("body")).to_have_attribute("data-mode", "step")
    expect(page.locator(".topbar")).to_be_visible()
    expect(page.locator("#timeline")).to_be_visible()
    # and the button and the ✕ do the same
    page.locator("#present").click()
    expect(page.locator("body")).to_have_attribute("data-mode", "present")
    page.locator("#present-exit").click()
    expect(page.locator("body")).to_have_attribute("data-mode", "step")
