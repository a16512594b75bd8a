// The timeline's clock. One player owns the position k (steps revealed) and the
// play loop; a new loop cancels any stale one.

export class Player {
  constructor({ onChange }) {
    this.onChange = onChange; // (k, previous) => void
    this.length = 0;
    this.k = 0;
    this.playing = false;
    this.stepsPerSecond = 2;
    this.loop = 0; // id of the live loop; a loop whose id is stale stops
    this.carry = 0;
    // (from, to) => the furthest position up to `to` that may be shown now (predict mode
    // holds a step back until it is answered); null: any.
    this.gate = null;
  }

  reset(length, k = 0) {
    this.pause();
    this.length = length;
    const previous = this.k;
    this.k = Math.max(0, Math.min(k, length));
    this.onChange(this.k, previous, true);
  }

  seek(k) {
    let target = Math.max(0, Math.min(k, this.length));
    if (this.gate && target > this.k) target = Math.max(this.k, this.gate(this.k, target));
    if (target === this.k) return;
    const previous = this.k;
    this.k = target;
    this.onChange(this.k, previous, false);
  }

  forward() {
    this.seek(this.k + 1);
  }

  back() {
    this.seek(this.k - 1);
  }

  toStart() {
    this.pause();
    this.seek(0);
  }

  toEnd() {
    this.pause();
    this.seek(this.length);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (this.length === 0) return;
    if (this.k >= this.length) this.seek(0);
    this.playing = true;
    const id = ++this.loop;
    let last = performance.now();
    this.carry = 0;
    const tick = (now) => {
      if (id !== this.loop || !this.playing) return;
      this.carry += ((now - last) / 1000) * this.stepsPerSecond;
      last = now;
      const steps = Math.floor(this.carry);
      let held = false;
      if (steps > 0) {
        this.carry -= steps;
        const target = Math.min(this.k + steps, this.length);
        this.seek(target);
        held = this.k < target;
      }
      if (this.k >= this.length || held) {
        this.pause();
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    this.onChange(this.k, this.k, false);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.loop += 1;
    this.onChange(this.k, this.k, false);
  }
}
