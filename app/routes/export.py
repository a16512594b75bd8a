"""POST /api/export: the walk-through as one HTML file that plays offline (app/export.py),
for the page's HTML button. The analysis runs as /api/graph's does (priced first, in a
worker when it is not tiny, within the time budget), with its layout."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from ..export import title_of, walkthrough_html
from ..runner import Analyzer
from ..schemas import GraphRequest
from ..strict_json import StrictJSONRoute
from ..workers import ClientGone
from .api import _GONE, GRAPH_ERRORS, client_gone

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["api"])


@router.post(
    "/export",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}},
                     "description": "walkthrough.html, as a download"},
               **GRAPH_ERRORS},
    summary="The walk-through as one HTML file",
    description="Analyzes the source as /api/graph does and answers one HTML file holding the "
                "player, the engine's answer and the styles: it plays from file:// with no "
                "server and makes no request.",
)
async def export(body: GraphRequest, request: Request) -> Response:
    analyzer: Analyzer = request.app.state.analyzer
    # the walk-through's player reads the object form, drawn
    drawn = body.model_copy(update={"options": body.options.model_copy(update={"layout": True, "format": "object"})})
    try:
        result = (await analyzer.analyze(drawn, lambda: client_gone(request))).body  # never gzip: it goes into the file
    except ClientGone:
        return Response(status_code=_GONE)
    variables = orjson.loads(result)["variables"]
    title = title_of(body.source, {name: body.values[name] for name in variables if name in body.values})
    return Response(walkthrough_html(result, title), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="walkthrough.html"'})
