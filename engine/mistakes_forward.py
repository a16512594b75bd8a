"""The slips a student makes computing a forward step's value, each with why.

Each candidate is (kind, value, why), in the order that decides which one names a
number two of them give (see mistakes.py): the telling slips first, a sign flip last. Every value is computed with the
engine's own operators and local derivatives (engine/ops), so a slip is never a
Python exception and a derivative follows the engine's conventions.
"""

from __future__ import annotations

import math

from .graph import Graph
from .ops import OPERATORS
from .ops import safe_math as m

Candidate = tuple[str, float, str]

_ADD, _MUL = OPERATORS["add"].forward, OPERATORS["mul"].forward
_TRIG = ("sin", "cos", "tan")


def show(x: float) -> str:
    """A number in a sentence: six significant digits, a true minus sign."""
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "∞" if x > 0 else "−∞"
    return f"{x:.6g}".replace("-", "−")


def _unwrapped(name: str) -> str:
    """(x1*x2) -> x1*x2, where the first parenthesis closes at the end."""
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return name[1:-1] if i == len(name) - 1 and i > 0 else name
    return name


def forward_candidates(graph: Graph, node: int, values: list, names: list[str]) -> list[Candidate]:
    """Likely wrong values of operator node `node`."""
    op = graph.ops[node]
    operands = graph.operands(node)
    shown = [names[p] for p in operands]
    args = [values[p] for p in operands]
    out = values[node]
    found: list[Candidate] = []
    if len(args) == 2:
        found += _binary(op.name, op, args, shown)
    elif op.notation == "function":  # log(x1*x2), not log((x1*x2))
        shown = [_unwrapped(shown[0])]
        found += _function(op, args[0], out, shown[0], names[operands[0]])
    # the most general slip last, so that a more telling one names a number they share
    found.append(("sign_flip", -out, f"the sign is flipped: check the signs in {op.render(*shown)}"))
    return found


def _binary(name: str, op, args: list[float], shown: list[str]) -> list[Candidate]:
    (a, b), (sa, sb) = args, shown
    found: list[Candidate] = []
    if name in ("sub", "div", "pow"):
        found.append(("operands_swapped", op.forward(b, a),
                      f"that is {op.render(sb, sa)}: the operands are swapped; the node computes "
                      f"{op.render(sa, sb)}"))
    if name in ("sub", "mul", "div"):
        found.append(("added_instead", _ADD(a, b),
                      f"that adds {sa} and {sb}; the node computes {op.render(sa, sb)}"))
    if name in ("add", "div", "pow"):
        why = {"add": f"that multiplies {sa} and {sb}; the node adds them",
               "div": f"that multiplies {sa} by {sb}; the node divides",
               "pow": f"that multiplies {sa} by {sb}; a power multiplies {sa} by itself, "
                      f"{sb} is how many times"}[name]
        found.append(("multiplied_instead", _MUL(a, b), why))
    if name in ("add", "sub", "mul", "div"):
        for k, (x, sx) in enumerate(zip(args, shown, strict=True)):
            if x < 0:
                dropped = [abs(v) if i == k else v for i, v in enumerate(args)]
                found.append(("dropped_minus", op.forward(*dropped),
                              f"that drops the minus sign of {sx} = {show(x)}"))
    if name in ("max", "min"):
        other = OPERATORS["min" if name == "max" else "max"]
        found.append(("other_extreme", other.forward(a, b),
                      f"that is {other.render(sa, sb)}; the node takes the "
                      f"{'larger' if name == 'max' else 'smaller'} of the two"))
    return found


def _function(op, a: float, out: float, sa: str, operand: str) -> list[Candidate]:
    name = op.name
    derivative = op.partials[0]
    found: list[Candidate] = [
        ("derivative_instead", derivative.local(a, out),
         f"that is the derivative {derivative.render(operand)} at {sa} = {show(a)}, not the value "
         f"{op.render(sa)}")]
    if name in _TRIG:
        found.append(("degrees", op.forward(a * math.pi / 180),
                      f"that is {name} of {show(a)} degrees; {op.render(sa)} takes radians"))
    if name == "log":
        ten = math.log10(a) if a > 0 else (-math.inf if a == 0 else math.nan)
        found.append(("base_ten", ten,
                      f"that is the base-10 logarithm of {sa}; log is the natural logarithm ln"))
    if name == "sigmoid":
        found.append(("minus_dropped", m.sigmoid(-a),
                      f"that is 1/(1 + e^{sa}): the minus sign in e^−{sa} is missing"))
    if name == "relu" and a < 0:
        found.append(("not_clamped", a, f"that is {sa} unchanged; relu passes only positive numbers"))
    if name == "sqrt":
        found.append(("halved", a / 2, f"that halves {sa}; a square root is not half"))
    return found
