"""Operators that only exist on tensors: the matrix product, transpose, sums, softmax.

Each mixes elements, so instead of an elementwise local derivative each
operand has a `vjp`: the upstream gradient in, the operand's contribution out,
with a `rule` that says how it is formed.
"""

from __future__ import annotations

import numpy as np

from ..tensor import ShapeError, shape_text
from .registry import MULTIPLICATIVE, POWER, Operator, Partial, register


def _matmul_shape(a: tuple, b: tuple, param) -> tuple:
    if not a or not b:
        raise ShapeError("@ multiplies vectors and matrices; use * to multiply by a number")
    if len(a) > 2 or len(b) > 2:
        raise ShapeError(f"@ multiplies vectors and matrices, not {shape_text(a)} by {shape_text(b)}")
    if a[-1] != b[0]:
        raise ShapeError(f"cannot multiply {shape_text(a)} by {shape_text(b)}: "
                         f"the inner sizes {a[-1]} and {b[0]} differ")
    return a[:-1] + b[1:]


def _matmul_wrt_a(up, a, b, out, param):
    if a.ndim == 1 and b.ndim == 1:
        return up * b
    if a.ndim == 1:
        return b @ up
    if b.ndim == 1:
        return np.outer(up, b)
    return up @ b.T


def _matmul_wrt_b(up, a, b, out, param):
    if a.ndim == 1 and b.ndim == 1:
        return up * a
    if a.ndim == 1:
        return np.outer(a, up)
    return a.T @ up


def _dims(*sizes: int) -> str:
    return "×".join(map(str, sizes))


# The rule with shapes, reading a vector on the left of @ as a row and on the right as a column.
def _wrt_a_shapes(up: tuple, a: tuple, b: tuple) -> str:
    if len(a) == 1 and len(b) == 1:
        return f"{a[0]} = 1 · {b[0]}"
    if len(a) == 1:  # row · matrix
        return f"{_dims(1, a[0])} = {_dims(1, b[1])} · {_dims(b[1], b[0])}"
    if len(b) == 1:  # matrix · column
        return f"{_dims(*a)} = {_dims(a[0], 1)} · {_dims(1, b[0])}"
    return f"{_dims(*a)} = {_dims(*up)} · {_dims(b[1], b[0])}"


def _wrt_b_shapes(up: tuple, a: tuple, b: tuple) -> str:
    if len(a) == 1 and len(b) == 1:
        return f"{b[0]} = {a[0]} · 1"
    if len(a) == 1:
        return f"{_dims(*b)} = {_dims(a[0], 1)} · {_dims(1, b[1])}"
    if len(b) == 1:
        return f"{_dims(b[0], 1)} = {_dims(a[1], a[0])} · {_dims(a[0], 1)}"
    return f"{_dims(*b)} = {_dims(a[1], a[0])} · {_dims(*up)}"


register(Operator(
    name="matmul", symbol="@", arity=2, notation="infix", sign="@", precedence=MULTIPLICATIVE,
    formula="{a} @ {b}", description="matrix product a @ b (vectors and matrices)",
    forward=None, tensor_forward=np.matmul, tensor_only=True, infer_shape=_matmul_shape,
    partials=(Partial("{b}ᵀ", None, vjp=_matmul_wrt_a, rule="upstream · {b}ᵀ", shape_rule=_wrt_a_shapes),
              Partial("{a}ᵀ", None, vjp=_matmul_wrt_b, rule="{a}ᵀ · upstream", shape_rule=_wrt_b_shapes)),
))

register(Operator(
    name="transpose", symbol="ᵀ", arity=1, notation="function", names=("transpose",),
    precedence=POWER, formula="{a}ᵀ", description="transpose aᵀ (also written a.T)",
    forward=None, tensor_forward=np.transpose, tensor_only=True,
    infer_shape=lambda a, b, param: tuple(reversed(a)),
    partials=(Partial("transpose", None, vjp=lambda up, a, out, param: up.T, rule="upstreamᵀ"),),
))


def _axis_shape(a: tuple, b, axis) -> tuple:
    if axis is None:
        return ()
    if not -len(a) <= axis < len(a):
        shown = axis if abs(axis) < 10**6 else f"{float(axis):.3g}"  # sum(x, 1e300): not 301 digits
        if not a:
            raise ShapeError(f"axis {shown} is out of range: a number has no axes")
        raise ShapeError(f"axis {shown} is out of range for a {shape_text(a)} tensor "
                         f"(its axes are {', '.join(map(str, range(len(a))))})")
    axis %= len(a)
    return a[:axis] + a[axis + 1:]


def _spread(up, a, axis):
    """The upstream gradient of a reduction, copied back over the axis it reduced."""
    if axis is not None:
        up = np.expand_dims(up, axis)
    return np.broadcast_to(up, a.shape).copy()


def _count(a, axis) -> int:
    return a.size if axis is None else a.shape[axis]


register(Operator(
    name="sum", symbol="Σ", arity=1, notation="function", names=("sum",), params=("axis",),
    formula="sum({a})", description="sum of the elements, or along an axis: sum(x, 0)",
    forward=None, tensor_forward=lambda a, axis: np.sum(a, axis=axis), tensor_only=True,
    infer_shape=_axis_shape,
    partials=(Partial("1", None, vjp=lambda up, a, out, axis: _spread(up, a, axis),
                      rule="upstream copied to every element summed"),),
))

register(Operator(
    name="mean", symbol="mean", arity=1, notation="function", names=("mean",), params=("axis",),
    formula="mean({a})", description="mean of the elements, or along an axis: mean(x, 0)",
    forward=None, tensor_forward=lambda a, axis: np.mean(a, axis=axis), tensor_only=True,
    infer_shape=_axis_shape,
    partials=(Partial("1/n", None, vjp=lambda up, a, out, axis: _spread(up, a, axis) / _count(a, axis),
                      rule="upstream / n, copied to every element"),),
))


def softmax(a):
    shifted = a - np.max(a, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(a):
    shifted = a - np.max(a, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


register(Operator(
    name="softmax", symbol="softmax", arity=1, notation="function", names=("softmax",),
    formula="softmax({a})", description="e^a / Σ e^a along the last axis (stable)",
    forward=None, tensor_forward=softmax, tensor_only=True, infer_shape=lambda a, b, p: a,
    partials=(Partial("diag(s) − s sᵀ", None,
                      vjp=lambda up, a, out, p: out * (up - np.sum(up * out, axis=-1, keepdims=True)),
                      rule="s ⊙ (upstream − Σ upstream ⊙ s)"),),
))

register(Operator(
    name="log_softmax", symbol="log_softmax", arity=1, notation="function", names=("log_softmax",),
    formula="log_softmax({a})", description="a − log Σ e^a along the last axis (stable, log-sum-exp)",
    forward=None, tensor_forward=log_softmax, tensor_only=True, infer_shape=lambda a, b, p: a,
    partials=(Partial("I − softmax", None,
                      vjp=lambda up, a, out, p: up - np.exp(out) * np.sum(up, axis=-1, keepdims=True),
                      rule="upstream − softmax ⊙ Σ upstream"),),
))
