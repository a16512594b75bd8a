"""Every error response has one small shape: {"error": {"code", "message", "start", "end"}}.

- EngineError (a user mistake in the source or values, or a limit) -> 400, or 503 for
  the codes that say the server is loaded or a worker ran out of time or memory.
- MemoryError anywhere in the server -> 503 out_of_memory, never 500.
- A body that is not strict JSON, or does not match the request model -> 422 with
  a short list of {loc, msg}; never the input itself (FastAPI's default handler
  echoes the whole body back, which for a 256 KiB source is a 256 KiB error).
- HTTPException (404, 405, 413 from the body limit) -> its status, same shape.
- Anything else is a bug -> 500 with a fixed message; the traceback goes to the log.

Every body is built from text that is cut short and cleaned of lone surrogates,
so it is at most MAX_ERROR_BYTES of valid UTF-8 whatever the request held.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..engine import EngineError

MAX_ERROR_BYTES = 4096
_MAX_PROBLEMS = 8
_MAX_LOC_PARTS = 6
_MAX_LOC_CHARS = 48
_MAX_MESSAGE_CHARS = 500

# Engine codes that say "not now" rather than "not this": the server is busy, or a worker ran
# out of time or memory.
UNAVAILABLE = frozenset({"server_busy", "time_budget_exceeded", "out_of_memory"})

_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


def error_response(status: int, code: str, message: str, start: int = 0, end: int = 0, *,
                   details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    error: dict[str, Any] = {"code": clean(code, 64), "message": clean(message, _MAX_MESSAGE_CHARS),
                             "start": start, "end": end}
    if details is not None:
        error["details"] = details
    body = orjson.dumps({"error": error})
    while len(body) > MAX_ERROR_BYTES and error.get("details"):
        error["details"].pop()  # fewer problems rather than a large body
        body = orjson.dumps({"error": error})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def clean(text: str, limit: int) -> str:
    """At most `limit` characters, with lone surrogates replaced (they are not UTF-8)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "replace").decode("utf-8")


async def engine_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EngineError)
    if exc.code in UNAVAILABLE:
        return error_response(503, exc.code, exc.message, exc.start, exc.end,
                              headers={"Retry-After": "1"})
    return error_response(400, exc.code, exc.message, exc.start, exc.end)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if errors and errors[0].get("type") == "json_invalid":
        reason = str((errors[0].get("ctx") or {}).get("error", "malformed"))
        position = errors[0]["loc"][-1] if errors[0].get("loc") else 0
        return error_response(
            422, "invalid_json",
            f"the body is not strict JSON ({clean(reason, 120)} at position {position}); numbers must be "
            "finite JSON numbers and text valid UTF-8",
            details=[{"loc": ["body", position] if isinstance(position, int) else ["body"],
                      "msg": clean(reason, 200)}])
    details = [{"loc": _loc(error.get("loc", ())), "msg": clean(str(error.get("msg", "")), 200)}
               for error in errors[:_MAX_PROBLEMS]]
    if details:
        first = details[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        message = f"invalid request: {where}: {first['msg']}{more}"
    else:
        message = "invalid request"
    return error_response(422, "invalid_request", message, details=details)


def _loc(parts: Iterable[Any]) -> list[str | int]:
    loc: list[str | int] = []
    for part in list(parts)[:_MAX_LOC_PARTS]:
        loc.append(part if isinstance(part, int) else clean(str(part), _MAX_LOC_CHARS))
    return loc


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, f"http_{status}")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    message = detail or {
        404: "there is no page or API route at this address",
        405: "this route does not accept that method",
    }.get(status, phrase)
    return error_response(status, code, message, headers=exc.headers)


async def memory_error(request: Request, exc: Exception) -> Response:
    # Not a bug in the request's handling: the memory ran out (the arrays went with the
    # exception's frames, which are freed once this handler returns).
    return error_response(503, "out_of_memory", "the server ran out of memory on this request; "
                          "try smaller tensors, or try again in a moment", headers={"Retry-After": "1"})


async def internal_error(request: Request, exc: Exception) -> Response:
    # ServerErrorMiddleware logs the traceback after this response is sent.
    return error_response(500, "internal_error", "the server failed on this request; this is a bug")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EngineError, engine_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(MemoryError, memory_error)
    app.add_exception_handler(Exception, internal_error)
