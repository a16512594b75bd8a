"""Neural networks on the page: load the XOR network, train it, watch the loss fall,
then replay one training step: forward, backward with its matrix rules and shapes,
and the update of every parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import open_app


def load_example(page: Page, example_id: str) -> None:
    page.locator("#examples").select_option(example_id)
    expect(page.locator("#training")).to_be_visible()


def test_train_xor_see_the_loss_fall_and_replay_a_step(page: Page, artifacts: Path):
    open_app(page)
    load_example(page, "xor-mlp")
    expect(page.locator("#train-params")).to_have_text("parameters: W1, b1, W2, b2")
    page.locator("#train-steps").fill("600")
    page.locator("#train-run").click()
    status = page.locator("#train-status")
    expect(status).to_have_text(re.compile(r"^600 steps: loss "))
    # The curve is drawn from the engine's losses: it starts high and ends low.
    first, last = (float(x.replace("\u2212", "-")) for x in
                   re.match(r"600 steps: loss (\S+) → (\S+)", status.text_content()).groups())
    assert first > 0.25 and last < 0.05
    points = page.locator("#loss-curve .loss-line").get_attribute("points").split()
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[-1] > ys[0]  # SVG y grows downwards: a falling loss ends lower on screen

    # Pick the first recorded step and replay it on the graph.
    page.locator("#train-scrubber").fill("0")
    expect(page.locator("#train-step-label")).to_have_text(re.compile(r"^after 0 steps · loss "))
    page.locator("#train-replay").click()
    page.locator("#btn-play").click()  # pause the replay's autoplay, then walk by hand
    page.locator("#btn-start").click()

    # Every parameter node shows its shape.
    for label, shape in (("W1", "2×4"), ("b1", "4"), ("W2", "4×1"), ("b2", "1")):
        parameter = page.locator("#graph .node.kind-param", has_text=label)
        expect(parameter.locator(".node-shape")).to_have_text(f" {shape}")

    # Step through the forward pass into the backward pass until a matrix product's rule shows.
    forward = page.locator("#btn-forward")
    label = page.locator("#step-label")
    seen_rule = False
    for _ in range(40):
        forward.click()
        lines = page.locator("#explain-lines").text_content()
        if "ᵀ" in lines and "shapes" in lines:  # a matrix product: upstream · hᵀ or W2ᵀ · upstream
            seen_rule = True
            break
    assert seen_rule, "no backward step showed a matrix rule with shapes"
    expect(label).to_have_text(re.compile(r"^backward · step \d+ of \d+$"))
    shapes = page.locator("#explain-lines .explain-line", has_text="shapes")
    expect(shapes).to_have_text(re.compile(r"shapes\s*\d+(×\d+)? = \d+×\d+ · \d+×\d+"))
    expect(page.locator("#explain-figures figure.tensor").first).to_be_visible()
    page.screenshot(path=str(artifacts / "training-backward.png"))

    # Finish the backward pass: then come the updates, one per parameter.
    page.locator("#btn-end").click()
    expect(label).to_have_text("update · step 4 of 4")
    expect(page.locator("#phase-label")).to_have_attribute("data-phase", "done")
    expect(page.locator("#explain-title")).to_have_text("Update (SGD)")
    page.screenshot(path=str(artifacts / "training-update.png"))


def test_a_vector_program_shows_shapes_and_heat_maps(page: Page):
    open_app(page, "W = param(3, 4)\ny = sum(W @ x)", {"x": [1.0, 2.0, 3.0, 4.0]})
    expect(page.locator('#variables [data-variable="x"]')).to_have_value("[1,2,3,4]")
    page.locator("#btn-end").click()
    weight = page.locator("#graph .node.kind-param")
    expect(weight.locator(".node-shape")).to_have_text(" 3×4")
    weight.hover()
    expect(page.locator("#node-info figure.tensor")).to_have_count(2)  # value and gradient


def test_the_summary_checks_every_parameter_element_by_element(page: Page, live_server: str):
    # A small tensor's gradient is checked element by element (the engine's), one row per
    # variable and per parameter, showing the element that differs most and the verdict.
    import httpx
    from compgraph.app.examples import EXAMPLES

    example = next(e for e in EXAMPLES if e["id"] == "xor-mlp")
    expected = httpx.post(f"{live_server}/api/graph",
                          json={"source": example["source"], "values": example["values"]}).json()
    open_app(page)
    load_example(page, "xor-mlp")
    page.locator("#btn-end").click()
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    rows = summary.locator("tbody tr")
    expect(rows).to_have_count(6)
    assert [rows.nth(i).get_attribute("data-variable") for i in range(6)] == ["X", "Y", "W1", "b1", "W2", "b2"]
    assert "object" not in summary.text_content()
    expect(summary.locator(".summary-tensor-note")).to_contain_text("element by element")
    for name in ("W1", "b2"):
        row = summary.locator(f'tr[data-variable="{name}"]')
        check = expected["gradcheck"][name]
        expect(row).to_have_attribute("data-method", "elements")
        expect(row).to_have_class(re.compile(r"\bcheck-ok\b"))
        expect(row.locator("th")).to_have_text(f"∂L/∂{name}[{', '.join(map(str, check['worst']))}]")
        backprop, numeric = (float(row.locator("td").nth(i).text_content().replace("\u2212", "-"))
                             for i in (0, 1))
        assert backprop == pytest.approx(check["analytic"], rel=1e-4)
        assert numeric == pytest.approx(check["numeric"], rel=1e-4)
