"""Security headers on every response, pages without inline script, no code evaluation anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from compgraph.app.security import CONTENT_SECURITY_POLICY, DOCS_CONTENT_SECURITY_POLICY
from compgraph.app.settings import Settings
from fastapi import FastAPI

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[1]

EXPECTED_HEADERS = {
    "content-security-policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; img-src 'self' blob:",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}

LECTURE = orjson.dumps({"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}})
JSON = {"content-type": "application/json"}


async def _chunks() -> Any:
    for _ in range(30):
        yield b" " * 10_000


# (method, path, request keyword arguments, expected status)
REQUESTS: list[tuple[str, str, dict[str, Any], int]] = [
    ("GET", "/healthz", {}, 200),
    ("GET", "/", {}, 200),
    ("GET", "/static/css/app.css", {}, 200),
    ("GET", "/static/swagger-init.js", {}, 200),
    ("GET", "/docs", {}, 200),
    ("GET", "/docs/assets/swagger-ui-bundle.js", {}, 200),
    ("GET", "/openapi.json", {}, 200),
    ("GET", "/api/operators", {}, 200),
    ("GET", "/api/examples", {}, 200),
    ("POST", "/api/graph", {"content": LECTURE, "headers": JSON}, 200),
    ("POST", "/api/graph", {"content": b'{"source": "<script>alert(1)</script>"}', "headers": JSON}, 400),
    ("GET", "/nothing-here", {}, 404),
    ("GET", "/static/../app/settings.py", {}, 404),
    ("GET", "/static/%2e%2e/app/settings.py", {}, 404),
    ("DELETE", "/api/graph", {}, 405),
    ("POST", "/api/graph", {"content": b"x" * 300_000, "headers": JSON}, 413),
    ("POST", "/api/graph", {"content": _chunks, "headers": JSON}, 413),
    ("POST", "/api/graph", {"content": b'{"source": "x", "values": {"x": NaN}}', "headers": JSON}, 422),
    ("GET", "/boom", {}, 500),
]


@pytest.fixture
def app_with_a_bug(app: FastAPI) -> FastAPI:
    @app.get("/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("a bug")

    return app


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), REQUESTS,
                         ids=[f"{m} {p} {s}" for m, p, _, s in REQUESTS])
async def test_every_response_carries_the_security_headers(
        app_with_a_bug: FastAPI, client_for: Callable[[FastAPI], httpx.AsyncClient],
        method: str, path: str, kwargs: dict[str, Any], status: int) -> None:
    if callable(kwargs.get("content")):
        kwargs = {**kwargs, "content": kwargs["content"]()}
    async with client_for(app_with_a_bug) as client:
        response = await client.request(method, path, **kwargs)
    assert response.status_code == status
    expected = EXPECTED_HEADERS
    if path == "/docs":  # Swagger UI's icons are data: images; nothing else is relaxed
        policy = EXPECTED_HEADERS["content-security-policy"].replace("blob:", "data:")
        expected = {**EXPECTED_HEADERS, "content-security-policy": policy}
    for name, value in expected.items():
        assert response.headers.get_list(name) == [value], name


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "script-src" not in directives and "style-src" not in directives  # no widening
    assert directives["img-src"] == "'self' blob:"  # the page's own PNG export
    docs = dict(part.strip().split(" ", 1) for part in DOCS_CONTENT_SECURITY_POLICY.split(";"))
    assert docs == {**directives, "img-src": "'self' data:"}


async def test_a_route_cannot_weaken_the_policy(app: FastAPI,
                                                client_for: Callable[[FastAPI], httpx.AsyncClient]) -> None:
    from starlette.responses import Response

    @app.get("/weak", include_in_schema=False)
    async def weak() -> Response:
        return Response("x", headers={"Content-Security-Policy": "default-src *"})

    async with client_for(app) as client:
        response = await client.get("/weak")
    assert response.headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]


class _Page(HTMLParser):
    """Collects what matters for the CSP: scripts, event handlers, inline styles, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.handlers += [name for name in attributes if name.startswith("on") or name == "style"]
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "action")]
        self.in_script = tag == "script"
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts.append("<script> without src")
        if tag == "style":
            self.inline_scripts.append("<style> element")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.inline_scripts.append(data)


@pytest.mark.parametrize("path", ["/", "/docs"])
async def test_pages_load_only_same_origin_files_and_no_inline_code(
        client: httpx.AsyncClient, path: str) -> None:
    page = _Page()
    page.feed((await client.get(path)).text)
    assert page.inline_scripts == []
    assert page.handlers == []
    assert page.urls
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert (await client.get(url)).status_code == 200, url


# Builtins that run text as code, and the libraries that do the same for math.
# re.compile( is a regular expression, not code, hence the look-behind for a dot.
FORBIDDEN = re.compile(r"(?<![\w.])(eval|exec|compile)\s*\(|sympify|parse_expr|literal_eval|__import__\s*\(")


def test_no_code_evaluation_in_app_or_engine() -> None:
    offenders = []
    files = sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "engine").rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_pattern_catches_what_it_should() -> None:
    for bad in ("eval(s)", "x = exec (code)", "compile(src, 'f', 'exec')", "sympy.sympify(s)",
                "parse_expr(s)", "ast.literal_eval(s)", "__import__('os')"):
        assert FORBIDDEN.search(bad), bad
    for fine in ("re.compile(r'x')", "evaluate(graph)", "model.eval()", "_TOKEN = re.compile("):
        assert not FORBIDDEN.search(fine), fine


def test_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COMPGRAPH_HOST", "COMPGRAPH_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    monkeypatch.setenv("COMPGRAPH_HOST", "0.0.0.0")
    assert Settings().host == "0.0.0.0"


async def test_user_text_comes_back_as_json_text_only(client: httpx.AsyncClient) -> None:
    source = '<img src=x onerror="alert(1)">'
    response = await client.post("/api/graph", json={"source": source, "values": {}})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["error"]["message"].startswith("unexpected character '<'")


# --- who may frame the page: COMPGRAPH_FRAME_ANCESTORS -------------------------------------------


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize(("given", "ancestors", "x_frame_options"), [
    (None, "'none'", ["DENY"]),
    ("'self'", "'self'", ["SAMEORIGIN"]),
    ("https://course.example.edu", "https://course.example.edu", []),
    ("  https://course.example.edu   'self' https://*.uni.example:8443/notes/ ",
     "https://course.example.edu 'self' https://*.uni.example:8443/notes/", []),
], ids=["default", "self", "a site", "several"])
async def test_the_environment_names_who_may_frame_the_page(
        monkeypatch: pytest.MonkeyPatch, client_for: Callable[[FastAPI], httpx.AsyncClient],
        given: str | None, ancestors: str, x_frame_options: list[str]) -> None:
    from compgraph.app.main import create_app

    if given is None:
        monkeypatch.delenv("COMPGRAPH_FRAME_ANCESTORS", raising=False)
    else:
        monkeypatch.setenv("COMPGRAPH_FRAME_ANCESTORS", given)
    async with client_for(create_app(Settings())) as client:
        for path in ("/?embed=1", "/docs", "/api/operators", "/nothing-here"):
            response = await client.get(path)
            policies = response.headers.get_list("content-security-policy")
            assert len(policies) == 1
            directives = _directives(policies[0])
            assert directives["frame-ancestors"] == ancestors, path
            default = _directives(DOCS_CONTENT_SECURITY_POLICY if path == "/docs" else CONTENT_SECURITY_POLICY)
            assert directives == {**default, "frame-ancestors": ancestors}  # nothing else changes
            # X-Frame-Options only where it says the same (it cannot name a site)
            assert response.headers.get_list("x-frame-options") == x_frame_options, path


@pytest.mark.parametrize("given", ["'none' https://course.example.edu", "https://a.example; script-src *",
                                   "https://a.example,https://b.example", "", "'unsafe-inline'",
                                   "https://a.example\r\nSet-Cookie: x=1"])
def test_a_frame_ancestors_that_is_not_a_list_of_sites_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                   given: str) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("COMPGRAPH_FRAME_ANCESTORS", given)
    with pytest.raises(ValidationError, match="frame_ancestors"):
        Settings()
