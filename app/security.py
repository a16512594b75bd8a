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
# frame-ancestors: the sites that may show the page in a frame (a course site's iframe of
# ?embed=1), COMPGRAPH_FRAME_ANCESTORS; by default none.
def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return ("default-src 'self'; object-src 'none'; base-uri 'none'; "
            f"frame-ancestors {frame_ancestors}; form-action 'self'; img-src 'self' blob:")


CONTENT_SECURITY_POLICY = content_security_policy()  # the default deployment's

# Swagger UI's stylesheet draws its icons as data: SVG images. The /docs page alone may show
# them; everything else about the policy stays the same.
DOCS_PATH = "/docs"


def docs_policy(policy: str) -> str:
    return policy.replace("img-src 'self' blob:", "img-src 'self' data:")


DOCS_CONTENT_SECURITY_POLICY = docs_policy(CONTENT_SECURITY_POLICY)

_OTHER_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Removed from whatever a route set, so that no route can weaken them.
_SECURITY_NAMES = frozenset([b"content-security-policy", b"x-frame-options", *(name for name, _ in _OTHER_HEADERS)])


def x_frame_options(frame_ancestors: str) -> list[tuple[bytes, bytes]]:
    """frame-ancestors for browsers that predate it, where it can say the same: DENY for none,
    SAMEORIGIN for 'self' alone. It cannot name other sites (ALLOW-FROM is gone from every
    browser), and a browser that knows frame-ancestors ignores it, so then it is left out."""
    if frame_ancestors == "'none'":
        return [(b"x-frame-options", b"DENY")]
    if frame_ancestors == "'self'":
        return [(b"x-frame-options", b"SAMEORIGIN")]
    return []


def security_headers(frame_ancestors: str = "'none'", *, docs: bool = False) -> list[tuple[bytes, bytes]]:
    policy = content_security_policy(frame_ancestors)
    policy = docs_policy(policy) if docs else policy
    return [(b"content-security-policy", policy.encode()), *x_frame_options(frame_ancestors), *_OTHER_HEADERS]


SECURITY_HEADERS = security_headers()


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response, replacing any a route set itself."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "'none'") -> None:
        self.app = app
        self.headers = security_headers(frame_ancestors)
        self.docs_headers = security_headers(frame_ancestors, docs=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        added = self.docs_headers if scope["path"] == DOCS_PATH else self.headers

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

    def __init__(self, *, max_body_bytes: int, frame_ancestors: str = "'none'", **kwargs: Any) -> None:
        self.max_body_bytes = max_body_bytes
        self.frame_ancestors = frame_ancestors
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return SecurityHeadersMiddleware(BodySizeLimitMiddleware(stack, self.max_body_bytes), self.frame_ancestors)
