"""The page's ES modules packed as text, for a host that has no server to load them from: the
exported walk-through (app/export.py, from file://) and the notebook widget
(compgraph/widget.py, inside a notebook's output). Both run the page's own modules, not a copy
and not a bundle.

`modules(entry)` is the entry module and every module it imports, by file name. LOADER is the
browser's half: `compgraphModules(sources)` gives `load(name)`, which makes a module a blob: URL
whose imports point at its dependencies' URLs (made first), so that `import(load(entry))` runs
the lot. anywidget loads a widget's module the same way (a blob: URL), so wherever anywidget
works, these do.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the repository, or the installed package
STATIC = PACKAGE / "static"
# A module's imports, as the page writes them (one folder, relative); LOADER reads the same.
IMPORT = re.compile(r'from "\./([\w-]+\.js)"')

LOADER = r"""function compgraphModules(sources) {
  var urls = {};
  function load(name) {
    if (!urls[name]) {
      var text = sources[name].replace(/from "\.\/([\w-]+\.js)"/g, function (_, dep) {
        return 'from "' + load(dep) + '"';
      });
      urls[name] = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    }
    return urls[name];
  }
  return load;
}"""


def modules(entry: str) -> dict[str, str]:
    """The entry module and every module it imports, by file name."""
    found: dict[str, str] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found[name] = (STATIC / "js" / name).read_text()
        todo += IMPORT.findall(found[name])
    return found


def training_markup() -> str:
    """The training panel's markup (templates/training.html, which the page includes), for a
    host that builds the page's parts itself: the notebook widget."""
    text = (PACKAGE / "templates" / "training.html").read_text()
    return text[text.index("-#}") + 3:].strip()  # without the template's comment


def stylesheet() -> str:
    """The page's stylesheet, to be inlined in a <style> element."""
    css = (STATIC / "css" / "app.css").read_text()
    if "</style" in css.lower():
        raise ValueError("app.css must not hold </style>: it is inlined")
    return css
