// The address the page was opened at, and its graph asked for at once. This module is
// loaded first and on its own (index.html: async), while main.js runs only once every
// module is in and the page is parsed (300-500 ms after the start on this machine): the
// engine's analysis and layout of a shared link run meanwhile. main.js starts from the
// address read here, so this always runs first.
// It asks only for a link whose request it knows as the page will make it (api.js hands
// the answer over only if the page asks exactly the same): the step-by-step mode, the
// default text size, no training settings.

import { askEarly } from "./api.js";
import { readUrl } from "./urlstate.js";

// What the training panel's seed and rate fields hold at first (templates/training.html),
// as the page sends them: asked for before those fields exist.
const FIRST_SETTINGS = { seed: 0, learning_rate: 0.5 };

export const openedAt = readUrl();

if (openedAt.source !== null && openedAt.mode === "step" && openedAt.textScale === 1 && openedAt.train === null) {
  // The editor holds the source as a text area does (line breaks as \n), the values as given.
  const source = openedAt.source.replace(/\r\n?/g, "\n");
  askEarly(source, Object.fromEntries(openedAt.values), { ...FIRST_SETTINGS, text_scale: 1 });
}
