// Wiring only: the editor, the server session, the player, the training panel, the modes
// and the address, connected to each other and to the page's buttons.

import { analyze, exportWalkthrough, fetchExamples, fetchOperators, train } from "./api.js";
import { Editor } from "./editor.js";
import { Examples } from "./examples.js";
import { download, downloadPng, downloadSvg } from "./exportview.js";
import { formatNumber } from "./format.js";
import { ForwardMode } from "./forwardmode.js";
import { bindHelp, fillHelp } from "./help.js";
import { bindKeys } from "./keys.js";
import { bindModeButtons, modeKeys } from "./modecontrols.js";
import { Modes } from "./modes.js";
import { NudgeMode } from "./nudgeview.js";
import { PathsMode } from "./pathsview.js";
import { PlayerView } from "./playerview.js";
import { PredictMode } from "./predict.js";
import { openedAt } from "./prefetch.js";
import { PresentMode } from "./present.js";
import { PrintMode } from "./printview.js";
import { RoomControls } from "./roomcontrols.js";
import { Session, TYPING_DEBOUNCE_MS } from "./session.js";
import { applyTheme, currentTheme, initialTheme } from "./theme.js";
import { TrainingPanel } from "./training.js";
import { writeUrl } from "./urlstate.js";

const $ = (selector) => document.querySelector(selector);

const view = new PlayerView(document.body, {
  onStep: (k, length) => {
    modes.onStep(k, length);
    scheduleUrlWrite();
  },
  onNodeHover: (node) => editor.markSpans("hover", node ? node.occurrences || [node.span] : null),
});

const room = new RoomControls({
  layout: $(".layout"),
  onTextScale: () => {
    session.keepStep = true;
    session.refit = true;
    session.schedule(0, true);
  },
});

const editor = new Editor({
  textarea: $("#source"),
  mirror: $("#source-mirror"),
  errorBox: $("#error"),
  variablesBox: $("#variables"),
  onSourceChange: () => {
    session.parameters = null;
    training.replayed = null;
    examples.showDescription();
    session.schedule(TYPING_DEBOUNCE_MS, false);
  },
  onValuesChange: () => session.valuesChanged(),
});

const training = new TrainingPanel({
  root: $("#training"),
  train,
  onReplay: (parameters, step, autoplay = true) => {
    session.parameters = parameters;
    session.autoplay = autoplay;
    $("#status").textContent = `Replaying training step ${step + 1}`;
    session.run({ step: 0 });
  },
  onSettingsChange: () => {
    session.parameters = null;
    session.schedule(0, false);
  },
});

// Each mode's view, with what it needs; a mode that asks the engine for more asks again
// through the session.
const ask = () => session.schedule(0, true);
const predict = new PredictMode({ view, box: $("#predict"), onDigits: ask, link: quizLink });
const paths = new PathsMode({ view, box: $("#paths"), onVariable: ask });
const nudge = new NudgeMode({ view, box: $("#nudge"), editor, onNudge: ask });
const print = new PrintMode({ view, box: $("#print-view"), title: walkthroughTitle, onLeave: () => modes.back() });
const modes = new Modes({
  root: document.body,
  modes: {
    step: {},
    present: new PresentMode({ view, progress: $("#present-progress") }),
    predict,
    paths,
    nudge,
    forward: new ForwardMode({ view, box: $("#forward-mode") }),
    print,
  },
  onChange: (id, optionsChanged) => {
    $("#mode").value = id;
    const { startAt } = modes.current;
    if (optionsChanged) {
      session.keepStep = true;
      session.run({ step: startAt ?? null });
    } else if (startAt !== undefined) {
      view.player.reset(view.player.length, startAt === "end" ? view.player.length : startAt);
    }
    scheduleUrlWrite();
  },
});

const session = new Session({
  analyze, editor, view, training, status: $("#status"), warnings: $("#warnings"),
  options: () => ({
    seed: training.seed, learning_rate: training.learningRate, text_scale: room.textScale, ...modes.options(),
  }),
  onResult: (result) => modes.onResult(result),
  optionRejected: () => modes.optionRejected(),
});

const examples = new Examples({
  select: $("#examples"), description: $("#example-description"), editor,
  onChoose: (example) => {
    useExample(example);
    session.run({ fresh: true });
  },
});

// Put an example in the editor with its training settings.
function useExample(example) {
  examples.load(example);
  session.parameters = null;
  training.clear();
  training.setDefaults(example.train);
}

// The address follows the view, written once things settle (not on every frame of play).
function addressState() {
  const { k, length } = view.player;
  return {
    source: editor.source,
    values: editor.values,
    step: k >= length && length > 0 ? "end" : k,
    mode: modes.id,
    theme: currentTheme(),
    textScale: room.textScale,
    embed: document.body.dataset.embed === "true", // the server drew the page for an iframe
    tolerance: predict.digits,
    paths: paths.variable,
    nudge: nudge.variable === null ? null : { variable: nudge.variable, epsilon: nudge.epsilon },
    train: $("#training").hidden ? null : training.state,
  };
}

function writeAddress() {
  writeUrl(addressState());
}

// A quiz handed out opens at its start, in predict mode, with its tolerance.
function quizLink() {
  return writeUrl({ ...addressState(), step: 0, mode: "predict" }, { replace: false });
}

// What each printed page's header says the walk-through is: the source and its values.
function walkthroughTitle() {
  const values = [...editor.values].filter(([name]) => view.result?.variables.includes(name))
    .map(([name, value]) => `${name} = ${Array.isArray(value) ? JSON.stringify(value) : formatNumber(value, 6)}`);
  return [editor.source.replace(/\s*\n\s*/g, "; "), ...(values.length ? [values.join(", ")] : [])].join(" · ");
}

let urlTimer = 0;
function scheduleUrlWrite() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(writeAddress, view.player.playing ? 400 : 60);
}

bindKeys({ player: view.player, nodeInfo: view.nodeInfo, ready: () => view.ready, extra: modeKeys(modes) });

$("#mode").addEventListener("change", () => {
  modes.set($("#mode").value);
  $("#mode").blur(); // the keys step again
});
bindModeButtons({ modes, print, $ });
$("#export-html").addEventListener("click", async () => {
  $("#status").textContent = "Making the walk-through…";
  const answer = await exportWalkthrough(editor.source, session.requestValues(), {
    seed: training.seed, learning_rate: training.learningRate, text_scale: room.textScale });
  if (answer.error) {
    $("#status").textContent = answer.error.message;
    return;
  }
  download(answer.blob, "walkthrough.html");
  $("#status").textContent = "Walk-through downloaded: it plays from the file, offline";
});

$("#fit").addEventListener("click", () => view.panzoom.fit());
$("#zoom-in").addEventListener("click", () => view.panzoom.zoom(1 / 1.25));
$("#zoom-out").addEventListener("click", () => view.panzoom.zoom(1.25));
$("#export-svg").addEventListener("click", () => {
  const { svg, labels, graph } = view.fullDrawing();
  downloadSvg(svg, labels, graph.bounds);
});
$("#export-png").addEventListener("click", () => {
  const { svg, labels, graph } = view.fullDrawing();
  downloadPng(svg, labels, graph.bounds, $("#status"));
});
$("#share").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(window.location.href);
    $("#status").textContent = "Link copied";
  } catch {
    $("#status").textContent = "Copy the address bar to share this view";
  }
});
$("#theme").addEventListener("click", () => {
  applyTheme(currentTheme() === "dark" ? "light" : "dark", $("#theme"));
  view.restyle();
  writeAddress();
});
bindHelp($("#help"), $("#help-open"), $("#help-close"));

// A shared link taken after training: train again with its settings (deterministic), then
// replay the recorded step it showed.
async function restoreTraining(train, step) {
  training.restore(train);
  if (!train.trained || $("#training").hidden) return;
  if (!(await training.start())) return;
  if (train.replayed === null) return;
  training.select(train.replayed);
  training.replayed = train.replayed;
  session.parameters = training.selected.values;
  await session.run({ step });
}

async function start() {
  const state = openedAt;
  applyTheme(initialTheme(state.theme), $("#theme"));
  // A shared link's graph is asked for at once, beside the catalogue and the examples (its
  // answer waits for the catalogue before it is shown: the explanations use it).
  const lists = Promise.all([fetchOperators(), fetchExamples()]).then(([catalog, list]) => {
    view.catalog = catalog;
    return list;
  });
  session.showAfter = lists;
  if (state.textScale !== 1) room.set(state.textScale);
  if (state.train) training.restore(state.train);
  if (state.tolerance !== null) predict.setDigits(state.tolerance);
  if (state.paths !== null) paths.variable = state.paths;
  if (state.nudge) Object.assign(nudge, state.nudge);
  modes.set(state.mode, { quiet: true });
  $("#mode").value = modes.id;
  const step = state.step ?? modes.current.startAt ?? null;
  let shown = null;
  if (state.source !== null) {
    editor.source = state.source;
    editor.values = state.values;
    shown = session.run({ step });
  }
  const list = await lists;
  fillHelp($("#help-operators"), view.catalog);
  examples.fill(list);
  if (state.source !== null) {
    examples.recognise(state.source);
  } else {
    if (list.length) useExample(list[0]);
    shown = session.run({ step });
  }
  await shown;
  if (state.train) await restoreTraining(state.train, state.step);
  document.body.dataset.ready = "true";
}

start();
