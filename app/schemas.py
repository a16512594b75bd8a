"""Pydantic models of every request and response body: the API's contract in /docs.

Requests are validated with these models. Responses are not: the graph route
sends the engine's own orjson bytes (`Analysis.to_json()`) and the catalog
routes send bytes built once at start-up, because serializing through a
model would cost more than the analysis. The response models document
those bytes exactly, and the schemathesis test checks real responses against
them, so a drift between engine and schema fails a test.

Extension points:
- tensors: `InputValue` and `Number` are the only places a value's type is
  spelled: a vector or matrix arrives as nested lists and leaves as a `Tensor`.
- the page's layout: `GraphResponse.layout` (`Layout`), present when asked for.
"""

from __future__ import annotations

import math
from dataclasses import MISSING
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictStr,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from ..engine import AnalysisOptions, TrainOptions

# --- numbers --------------------------------------------------------------------------------

NonFinite = Literal["nan", "inf", "-inf"]

Scalar = Annotated[
    float | NonFinite,
    Field(description='a JSON number, or "nan", "inf", "-inf" where the value is not finite '
                      "(strict JSON has no such numbers)"),
]


class Tensor(BaseModel):
    """A vector or matrix value: its shape and a summary, and all its numbers when small."""

    model_config = ConfigDict(extra="forbid")
    shape: list[int]
    min: Scalar | None = None
    max: Scalar | None = None
    mean: Scalar | None = None
    norm: Scalar | None = Field(None, description="Euclidean norm of all elements")
    data: list[Scalar] | list[list[Scalar]] | None = Field(
        None, description="every element, row by row, when the tensor has at most 64")


Number = Annotated[Scalar | Tensor, Field(description="a number, or a tensor on tensor programs")]

# A value the user sends: strictly a finite JSON number. Not a string ("1", "NaN"), not a
# boolean, not null; NaN and Infinity are not JSON, and 1e999 is refused by the parser rather
# than becoming inf.
FiniteFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]

_NOT_A_VALUE = "Input should be a valid number, or a vector or matrix of numbers"


def _number(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise PydanticCustomError("value_type", _NOT_A_VALUE)
    return float(x)


def _input_value(value: Any) -> float | list:
    """A finite number, a list of them, or a list of equally long lists of them; one clear
    message otherwise (a union of types would report every branch it tried)."""
    if not isinstance(value, list):
        return _number(value)
    if value and all(isinstance(row, list) for row in value):
        if len({len(row) for row in value}) != 1 or not value[0]:
            raise PydanticCustomError("value_type", "Input should be a matrix: rows of equal length")
        return [[_number(x) for x in row] for row in value]
    if not value:
        raise PydanticCustomError("value_type", _NOT_A_VALUE)
    return [_number(x) for x in value]


_NUMBER_SCHEMA = {"type": "number"}
InputValue = Annotated[
    Any,
    PlainValidator(_input_value),
    WithJsonSchema({
        "anyOf": [_NUMBER_SCHEMA, {"type": "array", "items": _NUMBER_SCHEMA, "minItems": 1},
                  {"type": "array", "items": {"type": "array", "items": _NUMBER_SCHEMA, "minItems": 1},
                   "minItems": 1}],
        "description": "a finite JSON number, or a vector or matrix of them as nested lists "
                       "(rows of equal length)",
    }),
]

Span = Annotated[tuple[int, int], Field(description="[start, end) code-point offsets into the source")]


class _Closed(BaseModel):
    """A body with exactly the documented keys (additionalProperties: false)."""

    model_config = ConfigDict(extra="forbid")


# --- POST /api/graph: request ---------------------------------------------------------------


class _StrictBody(BaseModel):
    """JSON types checked strictly (no "1" for 1, no 1 for true); the ranges are the engine's."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _option_fields(options_class: type) -> dict[str, Any]:
    """A request field per engine option: its type, default and sentence come from the engine's
    AnalysisOptions / TrainOptions, the one place each option is defined and validated."""
    hints = get_type_hints(options_class)
    return {f.name: (hints[f.name], Field(... if f.default is MISSING else f.default,
                                          description=f.metadata["doc"]))
            for f in options_class.api_fields()}


Options = create_model("Options", __base__=_StrictBody, __doc__="engine.AnalysisOptions, as JSON",
                       **_option_fields(AnalysisOptions))


class GraphRequest(_Closed):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4},
                                         "options": {"merge": False, "gradcheck": True}}]},
    )

    source: StrictStr = Field(description="an expression such as log(x1*x2)*sin(x2), or a program "
                                          "of statements such as q = x + y; f = q * z")
    values: dict[str, InputValue] = Field(default_factory=dict,
                                          description="a value for every variable of the source")
    options: Options = Field(default_factory=Options)


# --- POST /api/graph: response (the engine's JSON contract) ---------------------------------


class Node(_Closed):
    id: int
    kind: Literal["input", "const", "op", "param"]
    op: str | None = Field(description="operator name (see /api/operators); null for inputs and constants")
    symbol: str | None = Field(description="what the graph node shows, e.g. ×")
    label: str | None = Field(description="variable name, constant text, or the name given in the program")
    name: str = Field(description="how the node is written inside formulas")
    expression: str | None = Field(description="the operation with its operands' names, for op nodes")
    inputs: list[int] = Field(description="operand node ids, in operand order")
    value: Number
    grad: Number | None = Field(description="d(output)/d(node); null where no gradient flows (constants)")
    span: Span
    formulas: list[str] | None = Field(description="local derivative formula w.r.t. each operand")
    live: bool = Field(description="whether the node reaches the output")
    occurrences: list[Span] | None = Field(None, description="for inputs: every span where the variable is written")
    shape: list[int] = Field(description="[] for a number; [n] for a vector; [rows, columns] for a matrix")


class Edge(_Closed):
    id: int
    source: int = Field(description="operand node id")
    target: int = Field(description="operator node id")
    operand: int = Field(description="which operand of the target (0 = a, 1 = b)")


class MistakeAlso(_Closed):
    kind: str
    why: str


class Mistake(_Closed):
    """A likely wrong answer at a step (options.mistakes; see engine/mistakes.py)."""

    answer: Literal["value", "grad", "product"] = Field(
        description="the step's field this is a wrong value of")
    value: Scalar
    kind: str = Field(description="which slip gives it, e.g. upstream_only, operands_swapped")
    why: str = Field(description="one sentence that says so, without giving the answer away")
    also: list[MistakeAlso] = Field(description="other slips that give the same number")


Mistakes = Annotated[list[Mistake] | None, Field(None, description="with options.mistakes")]


class ForwardInputStep(_Closed):
    phase: Literal["forward"]
    kind: Literal["input"]
    node: int
    value: Number
    mistakes: Mistakes


class ForwardOpStep(_Closed):
    phase: Literal["forward"]
    kind: Literal["op"]
    node: int
    op: str
    inputs: list[int]
    operands: list[Number]
    value: Number
    mistakes: Mistakes


class BackwardSeedStep(_Closed):
    phase: Literal["backward"]
    kind: Literal["seed"]
    node: int
    grad: Number
    mistakes: Mistakes


class BackwardEdgeStep(_Closed):
    phase: Literal["backward"]
    kind: Literal["edge"]
    edge: int
    node: int = Field(description="the operator node the gradient flows back from")
    source: int = Field(description="the operand node it flows into")
    operand: int
    upstream: Number
    local: Number | None = Field(description="the local gradient; null for an operator that mixes "
                                             "elements (a matrix product), whose `rule` says what it does")
    local_formula: str
    product: Number = Field(description="this edge's contribution, upstream × local")
    grad: Number = Field(description="the operand's gradient accumulated so far")
    contribution: int = Field(description="this is contribution k of `contributions` to the operand")
    contributions: int
    rule: str | None = Field(None, description="on tensors: how the contribution is formed, e.g. upstream · xᵀ")
    shapes: str | None = Field(None, description="on tensors: the rule's shapes, e.g. 3×4 = 3×1 · 1×4")
    mistakes: Mistakes


class UpdateStep(_Closed):
    phase: Literal["update"]
    kind: Literal["update"]
    node: int
    name: str
    learning_rate: float
    value: Number = Field(description="the parameter before the update")
    grad: Number
    new_value: Number = Field(description="value − learning_rate · grad")


Step = Annotated[ForwardInputStep | ForwardOpStep | BackwardSeedStep | BackwardEdgeStep | UpdateStep,
                 Field(discriminator="kind")]


class GradCheck(_Closed):
    analytic: Number = Field(description="backprop's derivative, of the check that differs most")
    numeric: Number = Field(description="the central difference it is compared with")
    rel_error: Number = Field(description="|analytic − numeric| / max(|analytic|, |numeric|, rounding floor)")
    ok: bool = Field(description="the engine's verdict: they agree (rel_error ≤ 1e-5, both finite)")
    finite: bool = Field(description="false when a number is not finite, so nothing could be checked")
    method: Literal["scalar", "elements", "directions"] = Field(
        description="a number; a tensor element by element (≤ 64 elements); along random directions")
    checks: int = Field(description="how many derivatives were compared")
    worst: list[int] = Field(description="the element (or direction) shown; [] for a number")


class EngineWarning(_Closed):
    code: str
    message: str
    start: int
    end: int
    node: int | None


class LayoutNode(_Closed):
    id: int
    x: float = Field(description="centre, px from the left; inputs on the left, the output on the right")
    y: float = Field(description="centre, px from the top")
    w: float
    h: float
    layer: int = Field(description="column, 0 for the inputs")
    order: int = Field(description="position in the column, top first")
    shape: Literal["circle", "box"]


class LayoutEdge(_Closed):
    id: int
    source: int
    target: int
    operand: int
    points: list[tuple[float, float]] = Field(description="polyline from source to target")
    value_at: tuple[float, float] = Field(description="where the forward value is written (above the edge)")
    grad_at: tuple[float, float] = Field(description="where the gradient is written (below the edge)")
    label_anchor: Literal["start", "middle", "end"]


class Layout(_Closed):
    width: float
    height: float
    nodes: list[LayoutNode]
    edges: list[LayoutEdge]


class PathItem(_Closed):
    nodes: list[int] = Field(description="from the variable to the output")
    edges: list[int]
    locals: list[Scalar] = Field(description="the local derivative on each edge")
    product: Scalar = Field(description="their product, taken from the output back")


class Paths(_Closed):
    """options.paths: the chain rule as a sum over paths (engine/paths.py)."""

    variable: str
    count: int | Scalar = Field(description="how many paths in all (exact up to 2^53)")
    items: list[PathItem] = Field(description="the first 64 paths, depth first")
    total: Scalar = Field(description="the sum of the listed products")
    gradient: Scalar = Field(description="the backward pass's gradient of the variable")
    truncated: bool


class NudgeNode(_Closed):
    derivative: Scalar = Field(description="∂node/∂variable (forward mode)")
    predicted: Scalar = Field(description="derivative · ε")
    actual: Scalar = Field(description="node(x + ε) − node(x), as the engine computes it")
    nudged: Scalar = Field(description="node(x + ε)")
    error: Scalar = Field(description="actual − predicted: what the first-order prediction misses")


class NudgePoint(_Closed):
    epsilon: float
    predicted: Scalar
    actual: Scalar
    relative_error: Scalar = Field(description="|actual − predicted| / max(|actual|, |predicted|)")


class Nudge(_Closed):
    """options.nudge: first-order prediction against the actual change (engine/nudge.py)."""

    variable: str
    epsilon: float
    value: Scalar = Field(description="the variable's value")
    nudged: Scalar = Field(description="the variable's value + ε, as a double")
    derivative: Scalar
    predicted: Scalar = Field(description="the output's predicted change")
    actual: Scalar = Field(description="the output's actual change")
    error: Scalar = Field(description="the output's actual − predicted change")
    relative_error: Scalar
    linear_within: float = Field(description="the relative error up to which the prediction holds")
    breaks_down_at: float | None = Field(
        description="the first nudge of the curve at which the relative error passes linear_within")
    curve: list[NudgePoint] = Field(description="the output's changes at ε/16, 2ε/16, …, ε")
    nodes: dict[str, NudgeNode] = Field(description="by node id")


class TangentSeedStep(_Closed):
    phase: Literal["forward_mode"]
    kind: Literal["seed"]
    pass_: int = Field(alias="pass", description="which variable's pass (its index)")
    variable: str
    node: int
    tangent: float


class TangentStep(_Closed):
    phase: Literal["forward_mode"]
    kind: Literal["op"]
    pass_: int = Field(alias="pass")
    variable: str
    node: int
    op: str
    inputs: list[int]
    edges: list[int]
    operand_tangents: list[Scalar] = Field(description="0 where an operand does not depend on the variable")
    locals: list[Scalar | None] = Field(description="∂node/∂operand; null where the operand does not depend on the variable")
    local_formulas: list[str]
    terms: list[Scalar | None] = Field(description="local · operand tangent; null where it is exactly 0")
    tangent: Scalar = Field(description="the sum of the terms: ∂node/∂variable")


class ModeCount(_Closed):
    passes: int
    operations: int = Field(description="operator nodes at which the passes compute a derivative")


class ModeCounts(_Closed):
    forward_mode: ModeCount
    reverse_mode: ModeCount


class ForwardMode(_Closed):
    """options.forward_mode: one tangent pass per variable (engine/forward_mode.py)."""

    derivatives: dict[str, Scalar] = Field(description="equal to the gradients up to rounding")
    steps: list[Annotated[TangentSeedStep | TangentStep, Field(discriminator="kind")]]
    counts: ModeCounts


class PredictMistake(_Closed):
    value: Scalar
    kind: str
    why: str
    also: list[MistakeAlso]
    accept: tuple[float, float] | None = Field(description="the numbers that count as this mistake")


class Question(_Closed):
    step: int = Field(description="the index of the step in `steps`")
    field: Literal["value", "grad", "product"] = Field(description="the step's field asked for")
    answer: Scalar
    accept: tuple[float, float] | None = Field(
        description="[low, high]: the numbers that agree with the answer to `digits` significant "
                    "digits; null where it is not finite")
    mistakes: list[PredictMistake]


class Predict(_Closed):
    """options.predict: predict mode's quiz (engine/predict.py)."""

    digits: int
    rule: str = Field(description="how a typed number is judged, in words")
    questions: list[Question]


class GraphResponse(_Closed):
    value: Number
    output: int = Field(description="id of the output node")
    output_name: str
    variables: list[str]
    parameters: list[str] = Field(description="names of the trainable parameters (W = param(3, 4))")
    gradients: dict[str, Number | None] = Field(
        description="d(output)/d(each variable and parameter); null where none flows (class labels)")
    nodes: list[Node]
    edges: list[Edge]
    steps: list[Step] = Field(description="forward steps, then the backward seed and one step per edge, "
                                          "then (with a learning rate) one update per parameter")
    gradcheck: dict[str, GradCheck] | None = Field(description="null when the check was skipped")
    warnings: list[EngineWarning]
    layout: Layout | None = Field(None, description="where to draw the graph, when options.layout is true")
    paths: Paths | None = Field(None, description="with options.paths")
    nudge: Nudge | None = Field(None, description="with options.nudge")
    forward_mode: ForwardMode | None = Field(None, description="with options.forward_mode")
    predict: Predict | None = Field(None, description="with options.predict")


# --- POST /api/train ---------------------------------------------------------------------------


class _TrainBody(_StrictBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "source": "W = param(2, 1); b = param(1); p = sigmoid(X @ W + b); L = mse(p, Y)",
            "values": {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "Y": [[0], [1], [1], [1]]},
            "steps": 200, "learning_rate": 1.0, "seed": 0, "record": [0, 100, 200]}]},
    )

    source: StrictStr = Field(description="a program with parameters (W = param(2, 4)) that ends with a loss")
    values: dict[str, InputValue] = Field(default_factory=dict, description="the data")


TrainRequest = create_model("TrainRequest", __base__=_TrainBody, __doc__="a training run: engine.TrainOptions",
                            **_option_fields(TrainOptions))


class ParameterSnapshot(_Closed):
    step: int = Field(description="the parameters after this many updates")
    values: dict[str, Number | list[float] | list[list[float]]]


class TrainResponse(_Closed):
    steps: int = Field(description="steps taken (fewer than asked if the loss stopped being finite)")
    learning_rate: float
    batch_size: int | None
    seed: int
    losses: list[Scalar] = Field(description="the loss at each step, before its update")
    final_loss: Scalar | None = Field(description="the loss on all the data after the last update")
    parameters: list[ParameterSnapshot]
    warnings: list[str]


# --- errors -----------------------------------------------------------------------------------


class Problem(_Closed):
    loc: list[str | int] = Field(description="where in the request body, e.g. [\"body\", \"values\", \"x\"]")
    msg: str


class ErrorDetail(_Closed):
    code: str = Field(description="stable machine-readable code, e.g. unknown_function, invalid_request")
    message: str = Field(description="one sentence for a person")
    start: int = Field(description="[start, end) span in the source the error points at (0, 0 if none)")
    end: int
    details: list[Problem] | None = Field(None, description="for invalid requests: the first few problems")


class ErrorResponse(_Closed):
    error: ErrorDetail


# --- catalog, examples, health ------------------------------------------------------------------


class PartialInfo(_Closed):
    operand: Literal["a", "b"]
    formula: str = Field(description="display formula of ∂out/∂operand, e.g. b for a·b w.r.t. a")


class OperatorInfo(_Closed):
    name: str = Field(description="canonical name, as in the graph's nodes")
    symbol: str = Field(description="what the graph node shows")
    arity: int
    notation: Literal["infix", "prefix", "function"]
    signs: list[str] = Field(description="signs that write it, canonical first (e.g. *, ×, ·)")
    aliases: list[str] = Field(description="function names it can be called by (e.g. log, ln)")
    formula: str = Field(description="display formula over operands a and b")
    template: str = Field(description="the same formula with {a} and {b} placeholders, to fill in values")
    partials: list[PartialInfo]
    description: str
    convention: str | None = Field(description="the derivative chosen at a non-differentiable point")


class ConstantInfo(_Closed):
    name: str
    value: float


class Catalog(_Closed):
    operators: list[OperatorInfo]
    constants: list[ConstantInfo]


class TrainDefaults(_Closed):
    steps: int
    learning_rate: float


class Example(_Closed):
    id: str
    title: str
    description: str
    source: str
    values: dict[str, float | list[float] | list[list[float]]]
    options: Options
    train: TrainDefaults | None = Field(None, description="suggested SGD settings, for examples with parameters")


class ExampleList(_Closed):
    examples: list[Example]


class Health(_Closed):
    status: Literal["ok"]
