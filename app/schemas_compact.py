"""The compact answer of POST /api/graph (options.format = "compact"), as a schema.

The same facts as GraphResponse, as columns (engine/wire.py says what each holds and
what is derived rather than sent; README: "The compact format"). Documented here
exactly, so that the schemathesis test checks real compact answers against it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .schemas import (
    EngineWarning,
    ForwardMode,
    Mistake,
    Nudge,
    Number,
    Paths,
    Scalar,
    _Closed,
)


class CompactOperators(_Closed):
    """The operators the graph uses, once each; nodes.op indexes these lists."""

    name: list[str]
    symbol: list[str]
    notation: list[Literal["infix", "prefix", "function"]]
    precedence: list[int]
    formula: list[str] = Field(description="the forward's display template: {0} {1} the operands' names, "
                                           "{2} {3} the same without enclosing parentheses")
    partials: list[list[str]] = Field(description="per operand, its local derivative's template")


class CompactNodes(_Closed):
    """Columns indexed by node id."""

    op: list[int] = Field(description="index into operators; -1 for inputs, constants and parameters")
    a: list[int] = Field(description="first operand's id, -1 for none")
    b: list[int] = Field(description="second operand's id, -1 for none")
    label: list[str | None]
    name: list[str | None] = Field(description="how formulas write the node; null: as its label")
    value: list[Number]
    grad: list[Number | None]
    start: list[int]
    end: list[int]
    dead: list[int] = Field(description="the nodes that do not reach the output")
    params: list[int] = Field(description="the parameters' nodes, in order of appearance")
    occurrences: list[list[int]] = Field(description="per variable, every span where it is written, flat")
    shape: list[list[int]] | None = Field(None, description="on tensor programs: every node's shape")


class CompactBackward(_Closed):
    """One row per backward edge step, in the order the backward pass took them."""

    edge: list[int]
    local: list[Number | None]
    product: list[Number]
    grad: list[Number] = Field(description="the operand's gradient accumulated so far")
    contribution: list[int]
    contributions: list[int]
    rule: list[str] | None = Field(None, description="on tensors")
    shapes: list[str] | None = Field(None, description="on tensors")


class CompactUpdates(_Closed):
    learning_rate: float
    node: list[int]
    name: list[str]
    value: list[Number]
    grad: list[Number]
    new_value: list[Number]


class CompactGradCheck(_Closed):
    name: list[str]
    analytic: list[Scalar]
    numeric: list[Scalar]
    rel_error: list[Scalar]
    ok: list[bool]
    finite: list[bool]
    method: list[Literal["scalar", "elements", "directions"]]
    checks: list[int]
    worst: list[list[int]]


class CompactLayoutNodes(_Closed):
    x: list[float]
    y: list[float]
    w: list[float]
    h: list[float]
    layer: list[int]
    order: list[int]
    shape: list[int] = Field(description="index into shapes")
    shapes: list[Literal["circle", "box"]]


class CompactLayoutEdges(_Closed):
    points: list[float] | None = Field(None, description="x0, y0, x1, y1, ... of every edge's polyline in turn")
    points_centi: list[int] | None = Field(
        None, description="instead of points, when every coordinate is a whole number of hundredths: per "
                          "edge its first point in hundredths, then each point's difference from the one before")
    count: list[int] = Field(description="points per edge")
    value_at: list[float] = Field(description="x, y per edge")
    grad_at: list[float] = Field(description="x, y per edge")
    label_anchor: Literal["start", "middle", "end"] | list[Literal["start", "middle", "end"]]


class CompactLayout(_Closed):
    width: float
    height: float
    nodes: CompactLayoutNodes
    edges: CompactLayoutEdges


class CompactGraphResponse(_Closed):
    format: Literal["compact"]
    version: Literal[1]
    output: int
    output_name: str
    output_node_name: str = Field(description="the output node's name (the object form's nodes[output].name)")
    variables: list[str]
    parameters: list[str]
    operators: CompactOperators
    nodes: CompactNodes
    backward: CompactBackward
    gradcheck: CompactGradCheck | None
    warnings: list[EngineWarning]
    updates: CompactUpdates | None = Field(None, description="with a learning rate and parameters")
    mistakes: list[list[Mistake]] | None = Field(None, description="with options.mistakes: per step, in step order")
    layout: CompactLayout | None = Field(None, description="with options.layout")
    paths: Paths | None = Field(None, description="with options.paths")
    nudge: Nudge | None = Field(None, description="with options.nudge")
    forward_mode: ForwardMode | None = Field(None, description="with options.forward_mode")
