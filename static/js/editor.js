// The source editor: a textarea over a mirror that draws highlights (a node's
// span on hover, the error's span), the error message with a caret under the
// offending characters, and one input per variable, kept across edits.
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

function readNumber(text) {
  const number = Number(text.trim());
  return text.trim() === "" || !Number.isFinite(number) ? null : number;
}

// Nested lists of numbers as the user typed them; the server checks the rest.
function readTensor(text) {
  try {
    const value = JSON.parse(text);
    const ok = (x) => typeof x === "number" || (Array.isArray(x) && x.length > 0 && x.every(ok));
    return Array.isArray(value) && ok(value) ? value : null;
  } catch {
    return null;
  }
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
    this.syncScroll();
  }

  // The engine's error: message, the line with carets under the span, and the span marked.
  showError(error) {
    const text = this.textarea.value;
    if (!error) {
      this.errorBox.hidden = true;
      this.errorBox.replaceChildren();
      this.markSpans("error", null);
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
    const picture = document.createElement("pre");
    picture.className = "error-caret";
    const gutter = `${lineNumber} | `;
    picture.textContent = `${gutter}${line}\n${" ".repeat(gutter.length + column)}${"^".repeat(width)}`;
    picture.setAttribute("data-start", error.start);
    picture.setAttribute("data-end", error.end);
    const code = document.createElement("span");
    code.className = "error-code";
    code.textContent = error.code;
    this.errorBox.replaceChildren(message, picture, code);
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
      input.value = tensor ? tensorText(value) : String(value);
      row.append(caption, input);
      rows.push(row);
      inputs.set(name, input);
    }
    this.inputs = inputs;
    this.variablesBox.replaceChildren(...rows);
  }

  // A number gets a number field; a vector or matrix a text area holding [[…], […]].
  makeInput(name, tensor) {
    const input = document.createElement(tensor ? "textarea" : "input");
    if (tensor) {
      input.rows = 3;
      input.spellcheck = false;
    } else {
      input.type = "number";
      input.step = "any";
    }
    input.className = "variable-value";
    input.setAttribute("data-variable", name);
    input.setAttribute("aria-label", `value of ${name}`);
    input.addEventListener("input", () => {
      const value = tensor ? readTensor(input.value) : readNumber(input.value);
      if (value === null) {
        input.setAttribute("aria-invalid", "true");
        return;
      }
      input.removeAttribute("aria-invalid");
      this.values.set(name, value);
      this.onValuesChange();
    });
    return input;
  }

  // The values to send: every value the user has set, so a variable deleted and
  // typed again gets its value back (the engine ignores the others).
  currentValues() {
    return Object.fromEntries(this.values);
  }
}
