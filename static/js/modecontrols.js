// Present mode and the print view as the page and the exported walk-through both offer them:
// F toggles present mode and Esc leaves it (or the print view); the Present, Exit and Print
// buttons; and the browser's own Print (or "Save as PDF") from any other view prints the
// current step as a page of the print view.

// The keys, for bindKeys's `extra`.
export function modeKeys(modes) {
  const togglePresent = () => (modes.id === "present" ? modes.back() : modes.set("present"));
  return {
    f: togglePresent,
    F: togglePresent,
    Escape: () => { if (modes.id === "present" || modes.id === "print") modes.back(); },
  };
}

export function bindModeButtons({ modes, print, $ }) {
  $("#present").addEventListener("click", () => modes.set("present"));
  $("#present-exit").addEventListener("click", () => modes.back());
  $("#print").addEventListener("click", async () => {
    modes.set("print");
    await print.ready;
    window.print();
  });
  window.addEventListener("beforeprint", () => { if (modes.id !== "print") print.printCurrent(); });
  window.addEventListener("afterprint", () => { if (modes.id !== "print") print.printed(); });
}
