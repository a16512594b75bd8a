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
import time
from contextlib import contextmanager

# Under constant overlapping load the count might never reach zero; then the
# collector runs by hand at most this often, so cycles made elsewhere are still freed.
MAX_PAUSE_SECONDS = 2.0

_lock = threading.Lock()
_active = 0
_was_enabled = False
_paused_since = 0.0


@contextmanager
def collector_paused():
    global _active, _was_enabled, _paused_since
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            _paused_since = time.monotonic()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        collect = False
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()
            elif _was_enabled and time.monotonic() - _paused_since > MAX_PAUSE_SECONDS:
                _paused_since = time.monotonic()
                collect = True
        if collect:
            gc.collect()
