// The page's state in the URL, so a link restores the exact view:
//   ?src=<source>&v.<name>=<number>...&step=<k or end>

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = { source: null, values: new Map(), step: null, theme: params.get("theme") };
  if (params.has("src")) state.source = params.get("src");
  for (const [key, text] of params) {
    if (!key.startsWith("v.")) continue;
    const number = Number(text);
    if (text.trim() !== "" && Number.isFinite(number)) {
      state.values.set(key.slice(2), number);
    } else if (text.startsWith("[")) {
      try {
        state.values.set(key.slice(2), JSON.parse(text));  // a vector or matrix
      } catch {
        // not a value: ignored, as a hand-edited link may have it
      }
    }
  }
  const step = params.get("step");
  if (step === "end") state.step = "end";
  else if (step !== null && /^\d+$/.test(step)) state.step = Number(step);
  return state;
}

export function writeUrl({ source, values, step, length }) {
  const params = new URLSearchParams();
  params.set("src", source);
  for (const [name, value] of values) params.set(`v.${name}`, Array.isArray(value) ? JSON.stringify(value) : String(value));
  params.set("step", step >= length && length > 0 ? "end" : String(step));
  const url = `${window.location.pathname}?${params.toString()}`;
  window.history.replaceState(null, "", url);
  return url;
}
