"""`compgraph serve` starts a real server that answers; its arguments are checked."""

from __future__ import annotations

import httpx
import pytest
from compgraph.app.serve import page_url, serve
from conftest import VENV_BIN, free_port, running_server


def test_compgraph_serve_answers_on_the_given_port() -> None:
    port = free_port()
    command = [str(VENV_BIN / "compgraph"), "serve", "--port", str(port)]
    with running_server(command, port, env={"COMPGRAPH_LOG_LEVEL": "warning"}) as base_url:
        assert httpx.get(base_url + "/healthz", timeout=5).json() == {"status": "ok"}
        page = httpx.get(base_url + "/", timeout=5)
        assert page.status_code == 200
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        assert "server" not in page.headers  # uvicorn's banner is switched off


def test_host_and_port_come_from_the_environment() -> None:
    port = free_port()
    command = [str(VENV_BIN / "compgraph"), "serve"]
    env = {"COMPGRAPH_HOST": "127.0.0.1", "COMPGRAPH_PORT": str(port), "COMPGRAPH_LOG_LEVEL": "warning"}
    with running_server(command, port, env=env) as base_url:
        assert httpx.get(base_url + "/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize(("workers", "reload"), [(0, False), (2, True)])
def test_impossible_arguments_are_refused(workers: int, reload: bool,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert serve(host=None, port=None, workers=workers, reload=reload, open_browser=False) == 2
    assert capsys.readouterr().err.startswith("compgraph serve: ")


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8000/"),
    ("0.0.0.0", "http://127.0.0.1:8000/"),
    ("::", "http://[::1]:8000/"),
    ("localhost", "http://localhost:8000/"),
])
def test_the_page_url_for_a_browser(host: str, url: str) -> None:
    assert page_url(host, 8000) == url


def test_settings_are_read_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from compgraph.app.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("COMPGRAPH_TIME_BUDGET_SECONDS", "2.5")
    monkeypatch.setenv("COMPGRAPH_MAX_BODY_BYTES", "1000")
    try:
        settings = get_settings()
        assert (settings.time_budget_seconds, settings.max_body_bytes) == (2.5, 1000)
        assert get_settings() is settings  # cached: read once per process
    finally:
        get_settings.cache_clear()
