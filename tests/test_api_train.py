"""Tensors and training through the API."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest
from compgraph.app.examples import EXAMPLES
from compgraph.app.schemas import GraphResponse, TrainResponse

pytestmark = pytest.mark.anyio

XOR = next(example for example in EXAMPLES if example["id"] == "xor-mlp")


async def test_tensor_values_give_tensor_results(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/graph", json={
        "source": "y = W @ x", "values": {"W": [[1, 2], [3, 4]], "x": [1, -1]}})
    assert response.status_code == 200
    body = response.json()
    GraphResponse.model_validate(body)
    assert body["value"] == {"shape": [2], "min": -1.0, "max": -1.0, "mean": -1.0, "norm": 2 ** 0.5,
                             "data": [-1.0, -1.0]}
    assert body["gradients"]["W"]["data"] == [[1.0, -1.0], [1.0, -1.0]]  # d(sum y)/dW = 1·xᵀ
    assert body["gradients"]["x"]["data"] == [4.0, 6.0]  # Wᵀ·1
    assert [n["shape"] for n in body["nodes"]] == [[2, 2], [2], [2]]


async def test_shape_errors_are_400_with_the_operation_span(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/graph", json={
        "source": "A @ B", "values": {"A": [[1, 2, 3]] * 4, "B": [[1] * 5] * 2}})
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "shape_mismatch", "message": "cannot multiply 4×3 by 2×5: the inner sizes 3 and 2 differ",
        "start": 0, "end": 5}}


async def test_train_xor(client: httpx.AsyncClient) -> None:
    request = {"source": XOR["source"], "values": XOR["values"], "steps": 1000, "learning_rate": 2.0,
               "seed": 0, "record": [0, 500, 1000]}
    response = await client.post("/api/train", json=request)
    assert response.status_code == 200
    body = response.json()
    TrainResponse.model_validate(body)
    assert body["steps"] == 1000 and len(body["losses"]) == 1000
    assert body["losses"][0] > 0.25 and body["final_loss"] < 0.05
    assert [snapshot["step"] for snapshot in body["parameters"]] == [0, 500, 1000]
    assert np.shape(body["parameters"][2]["values"]["W1"]) == (2, 4)


async def test_a_recorded_step_replays_through_the_graph_route(client: httpx.AsyncClient) -> None:
    trained = (await client.post("/api/train", json={
        "source": XOR["source"], "values": XOR["values"], "steps": 10, "learning_rate": 2.0,
        "record": [9, 10]})).json()
    at_9 = trained["parameters"][0]["values"]
    replay = (await client.post("/api/graph", json={
        "source": XOR["source"], "values": {**XOR["values"], **at_9},
        "options": {"learning_rate": 2.0, "gradcheck": False}})).json()
    assert replay["value"] == pytest.approx(trained["losses"][9], rel=1e-12)
    updates = [s for s in replay["steps"] if s["phase"] == "update"]
    assert [s["name"] for s in updates] == ["W1", "b1", "W2", "b2"]
    for step in updates:
        np.testing.assert_allclose(step["new_value"]["data"], trained["parameters"][1]["values"][step["name"]],
                                   rtol=1e-12)


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"source": "L = mse(X, Y)", "values": {"X": [1], "Y": [2]}, "steps": 5, "learning_rate": 0.1},
     400, "no_parameters"),
    # Types are the schema's (422); ranges are the engine's, checked in one place (400).
    ({"source": XOR["source"], "values": XOR["values"], "steps": "5", "learning_rate": 0.1}, 422, "invalid_request"),
    ({"source": XOR["source"], "values": XOR["values"], "steps": 0, "learning_rate": 0.1}, 400, "invalid_option"),
    ({"source": XOR["source"], "values": XOR["values"], "steps": 5, "learning_rate": -1}, 400, "invalid_option"),
    ({"source": XOR["source"], "values": XOR["values"], "steps": 5, "learning_rate": 0.1, "record": list(range(10**4))},
     400, "invalid_option"),
])
async def test_train_errors(client: httpx.AsyncClient, body: dict[str, Any], status: int, code: str) -> None:
    response = await client.post("/api/train", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
