"""Print and "Save as PDF": the print view holds one page per step, each with the graph as
that step leaves it and the step's explanation; printed, one step a page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import blur, open_app

CASES = [("(x+y)*z", {"x": -2.0, "y": 5.0, "z": -4.0}), ("x*x*x*x", {"x": 0.5})]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


@pytest.mark.parametrize(("source", "values"), CASES, ids=["lecture", "x*x*x*x"])
def test_the_print_view_is_one_step_a_page(page: Page, artifacts: Path, source: str, values: dict):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, source, values)
    steps = int(page.locator("#scrubber").get_attribute("max"))
    # Each step's explanation as the player shows it, to compare with its page.
    blur(page)
    words, where = [], []
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
        words.append(page.locator("#explain-lines").inner_text())
        where.append(page.locator("#step-label").text_content())
    page.locator("#mode").select_option("print")
    pages = page.locator("#print-view .print-step")
    expect(pages).to_have_count(steps)
    page.wait_for_function("""() => [...document.querySelectorAll('#print-view img')]
        .every((img) => img.complete && img.naturalWidth > 0)""")
    for k, section in enumerate(pages.all()):
        assert section.locator(".explain-lines").inner_text() == words[k], k
        expect(section.locator(".print-head")).to_have_text(re.compile(rf" · {re.escape(where[k])}$"))
    expect(pages.last.locator(".summary")).to_be_visible()  # the gradient check closes the handout
    name = "lecture" if source.startswith("(") else "fourth"
    page.screenshot(path=artifacts / f"print-view-{name}-1280x800.png")

    page.emulate_media(media="print")
    breaks = page.evaluate("""() => [...document.querySelectorAll('.print-step')]
        .map((s) => getComputedStyle(s).breakAfter)""")
    assert breaks == ["page"] * (steps - 1) + ["auto"], breaks
    for chrome in (".topbar", ".layout", "#timeline", ".print-bar"):
        expect(page.locator(chrome)).to_be_hidden()
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (artifacts / f"print-{name}.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == steps


def test_the_print_button_opens_the_print_view_then_prints(page: Page):
    open_app(page, *CASES[0])
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.locator("#print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    expect(page.locator("body")).to_have_attribute("data-mode", "print")
    expect(page.locator("#print-view .print-step")).to_have_count(10)
    page.keyboard.press("Escape")
    expect(page.locator("#print-view")).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-mode", "step")


def test_printing_the_page_itself_prints_the_current_step(page: Page, artifacts: Path):
    open_app(page, *CASES[0], step=7)
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#graph")).to_be_visible()
    expect(page.locator("#explain-lines")).to_be_visible()
    # What is printed, seen from a listener after the page's own: the step as a print page.
    page.evaluate("""() => addEventListener('beforeprint', () => {
        document.documentElement.dataset.printed = [...document.querySelectorAll('#print-view .print-step')]
            .map((s) => s.querySelector('.print-head').textContent + ' | ' + s.querySelector('.explain-text').textContent)
            .join(' ;; ');
    })""")
    pdf = page.pdf(format="A4", landscape=True)
    (artifacts / "print-current-step.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    assert page.evaluate("document.documentElement.dataset.printed") == (
        "(x+y)*z · x = \u22122, y = 5, z = \u22124 · backward · step 2 of 5 | ∂f/∂z = ∂f/∂f · (x+y) = 1 · 3 = 3")
    expect(page.locator("#print-view")).to_be_hidden()  # afterprint: the page as it was
    expect(page.locator("#scrubber")).to_have_value("7")
