// Light and dark themes: the address's, else the user's last choice, else the system's preference.

export function initialTheme(fromUrl = null) {
  if (fromUrl === "dark" || fromUrl === "light") return fromUrl;
  const saved = stored();
  if (saved === "dark" || saved === "light") return saved;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(theme, button) {
  document.documentElement.dataset.theme = theme;
  try {
    window.localStorage.setItem("compgraph-theme", theme);
  } catch {
    // no storage here (a file opened in a strict browser): the choice lasts this visit
  }
  button.setAttribute("aria-pressed", String(theme === "dark"));
  button.textContent = theme === "dark" ? "☀ Light" : "☾ Dark";
}

export function currentTheme() {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

function stored() {
  try {
    return window.localStorage.getItem("compgraph-theme");
  } catch {
    return null;
  }
}
