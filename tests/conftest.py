"""Shared fixtures.

- `client`: httpx talking to the app in-process over ASGI (no socket, no thread).
- `prepared`: the sources the server asked the engine to prepare, in order.
- `running_server(...)`: a real uvicorn subprocess on a free 127.0.0.1 port, for the
  tests that need real sockets and real concurrency (hostile inputs, `compgraph serve`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from compgraph.app import runner
from compgraph.app.main import create_app
from compgraph.app.settings import Settings
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.browser"]

# `make test` (and so CI) runs the property tests on hypothesis's fixed sequence of examples,
# so that a red run can be repeated; HYPOTHESIS_PROFILE=explore draws fresh examples each run.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


# --- in-process app ------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings() -> Settings:
    """Default settings; a test that needs others builds its own Settings(...)."""
    return Settings()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def prepared(monkeypatch) -> list[str]:
    """The sources the engine was asked to prepare, in order."""
    calls: list[str] = []
    real = runner.engine.prepare

    def counting(source, values, **options):
        calls.append(source)
        return real(source, values, **options)

    monkeypatch.setattr(runner.engine, "prepare", counting)
    return calls


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as c:
        yield c


@pytest.fixture
def client_for() -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """For a test that builds its own app: `async with client_for(create_app(settings)) as client`."""
    return asgi_client


@contextlib.asynccontextmanager
async def asgi_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: a 500 is a response to look at, as a browser would get it.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        # The ASGI transport runs no lifespan: stop the worker processes a request started.
        analyzer = getattr(app.state, "analyzer", None)
        if analyzer is not None:
            analyzer.close()


# --- a real server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {base_url}/healthz within {timeout} s")


@contextlib.contextmanager
def running_server(command: list[str], port: int, env: dict[str, str] | None = None, *,
                   cwd: Path = ROOT, base_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `command` (which must listen on 127.0.0.1:port) in `cwd`, with this process's
    environment (or `base_env`) and `env`; yield its base URL, then stop it.

    The server's log goes to a temporary file (a pipe nobody reads could fill and
    block the server) and is printed if the server fails to start."""
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=cwd, env={**(os.environ if base_env is None else base_env), **(env or {})},
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_healthy(base_url, process)
            except RuntimeError:
                log.seek(0)
                print(log.read()[-4000:])
                raise
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def uvicorn_command(port: int) -> list[str]:
    return [str(VENV_BIN / "python"), "-m", "uvicorn", "compgraph.app.main:app", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log", "--log-level", "warning"]
