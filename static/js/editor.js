// The source editor: a textarea over a mirror that draws highlights (a node's
// span on hover, the error's span), the error message with a caret under the
// offending characters, and one input per variable, kept across edits. A value
// that cannot be used says why under its own field, and is not sent.
//
// Spans from the engine count code points; JavaScript strings count UTF-16
// units, so spans are converted before slicing.

function codePointToUnit(text, index) {
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (points >= index) break;
    units += ch.length;
    points += 1;
  }
  return units;
}

const TOO_LARGE = "too large for a 64-bit float (the largest is about 1.8e308)";

// {value} or {reason}: a number field's text. (A text field, not type=number: there the
// browser reports 1e400 and a half-typed 1e alike as "", and the reason could not be told.)
function readNumber(text) {
  if (text.trim() === "") return { reason: "empty: type a number" };
  const number = Number(text.trim().replace(/^\u2212/, "-")); // a minus sign pasted from slides
  if (Number.isNaN(number)) return { reason: "not a number: write one such as 2, −0.5 or 1e-3" };
  if (!Number.isFinite(number)) return { reason: TOO_LARGE };
  return { value: number };
}

// {value} or {reason}: nested lists of numbers as the user typed them; the engine checks the rest.
function readTensor(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: "not a vector or matrix yet: write numbers in brackets, like [1, 2] or [[1, 2], [3, 4]]" };
  }
  const numbers = (x) => typeof x === "number" || (Array.isArray(x) && x.length > 0 && x.every(numbers));
  if (!Array.isArray(value) || !numbers(value)) {
    return { reason: "a vector or matrix holds numbers in brackets, like [1, 2] or [[1, 2], [3, 4]]" };
  }
  if (!value.flat(2).every(Number.isFinite)) return { reason: `a number in it is ${TOO_LARGE}` };
  return { value };
}

function tensorText(value) {
  return Array.isArray(value[0])
    ? `[${value.map((row) => JSON.stringify(row)).join(",\n ")}]`
    : JSON.stringify(value);
}

export class Editor {
  constructor({ textarea, mirror, errorBox, variablesBox, onSourceChange, onValuesChange }) {
    this.textarea = textarea;
    this.mirror = mirror;
    this.errorBox = errorBox;
    this.variablesBox = variablesBox;
    this.values = new Map(); // variable name -> number, kept across edits
    this.inputs = new Map();
    this.reasons = new Map(); // variable name -> why the text in its field cannot be used
    this.marks = { hover: null, error: null };
    textarea.addEventListener("input", () => {
      this.renderMirror();
      onSourceChange(textarea.value);
    });
    textarea.addEventListener("scroll", () => this.syncScroll());
    this.onValuesChange = onValuesChange;
    this.renderMirror();
  }

  get source() {
    return this.textarea.value;
  }

  set source(text) {
    this.textarea.value = text;
    this.renderMirror();
  }

  syncScroll() {
    this.mirror.scrollTop = this.textarea.scrollTop;
    this.mirror.scrollLeft = this.textarea.scrollLeft;
  }

  // Highlight [start, end) (code points) of the source, or clear with null.
  markSpans(kind, spans) {
    this.marks[kind] = spans;
    this.renderMirror();
  }

  renderMirror() {
    const text = this.textarea.value;
    const ranges = [];
    for (const [kind, spans] of Object.entries(this.marks)) {
      for (const [start, end] of spans || []) {
        const a = codePointToUnit(text, start);
        const b = Math.max(codePointToUnit(text, end), a);
        ranges.push({ a, b: b === a ? a + 1 : b, kind });
      }
    }
    ranges.sort((p, q) => p.a - q.a || p.b - q.b);
    const parts = [];
    let at = 0;
    for (const { a, b, kind } of ranges) {
      if (a < at) continue; // overlapping marks: the first wins
      parts.push(document.createTextNode(text.slice(at, a)));
      const mark = document.createElement("mark");
      mark.className = `mark-${kind}`;
      mark.textContent = a < text.length ? text.slice(a, b) : " ";
      parts.push(mark);
      at = Math.min(b, text.length);
    }
    parts.push(document.createTextNode(text.slice(at) + "\n"));
    this.mirror.replaceChildren(...parts);
    // In the next frame, not now: reading the textarea's scroll makes the browser lay out
    // the page there and then (60 ms with a 5,000-node program's source), before a shared
    // link's graph is even asked for.
    if (!this.scrollSync) {
      this.scrollSync = requestAnimationFrame(() => {
        this.scrollSync = 0;
        this.syncScroll();
      });
    }
  }

  // The engine's error: message, the line with carets under the span, and the span marked.
  showError(error) {
    const text = this.textarea.value;
    if (!error) {
      this.errorBox.hidden = true;
      this.errorBox.replaceChildren();
      // (only if marked: drawing the mirror lays the page out, on every answer)
      if (this.marks.error) this.markSpans("error", null);
      this.textarea.removeAttribute("aria-invalid");
      return;
    }
    const start = codePointToUnit(text, error.start);
    const end = Math.max(codePointToUnit(text, error.end), start);
    const lineStart = Math.max(text.lastIndexOf("\n", start - 1), text.lastIndexOf("\r", start - 1)) + 1;
    let lineEnd = text.slice(start).search(/[\r\n]/);
    lineEnd = lineEnd === -1 ? text.length : start + lineEnd;
    const lineNumber = text.slice(0, lineStart).split(/\r\n|\r|\n/).length;
    const line = text.slice(lineStart, lineEnd);
    const column = [...text.slice(lineStart, start)].length;
    const width = Math.max(1, [...text.slice(start, Math.min(end, lineEnd))].length);
    const message = document.createElement("p");
    message.className = "error-message";
    message.textContent = error.message;
    message.title = `error code: ${error.code}`; // for whoever reports it; not for the reader
    const picture = document.createElement("pre");
    picture.className = "error-caret";
    const gutter = `${lineNumber} | `;
    picture.textContent = `${gutter}${line}\n${" ".repeat(gutter.length + column)}${"^".repeat(width)}`;
    picture.setAttribute("data-start", error.start);
    picture.setAttribute("data-end", error.end);
    this.errorBox.replaceChildren(message, picture);
    this.errorBox.hidden = false;
    this.textarea.setAttribute("aria-invalid", "true");
    this.markSpans("error", [[error.start, Math.max(error.end, error.start + 1)]]);
  }

  // One input per variable, in order of appearance; values survive edits.
  setVariables(names, valuesFromEngine) {
    const known = [...this.inputs.keys()];
    const same = known.length === names.length && known.every((name, i) => name === names[i]);
    for (const name of names) {
      if (!this.values.has(name)) this.values.set(name, valuesFromEngine.get(name));
    }
    for (const name of this.reasons.keys()) if (!names.includes(name)) this.reasons.delete(name);
    if (same) return;
    const rows = [];
    const inputs = new Map();
    for (const name of names) {
      const row = document.createElement("label");
      row.className = "variable";
      const caption = document.createElement("span");
      caption.className = "variable-name";
      caption.textContent = name;
      const value = this.values.get(name);
      const tensor = Array.isArray(value);
      let input = this.inputs.get(name);
      if (!input || (input.tagName === "TEXTAREA") !== tensor) input = this.makeInput(name, tensor);
      if (!this.reasons.has(name)) input.value = tensor ? tensorText(value) : String(value);
      const reason = document.createElement("span");
      reason.className = "variable-reason";
      reason.dataset.reasonFor = name;
      reason.id = `reason-${name}`;
      input.setAttribute("aria-describedby", reason.id);
      row.append(caption, input, reason);
      rows.push(row);
      inputs.set(name, input);
    }
    this.inputs = inputs;
    this.variablesBox.replaceChildren(...rows);
    for (const name of names) this.markField(name, this.reasons.get(name) ?? null);
  }

  // Values set from elsewhere (a notebook's kernel): each field shows its new value.
  setValues(values) {
    for (const [name, value] of values) {
      this.values.set(name, value);
      this.reasons.delete(name);
    }
    const names = [...this.inputs.keys()];
    this.inputs = new Map(); // every field made again, each with its value
    this.setVariables(names, new Map());
  }

  // Say under a variable's field why its value cannot be used (null: it can).
  markField(name, reason) {
    const input = this.inputs.get(name);
    const box = this.variablesBox.querySelector(`[data-reason-for="${CSS.escape(name)}"]`);
    if (reason) this.reasons.set(name, reason);
    else this.reasons.delete(name);
    if (!input || !box) return;
    box.textContent = reason || "";
    box.hidden = !reason;
    if (reason) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // The variables whose fields hold something that cannot be used.
  get invalid() {
    return [...this.reasons.keys()];
  }

  // A number gets a number field; a vector or matrix a text area holding [[…], […]].
  makeInput(name, tensor) {
    const input = document.createElement(tensor ? "textarea" : "input");
    if (tensor) {
      input.rows = 3;
    } else {
      input.type = "text";
      input.autocomplete = "off";
    }
    input.spellcheck = false;
    input.className = "variable-value";
    input.setAttribute("data-variable", name);
    input.setAttribute("aria-label", `value of ${name}`);
    input.addEventListener("input", () => {
      const read = tensor ? readTensor(input.value) : readNumber(input.value);
      this.markField(name, read.reason ?? null);
      if (read.reason === undefined) this.values.set(name, read.value);
      this.onValuesChange();
    });
    return input;
  }

  // The values to send: every value the user has set, so a variable deleted and
  // typed again gets its value back (the engine ignores the others); never one
  // whose field holds something else now.
  currentValues() {
    const values = Object.fromEntries(this.values);
    for (const name of this.reasons.keys()) delete values[name];
    return values;
  }
}
