// Light and dark themes: the user's choice, else the system's preference.

export function initialTheme() {
  const url = new URLSearchParams(window.location.search).get("theme");
  if (url === "dark" || url === "light") return url;
  const saved = window.localStorage.getItem("compgraph-theme");
  if (saved === "dark" || saved === "light") return saved;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(theme, button) {
  document.documentElement.dataset.theme = theme;
  window.localStorage.setItem("compgraph-theme", theme);
  button.setAttribute("aria-pressed", String(theme === "dark"));
  button.textContent = theme === "dark" ? "☀ Light" : "☾ Dark";
}
