"""Pause Python's cycle collector while the engine builds large acyclic structures.

Tokens, syntax trees, graphs and traces hold no reference cycles, so reference
counting frees them all; but the cycle collector still walks every live
container each time enough objects have been allocated, which costs more
than the work itself on a 100,000-node graph (micrograd pays this too). The
pause is counted across threads: the collector comes back when the last
analysis running in the process finishes.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def collector_paused():
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()
