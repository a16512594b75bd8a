"""Losses, each reduced to a mean as in PyTorch's defaults.

    mse(y, t)            mean((y − t)²)                          the lecture's (y − y*)²
    bce(p, t)            mean(−t log p − (1 − t) log(1 − p))     logs clamped at −100, as PyTorch
    cross_entropy(z, t)  mean over samples of −log softmax(z)[t]   z are logits; t class labels
                         (integers, one fewer axis than z) or probabilities (same shape as z)
"""

from __future__ import annotations

import numpy as np

from ..tensor import ShapeError, broadcast_shape, shape_text, unbroadcast
from .linalg import log_softmax
from .registry import Operator, Partial, register


def _mse_wrt_y(up, y, t, out, param):
    n = np.broadcast(y, t).size
    return unbroadcast(up * 2.0 * (y - t) / n, y.shape)


def _mse_wrt_t(up, y, t, out, param):
    n = np.broadcast(y, t).size
    return unbroadcast(up * -2.0 * (y - t) / n, t.shape)


register(Operator(
    name="mse", symbol="MSE", arity=2, notation="function", names=("mse",),
    formula="mse({a}, {b})", description="mean squared error mean((y − t)²)",
    forward=None, tensor_forward=lambda y, t: np.mean((y - t) ** 2), tensor_only=True,
    infer_shape=lambda a, b, p: broadcast_shape(a, b, "compare") and (),
    partials=(Partial("2({a} − {b})/n", None, vjp=_mse_wrt_y, rule="upstream · 2(y − t)/n"),
              Partial("−2({a} − {b})/n", None, vjp=_mse_wrt_t, rule="upstream · −2(y − t)/n")),
))


def _clamped_log(x):
    return np.maximum(np.log(x), -100.0)


def _bce(p, t):
    return np.mean(-(t * _clamped_log(p) + (1.0 - t) * _clamped_log(1.0 - p)))


def _bce_wrt_p(up, p, t, out, param):
    n = np.broadcast(p, t).size
    return unbroadcast(up * (p - t) / np.maximum(p * (1.0 - p), 1e-12) / n, p.shape)


def _bce_wrt_t(up, p, t, out, param):
    n = np.broadcast(p, t).size
    return unbroadcast(up * (_clamped_log(1.0 - p) - _clamped_log(p)) / n, t.shape)


register(Operator(
    name="bce", symbol="BCE", arity=2, notation="function", names=("bce",),
    formula="bce({a}, {b})", description="binary cross-entropy of probabilities p against targets t",
    forward=None, tensor_forward=_bce, tensor_only=True,
    infer_shape=lambda a, b, p: broadcast_shape(a, b, "compare") and (),
    partials=(Partial("({a} − {b}) / ({a}(1 − {a})n)", None, vjp=_bce_wrt_p,
                      rule="upstream · (p − t)/(p(1 − p)n)"),
              Partial("(log(1 − {a}) − log {a})/n", None, vjp=_bce_wrt_t,
                      rule="upstream · (log(1 − p) − log p)/n")),
))


def _labels(z, t):
    """Class labels as integers, or None when t holds probabilities."""
    if t.shape == z.shape:
        return None
    labels = t.astype(np.int64)
    if not np.array_equal(labels, t) or (labels < 0).any() or (labels >= z.shape[-1]).any():
        raise ShapeError(f"class labels must be whole numbers from 0 to {z.shape[-1] - 1}")
    return labels


def _ce_shape(z: tuple, t: tuple, param) -> tuple:
    if not z:
        raise ShapeError("cross_entropy needs a vector or matrix of logits, not a number")
    if t != z and t != z[:-1]:
        raise ShapeError(f"cross_entropy of {shape_text(z)} logits needs targets of shape "
                         f"{shape_text(z[:-1]) if len(z) > 1 else 'one label'} (class labels) or "
                         f"{shape_text(z)} (probabilities), not {shape_text(t)}")
    return ()


def _rows(z) -> int:
    return int(np.prod(z.shape[:-1]))


def _cross_entropy(z, t):
    logp = log_softmax(z)
    labels = _labels(z, t)
    if labels is None:
        return -np.sum(t * logp) / _rows(z)
    picked = np.take_along_axis(logp, labels[..., None], axis=-1)
    return -np.sum(picked) / _rows(z)


def _ce_wrt_z(up, z, t, out, param):
    p = np.exp(log_softmax(z))
    labels = _labels(z, t)
    if labels is None:
        target = t * 1.0
        return up * (p * np.sum(target, axis=-1, keepdims=True) - target) / _rows(z)
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    return up * (p - onehot) / _rows(z)


def _ce_wrt_t(up, z, t, out, param):
    if _labels(z, t) is not None:
        return None  # class labels are not differentiable: no gradient flows to them
    return up * -log_softmax(z) / _rows(z)


register(Operator(
    name="cross_entropy", symbol="CE", arity=2, notation="function", names=("cross_entropy",),
    formula="cross_entropy({a}, {b})",
    description="softmax cross-entropy of logits z against class labels or probabilities t (log-sum-exp)",
    forward=None, tensor_forward=_cross_entropy, tensor_only=True, infer_shape=_ce_shape,
    partials=(Partial("(softmax({a}) − onehot({b}))/n", None, vjp=_ce_wrt_z,
                      rule="upstream · (softmax(z) − t)/n"),
              Partial("−log_softmax({a})/n", None, vjp=_ce_wrt_t, rule="upstream · −log softmax(z)/n")),
))
