"""The page and the health check."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from ..packing import modules
from ..runner import Analyzer
from ..schemas import Health
from ..sharelink import first_request
from .api import accepts_gzip

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"

# Autoescaping is on for .html templates: anything a template prints is text, never markup.
templates = Jinja2Templates(directory=TEMPLATES_DIR)

router = APIRouter(tags=["pages"])

_HEALTHY = b'{"status":"ok"}'

# Every module the page's main.js imports, each named in the page's <head> (modulepreload):
# the browser fetches them all at once, instead of level by level as it reads each one's
# imports (four round trips before the page could ask for its graph).
_MODULES = sorted(name for name in modules("main.js") if name != "main.js")


@router.get("/", response_class=HTMLResponse, summary="The page",
            description="With ?embed=1, for a course site's iframe: the graph, its inputs and the "
                        "timeline only (which sites may frame it: COMPGRAPH_FRAME_ANCESTORS).")
async def index(request: Request) -> Response:
    embed = request.query_params.get("embed") == "1"
    first = first_request(request.query_params.multi_items()) if request.method == "GET" else None
    if first is not None:  # a shared link: its analysis begins now, while the page loads
        analyzer: Analyzer = request.app.state.analyzer
        analyzer.begin(first, accepts_gzip(request.headers.get("accept-encoding", "")))
    return templates.TemplateResponse(request, "index.html", {"embed": embed, "modules": _MODULES})


@router.get("/healthz", response_model=Health, summary="Liveness check",
            description="Answers at once, even while analyses run: they run in worker processes.")
async def healthz() -> Response:
    return Response(_HEALTHY, media_type="application/json")


# Some load balancers and uptime checkers ask with HEAD; the HTTP server drops the body.
router.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/", index, methods=["HEAD"], include_in_schema=False)
