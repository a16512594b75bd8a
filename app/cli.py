"""The `compgraph` command line.

    compgraph eval SOURCE NAME=VALUE ...   a table of nodes, then the gradients
    compgraph eval --json SOURCE ...       the JSON contract
    compgraph export SOURCE NAME=VALUE ... -o walkthrough.html
                                           one HTML file that plays the walk-through offline
    compgraph serve [--host] [--port] [--workers N] [--reload] [--open]

A VALUE is a number, or a vector or matrix as JSON: X='[[0, 0], [0, 1]]'.
Every user error prints a message (a mistake in the source: with a caret under
its span) and exits with 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from .. import engine
from .table import render_analysis

LECTURE_EXAMPLE = ["(x + y) * z", "x=-2", "y=5", "z=-4"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compgraph", description="Watch backpropagation happen.")
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate = commands.add_parser("eval", help="analyze an expression or program")
    evaluate.add_argument("source", help="e.g. '(x+y)*z' or 'q = x + y; f = q * z'")
    evaluate.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value per variable")
    evaluate.add_argument("--json", action="store_true", help="print the JSON contract")
    evaluate.add_argument("--merge", action="store_true", help="merge identical subexpressions")
    evaluate.add_argument("--steps", action="store_true", help="also print every forward and backward step")

    export = commands.add_parser(
        "export", help="write the walk-through as one HTML file that plays offline, with no server")
    export.add_argument("source", help="e.g. '(x+y)*z' or 'q = x + y; f = q * z'")
    export.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value per variable")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="e.g. walkthrough.html")
    export.add_argument("--merge", action="store_true", help="merge identical subexpressions")
    export.add_argument("--text-scale", type=float, default=1.0, metavar="S",
                        help="the drawing's text size, 0.5 to 3 (default 1)")

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default=None, help="default 127.0.0.1 (COMPGRAPH_HOST)")
    serve.add_argument("--port", type=port_number, default=None, help="default 8000 (COMPGRAPH_PORT)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--open", action="store_true", help="open the page in a browser")

    args = parser.parse_args(argv)
    if args.command == "eval":
        return _eval(args)
    if args.command == "export":
        return _export(args)
    from .serve import serve as run_server  # imported late: the CLI's eval needs no web stack

    return run_server(host=args.host, port=args.port, workers=args.workers, reload=args.reload,
                      open_browser=args.open)


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a TCP port (0 to 65535)")
    return port


def _values(items: list[str]) -> dict[str, object] | None:
    """NAME=VALUE arguments as values; None (with the message printed) if one is not."""
    values: dict[str, object] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            print(f"compgraph: expected NAME=VALUE, got {item[:40]!r}", file=sys.stderr)
            return None
        value = parse_value(text)
        if value is None:
            print(f"compgraph: the value of {name.strip()[:40]!r} is not a number, nor a vector or "
                  f"matrix in JSON such as '[[0, 0], [0, 1]]': {text[:40]!r}", file=sys.stderr)
            return None
        values[name.strip()] = value
    return values


class _Failed(Exception):
    """The user's error, already printed."""


def _engine(source: str, work):
    """work()'s answer; on the user's error, the message printed and _Failed (no traceback)."""
    try:
        return work()
    except engine.EngineError as error:
        print(engine.describe(error, source), file=sys.stderr)
    except MemoryError:
        print("compgraph: out of memory: this program's tensors need more memory than this machine "
              "lets it have; try smaller ones", file=sys.stderr)
    raise _Failed


def _eval(args: argparse.Namespace) -> int:
    values = _values(args.values)
    if values is None:
        return 2

    def work() -> str:
        result = engine.analyze(args.source, values, merge=args.merge)
        return result.to_json().decode() if args.json else render_analysis(result.to_dict(),
                                                                           steps=args.steps)

    try:
        output = _engine(args.source, work)
    except _Failed:
        return 2
    sys.stdout.write(output + ("\n" if args.json else ""))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import analyze, title_of, walkthrough_html  # the web page's files, read late

    values = _values(args.values)
    if values is None:
        return 2
    try:
        result = _engine(args.source, lambda: analyze(args.source, values, merge=args.merge,
                                                      text_scale=args.text_scale))
    except _Failed:
        return 2
    html = walkthrough_html(result, title_of(args.source, values))
    try:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(html)
    except OSError as error:
        print(f"compgraph: cannot write {args.output[:80]!r}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}: open it in a browser (no server needed); ← → step, F presents")
    return 0


def parse_value(text: str) -> object | None:
    """A number, or nested JSON lists (checked by the engine like any value); None if neither."""
    text = text.strip()
    if text.startswith("["):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return None
    try:
        return float(text)
    except ValueError:
        return None


if __name__ == "__main__":
    sys.exit(main())
