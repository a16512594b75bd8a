// The print view (for handouts, slides and "Save as PDF"): one page per step, each with the
// graph as that step leaves it and the step's explanation, the summary on the last. On
// screen it is a scrolling list of the pages; printed (app.css, @media print) one step a
// page. The graph of each page is the SVG export of the drawing at that step, drawn to fit
// the paper. Printing from any other view prints the current step as such a page.
//
// A page of a big graph takes a while to draw, so the pages are made a few at a time, the
// browser drawing and answering between them, the bar saying how far it is; which steps are
// printed is bounded by the graph's size as well as by their number (printplan.js).

import { exportSvgText } from "./exportview.js";
import { pagesSaid, printPlan, scopeNote, shortTitle } from "./printplan.js";
import { renderExplanation } from "./steppanel.js";

const SLICE_MS = 40; // of page making before the browser gets a turn
const NEVER = new Promise(() => {}); // the readiness of a view left before it was ready: nothing prints

// The browser's turn: the words above painted, input handled.
const breathe = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

export class PrintMode {
  // box: where the pages go (it covers the page on screen); title(): what each page's
  // header says the walk-through is; onLeave(): the bar's ✕ was pressed.
  constructor({ view, box, title, onLeave }) {
    this.view = view;
    this.box = box;
    this.title = title;
    this.onLeave = onLeave;
    this.urls = [];
    this.run = 0; // the build under way; a newer one, or leaving, stops an older one
    this.left = false;
    // Resolves once every page is made and its picture decoded (the Print button then
    // prints); a build replaced by a newer one passes on its promise, a view left never.
    this.ready = Promise.resolve();
  }

  enter() {
    this.box.hidden = false;
    this.build();
  }

  leave() {
    this.run += 1;
    this.left = true;
    this.clear();
    this.box.hidden = true;
  }

  onResult() {
    this.build();
  }

  clear() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    this.box.replaceChildren();
    delete this.box.dataset.preparing;
  }

  build() {
    const replay = this.view.replay;
    if (!replay) return;
    const run = ++this.run;
    this.left = false;
    this.clear();
    const plan = printPlan(replay.length, replay.nodes.length);
    const bar = this.bar(plan);
    this.box.append(bar.element);
    this.box.dataset.preparing = "true";
    this.ready = this.fill(run, plan, bar).then((done) => (done ? undefined : this.left ? NEVER : this.ready));
  }

  // Make the pages of the plan's steps into the box, a step of the work at a time, the
  // browser given its turn whenever one has taken long; false when stopped.
  async fill(run, plan, bar) {
    const { replay } = this.view;
    let walk = null;
    let slice = -Infinity;
    let page = 1;
    const go = async () => { // whether to go on
      if (performance.now() - slice >= SLICE_MS) {
        bar.say(`Preparing page ${Math.min(page, plan.printed)} of ${plan.printed}…`);
        await breathe();
        slice = performance.now();
      }
      if (run === this.run) return true;
      if (walk && this.view.replay === replay) walk.done(); // left: the player's step drawn again
      return false;
    };
    if (!(await go())) return false;
    walk = this.walk(0);
    const note = scopeNote(plan);
    for (let i = 0; i < plan.printed; i += 1, page += 1) {
      if (!(await go())) return false;
      walk.draw(i);
      if (!(await go())) return false;
      const picture = walk.picture();
      if (!(await go())) return false;
      const section = walk.page(i, picture);
      if (i === 0 && note) section.insertBefore(noteElement(note), section.querySelector(".print-graph"));
      this.box.append(section);
      await section.querySelector("img").decode().catch(() => {});
    }
    if (!(await go())) return false;
    walk.done();
    bar.ready();
    delete this.box.dataset.preparing;
    return true;
  }

  // Printing from another view (the browser's beforeprint): the current step as one page,
  // until the printing is done (afterprint). It cannot wait, so it is made at once.
  printCurrent() {
    if (!this.view.replay) return;
    this.run += 1;
    const k = this.view.player.k;
    this.clear();
    const walk = this.walk(k - 1);
    walk.draw(k - 1);
    this.box.append(walk.page(k - 1, walk.picture()));
    walk.done();
    this.box.hidden = false;
    document.body.dataset.printing = "current";
  }

  printed() {
    this.clear();
    this.box.hidden = true;
    delete document.body.dataset.printing;
  }

  // The trace played on the drawing from step `first` (−1: the start, before any step), in
  // order: draw(i) shows step i on the drawing, picture() exports it, page(i, picture) makes
  // its page; done() puts the player back.
  walk(first) {
    const view = this.view;
    const { replay } = view;
    const { graph, svg, labels } = view.fullDrawing(); // every element, even of a canvas-drawn graph
    const title = shortTitle(this.title());
    const live = replay.viewAt(Math.max(0, first));
    // The player may draw its own step on the same drawing (an SVG-drawn graph) while the
    // pages are made: then every number is drawn again, else only what a step changes.
    const others = new MutationObserver(() => {});
    for (const part of [svg, labels]) {
      others.observe(part, { subtree: true, childList: true, attributes: true, characterData: true });
    }
    let redraw = true;
    let step = null;
    const draw = (touched) => {
      graph.update(live, redraw || others.takeRecords().length ? null : touched);
      graph.highlight(step);
      others.takeRecords(); // these changes are the walk's own
      redraw = false;
    };
    return {
      draw: (i) => {
        step = i >= 0 ? replay.steps[i] : null;
        draw(i >= 0 ? replay.apply(live, i) : null);
      },
      picture: () => {
        if (others.takeRecords().length) { redraw = true; draw(null); }
        return exportSvgText(svg, labels, graph.bounds);
      },
      page: (i, picture) => this.page(title, i, replay, picture, i === replay.length - 1),
      done: () => {
        others.disconnect();
        view.player.reset(replay.length, view.player.k);
      },
    };
  }

  // On screen only: how far the pages are made, then how many, and the buttons to print
  // them or to leave. While they are made, printing prints these words alone (app.css).
  bar(plan) {
    const element = document.createElement("div");
    element.className = "print-bar";
    const what = document.createElement("span");
    what.className = "print-progress";
    what.setAttribute("role", "status");
    const print = document.createElement("button");
    print.type = "button";
    print.textContent = "Print or save as PDF";
    print.disabled = true;
    print.addEventListener("click", () => window.print());
    const leave = document.createElement("button");
    leave.type = "button";
    leave.textContent = "✕ Leave the print view";
    leave.addEventListener("click", () => this.onLeave());
    element.append(what, print, leave);
    const say = (text) => { what.textContent = text; };
    say(`Preparing page 1 of ${plan.printed}…`);
    return {
      element,
      say,
      ready: () => {
        say(pagesSaid(plan));
        print.disabled = false;
      },
    };
  }

  page(title, i, replay, picture, last) {
    const section = document.createElement("section");
    section.className = "print-step";
    section.dataset.step = String(i + 1);
    const head = document.createElement("header");
    head.className = "print-head";
    const [phase, where] = replay.where(i + 1);
    head.textContent = i < 0 ? `${title} · ${where}` : `${title} · ${phase} · ${where}`;
    const image = document.createElement("img");
    const url = URL.createObjectURL(new Blob([picture], { type: "image/svg+xml" }));
    this.urls.push(url);
    image.src = url;
    image.alt = i < 0 ? "The graph before the first step" : `The graph after step ${i + 1}`;
    image.className = "print-graph";
    const words = document.createElement("div");
    words.className = "print-words";
    const boxes = { title: document.createElement("h2"), lines: document.createElement("div"),
      figures: document.createElement("div") };
    boxes.title.className = "panel-title";
    boxes.lines.className = "explain-lines";
    boxes.figures.className = "explain-figures";
    renderExplanation(boxes, this.view.explainer.explain(replay, i));
    words.append(boxes.title, boxes.lines, boxes.figures);
    section.append(head, image, words);
    if (last && this.view.showSummary) {
      const summary = this.view.summary.box.cloneNode(true);
      summary.hidden = false;
      summary.removeAttribute("id");
      summary.removeAttribute("data-part");
      section.appendChild(summary);
    }
    return section;
  }
}

function noteElement(text) {
  const note = document.createElement("p");
  note.className = "print-note";
  note.textContent = text;
  return note;
}
