"""Wiring only: settings, middleware, error handlers, routes and static files into one app.

`uvicorn compgraph.app.main:app` (what `compgraph serve` runs) takes the settings from the
environment; tests call `create_app(Settings(...))`.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .errors import install_error_handlers
from .routes import api, docs, export, pages
from .runner import Analyzer
from .security import HardenedFastAPI
from .settings import Settings, get_settings

DESCRIPTION = """\
Watch backpropagation happen: an expression such as `log(x1*x2)*sin(x2)` or a small program
such as `q = x + y; f = q * z` becomes a computational graph with forward values, backward
gradients, a replayable step trace and a numerical gradient check.

Every error has the shape `{"error": {"code", "message", "start", "end"}}`; `start` and `end`
point into the source where that makes sense.
"""


def _version() -> str:
    try:
        return version("compgraph")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


@asynccontextmanager
async def lifespan(app: FastAPI):
    """The worker processes start with the server (not at the first request) and stop with it."""
    app.state.analyzer.start()
    yield
    app.state.analyzer.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = HardenedFastAPI(
        lifespan=lifespan,
        max_body_bytes=settings.max_body_bytes,
        frame_ancestors=settings.frame_ancestors,
        title="compgraph",
        version=_version(),
        description=DESCRIPTION,
        docs_url=None,  # replaced by docs.router: offline and CSP-clean
        redoc_url=None,  # ReDoc would load from a CDN
    )
    app.state.settings = settings
    app.state.analyzer = Analyzer(settings)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(export.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.mount("/docs/assets", StaticFiles(directory=docs.SWAGGER_UI_DIR), name="docs-assets")
    return app


app = create_app()
