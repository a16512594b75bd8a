// Talking to the server: every number on the page comes from these responses.

import { decode, isCompact } from "./wire.js";

// POST a JSON text: {status, data}.
async function postJson(url, body, signal) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
    signal,
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

// What the page asks /api/graph for a source.
function graphRequest(source, values, extra) {
  const options = { layout: true, default_value: 1, format: "compact", ...extra };
  return JSON.stringify({ source, values, options });
}

let early = null; // {body, controller, answer}: a shared link's request, made as the page starts
let asked = false; // whether the page has asked for a graph itself

// Ask for a shared link's graph before the page is ready to (prefetch.js): the page's first
// analysis takes this answer if it asks exactly the same, else it is cancelled.
export function askEarly(source, values, extra) {
  if (asked) return;
  const body = graphRequest(source, values, extra);
  const controller = new AbortController();
  const answer = postJson("/api/graph", body, controller.signal);
  // Cancelled unused, nobody waits for it; whoever takes it still sees its error.
  answer.catch(() => {});
  early = { body, controller, answer };
}

// The answer to `body`: the early request's if it asked the same, else a new request's.
function graphAnswer(body, signal) {
  asked = true;
  const taken = early;
  early = null;
  if (taken?.body !== body) {
    taken?.controller.abort();
    return postJson("/api/graph", body, signal);
  }
  if (signal?.aborted) taken.controller.abort();
  signal?.addEventListener("abort", () => taken.controller.abort());
  return taken.answer;
}

// Analyze a source. Resolves to {result} or {error: {code, message, start, end}}. The
// answer comes in the compact form (columns, several times smaller) and is decoded into
// the object contract the page reads; an answer in the object form is used as it is.
export async function analyze(source, values, signal, extra = {}) {
  const { status, data } = await graphAnswer(graphRequest(source, values, extra), signal);
  if (status === 200 && data) return { result: isCompact(data) ? decode(data) : data };
  if (data && data.error) return { error: data.error };
  const message = status === 413 ? "the source is too large for the server"
    : `the server answered ${status}`;
  return { error: { code: `http_${status}`, message, start: 0, end: 0 } };
}

// The whole walk-through as one HTML file that plays offline: {blob} or {error}.
export async function exportWalkthrough(source, values, extra = {}) {
  const response = await fetch("/api/export", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ source, values, options: { default_value: 1, ...extra } }),
  });
  if (response.ok) return { blob: await response.blob() };
  const data = await response.json().catch(() => null);
  return { error: data?.error || { code: `http_${response.status}`, message: `the server answered ${response.status}` } };
}

export async function fetchExamples() {
  const response = await fetch("/api/examples");
  if (!response.ok) return [];
  const data = await response.json();
  return Array.isArray(data) ? data : data.examples || [];
}

export async function fetchOperators() {
  const response = await fetch("/api/operators");
  if (!response.ok) return { operators: [], constants: [] };
  return response.json();
}

// SGD on the program's parameters: {result: {losses, parameters, ...}} or {error}.
export async function train(request, signal) {
  const { status, data } = await postJson("/api/train", JSON.stringify(request), signal);
  if (status === 200 && data) return { result: data };
  if (data && data.error) return { error: data.error };
  return { error: { code: `http_${status}`, message: `the server answered ${status}`, start: 0, end: 0 } };
}
