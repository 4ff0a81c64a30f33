"""A one-line progress display on stderr for solves that last more than a moment.

The solver reports each better agenda and each better bound (:class:`scheduler.solve.Progress`);
:class:`ProgressLine` keeps the latest and redraws one line - best objective, bound, elapsed
seconds - a few times a second once the solve has lasted ``delay`` seconds. It draws only when
the stream is a terminal, so pipes, files, ``--json`` output and tests stay quiet, and it
erases its line when the solve ends so that the command's own output starts on a clean line.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable, TextIO

__all__ = ["ProgressLine"]


class ProgressLine:
    """Shows the latest progress of a solve on one line of a terminal.

    Use as a context manager around the solve and pass :meth:`update` as
    ``SolveParams.on_progress``::

        with ProgressLine() as line:
            solve(problem, SolveParams(on_progress=line.update))

    ``clock`` and ``ticker=False`` let tests drive it by hand through :meth:`tick`.
    """

    def __init__(self, stream: TextIO | None = None, *, delay: float = 1.0, interval: float = 0.25,
                 clock: Callable[[], float] = time.monotonic, ticker: bool = True,
                 enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.active = enabled and _is_terminal(self.stream)
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self._started = clock()
        self._latest = None  # the latest Progress
        self._drawn = 0  # width of the line on screen, 0 when nothing is drawn
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True) \
            if self.active and ticker else None

    def __enter__(self) -> "ProgressLine":
        self._started = self.clock()
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def update(self, progress) -> None:
        """Record a better agenda or bound (a :class:`scheduler.solve.Progress`)."""
        with self._lock:
            self._latest = progress

    def text(self) -> str:
        """The line as it would be drawn now, in the words of the summary: the value the best
        agenda so far serves (of the value all requests would), its engagements, how far the
        solver's bound is above it (0 % means proven best), and the time."""
        latest = self._latest
        elapsed = self.clock() - self._started
        parts = []
        if latest is None or latest.objective is None:
            parts.append("no agenda yet")
        elif getattr(latest, "value", None) is not None:
            total = f" of {latest.value_total:,}" if latest.value_total is not None else ""
            count = ""
            if latest.engagements is not None:
                count = f" by {latest.engagements} engagement{'s' if latest.engagements != 1 else ''}"
            parts.append(f"value {latest.value:,}{total} served{count} so far")
        else:
            parts.append("an agenda found")
        if latest is not None and latest.objective is not None and latest.bound is not None \
                and latest.bound != float("inf"):
            gap = abs(latest.bound - latest.objective) / max(1.0, abs(latest.objective))
            parts.append(f"at most {gap:.1%} from the best agenda")
        parts.append(f"{elapsed:.1f} s")
        return "  solving: " + "; ".join(parts)

    def tick(self) -> None:
        """Redraw the line if the solve has lasted long enough (called by the ticker)."""
        if not self.active or self.clock() - self._started < self.delay:
            return
        with self._lock:
            line = self.text()
            pad = max(0, self._drawn - len(line))
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()
            self._drawn = len(line)

    def close(self) -> None:
        """Stop redrawing and erase the line."""
        self._done.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join()
        with self._lock:
            if self._drawn:
                self.stream.write("\r" + " " * self._drawn + "\r")
                self.stream.flush()
                self._drawn = 0

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self.tick()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
