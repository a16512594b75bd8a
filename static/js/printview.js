// The print view (for handouts, slides and "Save as PDF"): one page per step, each with the
// graph as that step leaves it and the step's explanation, the summary on the last. On
// screen it is a scrolling list of the pages; printed (app.css, @media print) one step a
// page. The graph of each page is the SVG export of the drawing at that step, drawn to fit
// the paper. Printing from any other view prints the current step as such a page.

import { exportSvgText } from "./exportview.js";
import { renderExplanation } from "./steppanel.js";

export const MAX_PRINTED = 200; // steps; a longer walk-through prints its first ones

export class PrintMode {
  // box: where the pages go (it covers the page on screen); title(): what each page's
  // header says the walk-through is; onLeave(): the bar's ✕ was pressed.
  constructor({ view, box, title, onLeave }) {
    this.view = view;
    this.box = box;
    this.title = title;
    this.onLeave = onLeave;
    this.urls = [];
    this.ready = Promise.resolve();
  }

  enter() {
    this.box.hidden = false;
    this.build();
  }

  leave() {
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
  }

  build() {
    const replay = this.view.replay;
    if (!replay) return;
    const n = Math.min(replay.length, MAX_PRINTED);
    const pages = this.pages(0, n);
    if (replay.length > n) {
      const note = document.createElement("p");
      note.className = "print-note";
      note.textContent = `The first ${n} of ${replay.length} steps are printed.`;
      pages[pages.length - 1]?.appendChild(note);
    }
    this.box.replaceChildren(this.bar(pages.length), ...pages);
    this.ready = Promise.all([...this.box.querySelectorAll("img")].map((img) => img.decode().catch(() => {})));
  }

  // Printing from another view (the browser's beforeprint): the current step as one page,
  // until the printing is done (afterprint).
  printCurrent() {
    if (!this.view.replay) return;
    const k = this.view.player.k;
    this.box.replaceChildren(...this.pages(k - 1, k));
    this.box.hidden = false;
    document.body.dataset.printing = "current";
  }

  printed() {
    this.clear();
    this.box.hidden = true;
    delete document.body.dataset.printing;
  }

  // The pages of steps first … end − 1 (−1: the start, before any step): the trace played
  // on the drawing, each step's picture and words taken, then the player put back.
  pages(first, end) {
    const view = this.view;
    const { replay } = view;
    const { graph, svg, labels } = view.fullDrawing(); // every element, even of a canvas-drawn graph
    const k = view.player.k;
    this.clear();
    const title = this.title();
    const pages = [];
    const live = replay.viewAt(Math.max(0, first));
    graph.update(live);
    for (let i = first; i < end; i += 1) {
      if (i >= 0) graph.update(live, replay.apply(live, i));
      graph.highlight(i >= 0 ? replay.steps[i] : null);
      const picture = exportSvgText(svg, labels, graph.bounds);
      pages.push(this.page(title, i, replay, picture, i === replay.length - 1));
    }
    view.player.reset(replay.length, k);
    return pages;
  }

  // On screen only: how many pages, and the buttons to print them or to leave.
  bar(count) {
    const bar = document.createElement("div");
    bar.className = "print-bar";
    const what = document.createElement("span");
    what.textContent = `${count} page${count === 1 ? "" : "s"}, one step each`;
    const print = document.createElement("button");
    print.type = "button";
    print.textContent = "Print or save as PDF";
    print.addEventListener("click", () => window.print());
    const leave = document.createElement("button");
    leave.type = "button";
    leave.textContent = "✕ Leave the print view";
    leave.addEventListener("click", () => this.onLeave());
    bar.append(what, print, leave);
    return bar;
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
