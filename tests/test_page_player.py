"""The player on its own: mounted from playerparts.js in an empty element, with a result it
is given (as the exported walk-through and a notebook widget mount it), it plays the
walk-through with none of the page's markup, editor or server calls."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import PageLog

LECTURE = {"source": "(x+y)*z", "values": {"x": -2, "y": 5, "z": -4}}

_MOUNT = """async (result) => {
  const { mountPlayer } = await import('/static/js/playerparts.js');
  document.body.replaceChildren();
  const host = document.createElement('div');
  host.id = 'host';
  host.style.height = '600px';
  document.body.appendChild(host);
  window.mounted = mountPlayer(host, result, { keys: true });
}"""


def test_the_player_mounts_in_a_bare_element_and_plays(page: Page, page_log: PageLog, live_server: str):
    # A document of this origin to import the module into, with no app of its own running
    # (the page's app would go on handling keys and timers on markup this test removes); the
    # browser asks a JSON document's origin for a favicon the server does not have.
    page_log.allow_console(r"Failed to load resource: .* 404 .*", "/favicon.ico")
    page.goto("/healthz")
    result = page.request.post(f"{live_server}/api/graph",
                               data={**LECTURE, "options": {"layout": True}}).json()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.evaluate(_MOUNT, result)
    host = page.locator("#host")
    expect(host.locator('[data-part="step-label"]')).to_have_text("start · 10 steps")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(host.locator('[data-part="step-label"]')).to_have_text("backward · step 5 of 5")
    expect(host.locator('[data-part="explain-lines"] .explain-text').first).to_have_text(
        "∂f/∂x = ∂f/∂(x+y) · ∂(x+y)/∂x = \u22124 · 1 = \u22124")
    expect(host.locator('[data-part="summary"]')).to_be_visible()
    grads = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#host .node.kind-input')]
        .map((n) => [n.querySelector('.node-label').textContent, n.dataset.grad]))""")
    assert grads == {"x": "-4", "y": "-4", "z": "3"}
    assert not [url for url in requests if "/api/" in url], requests  # the player asks no server
