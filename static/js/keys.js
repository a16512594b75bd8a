// The keyboard, and a presenter's clicker (which sends PageDown and PageUp): Space
// play/pause, ←/→ and PageDown/PageUp step, Home/End jump, Esc closes a pinned node
// card (dialogs close on Esc themselves). Keys typed into a field are text, and Space
// still presses a focused button or link.

export function bindKeys({ player, nodeInfo, ready }) {
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
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nodeInfo.pinned && !document.querySelector("dialog[open]")) {
      nodeInfo.unpin();
      return;
    }
    const typing = event.target.closest?.("textarea, input, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " " && event.target.closest?.("button, a[href], summary, dialog")) return;
    const action = actions[event.key];
    if (action && ready()) {
      event.preventDefault();
      action();
    }
  });
}
