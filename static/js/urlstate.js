// The page's state in its address, so that a link restores the exact view. One table of
// fields, each with its key in the query, how its text is read and how it is written;
// readUrl() and writeUrl() are the only code that touches the address.
//
//   ?src=<source>&v.<name>=<number or JSON>&step=<k or end>&mode=<mode>&theme=<light|dark>
//    &text=<text size>&embed=1 (a course site's iframe: the graph, the inputs and the timeline)
// with what the mode needs: predict's tolerance &tol=<significant digits>, the variable
// whose paths are listed &paths=<name>, the nudge &nudge=<name>&eps=<ε>; and for a program
// with parameters its training: &seed=<s>&lr=<η>, and once trained
// &steps=<K>&batch=<b>&trained=1&replay=<recorded step replayed on the graph>. Training
// is deterministic given these, so opening the link trains again and shows the same numbers.

// A field's text in the query, to its value and back; read gives undefined for a text
// that is not one (a hand-edited link), which then counts as absent.
const text = { read: (t) => t, write: (v) => v };
const whole = { read: (t) => (/^\d+$/.test(t) ? Number(t) : undefined), write: String };
const finite = {
  read: (t) => (t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : undefined),
  write: String,
};
const flag = { read: (t) => t === "1", write: (v) => (v ? "1" : null) };
const oneOf = (choices) => ({ read: (t) => (choices.includes(t) ? t : undefined), write: (v) => v });
const step = {
  read: (t) => (t === "end" ? "end" : whole.read(t)),
  write: (v) => String(v),
};

// A variable's value: a number, or a vector or matrix as JSON.
const value = {
  read(t) {
    const number = finite.read(t);
    if (number !== undefined || !t.startsWith("[")) return number;
    try {
      return JSON.parse(t);
    } catch {
      return undefined;
    }
  },
  write: (v) => (Array.isArray(v) ? JSON.stringify(v) : String(v)),
};

export const MODES = ["step", "present", "predict", "paths", "nudge", "forward", "print"];

const training = (state) => state.train !== null;
const trained = (state) => training(state) && state.train.trained;
const inMode = (mode) => (state) => state.mode === mode;

// path: where the field lives in the state ("train.lr" is state.train.lr); fallback: its
// value when absent, never written; when: whether it is written at all.
export const FIELDS = [
  { path: "source", key: "src", codec: text, fallback: null },
  { path: "values", prefix: "v.", codec: value },
  { path: "step", key: "step", codec: step, fallback: null },
  { path: "mode", key: "mode", codec: oneOf(MODES), fallback: "step" },
  { path: "theme", key: "theme", codec: oneOf(["light", "dark"]), fallback: null },
  { path: "textScale", key: "text", codec: finite, fallback: 1 },
  { path: "embed", key: "embed", codec: flag, fallback: false },
  { path: "tolerance", key: "tol", codec: whole, fallback: null, when: inMode("predict") },
  { path: "paths", key: "paths", codec: text, fallback: null, when: inMode("paths") },
  { path: "nudge.variable", key: "nudge", codec: text, fallback: null, when: inMode("nudge") },
  { path: "nudge.epsilon", key: "eps", codec: finite, fallback: 0, when: inMode("nudge") },
  { path: "train.seed", key: "seed", codec: text, fallback: "", when: training },
  { path: "train.lr", key: "lr", codec: text, fallback: "", when: training },
  { path: "train.steps", key: "steps", codec: text, fallback: "", when: trained },
  { path: "train.batch", key: "batch", codec: text, fallback: "", when: trained },
  { path: "train.trained", key: "trained", codec: flag, fallback: false, when: training },
  { path: "train.replayed", key: "replay", codec: whole, fallback: null, when: trained },
];

// A group of fields (state.train, state.nudge) is there when one of these keys is: the
// training's when the link was taken with the training panel shown.
const GROUPS = { train: ["seed", "lr", "trained"], nudge: ["nudge"] };

function put(state, path, v) {
  const names = path.split(".");
  const last = names.pop();
  const holder = names.reduce((at, name) => at[name], state);
  holder[last] = v;
}

function get(state, path) {
  return path.split(".").reduce((at, name) => at?.[name], state);
}

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = Object.fromEntries(Object.entries(GROUPS).map(([group, keys]) => [
    group, keys.some((key) => params.has(key)) ? {} : null]));
  for (const field of FIELDS) {
    if (field.prefix) {
      const map = new Map();
      for (const [key, t] of params) {
        const v = key.startsWith(field.prefix) ? field.codec.read(t) : undefined;
        if (v !== undefined) map.set(key.slice(field.prefix.length), v);
      }
      put(state, field.path, map);
      continue;
    }
    if (field.path.includes(".") && get(state, field.path.split(".")[0]) === null) continue;
    const t = params.get(field.key);
    const v = t === null ? undefined : field.codec.read(t);
    put(state, field.path, v === undefined ? field.fallback : v);
  }
  return state;
}

// `state` has every field of the table (a group null when it has none: train when the panel
// is hidden, nudge when nothing is nudged). `replace`: make it the address (else only return it).
export function writeUrl(state, { replace = true } = {}) {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (field.when && !field.when(state)) continue;
    if (field.path.includes(".") && get(state, field.path.split(".")[0]) === null) continue;
    const v = get(state, field.path);
    if (field.prefix) {
      for (const [name, x] of v) params.set(`${field.prefix}${name}`, field.codec.write(x));
      continue;
    }
    if (v === null || v === undefined || v === field.fallback) continue;
    const t = field.codec.write(v);
    if (t !== null) params.set(field.key, t);
  }
  const url = `${window.location.pathname}?${params.toString()}`;
  if (replace) window.history.replaceState(null, "", url);
  return url;
}
