// The notebook widget's front end (compgraph/widget.py; anywidget loads it): the page's own
// editor, session, player and training panel in the widget's shadow root (its styles stay
// in it, the notebook's stay out), with the kernel as the engine. No request is made.
//
// The kernel and this front end share the model's traits: `source`, `values`, `options` and
// `parameters` (a training step being replayed). Asking for an analysis sets them and a new
// `_asked` number; the kernel answers in `_answer`, {asked, result} or {asked, error}. An
// answer nobody here asked for (Python changed the source or the values) is shown as well.
// Training is a custom message, {kind: "train", id, request}, answered {kind: "trained", id,
// result | error}.

import { Editor } from "./editor.js";
import { bindKeys } from "./keys.js";
import { buildPlayerParts } from "./playerparts.js";
import { PlayerView } from "./playerview.js";
import { Session } from "./session.js";
import { TrainingPanel } from "./training.js";
import { decode, isCompact } from "./wire.js";

// The editor's side: the page's parts (templates/index.html; the training panel is its
// templates/training.html, given by compgraph/widget.py), ids scoped by the shadow root.
const sideMarkup = (training) => `
<div class="editor">
  <pre class="editor-mirror" aria-hidden="true"></pre>
  <textarea class="editor-text" spellcheck="false" autocomplete="off" autocapitalize="off" rows="3"
            aria-label="Expression or program" aria-describedby="error"></textarea>
</div>
<div id="error" class="error" role="alert" hidden></div>
<h2 class="panel-title">Inputs</h2>
<div class="variables"></div>
<ul class="warnings" hidden></ul>
${training}
<p class="status" role="status"></p>`;

function aborted() {
  return new DOMException("a newer request replaced this one", "AbortError");
}

// The kernel, as the session's and the training panel's engine. `parameters()`: the
// parameters being replayed, sent apart from the user's values.
class Kernel {
  constructor(model, { parameters, onUnasked }) {
    this.model = model;
    this.parameters = parameters;
    this.onUnasked = onUnasked;
    this.pending = null; // {asked, resolve, reject}: the request under way
    this.trainings = new Map();
    this.trained = 0;
    this.writing = false; // our own model.set: its change events are not news from the kernel
    this.listeners = { "change:_answer": () => this.answered(), "msg:custom": (message) => this.message(message) };
    for (const [event, listener] of Object.entries(this.listeners)) model.on(event, listener);
  }

  close() {
    for (const [event, listener] of Object.entries(this.listeners)) this.model.off(event, listener);
  }

  set(traits) {
    this.writing = true;
    try {
      for (const [name, value] of Object.entries(traits)) this.model.set(name, value);
    } finally {
      this.writing = false;
    }
  }

  // The latest answer, decoded into the result the player reads.
  answer() {
    const text = this.model.get("_answer");
    if (!text) return null;
    const { asked, result, error } = JSON.parse(text);
    return { asked, answer: error ? { error } : { result: isCompact(result) ? decode(result) : result } };
  }

  analyze(source, values, signal) {
    this.pending?.reject(aborted());
    const asked = this.model.get("_asked") + 1;
    const parameters = this.parameters();
    const user = Object.fromEntries(Object.entries(values).filter(([name]) => !(name in parameters)));
    return new Promise((resolve, reject) => {
      this.pending = { asked, resolve, reject };
      signal.addEventListener("abort", () => {
        if (this.pending?.asked === asked) this.pending = null;
        reject(aborted());
      });
      this.set({ source, values: user, parameters, _asked: asked });
      this.model.save_changes();
    });
  }

  answered() {
    const latest = this.answer();
    if (!latest) return;
    if (this.pending) {
      if (latest.asked < this.pending.asked) return; // an older request's, or the kernel's own: ours is next
      const { resolve } = this.pending;
      this.pending = null;
      resolve(latest.answer);
      return;
    }
    if (latest.asked >= this.model.get("_asked")) this.onUnasked(latest.answer);
  }

  train(request) {
    const id = ++this.trained;
    return new Promise((resolve) => {
      this.trainings.set(id, resolve);
      this.model.send({ kind: "train", id, request });
    });
  }

  message(message) {
    if (message?.kind !== "trained" || !this.trainings.has(message.id)) return;
    const resolve = this.trainings.get(message.id);
    this.trainings.delete(message.id);
    resolve(message.error ? { error: message.error } : { result: message.result });
  }
}

// anywidget's render: `css` is the page's stylesheet, `catalog` the operator catalog and
// `trainingMarkup` the training panel's markup (all packed by compgraph/widget.py). Returns the
// clean-up anywidget calls on removal.
export function render({ model, el, css, catalog, trainingMarkup }) {
  const shadow = el.shadowRoot || el.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = css;
  const box = document.createElement("div");
  box.className = "compgraph-widget";
  box.tabIndex = -1; // a click in it gives it the focus, so that its keys step it
  const side = document.createElement("div");
  side.className = "widget-side";
  side.innerHTML = sideMarkup(trainingMarkup); // the package's markup, no user text
  const player = document.createElement("div");
  buildPlayerParts(player);
  box.append(side, player);
  shadow.replaceChildren(style, box);
  const $ = (selector) => side.querySelector(selector);

  const view = new PlayerView(player, {
    catalog,
    onNodeHover: (node) => editor.markSpans("hover", node ? node.occurrences || [node.span] : null),
  });
  const kernel = new Kernel(model, {
    parameters: () => session.parameters || {},
    onUnasked: (answer) => {
      if (!answer.error) editor.setValues(Object.entries(model.get("values")));
      session.answered(answer, editor.source);
    },
  });
  const editor = new Editor({
    textarea: $(".editor-text"),
    mirror: $(".editor-mirror"),
    errorBox: $("#error"),
    variablesBox: $(".variables"),
    onSourceChange: () => {
      session.parameters = null;
      training.replayed = null;
      session.schedule(300, false);
    },
    onValuesChange: () => session.valuesChanged(),
  });
  const training = new TrainingPanel({
    root: $("#training"),
    train: (request) => kernel.train(request),
    onReplay: (parameters, step, autoplay = true) => {
      session.parameters = parameters;
      session.autoplay = autoplay;
      $(".status").textContent = `Replaying training step ${step + 1}`;
      session.run({ step: 0 });
    },
    onSettingsChange: () => {
      session.parameters = null;
      kernel.set({ options: { ...model.get("options"), seed: training.seed, learning_rate: training.learningRate } });
      session.schedule(0, false);
    },
  });
  const session = new Session({
    analyze: (source, values, signal) => kernel.analyze(source, values, signal),
    editor, view, training, status: $(".status"), warnings: $(".warnings"), root: box,
    options: () => model.get("options"),
  });

  // Python changed the source or the values: the editor shows them (the answer follows).
  const fromKernel = () => {
    if (kernel.writing) return;
    if (model.get("source") !== editor.source) editor.source = model.get("source");
  };
  model.on("change:source", fromKernel);
  const { learning_rate: lr, seed } = model.get("options");
  training.restore({ lr, seed }); // the panel starts from the options Python gave
  bindKeys({ player: view.player, nodeInfo: view.nodeInfo, ready: () => view.ready, target: shadow });

  editor.source = model.get("source");
  editor.values = new Map(Object.entries(model.get("values")));
  const first = kernel.answer();
  if (first) session.answered(first.answer, editor.source);
  box.dataset.ready = "true";
  return () => {
    view.player.pause();
    kernel.close();
    model.off("change:source", fromKernel);
  };
}
