// Predict mode: before each step is revealed its number is hidden (a forward step's value;
// a backward edge's contribution, then from its second contribution on the running sum),
// and the student types it in the field named "prediction": Enter checks, Reveal shows it.
// The verdict is the engine's: its quiz (options.predict) gives, for each question, the
// numbers that count as the answer and as each likely mistake ([low, high], to so many
// significant digits); this module only finds which of those the typed number is in, the
// answer's first. A score at the end; a link opens the same quiz (its tolerance too).

import { formatNumber } from "./format.js";

export const DEFAULT_DIGITS = 3;

// The typed text as a number (a minus sign pasted from slides too), or null.
function typedNumber(text) {
  const trimmed = text.trim().replace(/^[\u2212\u2013]/, "-");
  if (trimmed === "") return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : null;
}

const within = (x, interval) => interval !== null && interval[0] <= x && x <= interval[1];

// The engine's verdict on a typed number: right, a diagnosed mistake, or neither.
function verdict(question, x) {
  if (within(x, question.accept)) return { right: true };
  const mistake = question.mistakes.find((m) => within(x, m.accept));
  return { right: false, mistake: mistake || null };
}

export class PredictMode {
  // box: the mode's controls (templates/index.html #predict); onDigits(): the tolerance
  // changed (ask the engine again); link(): the address of this quiz from its start.
  constructor({ view, box, onDigits, link }) {
    this.view = view;
    this.box = box;
    this.link = link;
    this.digits = DEFAULT_DIGITS;
    this.questions = new Map(); // step index -> its questions, in order
    this.answers = new Map(); // "step:field" -> {first: "right"|"mistake"|"wrong"|"revealed", mistake}
    this.asking = null; // {question, tries, first} while a question waits for its answer
    this.after = null; // what to say once the step an answer revealed is shown
    this.queued = null; // the question to ask once the player is at its step
    this.at = null; // the step shown last
    this.signature = null;
    const $ = (selector) => box.querySelector(selector);
    this.field = $('[name="prediction"]');
    this.asked = $(".predict-asked");
    this.ask = $(".predict-ask");
    this.message = $(".predict-verdict");
    this.score = $(".predict-score");
    this.next = $(".predict-next");
    this.digitsMenu = $(".predict-digits");
    this.field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      this.check();
    });
    $(".predict-check").addEventListener("click", () => this.check());
    $(".predict-reveal").addEventListener("click", () => this.reveal());
    this.next.addEventListener("click", () => this.view.player.forward());
    $(".predict-link").addEventListener("click", () => this.copyLink());
    this.digitsMenu.addEventListener("change", () => {
      this.digits = Number(this.digitsMenu.value);
      onDigits();
    });
  }

  setDigits(digits) {
    this.digits = digits;
    this.digitsMenu.value = String(digits);
  }

  options() {
    return { predict: this.digits };
  }

  enter() {
    this.box.hidden = false;
    this.view.player.pause();
    this.view.player.gate = (from, to) => this.gate(from, to);
  }

  leave() {
    this.box.hidden = true;
    this.view.player.gate = null;
    this.asking = null;
    this.view.player.reset(this.view.player.length, this.view.player.k); // the step as it is
  }

  onResult(result) {
    const quiz = result.predict;
    if (!quiz) return;
    // A new graph is a new quiz; the same graph (a new tolerance) keeps the answers given.
    const shape = JSON.stringify(result.nodes.map((n) => [n.op, n.label, n.inputs]));
    if (shape !== this.signature) {
      this.answers = new Map();
      this.asking = null;
    }
    this.signature = shape;
    this.questions = new Map();
    for (const question of quiz.questions) {
      if (!this.questions.has(question.step)) this.questions.set(question.step, []);
      this.questions.get(question.step).push(question);
    }
    this.box.querySelector(".predict-settings").title = `Right: ${quiz.rule}.`;
    // A question on screen stays, as the new quiz asks it (its tolerance may be new).
    const asked = this.asking?.question;
    const same = asked && (this.questions.get(asked.step) || []).find((q) => q.field === asked.field);
    if (same) {
      this.asking.question = same;
      this.display();
    } else {
      this.asking = null;
      this.render();
    }
  }

  onStep(k) {
    // The same step drawn again (play, pause, a new result): the question stays on screen.
    if (k === this.at) {
      if (this.asking) this.display();
      else this.render();
      return;
    }
    // Moving ends the question on screen; a step just revealed by an answer says how it went;
    // a move the gate held short asks its question now that the view is there.
    this.at = k;
    this.asking = null;
    if (this.after) this.say(...this.after);
    else this.say("", "");
    this.after = null;
    const queued = this.queued;
    this.queued = null;
    if (queued) this.show(queued);
    else this.render();
  }

  // The first question of step i not yet answered (a number that is not finite is shown,
  // not asked: nothing typed could be it).
  pending(i) {
    return (this.questions.get(i) || []).find((q) => q.accept !== null
      && !this.answers.has(`${q.step}:${q.field}`)) || null;
  }

  // How far the player may go from `from` towards `to`: up to the first step with a question
  // still open, which is then asked (at once, or once the player has moved there).
  gate(from, to) {
    for (let i = from; i < to; i += 1) {
      const question = this.pending(i);
      if (!question) continue;
      if (i === from) this.show(question);
      else this.queued = question;
      return i;
    }
    return to;
  }

  show(question) {
    this.asking = { question, tries: 0 };
    this.field.value = "";
    this.say("", "");
    this.display();
    this.field.focus();
  }

  // The question's step highlighted, and its explanation with the asked numbers as "?".
  display() {
    const { question } = this.asking;
    const hide = question.field === "product" ? ["product", "grad"] : [question.field];
    const view = this.view;
    const text = view.explainer.explain(view.replay, question.step, hide);
    view.ask(question.step, text);
    this.asked.textContent = text.asked;
    this.render();
  }

  check() {
    const asking = this.asking;
    if (!asking) return;
    const x = typedNumber(this.field.value);
    if (x === null) {
      this.say("Type a number, such as −4, 0.5 or 1e-3.", "unreadable");
      return;
    }
    const { question } = asking;
    const result = verdict(question, x);
    const key = `${question.step}:${question.field}`;
    asking.tries += 1;
    if (result.right) {
      this.answers.set(key, asking.tries === 1 ? { first: "right" } : asking.first);
      this.advance(`✓ Right: ${formatNumber(question.answer, 6)}.`, "right");
      return;
    }
    if (asking.tries === 1) asking.first = { first: result.mistake ? "mistake" : "wrong", mistake: result.mistake };
    const typed = formatNumber(x, 6);
    if (result.mistake) {
      this.say(`✗ Not ${typed}: ${result.mistake.why}. Try again, or reveal it.`, "mistake");
    } else {
      this.say(`✗ Not ${typed}. Try again, or reveal it.`, "wrong");
    }
    this.field.select();
  }

  reveal() {
    const asking = this.asking;
    if (!asking) return;
    const { question } = asking;
    this.answers.set(`${question.step}:${question.field}`, asking.first || { first: "revealed" });
    this.advance(`The answer: ${formatNumber(question.answer, 6)}.`, "revealed");
  }

  // Reveal the step (the gate lets it through now, or asks its next question) and say how
  // the answer went; the focus goes where the student continues.
  advance(text, kind) {
    this.asking = null;
    this.after = [text, kind];
    this.view.player.forward();
    if (this.after) this.say(...this.after); // held: the same step asks its next question
    this.after = null;
    (this.asking ? this.field : this.next).focus();
  }

  say(text, kind) {
    this.message.textContent = text;
    this.message.dataset.verdict = kind;
  }

  render() {
    const asking = Boolean(this.asking);
    this.ask.hidden = !asking;
    const { k, length } = this.view.player;
    this.next.hidden = asking || k >= length;
    this.score.hidden = !(length > 0 && k >= length);
    if (!this.score.hidden) this.score.textContent = this.scoreText();
  }

  scoreText() {
    const all = [...this.questions.values()].flat().filter((q) => q.accept !== null);
    const given = all.map((q) => this.answers.get(`${q.step}:${q.field}`)).filter(Boolean);
    const right = given.filter((a) => a.first === "right").length;
    const count = (first) => given.filter((a) => a.first === first).length;
    const diagnosed = count("mistake");
    const wrong = count("wrong");
    const revealed = count("revealed");
    const skipped = all.length - given.length; // passed over by a jump (a link to a later step)
    let text = `Score: ${right} of ${all.length} right the first time`;
    if (diagnosed) text += `; ${diagnosed} slip${diagnosed === 1 ? "" : "s"} diagnosed`;
    if (wrong) text += `; ${wrong} wrong`;
    if (revealed) text += `; ${revealed} revealed without an answer`;
    if (skipped) text += `; ${skipped} not asked`;
    return `${text}.`;
  }

  async copyLink() {
    const url = new URL(this.link(), window.location.href).href;
    try {
      await navigator.clipboard.writeText(url);
      this.say("Quiz link copied: it opens this quiz from its start, with its tolerance.", "link");
    } catch {
      this.say(`The quiz's link: ${url}`, "link");
    }
  }
}
