"""Request bodies parsed as strict JSON (orjson) instead of Python's lenient json module.

Python's json.loads accepts NaN, Infinity and -Infinity, turns 1e999 into inf, and
lets lone surrogates ("\\ud800") and invalid UTF-8 through into str objects that
can no longer be encoded as UTF-8. orjson refuses all of these, so a bad body is a
422 at the door instead of an inf in the engine or a 500 when the response is
encoded. It is also several times faster.

FastAPI calls `request.json()` to read a JSON body; a route class that hands its
handler a StrictJSONRequest swaps the parser while FastAPI keeps validating the
result against the route's pydantic model (and documenting it in OpenAPI).
orjson.JSONDecodeError subclasses json.JSONDecodeError, which FastAPI turns
into a RequestValidationError of type json_invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler
