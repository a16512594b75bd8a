// The page's modes: stepping through (the default) and the classroom's views, each in a
// module of its own. A mode changes what the page shows and may ask the engine for more
// (its options()); it never computes a number. The address names it (mode=…), and the
// body's data-mode lets the stylesheet lay the page out for it.
//
// A mode is an object with any of: options() → extra analysis options; enter(); leave();
// onResult(result) after each new result; onStep(k, length) after each step shown;
// optionRejected() → whether it dropped an option the engine refused (a variable the
// source no longer has), so that asking again can succeed; startAt: the step it opens at
// (0, "end"; absent: where the player is).

export class Modes {
  constructor({ root, modes, onChange = () => {} }) {
    this.root = root;
    this.modes = modes;
    this.onChange = onChange; // (id, optionsChanged) => void
    this.id = "step";
    root.dataset.mode = this.id;
  }

  get current() {
    return this.modes[this.id];
  }

  has(id) {
    return Object.hasOwn(this.modes, id);
  }

  // `quiet`: at start-up, before the first analysis (which asks with the new options).
  set(id, { quiet = false } = {}) {
    if (!this.has(id) || id === this.id) return;
    const before = JSON.stringify(this.options());
    this.current.leave?.();
    this.previous = this.id;
    this.id = id;
    this.root.dataset.mode = id;
    this.current.enter?.();
    if (!quiet) this.onChange(id, JSON.stringify(this.options()) !== before);
  }

  // Leave this mode for the one before it (Esc out of present mode).
  back() {
    this.set(this.previous && this.previous !== this.id ? this.previous : "step");
  }

  optionRejected() {
    return Boolean(this.current.optionRejected?.());
  }

  options() {
    return this.current.options?.() ?? {};
  }

  onResult(result) {
    this.current.onResult?.(result);
  }

  onStep(k, length) {
    this.current.onStep?.(k, length);
  }
}
