"""The wall-clock deadline that stops a search whatever its count of work says."""

from __future__ import annotations

import time
from typing import Callable


class Deadline:
    """A moment on the monotonic clock after which a search stops, checked where it is cheap.

    The search counts its work to stay repeatable (:mod:`.budget`); this is the promise on
    top of it: on a slow or loaded machine the clock ends the search first, and ``passed``
    stays true from then on so that every loop of the search unwinds. ``time.monotonic`` is
    the system's monotonic clock on Linux, macOS and Windows, the same in every process, so a
    worker process can be given the same moment.

    Parameters
    ----------
    at
        The moment (``time.monotonic()`` units), or ``None`` for no deadline.
    now
        The clock (tests pass a fake one).
    """

    __slots__ = ("at", "now", "hit")

    def __init__(self, at: float | None = None, now: Callable[[], float] = time.monotonic) -> None:
        self.at = at
        self.now = now
        self.hit = False

    def passed(self) -> bool:
        """True once the deadline is reached (and from then on)."""
        if self.hit:
            return True
        if self.at is not None and self.now() >= self.at:
            self.hit = True
        return self.hit

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or ``None`` without a deadline."""
        return None if self.at is None else max(0.0, self.at - self.now())


NO_DEADLINE = Deadline()
"""A deadline that never passes (the default of every search)."""
