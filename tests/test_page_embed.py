"""?embed=1, for a course site's iframe: the graph, its inputs and the timeline, nothing else,
and it still plays; a site named in COMPGRAPH_FRAME_ANCESTORS may frame it, any other (by
default every other) is refused by the browser itself."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import free_port, running_server, uvicorn_command
from playwright.sync_api import FrameLocator, Page, expect

from tests.browser import blur

LECTURE = [("src", "(x+y)*z"), ("v.x", "-2"), ("v.y", "5"), ("v.z", "-4")]
STEPS = 10
EMBED = "/?" + urlencode([("embed", "1"), *LECTURE])
CHROME = [".topbar", "#source", ".graph-tools", "#explain-panel", "#training", "#status"]


class CourseSite(BaseHTTPRequestHandler):
    """A course's page (another origin: another port on 127.0.0.1) with compgraph in an iframe:
    GET /course.html?frame=<the iframe's address>."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        frame = parse_qs(urlsplit(self.path).query)["frame"][0]
        body = ("<!doctype html><html><head><meta charset='utf-8'><title>Lecture 4</title>"
                "<link rel='icon' href='data:,'></head><body>"
                "<h1>Lecture 4: backpropagation</h1>"
                f"<iframe src='{html.escape(frame)}' width='900' height='560' title='compgraph: (x+y)z'>"
                "</iframe></body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def input_grads(page: Page | FrameLocator) -> dict[str, str]:
    nodes = page.locator(".node.kind-input")
    return {nodes.nth(i).locator(".node-label").text_content(): nodes.nth(i).get_attribute("data-grad")
            for i in range(nodes.count())}


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_embed_shows_the_graph_the_inputs_and_the_timeline_and_plays(page: Page, artifacts, width: int,
                                                                     height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(EMBED)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    for part in CHROME:
        expect(page.locator(part)).to_be_hidden()
    for name in "xyz":
        expect(page.locator(f'input[data-variable="{name}"]')).to_be_visible()
    expect(page.locator("#graph")).to_be_visible()
    expect(page.locator("#timeline")).to_be_visible()
    expect(page.locator("#step-label")).to_have_text(f"start · {STEPS} steps")
    blur(page)
    for _ in range(STEPS):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#scrubber")).to_have_value(str(STEPS))
    assert input_grads(page) == {"x": "-4", "y": "-4", "z": "3"}
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === 'end'")
    assert "embed=1" in page.url  # a reload (or a copied link) stays embedded
    page.screenshot(path=artifacts / f"embed-{width}x{height}.png")


def test_the_page_without_embed_keeps_its_chrome(page: Page) -> None:
    page.goto("/?" + urlencode(LECTURE))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    for part in (".topbar", "#source", ".graph-tools", "#explain-panel"):
        expect(page.locator(part)).to_be_visible()


@pytest.fixture(scope="module")
def course_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CourseSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def framable_server(course_port: int) -> Iterator[str]:
    """The app with a course site (another origin: another port) allowed to frame it."""
    port = free_port()
    env = {"COMPGRAPH_FRAME_ANCESTORS": f"http://127.0.0.1:{course_port}"}
    with running_server(uvicorn_command(port), port, env) as url:
        yield url


def open_course(page: Page, course_port: int, server: str) -> None:
    page.goto(f"http://127.0.0.1:{course_port}/course.html?" + urlencode({"frame": server + EMBED}))


def test_a_course_site_named_in_the_setting_frames_it_and_it_plays(page: Page, course_port: int,
                                                                   framable_server: str, artifacts) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_course(page, course_port, framable_server)
    frame = page.frame_locator("iframe")
    expect(frame.locator("body")).to_have_attribute("data-ready", "true")
    expect(frame.locator(".topbar")).to_be_hidden()
    frame.locator("#btn-end").click()
    expect(frame.locator("#scrubber")).to_have_value(str(STEPS))
    assert input_grads(frame) == {"x": "-4", "y": "-4", "z": "3"}
    page.screenshot(path=artifacts / "embed-in-a-course-page.png")


def test_by_default_no_site_may_frame_it(page: Page, page_log, course_port: int, live_server: str) -> None:
    page_log.allow_console(r"Framing '.*' violates the following Content Security Policy directive: "
                           r"\"frame-ancestors 'none'\"\. The request has been blocked\.\s*")
    with page.expect_console_message(lambda m: "frame-ancestors 'none'" in m.text):
        open_course(page, course_port, live_server)
    expect(page.frame_locator("iframe").locator("#graph")).to_have_count(0)
