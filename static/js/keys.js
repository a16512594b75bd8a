// The keyboard, and a presenter's clicker (which sends PageDown and PageUp): Space
// play/pause, ←/→ and PageDown/PageUp step, Home/End jump, Esc closes a pinned node
// card (dialogs close on Esc themselves); `extra` adds the host's keys (the page's F
// presents, its Esc then leaves). Keys typed into a field are text, and Space still
// presses a focused button or link. `target`: where the keys are heard (the page: the
// whole document; a notebook widget: its own box, so that the notebook keeps its keys and
// two players in one notebook each step alone); a key used here goes no further.

export function bindKeys({ player, nodeInfo, ready, extra = {}, target = document }) {
  const forward = () => { player.pause(); player.forward(); };
  const back = () => { player.pause(); player.back(); };
  const actions = {
    " ": () => player.toggle(),
    ArrowRight: forward,
    PageDown: forward,
    ArrowLeft: back,
    PageUp: back,
    Home: () => player.toStart(),
    End: () => player.toEnd(),
  };
  target.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.querySelector("dialog[open]")) return;
    if (event.key === "Escape" && nodeInfo.pinned) {
      nodeInfo.unpin();
      return;
    }
    const typing = event.target.closest?.("textarea, input, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " " && event.target.closest?.("button, a[href], summary, dialog")) return;
    const own = extra[event.key];
    const action = own || (ready() ? actions[event.key] : null);
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  });
}
