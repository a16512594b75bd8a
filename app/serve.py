"""`compgraph serve`: run the app under uvicorn.

The server keeps no state between requests, so scaling out is more `--workers`
(processes on one machine) or more containers behind a load balancer.
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.request
import webbrowser

import uvicorn
from pydantic import ValidationError

from .settings import get_settings


def serve(host: str | None, port: int | None, workers: int, reload: bool, open_browser: bool) -> int:
    try:
        settings = get_settings()
    except ValidationError as error:  # a COMPGRAPH_* variable that does not fit its setting
        problems = "; ".join(f"COMPGRAPH_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in error.errors()[:3])
        print(f"compgraph serve: {problems}", file=sys.stderr)
        return 2
    host = settings.host if host is None else host
    port = settings.port if port is None else port
    if workers < 1:
        print("compgraph serve: --workers must be at least 1", file=sys.stderr)
        return 2
    if reload and workers > 1:
        print("compgraph serve: --reload runs one process; leave out --workers", file=sys.stderr)
        return 2
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(page_url(host, port),), daemon=True).start()
    try:
        uvicorn.run(
            "compgraph.app.main:app",  # an import string, so that --workers and --reload can start fresh processes
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            reload_dirs=["app", "engine", "templates", "static"] if reload else None,
            access_log=settings.access_log,
            log_level=settings.log_level,
            server_header=False,  # no need to tell the world which server this is
        )
    except SystemExit as stop:  # uvicorn has said why (the port is taken, ...)
        return 2 if stop.code else 0
    return 0


def page_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the page; a wildcard bind is reached on loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _open_when_ready(url: str, timeout: float = 15.0) -> None:
    """Open the page once /healthz answers, so the browser never shows a refused connection."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1) as response:
                if response.status == 200:
                    webbrowser.open(url)
                    return
        except OSError:
            time.sleep(0.2)
