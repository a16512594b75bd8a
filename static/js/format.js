// Number formatting for display. Every number comes from the engine; this only
// decides how many digits to show. Non-finite values arrive as the strings
// "nan", "inf", "-inf".

const MINUS = "\u2212";

export function formatNumber(x, digits = 4) {
  if (x === null || x === undefined) return "";
  if (x === "nan") return "NaN";
  if (x === "inf") return "∞";
  if (x === "-inf") return `${MINUS}∞`;
  if (typeof x !== "number") return String(x);
  let text;
  if (Number.isInteger(x) && Math.abs(x) < 1e7) {
    text = String(x);
  } else if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-4)) {
    text = x.toExponential(digits - 1).replace(/\.?0+e/, "e").replace("e+", "e");
  } else {
    text = String(Number(x.toPrecision(digits)));
  }
  return text.replace(/^-/, MINUS).replace("e-", `e${MINUS}`);
}

// The engine's number exactly as it came (for data-* attributes and tests).
export function rawNumber(x) {
  return typeof x === "number" ? String(x) : String(x);
}

export function isFiniteNumber(x) {
  return typeof x === "number" && Number.isFinite(x);
}
