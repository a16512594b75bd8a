"""Tensor values: numpy float64 arrays, their shapes, and how they travel as JSON.

A scalar program never comes here: it runs on Python floats. An analysis
switches to tensors when a value or a literal is a vector or matrix, or when it
uses an operator that only exists on tensors (`@`, `sum`, a loss, `param`).
"""

from __future__ import annotations

import math

import numpy as np

# Tensors this small travel with all their numbers (the page draws them as
# heat maps); larger ones with their shape and a summary only.
FULL_DATA_MAX = 64


class ShapeError(Exception):
    """Shapes that do not fit; the evaluator turns it into an EngineError at the operation."""


def shape_text(shape: tuple[int, ...], column: bool = False) -> str:
    """3×4 for a matrix; 3 for a vector (3×1 where a column reading helps); 1 for a scalar."""
    if not shape:
        return "1"
    if len(shape) == 1 and column:
        return f"{shape[0]}×1"
    return "×".join(str(n) for n in shape)


def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...], what: str) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        raise ShapeError(f"cannot {what} {shape_text(a)} and {shape_text(b)}: the shapes do not broadcast "
                         "(each dimension must be equal, or 1 in one of them)") from None


def unbroadcast(gradient: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient over the axes broadcasting added or stretched, back to `shape`."""
    if gradient.shape == shape:
        return gradient
    extra = gradient.ndim - len(shape)
    if extra > 0:
        gradient = gradient.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and gradient.shape[i] != 1)
    if stretched:
        gradient = gradient.sum(axis=stretched, keepdims=True)
    return gradient.reshape(shape)


def as_array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _finite_or_text(x: float):
    if math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def _nested(array: np.ndarray):
    data = array.tolist()
    if array.size and not np.isfinite(array).all():
        flat = [_finite_or_text(x) for x in array.ravel().tolist()]
        data = np.array(flat, dtype=object).reshape(array.shape).tolist()
    return data


def json_tensor(value):
    """A float stays a number; a 0-d array becomes one; any other array a small object:
    {"shape", "min", "max", "mean", "norm"} plus "data" (nested lists) when small."""
    if value is None:
        return None
    if isinstance(value, float | int):
        # float(): numpy.float64 is a float, but orjson (the server's encoder) refuses it
        return float(value) if math.isfinite(value) else _finite_or_text(value)
    array = np.asarray(value)
    if array.ndim == 0:
        return _finite_or_text(float(array))
    out: dict = {"shape": list(array.shape)}
    if array.size:
        with np.errstate(all="ignore"):
            out.update(
                min=_finite_or_text(float(np.min(array))),
                max=_finite_or_text(float(np.max(array))),
                mean=_finite_or_text(float(np.mean(array))),
                # not np.linalg.norm: its BLAS call costs milliseconds on a busy machine
                norm=_finite_or_text(float(np.sqrt(np.sum(array * array)))),
            )
    if array.size <= FULL_DATA_MAX:
        out["data"] = _nested(array)
    return out


def is_finite(value) -> bool:
    if isinstance(value, float):
        return value - value == 0
    return bool(np.isfinite(value).all())
