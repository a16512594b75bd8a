"""Names and formulas as the page and the CLI show them.

A local-derivative formula is the registry's template with the operands'
names filled in: for f = q·z, ∂f/∂q is "z". An operand without a name is
shown by its source text when that is short (in parentheses, where an operator
needs them), else by its operator. The source text is written the way the
formulas are: one multiplication sign (·), ASCII digits for subscripts
(x₁ is x1), so a formula never mixes x1*x2 with q · z. Where a template puts
an operand in parentheses of its own (log({a}), max({a}, {b})), the name goes in
without another pair: log(x1·x2), not log((x1·x2)).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .alphabet import SUBSCRIPTS
from .graph import OP, Graph

_SHORT = 16
_SPACES = re.compile(r"\s+")
_TIMES = str.maketrans({"*": "·", "×": "·", "⋅": "·", "÷": "/", "−": "-"})
_PLACEHOLDER = re.compile(r"\{([ab])\}")


class FormulaTexts(NamedTuple):
    """Every node's operand name, local-derivative formulas and forward expression, as
    operand_names, node_formulas and node_expressions give them (tuples: they are shared)."""

    names: tuple[str, ...]
    formulas: tuple[tuple[str, ...] | None, ...]
    expressions: tuple[str | None, ...]


def formula_texts(graph: Graph, source: str) -> FormulaTexts:
    """The FormulaTexts of `graph` read from `source`, worked out once and kept on the graph."""
    kept = graph.derived.get("formula_texts")
    if kept is not None and kept[0] == source:
        return kept[1]
    names = list(kept_names(graph, source))
    bare = bare_names(names)
    texts = FormulaTexts(tuple(names),
                         tuple(None if f is None else tuple(f) for f in node_formulas(graph, names, bare)),
                         tuple(node_expressions(graph, names, bare)))
    graph.derived["formula_texts"] = source, texts
    return texts


def kept_names(graph: Graph, source: str) -> tuple[str, ...]:
    """FormulaTexts.names alone, kept on the graph: all the compact answer needs (the page
    fills each operator's formulas in with them), and a third of the work of all three."""
    kept = graph.derived.get("names")
    if kept is not None and kept[0] == source:
        return kept[1]
    names = tuple(operand_names(graph, source))
    graph.derived["names"] = source, names
    return names


def operand_names(graph: Graph, source: str, labels: list | None = None) -> list[str]:
    """How each node is written when it appears inside a formula (`labels`: graph.label of
    every node, when the caller has them)."""
    label_of = graph.label if labels is None else labels.__getitem__
    names: list[str] = []
    ops, starts, ends = graph.ops, graph.starts, graph.ends
    for node in range(len(graph)):
        label = label_of(node)
        if label is not None:
            names.append(label)
            continue
        op = ops[node]
        start, end = starts[node], ends[node]
        if source.find("(", start, end) >= 0 or source.find(")", start, end) >= 0:
            start, end = _balanced(source, start, end)
        if end - start > 3 * _SHORT:
            text = ""
        else:
            text = source[start:end]
            # (an ASCII span holds no white space but these: the lexer refuses the others)
            if not text.isascii() or " " in text or "\t" in text or "\n" in text or "\r" in text:
                text = _SPACES.sub("", text)
        if not text or len(text) > _SHORT:
            text = f"{op.names[0]}(…)" if op.notation == "function" else "(…)"
        else:
            if not text.isascii():
                text = text.replace("**", "^").translate(_TIMES).translate(SUBSCRIPTS)
            elif "*" in text:
                text = text.replace("**", "^").replace("*", "·")
            if "((" in text:
                text = _undoubled(text)
            if op.notation != "function":
                text = f"({text})"
        names.append(text)
    return names


def _balanced(source: str, start: int, end: int) -> tuple[int, int]:
    """The span widened over the parentheses it opens or closes: a node's span runs from its
    first operand to its last, so (a+b)*(c+d) spans a+b)*(c+d without its outer pair."""
    if end - start > 3 * _SHORT:
        return start, end
    depth = lowest = 0
    for ch in source[start:end]:
        depth += (ch == "(") - (ch == ")")
        lowest = min(lowest, depth)
    for _ in range(-lowest):
        found = source.rfind("(", 0, start)
        if found < 0 or source[found + 1:start].strip():
            break
        start = found
    for _ in range(depth - lowest):
        found = source.find(")", end)
        if found < 0 or source[end:found].strip():
            break
        end = found + 1
    return start, end


def _undoubled(text: str) -> str:
    """Without parentheses right around another pair: log((x1·x2)) is log(x1·x2)."""
    closing, stack = {}, []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            closing[stack.pop()] = i
    drop = {k for i, j in closing.items() if text[i + 1:i + 2] == "(" and closing.get(i + 1) == j - 1
            for k in (i, j)}
    return "".join(ch for k, ch in enumerate(text) if k not in drop) if drop else text


def bare_names(names: list[str]) -> list[str]:
    """Each name without the parentheses around it, for a slot that has its own."""
    return [name[1:-1] if name[:1] == "(" and _enclosed(name) else name for name in names]


def _enclosed(text: str) -> bool:
    """Whether the first '(' closes at the very end: (a+b) yes, (a)·(b) no."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return i == len(text) - 1
    return False


_TEMPLATES: dict[str, str] = {}


def positional(template: str) -> str:
    """The template over {a} and {b} with numbered slots: {0} and {1} for the operands'
    names, {2} and {3} for their bare names where the template already encloses them
    (log({a}) is log({2})). The compact wire format sends these, once per operator."""
    converted = _TEMPLATES.get(template)
    if converted is None:
        def slot(match: re.Match) -> str:
            before = template[:match.start()].rstrip(" ")
            after = template[match.end():].lstrip(" ")
            own = before.endswith(("(", ",")) and after.startswith((")", ","))
            return f"{{{(match.group(1) == 'b') + 2 * own}}}"
        converted = _TEMPLATES[template] = _PLACEHOLDER.sub(slot, template)
    return converted


def fill(template: str, grouped: list[str], bare: list[str]) -> str:
    """The template over {a} and {b} with operands' names: bare where the template
    already encloses the operand, in parentheses elsewhere."""
    positional_template = _TEMPLATES.get(template) or positional(template)
    a, b = (grouped + ["", ""])[:2]
    bare_a, bare_b = (bare + ["", ""])[:2]
    return positional_template.format(a, b, bare_a, bare_b)


def node_formulas(graph: Graph, names: list[str], bare: list[str] | None = None) -> list[list[str] | None]:
    """Per node, the local derivative formula w.r.t. each operand (None for leaves)."""
    bare = bare_names(names) if bare is None else bare
    formulas: list[list[str] | None] = []
    kinds, ops, operands = graph.kinds, graph.ops, graph.operands
    for node in range(len(kinds)):
        if kinds[node] is not OP:
            formulas.append(None)
            continue
        args = operands(node)
        shown, plain = [names[p] for p in args], [bare[p] for p in args]
        formulas.append([fill(partial.formula, shown, plain) for partial in ops[node].partials])
    return formulas


def node_expressions(graph: Graph, names: list[str], bare: list[str] | None = None) -> list[str | None]:
    """Per operator node, its forward written with its operands' names: "x + y"."""
    bare = bare_names(names) if bare is None else bare
    kinds, ops, operands = graph.kinds, graph.ops, graph.operands
    out: list[str | None] = []
    for node in range(len(kinds)):
        op = ops[node]
        if kinds[node] is not OP:
            out.append(None)
            continue
        args = operands(node)
        # an operand that binds tighter than this operator needs no parentheses: x^2 · y
        shown = [bare[p] if kinds[p] is OP and ops[p].notation == "infix"
                 and ops[p].precedence > op.precedence else names[p] for p in args]
        out.append(fill(op.formula, shown, [bare[p] for p in args]))
    return out


LITERAL_SHOWN = 12  # a vector or matrix literal this short is drawn as written


def tensor_literal_text(text: str, shape: tuple[int, ...]) -> str:
    """What a vector or matrix literal's node shows: [1,2] as written, a long one as
    [⋯] 4×2, never [4×2], which reads as a vector holding one number."""
    if len(text) <= LITERAL_SHOWN:
        return text
    return "[⋯] " + "×".join(str(n) for n in shape)


def output_name(graph: Graph) -> str:
    """What the output is called in ∂f/∂x: the name the last statement gives it (f = x: f;
    h = x + 1; f = h: f), else the name of the operation it is (q = x + y; q: q), else f
    (out, output, result if f is taken). Never L unless the program says L."""
    statements = graph.statements
    target = statements.targets[-1] if len(statements) else None
    if target is not None:
        return target
    label = graph.labels[graph.output]
    if label is not None and graph.kinds[graph.output] is OP:
        return label
    taken = set(graph.variables) | {name for name in statements.targets if name}
    taken |= {name for _node, (name, _shape) in graph.parameters.items()}
    for name in ("f", "out", "output", "result"):
        if name not in taken:
            return name
    return next(f"f{k}" for k in range(1, len(taken) + 2) if f"f{k}" not in taken)
