"""Security headers and the request-body limit, as plain ASGI middleware.

The headers' middleware also makes every redirect relative (never built from the Host
header). Both wrap the *whole* application, outside Starlette's ServerErrorMiddleware,
so that every response carries the headers: 404s, 405s, 413s, 422s, static
files, /docs and even a 500 from an unexpected bug. (Middleware added with
`app.add_middleware` sits inside ServerErrorMiddleware and would miss the 500.)
Plain ASGI rather than BaseHTTPMiddleware: it costs a few microseconds and
never buffers a body.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# default-src 'self' with no 'unsafe-inline' forbids inline scripts, inline event handlers and
# scripts from elsewhere; object-src, base-uri and frame-ancestors do not fall back to
# default-src, so each is closed explicitly.
# img-src also admits blob: images, which the page makes itself when it exports the graph as
# PNG (the SVG drawn into a canvas); images cannot run script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' blob:"
)

# Swagger UI's stylesheet draws its icons as data: SVG images. The /docs page alone may show
# them; everything else about the policy stays the same.
DOCS_PATH = "/docs"
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("img-src 'self' blob:", "img-src 'self' data:")

_OTHER_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
    (b"cross-origin-opener-policy", b"same-origin"),
]
SECURITY_HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()), *_OTHER_HEADERS]
_DOCS_HEADERS = [(b"content-security-policy", DOCS_CONTENT_SECURITY_POLICY.encode()), *_OTHER_HEADERS]
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every HTTP response, replacing any a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        added = _DOCS_HEADERS if scope["path"] == DOCS_PATH else SECURITY_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", ()) if h[0].lower() not in _SECURITY_NAMES]
                message["headers"] = [relative_location(h) for h in headers] + added
            await send(message)

        await self.app(scope, receive, send_with_headers)


def relative_location(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """A redirect's Location as a path on this server: Starlette builds it absolute from the
    request's Host header (`/docs/` -> http://<whatever the client said>/docs), which a
    forged Host would turn into a redirect elsewhere. Leading slashes collapse to one, so
    the path cannot read as another host (//evil.example)."""
    name, value = header
    if name.lower() != b"location":
        return header
    url = urlsplit(value.decode("latin-1"))
    path = "/" + url.path.lstrip("/")
    return name, urlunsplit(("", "", path, url.query, url.fragment)).encode("latin-1")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body without Content-Length grows past the limit.

    An HTTPException, so whichever layer is reading the body lets it through to the
    app's HTTPException handler, which answers 413 in the usual error shape."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the request body is larger than the limit of {limit:,} bytes"


class BodySizeLimitMiddleware:
    """Refuses a request body over `limit` bytes with 413, before anything parses it.

    A declared Content-Length over the limit is answered at once without reading a
    byte of the body (the server stops the connection afterwards, so the rest is
    never read). A chunked body has no length up front, so its chunks are counted as
    they arrive and reading stops at the first one over the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None:
            # The HTTP server delivers exactly Content-Length bytes, so a declared length
            # within the limit needs no counting.
            if declared > self.limit:
                await _send_too_large(send, self.limit)
                return
            await self.app(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # Only reached if the reader did not turn it into a response itself.
            if started:
                raise
            await _send_too_large(send, self.limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server rejects a malformed length before we see it
    return None


async def _send_too_large(send: Send, limit: int) -> None:
    body = orjson.dumps({"error": {"code": "body_too_large", "message": too_large_message(limit),
                                   "start": 0, "end": 0}})
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # The unread body is still on the wire; closing is the only way to skip it.
            (b"connection", b"close"),
        ],
    })
    await send({"type": "http.response.body", "body": body})


class HardenedFastAPI(FastAPI):
    """FastAPI with the security headers and the body limit outside its whole middleware stack."""

    def __init__(self, *, max_body_bytes: int, **kwargs: Any) -> None:
        self.max_body_bytes = max_body_bytes
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return SecurityHeadersMiddleware(BodySizeLimitMiddleware(stack, self.max_body_bytes))
