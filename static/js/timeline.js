// The timeline controls: start, back, play/pause, forward, end, speed, and a
// scrubber that shows the phase and "step k of n".

export class Timeline {
  constructor({ root, player }) {
    this.player = player;
    this.scrubber = root.querySelector("#scrubber");
    this.label = root.querySelector("#step-label");
    this.phase = root.querySelector("#phase-label");
    this.play = root.querySelector("#btn-play");
    this.speed = root.querySelector("#speed");
    this.split = root.querySelector("#scrubber-split");
    root.querySelector("#btn-start").addEventListener("click", () => player.toStart());
    root.querySelector("#btn-back").addEventListener("click", () => { player.pause(); player.back(); });
    root.querySelector("#btn-forward").addEventListener("click", () => { player.pause(); player.forward(); });
    root.querySelector("#btn-end").addEventListener("click", () => player.toEnd());
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
    const forward = replay.forwardCount;
    const backward = replay.backwardCount;
    let text;
    if (k === 0) text = `start · ${n} steps`;
    else if (phase === "forward") text = `forward · step ${k} of ${forward}`;
    else if (phase === "backward") text = `backward · step ${k - forward} of ${backward}`;
    else text = `update · step ${k - forward - backward} of ${n - forward - backward}`;
    this.label.textContent = text;
    this.phase.textContent = k === 0 ? "ready" : (k === n ? "done" : phase);
    this.phase.dataset.phase = k === n && n > 0 ? "done" : phase;
    this.scrubber.setAttribute("aria-valuetext", text);
    this.scrubber.dataset.k = String(k);
    // Where the backward pass begins on the scrubber's track.
    this.split.style.left = `${n ? (100 * forward) / n : 0}%`;
    const playing = this.player.playing;
    this.play.textContent = playing ? "❚❚" : "▶";
    this.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    this.play.setAttribute("aria-pressed", String(playing));
  }
}
