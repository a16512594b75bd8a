"""Browser fixtures (a pytest plugin, registered by `pytest_plugins` in conftest.py).

- `live_server`: the real app under uvicorn on a free 127.0.0.1 port, one per session.
- `base_url`: pytest-playwright's contexts open relative URLs against it.
- `browser_type_launch_args`: Debian's Chromium (a downloaded browser cannot be had
  here) with every host name resolving to nothing but loopback.
- `page`: pytest-playwright's page, with its context watched: console messages, page
  errors and every request URL go to `page_log`. At teardown a test fails if the page
  logged an error or a warning it did not expect, threw, or asked anything of a host
  other than 127.0.0.1.
- `artifacts`: tests/artifacts/ (git-ignored), for screenshots and downloads to look at.
- Browser tests run after all others (see pytest_collection_modifyitems).

Imported as `tests.browser`: `tests` has no __init__.py (tests/test_properties.py imports
`strategies` from tests/ as a top-level module, which an __init__.py would break), so it
is a namespace package found through the current directory: run `python -m pytest` from
the repository (as the Makefile does). A bare `pytest` needs `pythonpath = ["."]` in
[tool.pytest.ini_options].
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import free_port, running_server, uvicorn_command
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, WebError, expect

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOOPBACK = "127.0.0.1"


# --- the server ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    port = free_port()
    with running_server(uvicorn_command(port), port) as url:
        yield url


class _LiveServerBaseUrl:
    """`base_url` is the live server, so `page.goto("/")` opens the app.

    pytest-playwright registers its own fallback `base_url` after the initial conftests
    (when pytest-base-url is absent), which would shadow a plain fixture here; the
    fixture registered last wins, so this one is registered from pytest_configure."""

    @pytest.fixture(scope="session")
    @classmethod
    def base_url(cls, live_server: str) -> str:
        return live_server


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_LiveServerBaseUrl(), "compgraph-live-server-base-url")


_BROWSER_FIXTURES = {"page", "context", "browser", "new_context", "playwright"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, keeping every other order as it was.

    pytest-playwright's sync API keeps its event loop registered as the thread's running
    loop for the rest of the session, so an anyio test after a browser test fails with
    "Cannot run the event loop while another loop is running"."""
    def uses_browser(item: pytest.Item) -> bool:
        return bool(_BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))

    items[:] = [i for i in items if not uses_browser(i)] + [i for i in items if uses_browser(i)]


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options plus Debian's Chromium, kept off the network."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-dejavu-core fonts-liberation2"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs Chromium, so a skip there would hide a broken setup
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        # One item: without it Chromium resolves its own services' names at start-up.
        "args": [*browser_type_launch_args.get("args", []),
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
    }


@dataclass
class PageLog:
    """What the pages of a test's browser context did."""

    console: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, source URL)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: list[tuple[re.Pattern, str]] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", self._on_error)
        context.on("request", self._on_request)

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append((message.type, message.text, message.location.get("url", "")))

    def _on_error(self, error: WebError) -> None:
        self.errors.append(str(error.error))

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def allow_console(self, pattern: str, url_part: str = "") -> None:
        """Let an expected console message (matching all of `pattern`, logged about a
        URL containing `url_part`) through, for this test only."""
        self.allowed.append((re.compile(pattern), url_part))

    def console_of(self, *kinds: str) -> list[tuple[str, str, str]]:
        return [entry for entry in self.console if entry[0] in kinds]

    def unexpected_console(self) -> list[tuple[str, str, str]]:
        return [(kind, text, url) for kind, text, url in self.console
                if kind in ("error", "warning")
                and not any(p.fullmatch(text) and part in url for p, part in self.allowed)]

    def foreign_requests(self) -> list[str]:
        # blob: and data: URLs (the SVG/PNG export) never leave the page.
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("blob", "data") and urlsplit(url).hostname != LOOPBACK]

    def problems(self) -> list[str]:
        return ([f"console {kind}: {text} ({url})" for kind, text, url in self.unexpected_console()]
                + [f"page error: {error}" for error in self.errors]
                + [f"request off 127.0.0.1: {url}" for url in self.foreign_requests()])


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(context: BrowserContext, page_log: PageLog) -> Iterator[Page]:
    page_log.watch(context)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    problems = page_log.problems()
    assert not problems, "the page misbehaved:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- helpers for the page tests ---------------------------------------------------------------


def open_app(page: Page, source: str | None = None, values: dict[str, float] | None = None,
             step: int | str | None = None) -> None:
    """Open the page (on a shared-URL state when given) and wait for the first analysis."""
    query: list[tuple[str, str]] = []
    if source is not None:
        query.append(("src", source))
    query += [(f"v.{name}", repr(value)) for name, value in (values or {}).items()]
    if step is not None:
        query.append(("step", str(step)))
    page.goto("/" + ("?" + urlencode(query) if query else ""))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def step_to(page: Page, k: int) -> None:
    """One step forward with the → key, to k steps revealed (the focus must be out of fields)."""
    page.keyboard.press("ArrowRight")
    expect(page.locator("#scrubber")).to_have_value(str(k))


def blur(page: Page) -> None:
    """Take the focus out of any field, so the page's keyboard shortcuts apply."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


# Everything a step can change, as plain data: two snapshots are equal when the
# viewer sees the same graph, the same numbers and the same explanation.
_SNAPSHOT = """() => {
  // (an empty label holds a no-break space: see render.js)
  const text = (root, selector) => root.querySelector(selector)?.textContent.trim() ?? null;
  // The numbers are HTML labels over the drawing, grouped by the node or edge they belong to.
  const labels = (kind, id) => document.querySelector(`#graph-labels [data-${kind}-id="${id}"]`);
  const nodes = [...document.querySelectorAll('#graph .node[data-node-id]')].map((n) => ({
    id: n.dataset.nodeId, kind: [...n.classList].find((c) => c.startsWith('kind-')),
    label: text(n, '.node-label'), value: n.getAttribute('data-value'),
    grad: n.getAttribute('data-grad'), gradText: text(labels('node', n.dataset.nodeId), '.node-grad'),
    current: ['current', 'current-source', 'current-target'].filter((c) => n.classList.contains(c)),
  }));
  const edges = [...document.querySelectorAll('#graph .edge[data-edge-id]')].map((e) => ({
    id: e.dataset.edgeId, source: e.dataset.source, target: e.dataset.target,
    grad: e.getAttribute('data-grad'), valueText: text(labels('edge', e.dataset.edgeId), '.edge-value'),
    gradText: text(labels('edge', e.dataset.edgeId), '.edge-grad'), current: e.classList.contains('current'),
  }));
  const out = document.querySelector('#graph-labels [data-output]');
  return {
    nodes, edges,
    output: { value: text(out, '.edge-value'), grad: text(out, '.edge-grad') },
    step: document.querySelector('#step-label').textContent,
    phase: document.body.dataset.phase,
    title: document.querySelector('#explain-title').textContent,
    lines: [...document.querySelectorAll('#explain-lines .explain-line')].map((l) => l.textContent),
    summaryShown: !document.querySelector('#summary').hidden,
  };
}"""


def snapshot(page: Page) -> dict:
    return page.evaluate(_SNAPSHOT)


def node_ids_by_label(page: Page) -> dict[str, str]:
    """Node label ("x", "+", "×", "log") -> data-node-id, for labels that occur once."""
    pairs = page.evaluate("""() => [...document.querySelectorAll('#graph .node[data-node-id]')]
        .map((n) => [n.querySelector('.node-label').textContent, n.dataset.nodeId])""")
    labels = [label for label, _ in pairs]
    return {label: node_id for label, node_id in pairs if labels.count(label) == 1}


def node(page: Page, node_id: str):
    return page.locator(f'#graph .node[data-node-id="{node_id}"]')


MINUS = "\u2212"


def shown(x: float) -> str:
    """A number as the page's formatNumber (static/js/format.js) shows it: integers in
    full, others to 4 significant digits, with U+2212 minus signs. (The exponent form
    for very large or small numbers is left out: no test shows one.)"""
    if float(x).is_integer() and abs(x) < 1e7:
        text = str(int(x))
    else:
        assert 1e-4 <= abs(x) < 1e7, f"{x} would be shown in exponent form"
        text = repr(float(f"{x:.4g}")).removesuffix(".0")
    return text.replace("-", MINUS)


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 1.0) -> bool:
    """Whether one bounding box lies within another."""
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def comes_into_view(page: Page, locator, within: dict[str, float], seconds: float = 2.0) -> bool:
    """Whether the element is inside `within` now or soon: the view pans at most 4 times a second."""
    deadline = time.monotonic() + seconds
    while True:
        if inside(locator.bounding_box(), within):
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
