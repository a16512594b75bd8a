"""The compact wire format turned back into the object contract, in Python.

A reference for the tests: it applies the rules engine/wire.py documents (and that
static/js/wire.js applies for the page), so `expand(compact) == to_dict()` shows that
the compact form carries every field of the object form.
"""

from __future__ import annotations

from compgraph.engine.display import bare_names

KINDS = ("input", "const", "op", "param")


def fill(template: str, grouped: list[str], bare: list[str]) -> str:
    a, b = (grouped + ["", ""])[:2]
    bare_a, bare_b = (bare + ["", ""])[:2]
    return template.format(a, b, bare_a, bare_b)


def expand(c: dict) -> dict:
    assert c["format"] == "compact" and c["version"] == 1
    ops, cols = c["operators"], c["nodes"]
    n = len(cols["op"])
    variables = c["variables"]
    params = set(cols["params"])
    dead = set(cols["dead"])
    output = c["output"]
    kinds, inputs = [], []
    for i in range(n):
        op, a, b = cols["op"][i], cols["a"][i], cols["b"][i]
        kinds.append("input" if i < len(variables) else "op" if op >= 0 else "param" if i in params else "const")
        inputs.append([] if a < 0 else [a] if b < 0 else [a, b])
    names = [name if name is not None else label for name, label in zip(cols["name"], cols["label"], strict=True)]
    bare = bare_names(names)
    formulas, expressions = [], []
    for i in range(n):
        op = cols["op"][i]
        if op < 0:
            formulas.append(None)
            expressions.append(None)
            continue
        args = inputs[i]
        grouped, plain = [names[p] for p in args], [bare[p] for p in args]
        formulas.append([fill(t, grouped, plain) for t in ops["partials"][op]])
        shown = [bare[p] if cols["op"][p] >= 0 and ops["notation"][cols["op"][p]] == "infix"
                 and ops["precedence"][cols["op"][p]] > ops["precedence"][op] else names[p] for p in args]
        expressions.append(fill(ops["formula"][op], shown, plain))
    values, grads = cols["value"], cols["grad"]
    shapes = cols.get("shape")
    nodes = []
    for i in range(n):
        op = cols["op"][i]
        node = {
            "id": i, "kind": kinds[i], "op": ops["name"][op] if op >= 0 else None,
            "symbol": ops["symbol"][op] if op >= 0 else None, "label": cols["label"][i],
            "name": c["output_node_name"] if i == output else names[i], "expression": expressions[i],
            "inputs": inputs[i], "value": values[i], "grad": grads[i],
            "span": [cols["start"][i], cols["end"][i]], "formulas": formulas[i], "live": i not in dead,
            "shape": shapes[i] if shapes else [],
        }
        if i < len(variables):
            flat = cols["occurrences"][i]
            node["occurrences"] = [list(pair) for pair in zip(flat[::2], flat[1::2], strict=True)]
        nodes.append(node)
    edges = [{"id": 0, "source": p, "target": i, "operand": k}
             for i in range(n) for k, p in enumerate(inputs[i])]
    for e, edge in enumerate(edges):
        edge["id"] = e
    steps = [{"phase": "forward", "kind": "input", "node": k, "value": values[k]} for k in range(len(variables))]
    steps += [{"phase": "forward", "kind": "op", "node": i, "op": ops["name"][cols["op"][i]], "inputs": inputs[i],
               "operands": [values[p] for p in inputs[i]], "value": values[i]}
              for i in range(n) if cols["op"][i] >= 0]
    steps.append({"phase": "backward", "kind": "seed", "node": output, "grad": grads[output]})
    back = c["backward"]
    for k, e in enumerate(back["edge"]):
        edge = edges[e]
        step = {"phase": "backward", "kind": "edge", "edge": e, "node": edge["target"], "source": edge["source"],
                "operand": edge["operand"], "upstream": grads[edge["target"]], "local": back["local"][k],
                "local_formula": formulas[edge["target"]][edge["operand"]], "product": back["product"][k],
                "grad": back["grad"][k], "contribution": back["contribution"][k],
                "contributions": back["contributions"][k]}
        if "rule" in back:
            step["rule"], step["shapes"] = back["rule"][k], back["shapes"][k]
        steps.append(step)
    updates = c.get("updates")
    if updates:
        steps += [{"phase": "update", "kind": "update", "node": node, "name": name,
                   "learning_rate": updates["learning_rate"], "value": value, "grad": grad, "new_value": new}
                  for node, name, value, grad, new in zip(updates["node"], updates["name"], updates["value"],
                                                          updates["grad"], updates["new_value"], strict=True)]
    if "mistakes" in c:
        for step, mistakes in zip(steps, c["mistakes"], strict=True):
            step["mistakes"] = mistakes
    gradients = {name: grads[k] for k, name in enumerate(variables)}
    gradients.update(zip(c["parameters"], [grads[node] for node in cols["params"]], strict=True))
    checks = c["gradcheck"]
    gradcheck = None if checks is None else {
        name: {key: checks[key][k] for key in checks if key != "name"} for k, name in enumerate(checks["name"])}
    answer = {
        "value": values[output], "output": output, "output_name": c["output_name"], "variables": variables,
        "parameters": c["parameters"], "gradients": gradients, "nodes": nodes, "edges": edges, "steps": steps,
        "gradcheck": gradcheck, "warnings": c["warnings"],
    }
    if "layout" in c:
        answer["layout"] = expand_layout(c["layout"], edges)
    for key in ("paths", "nudge", "forward_mode", "predict"):
        if key in c:
            answer[key] = c[key]
    return answer


def expand_layout(layout: dict, edges: list[dict]) -> dict:
    cols, lines = layout["nodes"], layout["edges"]
    nodes = [{"id": i, **{key: cols[key][i] for key in ("x", "y", "w", "h", "layer", "order")},
              "shape": cols["shapes"][cols["shape"][i]]} for i in range(len(cols["x"]))]
    anchors = lines["label_anchor"]
    out, at = [], 0
    points = lines.get("points")
    if points is None:  # hundredths, each point after an edge's first as a difference
        points, deltas = [], lines["points_centi"]
        for count in lines["count"]:
            x = y = 0
            for k in range(count):
                x, y = (0 if k == 0 else x) + deltas[len(points)], (0 if k == 0 else y) + deltas[len(points) + 1]
                points += [x / 100, y / 100]
    for e, edge in enumerate(edges):
        count = lines["count"][e]
        out.append({**edge, "points": [[points[at + 2 * k], points[at + 2 * k + 1]] for k in range(count)],
                    "value_at": lines["value_at"][2 * e:2 * e + 2], "grad_at": lines["grad_at"][2 * e:2 * e + 2],
                    "label_anchor": anchors if isinstance(anchors, str) else anchors[e]})
        at += 2 * count
    return {"width": layout["width"], "height": layout["height"], "nodes": nodes, "edges": out}
