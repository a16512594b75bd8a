"""The CLI's plain-text rendering of an analysis (from its JSON contract)."""

from __future__ import annotations

from ..engine.ops import OPERATORS


def fmt(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:.6g}"


def node_name(node: dict) -> str:
    if node["kind"] != "op":
        return node["label"]
    return f"{node['symbol']} {node['label']}" if node["label"] else node["symbol"]


def render_analysis(result: dict, *, steps: bool = False) -> str:
    nodes = result["nodes"]
    rows = [("node", "kind", "op", "inputs", "value", "gradient")]
    for node in nodes:
        rows.append((
            str(node["id"]), node["kind"], node_name(node),
            ",".join(map(str, node["inputs"])), fmt(node["value"]), fmt(node["grad"]),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 4 else cell.rjust(w) for i, (cell, w) in
                       enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    out = result["output_name"]
    lines.append("")
    lines.append(f"{out} = {fmt(result['value'])}")
    check = result.get("gradcheck") or {}
    for name, grad in result["gradients"].items():
        numeric = check.get(name)
        extra = f"   (numeric {fmt(numeric['numeric'])}, rel. error {fmt(numeric['rel_error'])})" if numeric else ""
        lines.append(f"∂{out}/∂{name} = {fmt(grad)}{extra}")
    if steps:
        lines.append("")
        lines.extend(describe_step(result, step) for step in result["steps"])
    for warning in result["warnings"]:
        lines.append(f"warning[{warning['code']}]: {warning['message']}")
    return "\n".join(lines) + "\n"


def describe_step(result: dict, step: dict) -> str:
    """One step in the lecture's words: q = x + y = -2 + 5 = 3, or the chain rule with numbers."""
    nodes = result["nodes"]
    out = result["output_name"]
    if step["phase"] == "forward":
        node = nodes[step["node"]]
        if step["kind"] == "input":
            return f"forward   {node['name']} = {fmt(step['value'])}"
        numbers = OPERATORS[node["op"]].render(*[fmt(v) for v in step["operands"]])
        return f"forward   {node['name']} = {node['expression']} = {numbers} = {fmt(step['value'])}"
    if step["kind"] == "seed":
        return f"backward  ∂{out}/∂{out} = 1"
    src, tgt = nodes[step["source"]]["name"], nodes[step["node"]]["name"]
    line = (f"backward  ∂{out}/∂{src} += ∂{out}/∂{tgt} · ∂{tgt}/∂{src} = {fmt(step['upstream'])} · "
            f"{fmt(step['local'])} [{step['local_formula']}] = {fmt(step['product'])}")
    if step["contributions"] > 1:
        line += f"   (contribution {step['contribution']} of {step['contributions']}, sum so far {fmt(step['grad'])})"
    return line

