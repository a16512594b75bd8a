"""Swagger UI at /docs that works offline and under the page's Content-Security-Policy.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline
script; the CSP (default-src 'self', no inline script) blocks both, and a
request leaving the machine is not wanted anyway. Here the assets come from the
swagger-ui-bundle package, served from /docs/assets, and the start-up code is a
static file, /static/swagger-init.js, which reads the schema's address from a
data attribute.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from swagger_ui_bundle import swagger_ui_path

SWAGGER_UI_DIR = Path(swagger_ui_path)

router = APIRouter()

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>compgraph API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_PAGE)
