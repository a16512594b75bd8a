"""The notebook widget's front end in Chromium, as anywidget runs it: compgraph.Widget's own
ES module (`_esm`) imported from a blob: URL and rendered against a stub model, a small JS
object with anywidget's get/set/on/off/save_changes/send. The stub is the comm: what the
front end saves goes to a real compgraph.Widget in this test (its set_state, as ipywidgets
does), and what that widget sends (its state updates and custom messages) comes back. So
every number the widget shows is the kernel's engine's; nothing here is computed in JS."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from compgraph.app.examples import examples
from playwright.sync_api import Page, expect

import compgraph
from compgraph.widget import Widget
from tests.browser import MINUS, shown

# The stub: the model anywidget gives render(). Changes are kept until save_changes sends them.
STUB = """async ([esm, state]) => {
  const listeners = new Map();
  const unsaved = {};
  const fire = (event, ...args) => (listeners.get(event) || []).slice().forEach((f) => f(...args));
  const deliver = (messages) => {
    for (const message of messages) {
      if (message.method === "update") {
        for (const [name, value] of Object.entries(message.state)) {
          state[name] = value;
          fire(`change:${name}`, value);
        }
      } else if (message.method === "custom") {
        fire("msg:custom", message.content, []);
      }
    }
  };
  const model = {
    get: (name) => state[name],
    set: (name, value) => { state[name] = value; unsaved[name] = value; fire(`change:${name}`, value); },
    on: (event, f) => { if (!listeners.has(event)) listeners.set(event, []); listeners.get(event).push(f); },
    off: (event, f) => { const l = listeners.get(event) || []; if (l.includes(f)) l.splice(l.indexOf(f), 1); },
    save_changes: async () => {
      const changes = { ...unsaved };
      for (const name of Object.keys(unsaved)) delete unsaved[name];
      deliver(await window.kernelSave(changes));
    },
    send: async (content) => deliver(await window.kernelMessage(content)),
  };
  window.deliver = deliver;
  window.model = model;
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  const widget = (await import(url)).default;
  const el = document.createElement("div");
  el.id = "widget";
  document.body.append(el);
  widget.render({ model, el });
}"""

LECTURE = ("(x+y)*z", {"x": -2, "y": 5, "z": -4})


class Kernel:
    """The Python side of the stub's comm: a real Widget, whose outgoing messages are kept
    until the page takes them."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.outbox: list[dict] = []
        widget._send = lambda message, buffers=None: self.outbox.append(message)

    def take(self) -> list[dict]:
        messages, self.outbox = self.outbox, []
        return orjson.loads(orjson.dumps(messages))  # what the comm would carry: JSON

    def save(self, changes: dict) -> list[dict]:
        self.widget.set_state(changes)
        return self.take()

    def message(self, content: dict) -> list[dict]:
        self.widget._handle_custom_msg(content, [])
        return self.take()


def synced_state(widget: Widget) -> dict:
    return orjson.loads(orjson.dumps(widget.get_state()))


def open_widget(page: Page, widget: Widget) -> Kernel:
    kernel = Kernel(widget)
    page.expose_function("kernelSave", kernel.save)
    page.expose_function("kernelMessage", kernel.message)
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
    page.evaluate(STUB, [widget._esm, synced_state(widget)])
    expect(page.locator(".compgraph-widget")).to_have_attribute("data-ready", "true")
    return kernel


def play_to_the_end(page: Page, steps: int) -> None:
    expect(page.locator('[data-part="step-label"]')).to_have_text(f"start · {steps} steps")
    page.locator('[data-part="explain-title"]').click()  # the focus in the widget: its keys step it
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    expect(page.locator('[data-part="scrubber"]')).to_have_value(str(steps))


def input_grads(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelector('#widget').shadowRoot
        .querySelectorAll('.node.kind-input')].map((n) => [n.querySelector('.node-label').textContent, n.dataset.grad]))""")


@pytest.fixture
def lecture_widget() -> Iterator[Widget]:
    source, values = LECTURE
    widget = compgraph.show(source, **values)
    yield widget
    widget.close()


def test_the_widget_steps_the_lecture_example_to_the_engine_gradients(page: Page, lecture_widget: Widget,
                                                                        artifacts) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_widget(page, lecture_widget)
    steps = len(lecture_widget.analysis.to_dict()["steps"])
    play_to_the_end(page, steps)
    assert {name: float(grad) for name, grad in input_grads(page).items()} == lecture_widget.analysis.gradients
    assert lecture_widget.analysis.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    summary = page.locator('[data-part="summary"]')
    expect(summary).to_be_visible()
    for grad in ("∂f/∂x", "∂f/∂y", "∂f/∂z"):
        expect(summary).to_contain_text(grad)
    expect(summary).to_contain_text(f"{MINUS}4")
    page.screenshot(path=artifacts / "widget-lecture-end.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts / "widget-lecture-end-390.png", full_page=True)


def test_a_change_of_values_from_python_re_analyses(page: Page, lecture_widget: Widget) -> None:
    kernel = open_widget(page, lecture_widget)
    lecture_widget.values = {"x": 3, "y": 5, "z": -4}
    assert lecture_widget.analysis.gradients == {"x": -4.0, "y": -4.0, "z": 8.0}
    page.evaluate("(messages) => window.deliver(messages)", kernel.take())
    expect(page.locator('input[data-variable="x"]')).to_have_value("3")
    play_to_the_end(page, len(lecture_widget.analysis.to_dict()["steps"]))
    assert input_grads(page) == {"x": "-4", "y": "-4", "z": "8"}
    lecture_widget.source = "x*y*z"  # and of the source: the editor shows it, the graph is new
    page.evaluate("(messages) => window.deliver(messages)", kernel.take())
    expect(page.locator(".editor-text")).to_have_value("x*y*z")
    play_to_the_end(page, len(lecture_widget.analysis.to_dict()["steps"]))
    assert input_grads(page) == {"x": "-20", "y": "-12", "z": "15"}


def test_an_edit_in_the_widget_re_analyses_in_the_kernel(page: Page, lecture_widget: Widget) -> None:
    open_widget(page, lecture_widget)
    page.locator('input[data-variable="z"]').fill("2")
    page.wait_for_function("() => window.model.get('values').z === 2")
    assert lecture_widget.values == {"x": -2, "y": 5, "z": 2}
    assert lecture_widget.analysis.gradients == {"x": 2.0, "y": 2.0, "z": 3.0}
    page.locator(".editor-text").fill("(x+y)*z + q")
    expect(page.locator('input[data-variable="q"]')).to_be_visible()
    assert lecture_widget.source == "(x+y)*z + q"
    play_to_the_end(page, len(lecture_widget.analysis.to_dict()["steps"]))
    assert input_grads(page)["q"] == "1"


def test_training_runs_in_the_kernel(page: Page, artifacts) -> None:
    xor = next(example for example in examples()["examples"] if example["id"] == "xor-mlp")
    widget = compgraph.show(xor["source"], xor["values"], learning_rate=2.0)
    try:
        open_widget(page, widget)
        expect(page.locator("#training")).to_be_visible()
        expect(page.locator("#train-lr")).to_have_value("2")
        page.locator("#train-steps").fill("300")
        page.locator("#train-run").click()
        run = compgraph.train(xor["source"], xor["values"], steps=300, learning_rate=2.0, seed=0)
        expect(page.locator("#train-status")).to_have_text(
            f"300 steps: loss {shown(run.losses[0])} → {shown(run.final_loss)}")
        page.locator("#train-replay").click()
        expect(page.locator('[data-part="play"]')).to_have_attribute("aria-pressed", "true")
        assert set(widget.parameters) == {"W1", "b1", "W2", "b2"}
        assert set(widget.values) == {"X", "Y"}
        page.screenshot(path=artifacts / "widget-xor-trained.png", full_page=True)
    finally:
        widget.close()
