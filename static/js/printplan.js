// What the print view prints, and the words that say so. Each page draws the whole graph,
// so the work (and the PDF) grows as pages × nodes: a handout of a big graph prints fewer
// steps, and its first page says which and why. A header's long source is shortened.

export const MAX_PRINTED = 200; // pages: a longer walk-through prints its first ones
export const NODE_BUDGET = 10_000; // nodes drawn over all the pages (pages × nodes)
const TITLE_PART_CHARS = 160; // of each part of a page's header (the source, its values)

const count = (n) => n.toLocaleString("en-US");
const plural = (n, one, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

// How many of `steps` steps a print view of a graph of `nodes` nodes prints (the first
// ones), and what limited it: null (every step), "pages" (MAX_PRINTED) or "size".
export function printPlan(steps, nodes) {
  const bySize = Math.max(1, Math.floor(NODE_BUDGET / Math.max(1, nodes)));
  const printed = Math.min(steps, MAX_PRINTED, bySize);
  let limit = null;
  if (printed < steps) limit = bySize < Math.min(steps, MAX_PRINTED) ? "size" : "pages";
  return { printed, steps, nodes, limit };
}

// The sentence that says which steps are printed and why, or null when all of them are.
export function scopeNote({ printed, steps, nodes, limit }) {
  if (!limit) return null;
  const which = printed === 1 ? `Only the first of the ${count(steps)} steps is printed`
    : `The first ${count(printed)} of ${count(steps)} steps are printed`;
  if (limit === "pages") return `${which}: a print view holds at most ${MAX_PRINTED} pages.`;
  return `${which}: each page draws the whole graph (${plural(nodes, "node")}), and a print view ` +
    `draws at most ${count(NODE_BUDGET)} nodes in all, to stay quick to make and small as a PDF. ` +
    "To print another step, show it in the step view and use the browser's Print (Ctrl+P).";
}

// What the print view's bar says once its pages are made.
export function pagesSaid({ printed, steps, limit }) {
  const which = !limit ? "" : printed === 1 ? ` (step 1 of ${count(steps)})`
    : ` (steps 1–${count(printed)} of ${count(steps)})`;
  return `${plural(printed, "page")}, one step each${which}`;
}

// A page's header: each part (" · " between them) kept to its first statements
// ("; " between them) that fit, then "…" and how much is left out.
export function shortTitle(title) {
  return title.split(" · ").map(shortPart).join(" · ");
}

function shortPart(text) {
  if (text.length <= TITLE_PART_CHARS) return text;
  const cut = text.lastIndexOf("; ", TITLE_PART_CHARS);
  const kept = (cut > 0 ? text.slice(0, cut + 1) : text.slice(0, TITLE_PART_CHARS)).trimEnd();
  return `${kept} … (${plural(text.length - kept.length, "more character")})`;
}
