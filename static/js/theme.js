// Light and dark themes: the address's, else the user's last choice, else the system's preference.

export function initialTheme(fromUrl = null) {
  if (fromUrl === "dark" || fromUrl === "light") return fromUrl;
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

export function currentTheme() {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}
