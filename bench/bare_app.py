"""The real app plus one bare peer endpoint, for bench/server_load.py.

POST /bench/bare reads the request body and answers with the analysis of the
1,000-node bench expression, computed once at start-up: the same bytes that
POST /api/graph computes per request, through the same server, middleware and
headers, minus validation and analysis. The ratio of the two throughputs is the
price of computing the answer.

    python -m uvicorn bench.bare_app:app --port 8000
"""

from __future__ import annotations

import orjson
from compgraph.app.main import create_app
from fastapi import Request
from starlette.responses import Response

from compgraph import engine

from .server_load import thousand_node_request

app = create_app()

_REQUEST = thousand_node_request()
PREBUILT = engine.analyze(_REQUEST["source"], _REQUEST["values"]).to_json()


@app.post("/bench/bare", include_in_schema=False)
async def bare(request: Request) -> Response:
    await request.body()  # receive the body as the real route does
    return Response(PREBUILT, media_type="application/json")


@app.get("/bench/bare-size", include_in_schema=False)
async def bare_size() -> Response:
    return Response(orjson.dumps({"bytes": len(PREBUILT)}), media_type="application/json")
