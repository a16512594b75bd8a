"""The JSON API: analyze a source, the operator catalog, the examples.

Handlers stay thin: the graph route hands the validated request to the Analyzer
and sends its bytes as they are; the catalog and examples are serialized once.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from ..catalog import catalog
from ..examples import examples
from ..runner import Analyzer
from ..schemas import (
    Catalog,
    ErrorResponse,
    ExampleList,
    GraphRequest,
    GraphResponse,
    TrainRequest,
    TrainResponse,
)
from ..schemas_compact import CompactGraphResponse
from ..strict_json import StrictJSONRoute
from ..workers import ClientGone

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["api"])


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


GRAPH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The engine rejected the source or the values: `code` says why and "
                "`start`/`end` point into the source (e.g. unknown_function, missing_value, too_deep)."),
    413: _error("The body is larger than the configured limit (default 256 KiB); it was not read."),
    422: _error("The body is not strict JSON (invalid_json: NaN, Infinity, 1e999, invalid UTF-8, "
                "lone surrogates) or does not match the request schema (invalid_request: a value that "
                "is a string, a boolean, null or an object; an unknown key)."),
    503: _error("The server is busy (server_busy), or the analysis ran past its time budget "
                "(time_budget_exceeded) or out of memory (out_of_memory); retry after the "
                "Retry-After seconds."),
}
_GONE = 499  # nginx's "client closed request": nobody reads it, the connection is gone


class JSONBytes(Response):
    media_type = "application/json"


@router.post(
    "/graph",
    response_model=GraphResponse | CompactGraphResponse,
    responses=GRAPH_ERRORS,
    summary="Analyze an expression or program",
    description="Parses the source, builds the computational graph, runs the forward and backward "
                "passes with a step trace, and checks every gradient numerically. Non-finite numbers "
                'are the strings "nan", "inf" and "-inf"; they are results, not errors. With '
                'options.format "compact" the answer is the same as columns (CompactGraphResponse).',
)
async def analyze(body: GraphRequest, request: Request) -> Response:
    analyzer: Analyzer = request.app.state.analyzer
    try:
        answered = await analyzer.analyze(body, lambda: client_gone(request),
                                          accepts_gzip(request.headers.get("accept-encoding", "")))
    except ClientGone:
        return Response(status_code=_GONE)
    # Server-Timing: whether the analysis was made for this request, kept from an earlier
    # one, or begun as the page was served (the page's timeline shows it; bench/page_frames.py)
    headers = {"Vary": "Accept-Encoding", "Server-Timing": f"answer;desc={answered.how}"}
    if answered.encoding:
        headers["Content-Encoding"] = answered.encoding
    return JSONBytes(answered.body, headers=headers)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (and does not refuse it with q=0)."""
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            return not (params.strip().startswith("q=") and _zero(quality))
    return False


def _zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


@router.post(
    "/train",
    response_model=TrainResponse,
    responses=GRAPH_ERRORS,
    summary="Train a program's parameters with SGD",
    description="Runs `steps` steps of stochastic gradient descent, w ← w − η·∂L/∂w on every "
                "parameter (W = param(2, 4)), on the values as data (minibatches of their rows "
                "with `batch_size`), and returns the loss at every step and the parameters after "
                "the steps in `record`. Animate one step by sending those parameters as values to "
                "/api/graph with options.learning_rate.",
)
async def train(body: TrainRequest, request: Request) -> Response:
    analyzer: Analyzer = request.app.state.analyzer
    try:
        return JSONBytes(await analyzer.train(body, lambda: client_gone(request)))
    except ClientGone:
        return Response(status_code=_GONE)


async def client_gone(request: Request) -> None:
    """Returns when the client closes its connection (the body was read already, so the
    next message the server has for us is the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


_CATALOG = orjson.dumps(catalog())
_EXAMPLES = orjson.dumps(examples())


@router.get("/operators", response_model=Catalog, summary="The operator catalog",
            description="Every operator the engine knows, read from its registry: the signs and "
                        "function names that write it, its formula, the display formula of each "
                        "partial derivative, and a one-line description. Also the named constants.")
async def operators() -> Response:
    return JSONBytes(_CATALOG)


@router.get("/examples", response_model=ExampleList, summary="Named examples with their values")
async def example_list() -> Response:
    return JSONBytes(_EXAMPLES)
