"""`no_cyclic_gc()`: Python's cyclic garbage collector held off while a service builds many small
containers that cannot form cycles (decoded JSON, rows, tuples of numbers).

Every 700 new containers start a collection of the young objects, and every tenth of those the
next generation: building 30,000 score sheets of ~31 answers walks the same new objects again and
again without finding anything to free (issue 17: ranking a year's rounds spent a quarter of its
time there). Reference counting still frees everything as usual; only the search for cycles waits.

The switch is process-wide, so it is counted: with several threads inside, the collector comes back
when the last one leaves, and only if it was on when the first one came in (a process that turned it
off itself keeps it off). Use it around bounded work, never around a request or a loop of unknown
length."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
