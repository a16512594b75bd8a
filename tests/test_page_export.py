"""Taking the walk-through away: `compgraph export` and the page's HTML button make one file
that, opened from file:// in a browser where every request outside it fails, plays the whole
walk-through to its end with the engine's gradients."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import open_app

LECTURE = ("(x+y)*z", {"x": -2, "y": 5, "z": -4})
COMPGRAPH = Path(sys.executable).parent / "compgraph"


class Offline:
    """A browser context where every request fails (and is recorded) but the file's own."""

    def __init__(self, context: BrowserContext, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.refused: list[str] = []
        self.problems: list[str] = []
        context.route("**/*", self.handle)
        context.on("console", lambda m: self.problems.append(m.text) if m.type in ("error", "warning") else None)
        context.on("weberror", lambda e: self.problems.append(str(e.error)))
        self.page = context.new_page()

    def handle(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def open(self) -> Page:
        self.page.goto(self.url)
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")
        return self.page


def play_to_the_end(page: Page, steps: int) -> None:
    label = page.locator('[data-part="step-label"]')
    expect(label).to_have_text(f"start · {steps} steps")
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    expect(page.locator('[data-part="scrubber"]')).to_have_value(str(steps))


def input_grads(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.node.kind-input')]
        .map((n) => [n.querySelector('.node-label').textContent, n.dataset.grad]))""")


@pytest.fixture
def offline(new_context: Callable[..., BrowserContext]) -> Callable[[Path], Offline]:
    return lambda path: Offline(new_context(viewport={"width": 1280, "height": 800}), path)


def test_the_exported_file_plays_offline_to_the_end(offline, artifacts: Path, live_server: str):
    path = artifacts / "walkthrough-lecture.html"
    source, values = LECTURE
    done = subprocess.run([str(COMPGRAPH), "export", source, *(f"{k}={v}" for k, v in values.items()),
                           "-o", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    answer = httpx.post(f"{live_server}/api/graph", json={"source": source, "values": values}).json()

    browser = offline(path)
    page = browser.open()
    expect(page.locator(".walkthrough-title")).to_have_text("(x+y)*z · x = \u22122, y = 5, z = \u22124")
    play_to_the_end(page, len(answer["steps"]))
    assert input_grads(page) == {name: str(int(answer["gradients"][name])) for name in ("x", "y", "z")}
    expect(page.locator('[data-part="explain-lines"] .explain-text').first).to_have_text(
        "∂f/∂x = ∂f/∂(x+y) · ∂(x+y)/∂x = \u22124 · 1 = \u22124")
    expect(page.locator('[data-part="summary"]')).to_be_visible()
    expect(page.locator('[data-part="summary"] tr[data-variable="z"] .check-mark')).to_have_text("✓")
    page.screenshot(path=artifacts / "walkthrough-end-1280x800.png")
    page.keyboard.press("f")  # present mode, in the file too
    expect(page.locator("body")).to_have_attribute("data-mode", "present")
    expect(page.locator(".walkthrough-bar")).to_be_hidden()
    page.keyboard.press("Home")
    page.keyboard.press("PageDown")
    expect(page.locator(".present-progress")).to_have_text("forward · step 1 of 5")
    page.screenshot(path=artifacts / "walkthrough-present-1280x800.png")
    page.keyboard.press("Escape")
    expect(page.locator(".walkthrough-bar")).to_be_visible()
    assert browser.refused == [], browser.refused  # nothing was asked of anyone
    assert browser.problems == [], browser.problems


def test_the_pages_html_button_downloads_the_same_walk_through(page: Page, offline, artifacts: Path):
    open_app(page, "log(x1*x2)*sin(x2)", {"x1": 2.0, "x2": 3.0})
    with page.expect_download() as download:
        page.locator("#export-html").click()
    assert download.value.suggested_filename == "walkthrough.html"
    path = artifacts / "walkthrough-log-sin.html"
    download.value.save_as(path)
    expect(page.locator("#status")).to_have_text("Walk-through downloaded: it plays from the file, offline")

    browser = offline(path)
    other = browser.open()
    expect(other.locator(".walkthrough-title")).to_have_text("log(x1*x2)*sin(x2) · x1 = 2, x2 = 3")
    play_to_the_end(other, int(page.locator("#scrubber").get_attribute("max")))
    page.locator("#btn-end").click()
    assert input_grads(other) == input_grads(page)  # the page's own numbers, to the last digit
    assert browser.refused == [] and browser.problems == [], (browser.refused, browser.problems)


def test_export_refuses_bad_input_with_a_message(tmp_path: Path):
    done = subprocess.run([str(COMPGRAPH), "export", "log(x", "-o", str(tmp_path / "a.html")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "error[unbalanced_parenthesis]" in done.stderr
    assert not (tmp_path / "a.html").exists()
    done = subprocess.run([str(COMPGRAPH), "export", "x", "x=1", "-o", str(tmp_path / "no" / "a.html")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("compgraph: cannot write"), done.stderr


def test_compgraph_export_from_python_writes_the_clis_file(tmp_path: Path):
    import compgraph

    source, values = LECTURE
    done = subprocess.run([str(COMPGRAPH), "export", source, *(f"{k}={v}" for k, v in values.items()),
                           "-o", str(tmp_path / "cli.html")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    html = compgraph.export(source, values, tmp_path / "python.html")
    assert html == (tmp_path / "python.html").read_text(encoding="utf-8") == (tmp_path / "cli.html").read_text(encoding="utf-8")
    with pytest.raises(compgraph.EngineError, match="operand"):
        compgraph.export("(x+", {"x": 1})
