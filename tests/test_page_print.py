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
    # Every step printed, so no note says otherwise; the header is the whole source.
    expect(page.locator("#print-view .print-progress")).to_have_text(f"{steps} pages, one step each")
    expect(page.locator("#print-view .print-note")).to_have_count(0)
    assert pages.first.locator(".print-head").text_content().startswith(f"{source} · ")
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
    # (a function: Playwright calls what the expression gives, so a bare assignment would print)
    page.evaluate("() => { window.print = () => { document.body.dataset.printed = 'yes'; }; }")
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


# --- a big graph: fewer pages, made a few at a time, and said so --------------------------------

NODE_BUDGET = 10_000  # static/js/printplan.js: nodes drawn over all the pages of a print view
# A chain of 4 nodes a statement: a few hundred nodes, more steps than fit the budget.
BIG = "\n".join(["a0 = x * y"] + [f"a{i} = a{i - 1} * 0.{i % 9 + 1} + 0.5" for i in range(1, 100)])

# From the first animation frame on: what the bar said in each frame painted until the pages
# were ready, and whether window.print() was called.
WATCH_FRAMES_JS = """() => {
    window.__said = [];
    window.print = () => { document.body.dataset.printed = 'yes'; };
    const frame = () => {
        const words = document.querySelector('#print-view .print-progress')?.textContent;
        if (words && words !== window.__said.at(-1)) window.__said.push(words);
        if (!document.body.dataset.printed) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""


def test_a_big_graph_prints_the_steps_its_size_allows_and_says_so(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, BIG, {"x": 1.0, "y": 0.5})
    steps = int(page.locator("#scrubber").get_attribute("max"))
    nodes = page.locator("#graph .node").count()
    printed = NODE_BUDGET // nodes
    assert 300 < nodes < 500 and printed < steps, (nodes, steps)  # drawn as SVG, limited by size
    page.evaluate(WATCH_FRAMES_JS)
    page.locator("#print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes", timeout=60_000)
    pages = page.locator("#print-view .print-step")
    expect(pages).to_have_count(printed)
    # The pages were made a few at a time, the browser painting how far it was between them.
    said = page.evaluate("window.__said")
    assert f"Preparing page 1 of {printed}…" in said[0] and len(said) > 2, said
    assert said[-1] == f"{printed} pages, one step each (steps 1–{printed} of {steps:,})", said
    # The first page says which steps are printed and why; no other page does.
    note = page.locator("#print-view .print-note")
    expect(note).to_have_count(1)
    expect(pages.first.locator(".print-note")).to_have_text(
        f"The first {printed} of {steps:,} steps are printed: each page draws the whole graph ({nodes} nodes), "
        f"and a print view draws at most {NODE_BUDGET:,} nodes in all, to stay quick to make and small as a PDF. "
        "To print another step, show it in the step view and use the browser's Print (Ctrl+P).")
    # Each header: the source's first statements, then how much of it is left out.
    source_line = BIG.replace("\n", "; ")
    head = pages.first.locator(".print-head").text_content()
    shown, left_out = re.match(r"(.*) … \(([\d,]+) more characters\) · x = 1, y = 0\.5 · forward · ", head).groups()
    assert source_line.startswith(shown) and len(shown) <= 160, shown
    assert int(left_out.replace(",", "")) == len(source_line) - len(shown), (left_out, len(source_line))
    page.screenshot(path=artifacts / "print-view-big-1280x800.png")
    # On paper too: the note on the first page, one step a page.
    page.emulate_media(media="print")
    expect(note).to_be_visible()
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (artifacts / "print-big.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == printed


def test_leaving_the_print_view_while_it_is_made_stops_it_and_prints_nothing(page: Page):
    open_app(page, BIG, {"x": 1.0, "y": 0.5}, step=3)
    page.evaluate(WATCH_FRAMES_JS)
    page.locator("#print").click()
    expect(page.locator("#print-view .print-progress")).to_contain_text("Preparing page")
    # Printed before the pages are made: what the bar says, not a handout missing its end.
    page.emulate_media(media="print")
    expect(page.locator("#print-view .print-progress")).to_be_visible()
    expect(page.locator("#print-view .print-step").first).to_be_hidden()
    expect(page.locator("#print-view button").first).to_be_hidden()
    page.emulate_media(media="screen")
    page.keyboard.press("Escape")  # the page answers while the pages are made
    expect(page.locator("body")).to_have_attribute("data-mode", "step")
    expect(page.locator("#print-view")).to_be_hidden()
    page.wait_for_timeout(1500)
    assert page.evaluate("document.body.dataset.printed") is None
    assert page.locator("#print-view .print-step").count() == 0
    expect(page.locator("#scrubber")).to_have_value("3")
    expect(page.locator("#step-label")).to_have_text(re.compile(r"step 3 of "))
