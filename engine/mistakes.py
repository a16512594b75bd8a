"""The likely wrong answers at each step, with why (options.mistakes).

Every step gets "mistakes": [{"answer", "value", "kind", "why", "also"}]. `answer` is
the step's field the mistake is a wrong value of: "value" at a forward op step,
"grad" at the seed, "product" at a backward edge step and, from an operand's second
contribution on (where its running sum is no longer this edge's product), "grad"
too. An input step has none: its value is given. `why` says which slip gives the
number, without giving the right answer away. In order of precedence:

- forward: operands swapped (a − b, a / b, a^b); added or multiplied instead; a
  dropped minus sign; max for min; for a function, its derivative instead of its
  value, degrees for radians (sin, cos, tan), log₁₀ for ln, e^a for e^−a in σ, relu
  not clamping, half for a square root (mistakes_forward.py); a sign flip;
- seed: 0, the output's value;
- edge product: the upstream gradient alone, the local gradient alone, upstream +
  local (forgetting to multiply), the other operand's local gradient (the multiply
  gate's swap), the target's value as upstream, the operand's value instead of its
  gradient, the operation's value as its local derivative (functions), one of the
  upstream's own contributions instead of their sum (a target used 2 or more times;
  at most MAX_PARTS of them), a sign flip;
- edge grad: this contribution alone instead of the sum, the sum before it, the
  two subtracted, multiplied, a sign flip.

A mistake is listed only where its value differs from the right answer, and once:
values equal to 12 significant digits (both nan, or the same infinity) are one
mistake, with the kind and why of the first in the order above and the others'
in `also` ([{"kind", "why"}]). Values are computed with the engine's operators, so
they may be "nan"/"inf"/"-inf" as any number in the JSON. Cost: a handful per step,
on at most MAX_STEPS steps (checked before the analysis runs).
"""

from __future__ import annotations

import math

from .errors import EngineError
from .evaluate import Evaluation
from .graph import OP, Graph
from .mistakes_forward import forward_candidates
from .numbers import json_number

MAX_STEPS = 10_000
MAX_PARTS = 4


def check_size(graph: Graph) -> None:
    """Before the work: the trace has at most variables + operations + 1 + edges steps."""
    steps = len(graph.variables) + sum(1 for k in graph.kinds if k is OP) + 1 + graph.edge_count
    if steps > MAX_STEPS:
        raise EngineError("too_many_steps",
                          f"mistakes are offered on up to {MAX_STEPS:,} steps; this graph's trace "
                          f"can have {steps:,} (ask for mistakes on a smaller graph)", 0, 0)


def add_mistakes(steps: list[dict], graph: Graph, ev: Evaluation, names: list[str],
                 formulas: list) -> None:
    """Put "mistakes" on every step, in place (`names` as formulas show nodes, the output's
    name included; `formulas` the local derivatives' formulas per node)."""
    values, grads = ev.values, ev.grads
    output, out = graph.output, names[graph.output]
    records = ev.records
    sources = [graph.edge_source(edge) for edge in records.edges]
    parts: dict[int, list[tuple[int, float]]] = {}  # node -> its contributions (edge, product)
    for source, edge, product in zip(sources, records.edges, records.product, strict=True):
        parts.setdefault(source, []).append((edge, product))
    running: dict[int, float] = {}  # each operand's gradient before the current contribution
    edge_steps = iter(zip(sources, records, strict=True))
    for step in steps:
        kind = step["kind"]
        if kind == "op":
            found = [("value", *c) for c in forward_candidates(graph, step["node"], values, names)]
            right = {"value": values[step["node"]]}
        elif kind == "seed":
            found = [("grad", "zero_seed", 0.0, f"every gradient starts at 0 except the output's "
                      f"own, ∂{out}/∂{out}: {out} changes exactly as {out} does"),
                     ("grad", "value_not_gradient", values[output],
                      f"that is the value of {out}, not its gradient")]
            right = {"grad": grads[output]}
        elif kind == "edge":
            source, (edge, local, product, total) = next(edge_steps)
            found = _product(graph, values, grads, names, formulas, parts, graph.edge_targets[edge],
                             source, graph.edge_operands[edge], local, product)
            before = running.get(source)
            if before is not None:
                found += _sum(names[source], len(parts[source]), before, product)
            running[source] = total
            right = {"product": product, "grad": total}
        else:  # an input's value is given, not predicted
            found, right = [], {}
        step["mistakes"] = _distinct(found, right)


def _product(graph: Graph, values: list, grads: list, names: list[str], formulas: list,
             parts: dict, target: int, source: int, operand: int, local: float,
             product: float) -> list:
    up, out = grads[target], names[graph.output]
    t, s = names[target], names[source]
    formula = formulas[target][operand]
    upstream, local_grad = f"∂{out}/∂{t}", f"the local gradient ∂{t}/∂{s} = {formula}"
    found = [
        ("upstream_only", up, f"that is the upstream gradient {upstream} alone; multiply it by "
                              f"{local_grad}"),
        ("local_only", local, f"that is {local_grad} alone; multiply it by the upstream gradient "
                              f"{upstream}"),
        ("added_not_multiplied", up + local, "that adds the upstream and local gradients; the chain "
                                             "rule multiplies them"),
    ]
    op, operands = graph.ops[target], graph.operands(target)
    if len(operands) == 2:
        other = 1 - operand
        args = [values[p] for p in operands]
        wrong = op.partials[other].local(*args, values[target])
        which = ("first", "second")
        found.append(("other_operand_local", up * wrong,
                      f"that multiplies by ∂{t}/∂{names[operands[other]]} = {formulas[target][other]}, "
                      f"the local gradient toward the {which[other]} operand; {s} is the "
                      f"{which[operand]}, and its local gradient is {formula}"))
    found.append(("value_as_upstream", values[target] * local,
                  f"that multiplies the value of {t} by the local gradient; the upstream gradient is "
                  f"{t}'s gradient {upstream}, not its value"))
    found.append(("value_not_gradient", values[source], f"that is the value of {s}, not its gradient"))
    if op.notation == "function" and len(operands) == 1:
        found.append(("value_as_local", up * values[target],
                      f"that multiplies the upstream gradient by {t} itself; the local gradient is "
                      f"its derivative {formula}"))
    contributions = parts.get(target, ())
    if len(contributions) > 1:
        for edge, part in contributions[:MAX_PARTS]:
            found.append(("one_upstream_contribution", part * local,
                          f"that uses only the contribution to {upstream} through "
                          f"{names[graph.edge_targets[edge]]} as the upstream gradient; {t} is used "
                          f"{len(contributions)} times, and its gradient is the sum of "
                          f"{'both' if len(contributions) == 2 else f'all {len(contributions)}'} "
                          "contributions"))
    found.append(("sign_flip", -product, "the sign is flipped: check the signs of the upstream and "
                                         "local gradients"))
    return [("product", *c) for c in found]


def _sum(s: str, n: int, before: float, product: float) -> list:
    many = f"{s} is used {n} times, so its gradient is the sum of its {n} contributions"
    return [("grad", *c) for c in (
        ("contribution_only", product, f"that is this edge's contribution alone; {many}"),
        ("earlier_sum_only", before, f"that is the sum before this edge; add this edge's "
                                     f"contribution ({many})"),
        ("subtracted", before - product, "that subtracts this edge's contribution; contributions add"),
        ("multiplied_sum", before * product, "that multiplies the contributions; they add"),
        ("sign_flip", -(before + product), "the sign of the sum is flipped"),
    )]


def _same(x: float, y: float) -> bool:
    if x != x or y != y:
        return x != x and y != y
    if x == y:
        return True
    if math.isinf(x) or math.isinf(y):
        return False
    return abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def _distinct(found: list, right: dict[str, float]) -> list[dict]:
    listed: list[dict] = []
    raw: list[float] = []
    for answer, kind, value, why in found:
        if _same(value, right[answer]):
            continue
        twin = next((i for i, v in enumerate(raw)
                     if listed[i]["answer"] == answer and _same(v, value)), None)
        if twin is not None:
            first, also = listed[twin], listed[twin]["also"]
            if (kind, why) != (first["kind"], first["why"]) and {"kind": kind, "why": why} not in also:
                also.append({"kind": kind, "why": why})
            continue
        raw.append(value)
        listed.append({"answer": answer, "value": json_number(value), "kind": kind, "why": why,
                       "also": []})
    return listed
