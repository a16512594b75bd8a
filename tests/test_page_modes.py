"""Every classroom mode at the sizes a class sees it (1280×800, 1920×1080, a phone at 390×844):
its view on screen, inside the window, with no page error; screenshots in tests/artifacts/
to look at. The modes' own tests check what they say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser import PageLog

LECTURE = ("(x+y)*z", {"x": -2, "y": 5, "z": -4})
LOG_SIN = ("log(x1*x2)*sin(x2)", {"x1": 2, "x2": 3})
SIZES = [(1280, 800), (1920, 1080), (390, 844)]
# mode -> (example, extra query, keys pressed once open, the element that is the mode's view)
MODES = {
    "present": (LECTURE, {"step": "7"}, [], "#explain-lines"),
    "predict": (LECTURE, {}, ["ArrowRight"] * 4, 'input[name="prediction"]'),
    "paths": (LOG_SIN, {"paths": "x2"}, [], "#paths .path"),
    "nudge": (LOG_SIN, {"nudge": "x2", "eps": "0.5"}, [], ".nudge-chart"),
    "forward": (LOG_SIN, {}, ["ArrowRight"] * 4, ".counts-forward"),
    "print": (LECTURE, {}, [], "#print-view .print-step"),
}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("mode", list(MODES))
def test_each_mode_at_each_size(new_context: Callable[..., BrowserContext], page_log: PageLog,
                                artifacts: Path, mode: str, width: int, height: int):
    context = new_context(viewport={"width": width, "height": height}, has_touch=width < 800)
    page_log.watch(context)
    page = context.new_page()
    (source, values), extra, keys, view = MODES[mode]
    query = [("src", source), *((f"v.{k}", str(v)) for k, v in values.items()), ("mode", mode), *extra.items()]
    page.goto("/?" + urlencode(query))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("body")).to_have_attribute("data-mode", mode)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for key in keys:
        page.keyboard.press(key)
    expect(page.locator(view).first).to_be_visible()
    page.wait_for_timeout(150)  # a fit after the panels moved
    page.screenshot(path=artifacts / f"mode-{mode}-{width}x{height}.png")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth + 1"), "wider than the window"
    if mode != "print":
        assert page.evaluate("""() => [...document.querySelectorAll('#graph .node .shape')].some((n) => {
            const r = n.getBoundingClientRect(); return r.width > 0 && r.right > 0 && r.left < innerWidth; })"""), \
            "no node of the graph on screen"
