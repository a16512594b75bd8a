"""Property-based API testing: schemathesis generates requests from our own OpenAPI schema.

It sends valid and invalid bodies to every route (in-process, over ASGI) and checks
that nothing is a server error, that every response matches its documented schema
(the engine's bytes included: the response models must describe them exactly),
that every status code and content type is documented, and that invalid data is
rejected. A bounded number of examples keeps it well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from compgraph.app.examples import EXAMPLES
from compgraph.app.main import create_app
from compgraph.app.settings import Settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# Threads only, like a real server under load; a generous budget so that a slow CI machine
# never turns a valid request into a 503.
APP = create_app(Settings(time_budget_seconds=30))

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, negative_data_rejection]


@schema.parametrize()
@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


# Random sources are nearly always syntax errors (400), so the 200 responses that matter most
# are also sent on purpose: every example, non-finite results, dead statements, merged nodes.
KNOWN_GRAPHS = [
    *({key: example[key] for key in ("source", "values", "options")} for example in EXAMPLES),
    {"source": "log(x) + 0/0 + exp(1000)", "values": {"x": -1}},
    {"source": "q = x + y; u = 2*x; f = q * z", "values": {"x": -2, "y": 5, "z": -4, "w": 1}},
    {"source": "relu(x) + abs(y) + max(x, y)", "values": {"x": 0, "y": 0}},
    {"source": "sqrt(x) / x", "values": {"x": 0}, "options": {"gradcheck": False}},
    {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}, "options": {"merge": True}},
]


# The same graphs in the compact form, with layout, the classroom options and an update step.
KNOWN_GRAPHS += [
    *({**body, "options": {**body.get("options", {}), "format": "compact", "layout": True}}
      for body in KNOWN_GRAPHS),
    {"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4},
     "options": {"format": "compact", "mistakes": True, "paths": "x", "nudge": {"x": 0.5},
                 "forward_mode": True}},
    {"source": EXAMPLES[-3]["source"], "values": EXAMPLES[-3]["values"],
     "options": {"format": "compact", "learning_rate": 0.5}},
]


@pytest.mark.parametrize("body", KNOWN_GRAPHS, ids=lambda body: body["source"][:30])
def test_known_graphs_match_the_response_schema(body: dict) -> None:
    case = schema["/api/graph"]["POST"].Case(body=body, media_type="application/json")
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200
