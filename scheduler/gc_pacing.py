"""Python's cyclic garbage collector run less often while a plan's files are written."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["WRITING_THRESHOLDS", "rare_collections"]

#: The collector's thresholds (see :func:`gc.set_threshold`) while files are written. Laying
#: out a run sheet, WeasyPrint makes millions of short-lived objects and keeps hundreds of
#: thousands alive at once; with Python's default (700, 10, 10) the collector runs about
#: 1,700 times over the exports of a 2,000-request tour and walks every live object in a
#: dozen full passes, a quarter of the exports' CPU time (BENCHMARKS.md, "The whole command
#: at 2,000 requests, again"). Collecting after every 10,000 new objects instead, and the
#: oldest generation only after 2,000 young collections, costs about 60 MiB more at the peak.
WRITING_THRESHOLDS = (10_000, 20, 100)

_lock = threading.Lock()
_entered = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the garbage collector less often inside the block (:data:`WRITING_THRESHOLDS`).

    The thresholds are process-wide: the first block entered sets them and the last one left
    puts back what was there before, so blocks in several threads (the web app) may overlap.
    Nothing is collected on leaving; the collector catches up at its own pace.
    """
    global _entered, _saved
    with _lock:
        if _entered == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*WRITING_THRESHOLDS)
        _entered += 1
    try:
        yield
    finally:
        with _lock:
            _entered -= 1
            if _entered == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
