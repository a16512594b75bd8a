// The page's state in the URL, so a link restores the exact view:
//   ?src=<source>&v.<name>=<number>...&step=<k or end>
// with the text size (&text=1.25), and for a program with parameters its training:
//   &seed=<s>&lr=<η>, and once trained &steps=<K>&batch=<b>&trained=1, and the recorded
//   step replayed on the graph &replay=<index>. Training is deterministic given these, so
//   opening the link trains again and shows the same numbers.

const TRAIN_KEYS = { seed: "seed", lr: "lr", steps: "steps", batch: "batch" };

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = { source: null, values: new Map(), step: null, theme: params.get("theme"), textScale: null, train: null };
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
  const scale = Number(params.get("text"));
  if (params.has("text") && Number.isFinite(scale)) state.textScale = scale;
  if (params.has("seed") || params.has("lr") || params.has("trained")) {
    state.train = Object.fromEntries(Object.entries(TRAIN_KEYS).map(([field, key]) => [field, params.get(key) ?? ""]));
    state.train.trained = params.get("trained") === "1";
    const replay = params.get("replay");
    state.train.replayed = replay !== null && /^\d+$/.test(replay) ? Number(replay) : null;
  }
  return state;
}

export function writeUrl({ source, values, step, length, textScale = 1, train = null }) {
  const params = new URLSearchParams();
  params.set("src", source);
  for (const [name, value] of values) params.set(`v.${name}`, Array.isArray(value) ? JSON.stringify(value) : String(value));
  params.set("step", step >= length && length > 0 ? "end" : String(step));
  if (textScale !== 1) params.set("text", String(textScale));
  if (train) {
    params.set("seed", train.seed);
    params.set("lr", train.lr);
    if (train.trained) {
      params.set("steps", train.steps);
      if (train.batch) params.set("batch", train.batch);
      params.set("trained", "1");
      if (train.replayed !== null) params.set("replay", String(train.replayed));
    }
  }
  const url = `${window.location.pathname}?${params.toString()}`;
  window.history.replaceState(null, "", url);
  return url;
}
