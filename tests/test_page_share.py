"""Taking a view away from the page, in a real browser: the URL that restores it,
the SVG and PNG downloads, the dark theme, zoom, and the node card on hover."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import PageLog, blur, node, node_ids_by_label, open_app, snapshot

LECTURE = "(x+y)*z"
LECTURE_VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}
SVG = "{http://www.w3.org/2000/svg}"


def inputs(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#variables input[data-variable]')].map((i) => [i.dataset.variable, i.value]))""")


def test_shared_url_restores_the_same_view(
        page: Page, page_log: PageLog, new_context: Callable[..., BrowserContext]):
    open_app(page, LECTURE, LECTURE_VALUES)
    page.locator('#variables input[data-variable="x"]').fill("3")
    blur(page)
    for _ in range(7):  # into the backward pass
        page.keyboard.press("ArrowRight")
    expect(page.locator("#step-label")).to_have_text("backward · step 2 of 5")
    add = node(page, node_ids_by_label(page)["+"])
    expect(add).to_have_attribute("data-value", "8")  # the new x reached the engine: 3 + 5
    url = page.url
    assert "step=7" in url and "v.x=3" in url
    shown = snapshot(page)

    # Someone else opens the link: a fresh context, nothing shared but the URL.
    other_context = new_context()
    page_log.watch(other_context)
    other = other_context.new_page()
    other.goto(url)
    expect(other.locator("body")).to_have_attribute("data-ready", "true")
    assert snapshot(other) == shown
    expect(other.locator("#source")).to_have_value(LECTURE)
    assert inputs(other) == inputs(page) == {"x": "3", "y": "5", "z": "-4"}


def test_a_shared_link_asks_for_its_graph_once_before_the_page_asks_for_anything(page: Page):
    # prefetch.js asks as the page starts (main.js asks for the operators first), and the
    # page's own first analysis takes that answer: one request, drawn as asked.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]) if "/api/" in r.url else None)
    open_app(page, "q = x + y\r\nf = q * z", LECTURE_VALUES, step="end")
    assert asked[0] == "graph"
    assert asked.count("graph") == 1
    expect(page.locator("#graph .node")).to_have_count(5)
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("#source")).to_have_value("q = x + y\nf = q * z")


# Links the server reads as the page will ask (app/sharelink.py), each analysed nowhere else
# before: the page's one request takes the analysis begun as the page was served.
BEGUN_LINKS = {
    "program": [("src", "q = x + y\r\nf = q * z * 1.25"), ("v.x", "-2"), ("v.y", "5"), ("v.z", "-4"),
                ("step", "end")],
    "tensors": [("src", "sum(relu(W @ x) * 0.75)"), ("v.W", "[[1, -2], [0.5, 3]]"), ("v.x", "[2, 1]")],
    "embedded": [("src", "log(x1 * x2) * sin(x2) * 1.5"), ("v.x1", "2"), ("v.x2", "5"), ("embed", "1"),
                 ("theme", "dark"), ("text", "1")],
}


@pytest.mark.parametrize("link", BEGUN_LINKS, ids=str)
def test_a_shared_links_analysis_begins_as_the_page_is_served(page: Page, link: str):
    page.goto("/?" + urlencode(BEGUN_LINKS[link]))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    answers = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter((e) => e.name.endsWith('/api/graph')).map((e) => e.serverTiming.map((t) => t.description))""")
    assert answers == [["begun"]]
    expect(page.locator("#graph .node").first).to_be_attached()


def test_url_at_the_end_opens_the_summary(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    expect(page.locator("#step-label")).to_have_text("backward · step 5 of 5")
    expect(page.locator("#summary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]step=end\b"))


def test_svg_export_is_valid_svg_with_the_labels_and_numbers(page: Page, artifacts: Path):
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    on_page = {text.strip() for text in page.locator("#graph text").all_text_contents()} - {""}
    with page.expect_download() as download_info:
        page.locator("#export-svg").click()
    download = download_info.value
    assert download.suggested_filename == "compgraph.svg"
    path = artifacts / "compgraph.svg"
    download.save_as(path)

    root = ET.parse(path).getroot()  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    exported = {"".join(text.itertext()).strip() for text in root.iter(f"{SVG}text")}
    # Node labels, forward values, gradients (U+2212 minus) and the output's name.
    assert {"x", "y", "z", "+", "×", "−2", "5", "3", "−4", "−12", "∂ −4", "∂ 3", "f"} <= exported
    assert on_page <= exported, on_page - exported


def test_png_export_is_a_png(page: Page, artifacts: Path):
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    with page.expect_download() as download_info:
        page.locator("#export-png").click()
    download = download_info.value
    assert download.suggested_filename == "compgraph.png"
    path = artifacts / "compgraph.png"
    download.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 400 and height >= 150, (width, height)  # drawn at twice the graph's size


def test_dark_theme_toggles_and_is_remembered(page: Page, artifacts: Path):
    open_app(page, LECTURE, LECTURE_VALUES, step=8)
    html = page.locator("html")
    theme = page.locator("#theme")
    theme.click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(theme).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(html).to_have_attribute("data-theme", "dark")
    page.screenshot(path=artifacts / "dark-backward-midway.png")
    theme.click()
    expect(html).to_have_attribute("data-theme", "light")


def test_zoom_buttons_and_fit(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES)
    graph = page.locator("#graph")

    def view_width() -> float:
        return float(graph.get_attribute("viewBox").split()[2])

    fitted = view_width()
    page.locator("#zoom-in").click()
    assert view_width() < fitted
    page.locator("#fit").click()
    assert view_width() == fitted
    page.locator("#zoom-out").click()
    assert view_width() > fitted


def test_hovering_a_node_shows_its_card_and_marks_its_source(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    add = node(page, node_ids_by_label(page)["+"])
    card = page.locator("#node-info")
    add.hover()
    expect(card).to_be_visible()
    expect(card).to_contain_text("x + y")
    expect(card.locator(".info-row", has_text="value")).to_contain_text("3")
    expect(card.locator(".info-row", has_text="gradient")).to_contain_text("\u22124")
    expect(card).to_contain_text("∂/∂x")  # the local derivative formulas
    expect(page.locator("#source-mirror mark.mark-hover")).to_have_text("x+y")

    page.locator("#explain-title").hover()
    expect(card).to_be_hidden()
    expect(page.locator("#source-mirror mark.mark-hover")).to_have_count(0)

    add.click()  # a click pins the card, so it stays while the pointer leaves
    page.locator("#explain-title").hover()
    expect(card).to_be_visible()
