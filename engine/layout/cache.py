"""Layouts kept for the graphs asked for again (the editor re-asks for the same graph on a
keystroke that changes only a value or a space).

The key is everything the layout reads: the operands of every node in order, the node
kinds, the output, every node's size and shape (from its label, operand count and the text
scale: the label's text itself is never drawn by the layout), the edge label width, the
text scale and the dummy budget. A layout is kept as its JSON bytes, immutable and counted
exactly, and every hit is a fresh copy that the caller may change. The cache holds at most
MAX_ENTRIES layouts and MAX_BYTES of keys and layouts together, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import orjson

MAX_ENTRIES = 64
MAX_BYTES = 16 * 2**20

_lock = threading.Lock()
_store: OrderedDict[bytes, bytes] = OrderedDict()
_bytes = 0


def key(inputs: list[list[int]], kinds: list[str], output: int, sizes: list[tuple[float, float, str]],
        edge_label_chars: int, text_scale: float, dummy_budget: int) -> bytes:
    arity = np.fromiter((len(a) for a in inputs), dtype=np.int32, count=len(inputs))
    operands = np.fromiter((u for a in inputs for u in a), dtype=np.int32, count=int(arity.sum()))
    dims = np.asarray([sz[:2] for sz in sizes], dtype=np.float64)
    tags = "".join(k[0] for k in kinds) + "|" + "".join(sz[2][0] for sz in sizes)
    head = np.asarray([len(inputs), output, edge_label_chars, dummy_budget], dtype=np.int64)
    return b"".join((head.tobytes(), np.float64(text_scale).tobytes(), tags.encode(),
                     arity.tobytes(), operands.tobytes(), dims.tobytes()))


def get(k: bytes) -> dict | None:
    with _lock:
        hit = _store.get(k)
        if hit is None:
            return None
        _store.move_to_end(k)
    return orjson.loads(hit)


def put(k: bytes, layout: dict) -> None:
    global _bytes
    data = orjson.dumps(layout)
    size = len(k) + len(data)
    if size > MAX_BYTES // 4:
        return
    with _lock:
        if k in _store:
            return
        _store[k] = data
        _bytes += size
        while len(_store) > MAX_ENTRIES or _bytes > MAX_BYTES:
            old, value = _store.popitem(last=False)
            _bytes -= len(old) + len(value)


def clear() -> None:
    global _bytes
    with _lock:
        _store.clear()
        _bytes = 0


def held() -> tuple[int, int]:
    """(layouts, bytes) held now."""
    with _lock:
        return len(_store), _bytes
