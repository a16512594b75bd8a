"""The walk-through as one self-contained HTML file: the player, the engine's answer and the
styles inlined, so that it plays from file:// with no server and makes no request.

The page's own ES modules go in as text (app/packing.py: the entry static/js/walkthrough.js
and every module it imports, by file name), with the loader that makes each a blob: URL and
imports the entry. So the file runs the same modules as the page, and no bundler is needed.
Every JSON block has its "<" written as \\u003c, so that no text in it (a source, a name) can
close its <script> element.
"""

from __future__ import annotations

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import engine
from .catalog import catalog
from .packing import LOADER, PACKAGE, modules, stylesheet

ENTRY = "walkthrough.js"

_templates = Environment(loader=FileSystemLoader(PACKAGE / "templates"), autoescape=select_autoescape())


def analyze(source: str, values: dict, **options) -> bytes:
    """The engine's answer with what the player draws from (its layout): the JSON contract."""
    return engine.analyze(source, values, layout=True, **options).to_json()


def walkthrough_html(result: bytes, title: str) -> str:
    """The file for `result`, the engine's JSON contract (with its layout)."""
    return _templates.get_template("walkthrough.html").render(
        title=title, css=stylesheet(), entry=ENTRY, loader=LOADER,
        result=_script_json(result),
        catalog=_script_json(orjson.dumps(catalog())),
        meta=_script_json(orjson.dumps({"title": title})),
        modules=_script_json(orjson.dumps(modules(ENTRY))),
    )


def title_of(source: str, values: dict) -> str:
    """What the walk-through is: the source on one line, then its values."""
    one_line = "; ".join(line.strip() for line in source.strip().splitlines() if line.strip())
    given = ", ".join(f"{name} = {_value_text(value)}" for name, value in values.items())
    return f"{one_line} · {given}" if given else one_line


def _value_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # −2, as it was typed, not −2.0
    return orjson.dumps(value).decode().replace("-", "\u2212")  # the page's minus sign


def _script_json(data: bytes) -> str:
    return data.decode().replace("<", "\\u003c")
