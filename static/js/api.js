// Talking to the server: every number on the page comes from these responses.

import { decode, isCompact } from "./wire.js";

async function postJson(url, body, signal) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
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

// Analyze a source. Resolves to {result} or {error: {code, message, start, end}}. The
// answer comes in the compact form (columns, several times smaller) and is decoded into
// the object contract the page reads; an answer in the object form is used as it is.
export async function analyze(source, values, signal, extra = {}) {
  const { status, data } = await postJson(
    "/api/graph",
    { source, values, options: { layout: true, default_value: 1, format: "compact", ...extra } },
    signal,
  );
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
  const { status, data } = await postJson("/api/train", request, signal);
  if (status === 200 && data) return { result: data };
  if (data && data.error) return { error: data.error };
  return { error: { code: `http_${status}`, message: `the server answered ${status}`, start: 0, end: 0 } };
}
