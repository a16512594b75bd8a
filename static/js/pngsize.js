// How a PNG of the drawing is laid out. A browser makes a PNG on a canvas, and a canvas has
// a largest size: Chromium 156 (measured) draws a side up to 65,535 px and 268,435,456 px
// (16,384²) in all, Firefox a side up to 32,767 px, Safari on a phone 16,777,216 px in
// all; past that it draws nothing and toBlob gives null. The page keeps under budgets
// that also open in an image viewer or a slide editor and encode in a few seconds, and
// halves the area when a browser still cannot draw it.

export const PNG_SCALE = 2; // pixels per drawing unit: sharp on a high-density screen and a projector
export const PNG_MAX_SIDE = 16384;
export const PNG_MAX_AREA = 8192 * 8192;
export const PNG_MIN_SCALE = 0.25; // numbers of 12 px at 3 px: below that a PNG shows nothing to read
const MAX_BANDS = 64;
const GAP = 24; // drawing units between bands (the export's margin)
const OVERLAP = 96; // drawing units a band repeats of the one before, so a node cut at the end shows whole

// A drawing of width × height units, cut along its longer side into `bands` parts put
// beside one another across it (a long graph wraps as a line of text does), each drawn at
// `scale`: the largest scale up to PNG_SCALE that keeps inside the budget, with the fewest
// bands that reach it. { scale, bands, across, band, width, height } (width and height in
// pixels; `across`: true when the bands are rows, the drawing wider than tall; `band`: the
// length of drawing each band shows), or null when no plan reaches PNG_MIN_SCALE.
export function planPng(width, height, { maxSide = PNG_MAX_SIDE, maxArea = PNG_MAX_AREA } = {}) {
  const across = width >= height;
  const long = across ? width : height;
  const short = across ? height : width;
  let best = null;
  for (let bands = 1; bands <= MAX_BANDS; bands += 1) {
    const band = bands === 1 ? long : (long + (bands - 1) * OVERLAP) / bands;
    if (band <= OVERLAP && bands > 1) break;
    const stacked = bands * short + (bands - 1) * GAP;
    const scale = Math.min(PNG_SCALE, maxSide / band, maxSide / stacked, Math.sqrt(maxArea / (band * stacked)));
    if (!best || scale > best.scale * 1.001) best = { scale, bands, band, stacked };
  }
  if (best.scale < PNG_MIN_SCALE) return null;
  const { scale, bands, band, stacked } = best;
  const [w, h] = across ? [band, stacked] : [stacked, band];
  return { scale, bands, across, band, width: Math.floor(w * scale), height: Math.floor(h * scale) };
}

// Where band i of a plan comes from in the drawing and goes to in the picture, in drawing
// units: [sx, sy, sw, sh, dx, dy] (drawn at the plan's scale).
export function bandPlacement(plan, i, width, height) {
  const start = i * (plan.band - OVERLAP);
  const offset = i * ((plan.across ? height : width) + GAP);
  return plan.across
    ? [start, 0, plan.band, height, 0, offset]
    : [0, start, width, plan.band, offset, 0];
}
