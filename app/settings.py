"""Server settings, read from COMPGRAPH_* environment variables.

Every setting has a default that suits one person running `make run` on a
laptop; a deployment changes them through the environment (a container's
`-e COMPGRAPH_TIME_BUDGET_SECONDS=2`), never through code. Tests build their
own `Settings(...)` and pass it to `create_app(settings)`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .. import engine

_ENGINE_DEFAULTS = engine.Limits()

# One source of CSP's frame-ancestors: 'self', a scheme (https:), or a host with its scheme,
# port and path if wanted (https://course.example.edu, https://*.example.edu:8443/notes/).
# Nothing that could end the directive (;), start another header (a newline) or quote.
_FRAME_SOURCE = re.compile(
    r"'self'|\*|https?:|(?:https?://)?(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:[0-9]{1,5}|\*))?"
    r"(?:/[A-Za-z0-9._~!$&()*+=:@%/-]*)?")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPGRAPH_", frozen=True, extra="ignore")

    host: str = Field("127.0.0.1", description="interface to bind; 127.0.0.1 keeps the server private")
    port: int = Field(8000, ge=0, le=65535, description="TCP port to listen on")
    max_body_bytes: int = Field(256 * 1024, ge=1,
                                description="a request body above this many bytes gets 413 before it is parsed")
    time_budget_seconds: float = Field(5.0, gt=0,
                                       description="wall-clock budget of one analysis, queueing included")
    train_time_budget_seconds: float = Field(30.0, gt=0,
                                             description="wall-clock budget of one training run, queueing included")
    max_concurrent_analyses: int = Field(2, ge=1, description="worker processes for analyses")
    max_queued_analyses: int = Field(32, ge=0,
                                     description="analyses waiting for a worker; one more gets 503 at once")
    training_workers: int = Field(1, ge=1, description="worker processes for training runs (a pool of their own)")
    max_queued_trainings: int = Field(4, ge=0,
                                      description="training runs waiting for a worker; one more gets 503 at once")
    worker_memory_mb: int = Field(
        512, ge=0,
        description="address space each worker may add to what it starts with (RLIMIT_AS); past it, "
                    "503 out_of_memory; 0: no cap")
    inline_max_work: int = Field(
        25_000_000, ge=0,
        description="an analysis the engine prices at most this many operations (about 1 ms, reading "
                    "included) runs on the event loop, cheaper than a hand-off to a worker; 0: none does")
    estimate_max_work: int = Field(
        100_000_000, ge=0,
        description="a request this cheap to read (source and values, about 4 ms) is priced on the event "
                    "loop, so one over the limits is refused at once; a larger one is priced in its worker")
    answer_cache_mb: int = Field(
        64, ge=0,
        description="answers kept for the same request asked again (a class opening one example), "
                    "at most this many MiB, the least recently used dropped first; 0: none kept")
    max_source_chars: int = Field(_ENGINE_DEFAULTS.max_source_chars, ge=1,
                                  description="engine limit: characters of source")
    # Lower than the engine's own ceiling (50,000): 10,000 nodes already make a 4-8 MB answer,
    # far more than a page can draw.
    max_nodes: int = Field(10_000, ge=1, description="engine limit: nodes of the graph")
    max_depth: int = Field(_ENGINE_DEFAULTS.max_depth, ge=1,
                           description="engine limit: nesting of parentheses and calls")
    max_gradcheck_evaluations: int = Field(
        _ENGINE_DEFAULTS.max_gradcheck_evaluations, ge=0,
        description="engine limit: the gradient check is skipped above variables × operations")
    max_array_elements: int = Field(_ENGINE_DEFAULTS.max_array_elements, ge=1,
                                    description="engine limit: numbers in any one tensor")
    max_total_elements: int = Field(_ENGINE_DEFAULTS.max_total_elements, ge=1,
                                    description="engine limit: numbers one analysis or training holds at once")
    max_work: int = Field(_ENGINE_DEFAULTS.max_work, ge=1,
                          description="engine limit: operations of one analysis (about 1 s here)")
    max_training_work: int = Field(_ENGINE_DEFAULTS.max_training_work, ge=1,
                                   description="engine limit: operations of one training run, all its steps")
    frame_ancestors: str = Field(
        "'none'",
        description="the sites that may show the page in a frame (CSP frame-ancestors), separated by "
                    "spaces, e.g. \"https://course.example.edu 'self'\"; 'none' (the default): no site")
    access_log: bool = Field(False, description="log one line per request (uvicorn's access log)")
    log_level: str = Field("info", description="uvicorn's log level")

    @field_validator("frame_ancestors")
    @classmethod
    def _frame_sources(cls, value: str) -> str:
        sources = value.split()
        if sources == ["'none'"]:
            return "'none'"
        if not sources:
            raise ValueError("name at least one site, or 'none'")
        for source in sources:
            if source == "'none'":
                raise ValueError("'none' stands alone: it cannot be listed with sites")
            if not _FRAME_SOURCE.fullmatch(source):
                raise ValueError(f"{source[:80]!r} is not a frame-ancestors source: write a site such as "
                                 "https://course.example.edu, or 'self' (sources separated by spaces)")
        return " ".join(sources)

    def engine_limits(self) -> engine.Limits:
        return engine.Limits(
            max_source_chars=self.max_source_chars,
            max_nodes=self.max_nodes,
            max_depth=self.max_depth,
            max_gradcheck_evaluations=self.max_gradcheck_evaluations,
            max_array_elements=self.max_array_elements,
            max_total_elements=self.max_total_elements,
            max_work=self.max_work,
            max_training_work=self.max_training_work,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment, read once per process (get_settings.cache_clear() rereads)."""
    return Settings()
