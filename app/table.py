"""The CLI's plain-text rendering of an analysis (from its JSON contract).

On tensors the table gains a shape column, and a value shows its numbers when
it has at most SMALL of them (as nested lists), else its range.
"""

from __future__ import annotations

from ..engine.ops import OPERATORS

SMALL = 12  # numbers a tensor may have and still be written out in full


def fmt(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        return fmt_tensor(x)
    return f"{x:.6g}"


def fmt_tensor(tensor: dict) -> str:
    """[1, 2] or [[1, 2], [3, 4]] when small; otherwise its shape and range."""
    data, shape = tensor.get("data"), tensor["shape"]
    count = 1
    for n in shape:
        count *= n
    if data is not None and count <= SMALL:
        return _nested(data)
    if not count:
        return f"[{shape_text(shape)}, empty]"
    return f"[{shape_text(shape)}: {fmt(tensor['min'])} … {fmt(tensor['max'])}]"


def _nested(data) -> str:
    if isinstance(data, list):
        return "[" + ", ".join(_nested(item) for item in data) + "]"
    return fmt(data)


def shape_text(shape: list[int]) -> str:
    return "×".join(map(str, shape)) or "1"


def node_name(node: dict) -> str:
    if node["kind"] != "op":
        return node["label"]
    return f"{node['symbol']} {node['label']}" if node["label"] else node["symbol"]


def render_analysis(result: dict, *, steps: bool = False) -> str:
    nodes = result["nodes"]
    tensors = any(node["shape"] for node in nodes)
    rows = [("node", "kind", "op", "inputs", *(("shape",) if tensors else ()), "value", "gradient")]
    for node in nodes:
        rows.append((
            str(node["id"]), node["kind"], node_name(node), ",".join(map(str, node["inputs"])),
            *((shape_text(node["shape"]),) if tensors else ()), fmt(node["value"]), fmt(node["grad"]),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    left = len(rows[0]) - 2  # the numbers' columns are right-aligned
    lines = ["  ".join(cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in
                       enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    out = result["output_name"]
    lines.append("")
    lines.append(f"{out} = {fmt(result['value'])}")
    check = result.get("gradcheck") or {}
    for name, grad in result["gradients"].items():
        numeric = check.get(name)
        extra = ""
        if numeric and isinstance(grad, dict):  # a tensor is checked along one random ±1 direction d
            extra = (f"   (along a random direction d: {fmt(numeric['analytic'])}, numeric "
                     f"{fmt(numeric['numeric'])}, rel. error {fmt(numeric['rel_error'])})")
        elif numeric:
            extra = f"   (numeric {fmt(numeric['numeric'])}, rel. error {fmt(numeric['rel_error'])})"
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
    if step["local"] is None and step.get("rule"):  # a tensor operator that mixes elements
        line = (f"backward  ∂{out}/∂{src} += {step['rule']} ({step['shapes']}), upstream "
                f"{fmt(step['upstream'])} = {fmt(step['product'])}")
        if step["contributions"] > 1:
            line += f"   (contribution {step['contribution']} of {step['contributions']}, sum so far {fmt(step['grad'])})"
        return line
    line = (f"backward  ∂{out}/∂{src} += ∂{out}/∂{tgt} · ∂{tgt}/∂{src} = {fmt(step['upstream'])} · "
            f"{fmt(step['local'])} [{step['local_formula']}] = {fmt(step['product'])}")
    if step["contributions"] > 1:
        line += f"   (contribution {step['contribution']} of {step['contributions']}, sum so far {fmt(step['grad'])})"
    return line

