"""Every option of an analysis and of a training run, defined and checked here once.

`AnalysisOptions` is what `analyze(source, values, **options)` runs with and
`TrainOptions` what `train(...)` runs with. Each field says its default and,
in its metadata, the sentence that documents it; the server's request schema
is generated from these fields (app/schemas.py), so an option is spelled in
one place and validated in one place: here, whoever the caller is.

`limits` and `deadline` are the caller's, not the user's: the API does not
expose them (metadata api=False).
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from functools import cache
from typing import Literal

from .errors import EngineError, quoted
from .forward_mode import MAX_STEPS as MAX_FORWARD_MODE_STEPS
from .layout import TEXT_SCALES
from .limits import Limits
from .mistakes import MAX_STEPS as MAX_MISTAKE_STEPS
from .paths import MAX_LISTED as MAX_LISTED_PATHS
from .predict import MAX_DIGITS as MAX_PREDICT_DIGITS
from .predict import MIN_DIGITS as MIN_PREDICT_DIGITS

MAX_TRAIN_STEPS = 100_000
MAX_SEED = 2**63 - 1
MAX_LEARNING_RATE = 1e6
MAX_RECORDED = 1_000
FORMATS = ("object", "compact")


def option(default=MISSING, doc: str = "", *, api: bool = True):
    """A field with its documentation; without a default, the option is required."""
    return field(default=default, metadata={"doc": doc, "api": api})


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    merge: bool = option(False, "merge identical subexpressions into one node")
    gradcheck: bool = option(True, "check every gradient against a central difference")
    layout: bool = option(False, "also return where to draw each node and edge")
    default_value: float | None = option(
        None, "a value for every variable not in `values`, each with a warning; the page sends 1 "
              "so that inputs appear as the user types")
    seed: int = option(0, "seed of the parameters' initialization, a whole number from 0 to 2^63 − 1")
    learning_rate: float | None = option(
        None, "with parameters: end the trace with the SGD update w ← w − η·∂L/∂w (0 < η < 1e6)")
    # Classroom mode (numbers only, not tensors; see engine/classroom.py).
    mistakes: bool = option(
        False, "on every step, the likely wrong answers with why: \"mistakes\": [{\"answer\", \"value\", "
               f"\"kind\", \"why\", \"also\"}}] (at most {MAX_MISTAKE_STEPS:,} steps)")
    paths: str | None = option(
        None, "a variable's name: every path from it to the output with the product of the local "
              f"derivatives along it, which add up to its gradient (\"paths\"; the first {MAX_LISTED_PATHS} "
              "listed)")
    nudge: dict[str, float] | None = option(
        None, "{name: ε}: each node's predicted change ∂node/∂name · ε beside its actual change "
              "when the variable moves by ε (\"nudge\")")
    predict: int | None = option(
        None, "predict mode's quiz: how many significant digits a typed answer must agree in "
              f"({MIN_PREDICT_DIGITS} to {MAX_PREDICT_DIGITS}); each question gives the range of numbers "
              "that count as its answer and as each likely mistake (\"predict\")")
    forward_mode: bool = option(
        False, "forward-mode derivatives, one tangent pass per variable, with its steps and the cost "
               f"beside reverse mode's (\"forward_mode\"; at most {MAX_FORWARD_MODE_STEPS:,} steps)")
    text_scale: float = option(
        1.0, "with layout: how large the drawing's text is (1 as drawn by default, 0.5 to 3); the "
             "layout makes room for it")
    format: Literal["object", "compact"] = option(
        "object", "the answer's JSON: \"object\", a record per node, edge and step (documented field by "
                  "field); \"compact\", the same facts as columns, several times smaller and faster to "
                  "make (README: the compact format)")
    limits: Limits = option(Limits(), "the engine's limits", api=False)
    deadline: float | None = option(None, "a time.monotonic() value; past it the analysis stops",
                                    api=False)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise _invalid(f"the format must be one of {', '.join(map(quoted, FORMATS))}")
        for name in ("merge", "gradcheck", "layout"):
            if not isinstance(getattr(self, name), bool):
                raise _invalid(f"the option {quoted(name)} must be true or false")
        if self.default_value is not None:
            _finite_number(self.default_value, "the default value")
        _seed(self.seed)
        if self.learning_rate is not None:
            _learning_rate(self.learning_rate)
        for name in ("mistakes", "forward_mode"):
            if not isinstance(getattr(self, name), bool):
                raise _invalid(f"the option {quoted(name)} must be true or false")
        if self.paths is not None and (not isinstance(self.paths, str) or not self.paths):
            raise _invalid("paths must be the name of a variable")
        if self.nudge is not None:
            object.__setattr__(self, "nudge", _nudge(self.nudge))  # our own copy
        if self.predict is not None and (
                not _whole(self.predict) or not MIN_PREDICT_DIGITS <= self.predict <= MAX_PREDICT_DIGITS):
            raise _invalid(f"predict must be a whole number of significant digits, from "
                           f"{MIN_PREDICT_DIGITS} to {MAX_PREDICT_DIGITS}")
        _text_scale(self.text_scale)
        _limits_and_deadline(self.limits, self.deadline)

    @classmethod
    def api_fields(cls) -> list[Field]:
        """The fields a request may set, in order (the server's schema is made from them)."""
        return [f for f in fields(cls) if f.metadata["api"]]

    @classmethod
    def of(cls, options: Mapping[str, object]) -> AnalysisOptions:
        """The options from keyword arguments; an unknown name is an error that lists the known ones."""
        return _of(cls, options)


@dataclass(frozen=True, slots=True)
class TrainOptions:
    steps: int = option(doc=f"how many SGD steps, from 1 to {MAX_TRAIN_STEPS:,}")
    learning_rate: float = option(doc="η in w ← w − η·∂L/∂w (0 < η < 1e6)")
    batch_size: int | None = option(None, "rows per minibatch; all rows when absent")
    seed: int = option(0, "seeds the initialization and the minibatches")
    record: list[int] | None = option(
        None, f"steps after which to return the parameters, at most {MAX_RECORDED:,} of them "
              "(default: the first and the last)")
    limits: Limits = option(Limits(), "the engine's limits", api=False)
    deadline: float | None = option(None, "a time.monotonic() value; past it training stops",
                                    api=False)

    def __post_init__(self) -> None:
        if not _whole(self.steps) or not 1 <= self.steps <= MAX_TRAIN_STEPS:
            raise _invalid(f"steps must be a whole number from 1 to {MAX_TRAIN_STEPS:,}")
        _learning_rate(self.learning_rate)
        if self.batch_size is not None and (not _whole(self.batch_size) or self.batch_size < 1):
            raise _invalid("the batch size must be a whole number ≥ 1")
        _seed(self.seed)
        if self.record is not None:
            if not isinstance(self.record, list | tuple) or not all(_whole(s) for s in self.record):
                raise _invalid("record must be a list of step numbers")
            if len(self.record) > MAX_RECORDED:
                raise _invalid(f"record at most {MAX_RECORDED:,} steps")
            object.__setattr__(self, "record", list(self.record))  # our own copy
        _limits_and_deadline(self.limits, self.deadline)

    @classmethod
    def api_fields(cls) -> list[Field]:
        """The fields a request may set, in order (the server's schema is made from them)."""
        return [f for f in fields(cls) if f.metadata["api"]]

    @classmethod
    def of(cls, options: Mapping[str, object]) -> TrainOptions:
        return _of(cls, options)


def check_deadline(deadline: float | None) -> None:
    """Past the deadline, stop with time_budget_exceeded (called between phases and steps)."""
    if deadline is not None and time.monotonic() > deadline:
        raise EngineError("time_budget_exceeded",
                          "the analysis took longer than its time budget; try a smaller input", 0, 0)


def _of(cls, options: Mapping[str, object]):
    if not options.keys() <= _names(cls):
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(options) - set(known))
        raise _invalid(f"unknown option {quoted(unknown[0])}; the options are {', '.join(known)}")
    return cls(**options)


@cache
def _names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _invalid(message: str) -> EngineError:
    return EngineError("invalid_option", message, 0, 0)


def _whole(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _seed(seed) -> None:
    if not _whole(seed) or not 0 <= seed <= MAX_SEED:
        raise _invalid("the seed must be a whole number ≥ 0")


def _learning_rate(value) -> None:
    # Compared as given: float() of a 400-digit int would raise OverflowError.
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < MAX_LEARNING_RATE:
        raise _invalid("the learning rate must be a positive number below 1e6")


def _text_scale(value) -> None:
    low, high = TEXT_SCALES
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise _invalid(f"the text scale must be a number from {low} to {high}")


def _finite_number(value, what: str) -> None:
    finite = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if finite:
        try:
            finite = math.isfinite(float(value))
        except OverflowError:  # an int too large for a float
            finite = False
    if not finite:
        raise _invalid(f"{what} must be a finite number")


def _nudge(nudge) -> dict[str, float]:
    """One variable and a finite ε: {"x1": 0.01}."""
    if not isinstance(nudge, Mapping) or len(nudge) != 1:
        raise _invalid('nudge must name one variable and how far to move it: {"x": 0.01}')
    ((name, epsilon),) = nudge.items()
    if not isinstance(name, str) or not name:
        raise _invalid("nudge must name a variable")
    _finite_number(epsilon, f"the nudge of {quoted(name)}")
    return {name: float(epsilon)}


def _limits_and_deadline(limits, deadline) -> None:
    if not isinstance(limits, Limits):
        raise _invalid("limits must be an engine.Limits")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, numbers.Real)):
        raise _invalid("the deadline must be a time.monotonic() value")
