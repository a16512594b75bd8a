// The analysis loop: what the editor holds goes to the engine through the host's
// `analyze(source, values, signal, options)` (the page's: POST /api/graph; a notebook
// widget's: its kernel), which resolves to {result} or {error} as api.js's does; the
// engine's answer goes to the player, or its error to the editor while the last good graph
// stays on screen (dimmed). Requests are debounced and a newer one cancels an older one.

// How long the editor waits after a keystroke before asking the engine (more keys may follow).
export const TYPING_DEBOUNCE_MS = 300;
// The mark each shown answer leaves on the page's performance timeline (bench/page_frames.py
// times keystrokes and share links to it).
export const DRAWN_MARK = "compgraph:drawn";

const HIDDEN_WARNINGS = new Set(["default_value", "unused_value"]); // the page's own doing
// Engine errors about a value, not the source: shown at the variable's field.
const VALUE_ERRORS = new Set(["non_numeric_value", "number_too_large", "missing_value"]);

// The text the engine's span points at (code points): the variable a value error is about.
function spanText(source, start, end) {
  return [...source].slice(start, end).join("");
}

// The graph's structure: an edit that leaves it unchanged (a trailing space) keeps the step.
function signature(result) {
  return JSON.stringify([result.steps.length, result.nodes.map((n) => [n.kind, n.op, n.label, n.inputs])]);
}

export class Session {
  // options(): what else to ask of the engine (the training's seed and rate, the text size,
  // what the current mode needs); onResult(result): a new result is shown; optionRejected():
  // the engine refused an option, and whether the mode dropped it (then ask again); root:
  // what is marked "stale" while the graph is dimmed (the page's body, a widget's box).
  constructor({ analyze, editor, view, training, status, warnings, options, onResult = () => {},
    optionRejected = () => false, root = document.body }) {
    this.analyze = analyze;
    this.root = root;
    this.editor = editor;
    this.view = view;
    this.training = training;
    this.status = status;
    this.warnings = warnings;
    this.options = options;
    this.onResult = onResult;
    this.optionRejected = optionRejected;
    this.requestId = 0;
    this.inFlight = null;
    this.timer = 0;
    this.keepStep = false;
    this.refit = false; // the next result is drawn anew (a new text size): fit it again
    this.signature = null;
    this.parameters = null; // parameter values replayed from training; null: the seed's start
    this.autoplay = false;
    this.showAfter = null; // a promise an answer waits for before it is shown (the catalogue)
  }

  get result() {
    return this.view.result;
  }

  // The fields of the graph's variables that hold something that cannot be used.
  unusableFields() {
    const shown = new Set(this.result ? this.result.variables : []);
    return this.editor.invalid.filter((name) => shown.has(name));
  }

  // Dim the graph and the panel: what they show is not what the editor holds now.
  setStale(stale) {
    const dim = stale && Boolean(this.result);
    this.view.setStale(dim);
    this.root.classList.toggle("stale", dim);
  }

  // A value field changed: analyze again, unless a field holds something that cannot be used.
  valuesChanged() {
    if (this.unusableFields().length) {
      clearTimeout(this.timer);
      this.setStale(true);
      return;
    }
    this.schedule(200, true);
  }

  // Ask again after `delay` ms. A request under way is cancelled now, not when the new one
  // starts: its answer is for what the editor held before, and must never be drawn.
  schedule(delay, keepStep) {
    this.cancel();
    clearTimeout(this.timer);
    this.keepStep = this.keepStep || keepStep;
    this.timer = setTimeout(() => this.run(), delay);
  }

  // What the server needs: the user's values, and the parameters being replayed if any.
  requestValues() {
    return { ...this.editor.currentValues(), ...(this.parameters || {}) };
  }

  cancel() {
    this.requestId += 1;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  // Ask the engine; show the graph, or the error while keeping the last good graph.
  async run({ step = null, fresh = false } = {}) {
    this.cancel();
    const id = this.requestId;
    const controller = new AbortController();
    this.inFlight = controller;
    const editor = this.editor;
    const source = editor.source;
    this.status.textContent = "Analyzing…";
    let answer;
    try {
      answer = await this.analyze(source, this.requestValues(), controller.signal, this.options());
      await this.showAfter;
    } catch (error) {
      if (error.name === "AbortError") return;
      answer = { error: { code: "network", message: "the server could not be reached", start: 0, end: 0 } };
    }
    if (id !== this.requestId) return; // a newer request is under way
    this.status.textContent = "";
    if (answer.error?.code === "invalid_option" && this.optionRejected()) {
      this.run({ step, fresh });
      return;
    }
    this.answered(answer, source, { step, fresh });
  }

  // The engine's answer for `source`: the graph, or the error while keeping the last good
  // graph (also an answer nobody here asked for: a notebook's kernel changed the source).
  answered(answer, source, { step = null, fresh = false } = {}) {
    const editor = this.editor;
    if (answer.error) {
      const name = spanText(source, answer.error.start, answer.error.end);
      if (VALUE_ERRORS.has(answer.error.code) && editor.inputs.has(name)) {
        editor.showError(null);
        editor.markField(name, answer.error.message);
      } else {
        editor.showError(answer.error);
      }
      this.setStale(true);
      this.keepStep = false;
      return;
    }
    editor.showError(null);
    const stillUnusable = editor.invalid.filter((name) => answer.result.variables.includes(name));
    if (stillUnusable.length && this.result) {
      // The graph would be computed without what a field holds: keep the last one, dimmed.
      editor.setVariables(answer.result.variables, new Map());
      this.setStale(true);
      return;
    }
    this.setStale(false);
    this.show(answer.result, step, fresh);
  }

  // `fresh`: a new graph (an example chosen), opened from its start even if it looks the same.
  show(result, step, fresh) {
    const view = this.view;
    const shape = signature(result);
    const same = shape === this.signature;
    const keep = !fresh && (this.keepStep || same) && view.replay && view.replay.length === result.steps.length;
    const k = step ?? (keep ? view.player.k : 0);
    const refit = !keep || this.refit;
    this.keepStep = false;
    this.refit = false;
    this.signature = shape;
    const engineValues = new Map(result.variables.map((name, i) => [name, result.nodes[i].value]));
    this.editor.setVariables(result.variables, engineValues);
    this.showWarnings(result.warnings);
    this.training.show(result, () => ({ source: this.editor.source, values: this.editor.currentValues() }));
    view.show(result, { k, refit, textScale: this.options().text_scale });
    this.onResult(result);
    performance.mark(DRAWN_MARK);
    if (this.autoplay) {
      this.autoplay = false;
      view.player.play();
    }
  }

  showWarnings(warnings) {
    const shown = warnings.filter((w) => !HIDDEN_WARNINGS.has(w.code));
    this.warnings.replaceChildren(...shown.map((w) => {
      const item = document.createElement("li");
      item.textContent = w.message;
      item.dataset.code = w.code;
      if (w.end > w.start) {
        item.addEventListener("mouseenter", () => this.editor.markSpans("hover", [[w.start, w.end]]));
        item.addEventListener("mouseleave", () => this.editor.markSpans("hover", null));
      }
      return item;
    }));
    this.warnings.hidden = shown.length === 0;
  }
}
