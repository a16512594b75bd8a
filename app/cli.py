"""The `compgraph` command line.

    compgraph eval SOURCE NAME=VALUE ...   a table of nodes, then the gradients
    compgraph eval --json SOURCE ...       the JSON contract
    compgraph serve [--host] [--port] [--workers N] [--reload] [--open]

A user error prints the source with a caret under the span and exits with 2.
"""

from __future__ import annotations

import argparse
import sys

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

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default=None, help="default 127.0.0.1 (COMPGRAPH_HOST)")
    serve.add_argument("--port", type=int, default=None, help="default 8000 (COMPGRAPH_PORT)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--open", action="store_true", help="open the page in a browser")

    args = parser.parse_args(argv)
    if args.command == "eval":
        return _eval(args)
    from .serve import serve as run_server  # imported late: the CLI's eval needs no web stack

    return run_server(host=args.host, port=args.port, workers=args.workers, reload=args.reload,
                      open_browser=args.open)


def _eval(args: argparse.Namespace) -> int:
    values: dict[str, float] = {}
    for item in args.values:
        name, sep, text = item.partition("=")
        if not sep or not name:
            print(f"compgraph: expected NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        try:
            values[name.strip()] = float(text)
        except ValueError:
            print(f"compgraph: the value of {name.strip()!r} is not a number: {text!r}", file=sys.stderr)
            return 2
    try:
        result = engine.analyze(args.source, values, merge=args.merge)
    except engine.EngineError as error:
        print(engine.describe(error, args.source), file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(result.to_json().decode() + "\n")
    else:
        sys.stdout.write(render_analysis(result.to_dict(), steps=args.steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
