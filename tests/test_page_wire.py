"""The page reads the compact answer (static/js/wire.js) exactly as it read the object one.

1. In the browser, wire.js's decode() of the compact answer equals the object answer,
   field for field and number for number, on every example with its options (layout,
   an update step, the classroom options) and on random programs (tests/strategies.py).
2. The page asks for the compact form, and draws the same thing from both forms: every
   node's and edge's numbers, labels and texts, the panel and the summary, at every step
   (the object form is forced by rewriting the page's own request).
"""

from __future__ import annotations

import json

import pytest
from compgraph.app.examples import EXAMPLES
from hypothesis import HealthCheck, given, settings
from playwright.sync_api import Page, Route, expect
from strategies import Case, cases

from tests.browser import blur, open_app, snapshot, step_to

# Both forms fetched and compared in the page: [] when decode(compact) equals the object form.
COMPARE_JS = """async (bodies) => {
  const { decode } = await import('/static/js/wire.js');
  const post = async (body) => (await fetch('/api/graph', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
  const differences = [];
  const same = (a, b, path) => {
    if (differences.length > 5) return;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
        differences.push(`${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`);
        return;
      }
      a.forEach((x, i) => same(x, b[i], `${path}[${i}]`));
    } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys) same(a[key], b[key], `${path}.${key}`);
    } else if (!Object.is(a, b)) {
      differences.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  };
  for (const body of bodies) {
    const compact = await post({ ...body, options: { ...body.options, format: 'compact' } });
    const object = await post(body);
    if (compact.format !== 'compact') differences.push(`${body.source}: not compact`);
    same(decode(compact), object, body.source.slice(0, 30));
  }
  return differences;
}"""


def bodies_of_every_example() -> list[dict]:
    bodies = []
    for example in EXAMPLES:
        body = {"source": example["source"], "values": example["values"]}
        bodies += [{**body, "options": {**example["options"], **extra}}
                   for extra in ({"layout": True}, {"layout": True, "learning_rate": 0.5, "text_scale": 2})]
        if not any(isinstance(v, list) for v in example["values"].values()) and "param" not in example["source"]:
            first = next(iter(example["values"]))
            bodies.append({**body, "options": {**example["options"], "mistakes": True, "forward_mode": True,
                                               "paths": first, "nudge": {first: 0.5}, "predict": 3}})
    return bodies


def test_the_decoder_gives_the_object_form_on_every_example(page: Page) -> None:
    open_app(page)
    assert page.evaluate(COMPARE_JS, bodies_of_every_example()) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases())
def test_the_decoder_gives_the_object_form_on_random_programs(page: Page, case: Case) -> None:
    if page.url == "about:blank":
        open_app(page)
    body = {"source": case.text, "values": case.values, "options": {"layout": True}}
    assert page.evaluate(COMPARE_JS, [body]) == []


def every_step(page: Page) -> list[dict]:
    """Snapshots of the page at each step, from the start to the end."""
    blur(page)
    page.locator("#btn-start").click()
    steps = int(page.locator("#scrubber").get_attribute("max"))
    shots = [snapshot(page)]
    for k in range(1, steps + 1):
        step_to(page, k)
        shots.append(snapshot(page))
    shots.append(page.locator("#summary").inner_text())
    return shots


def force_object_form(route: Route) -> None:
    body = json.loads(route.request.post_data)
    body["options"].pop("format")
    route.continue_(post_data=json.dumps(body))


@pytest.mark.parametrize("example_id", ["lecture", "log-sin", "fan-out", "overflow", "merge", "xor-mlp",
                                        "lecture-2layer"])
def test_the_page_draws_the_same_from_both_forms(page: Page, example_id: str) -> None:
    forms: list[str] = []  # the form of each answer the page received
    page.on("response", lambda r: forms.append(r.json().get("format", "object"))
            if r.url.endswith("/api/graph") and r.ok else None)

    def draw_all() -> list:
        page.locator("#examples").select_option(example_id)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#status")).to_have_text("")
        return every_step(page)

    open_app(page)
    compact = draw_all()
    assert forms and set(forms) == {"compact"}
    forms.clear()
    page.route("**/api/graph", force_object_form)
    page.reload()
    assert draw_all() == compact
    assert forms and set(forms) == {"object"}
