// The timeline controls: start, back, play/pause, forward, end, speed, and a
// scrubber that shows the phase and "step k of n".

export class Timeline {
  constructor({ root, player }) {
    const part = (name) => root.querySelector(`[data-part="${name}"]`);
    this.player = player;
    this.scrubber = part("scrubber");
    this.label = part("step-label");
    this.phase = part("phase-label");
    this.play = part("play");
    this.speed = part("speed");
    this.split = part("scrubber-split");
    this.phasePart = document.createElement("span");
    this.phasePart.className = "step-phase";
    this.rest = document.createElement("span");
    this.label.replaceChildren(this.phasePart, this.rest);
    part("start").addEventListener("click", () => player.toStart());
    part("back").addEventListener("click", () => { player.pause(); player.back(); });
    part("forward").addEventListener("click", () => { player.pause(); player.forward(); });
    part("end").addEventListener("click", () => player.toEnd());
    this.play.addEventListener("click", () => player.toggle());
    this.scrubber.addEventListener("input", () => { player.pause(); player.seek(Number(this.scrubber.value)); });
    this.speed.addEventListener("change", () => { player.stepsPerSecond = Number(this.speed.value); });
    player.stepsPerSecond = Number(this.speed.value);
  }

  render(k, replay) {
    const n = replay.length;
    this.scrubber.max = String(n);
    this.scrubber.value = String(k);
    const phase = replay.phaseAt(k);
    const where = replay.where(k);
    const text = where.join(" · ");
    // The phase part is left out on narrow screens, where the badge beside it says it.
    this.phasePart.textContent = `${where[0]} · `;
    this.rest.textContent = where[1];
    this.phase.textContent = k === 0 ? "ready" : (k === n ? "done" : where[0]);
    this.phase.dataset.phase = k === n && n > 0 ? "done" : phase;
    this.scrubber.setAttribute("aria-valuetext", text);
    this.scrubber.dataset.k = String(k);
    this.split.style.left = `${100 * replay.split}%`;
    this.split.hidden = !replay.split; // a trace of one phase has no split
    const playing = this.player.playing;
    this.play.textContent = playing ? "❚❚" : "▶";
    this.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    this.play.setAttribute("aria-pressed", String(playing));
  }
}
