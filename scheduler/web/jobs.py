"""Solves run in worker processes, one at a time per tour, with their progress kept for the pages.

A job is one task of :mod:`scheduler.web.worker` in its own process (started from a fork
server that has already imported the solver, so a start takes a fraction of a second). A
thread of the web server reads the process's progress and outcome; the request handlers only
look at the job's state, so pages stay quick while a tour solves. A second start on a tour
whose job still runs returns that job instead of starting another.
"""

from __future__ import annotations

import itertools
import multiprocessing
import pickle
import queue as queue_module
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import worker
from .problems import problem_list

__all__ = ["Job", "JobRunner", "Progress"]

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["scheduler.web.worker"])
_IDS = itertools.count(1)


@dataclass(frozen=True)
class Progress:
    """One progress report of the solver: the best objective, its bound, the seconds solved."""

    objective: float | None = None
    bound: float | None = None
    solve_seconds: float | None = None


@dataclass
class Job:
    """One task running (or run) for a tour.

    Attributes
    ----------
    kind
        The task (``plan``, ``replan-preview``, ``explain``, ...).
    meta
        What the pages need to know about it (the request explained, the changes asked for).
    state
        ``running``, ``done`` or ``failed``.
    objective, bound, solve_seconds
        The latest progress the solver reported (:attr:`progress`, read as one).
    result, error
        The outcome (see :mod:`scheduler.web.worker`).

    The thread that watches the job's process publishes each progress report as one
    immutable :class:`Progress`, by one assignment, so a reader (a page, the progress
    stream) sees one report whole or the next one whole, never the objective of one with
    the bound of another; :meth:`status` reads it once.
    """

    tour_id: str
    kind: str
    meta: dict[str, Any] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_IDS))
    started: float = field(default_factory=time.time)
    finished: float | None = None
    state: str = "running"
    progress: Progress = field(default_factory=Progress)
    result: Any = None
    error: dict[str, Any] | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def objective(self) -> float | None:
        return self.progress.objective

    @property
    def bound(self) -> float | None:
        return self.progress.bound

    @property
    def solve_seconds(self) -> float | None:
        return self.progress.solve_seconds

    def status(self) -> dict[str, Any]:
        """The job's state as JSON (what the progress stream sends)."""
        progress = self.progress  # one report, whole
        elapsed = (self.finished or time.time()) - self.started
        return {"job": self.id, "kind": self.kind, "state": self.state, "objective": progress.objective,
                "bound": progress.bound, "seconds": round(elapsed, 1), "error": _capped(self.error)}


def _capped(error: dict[str, Any] | None) -> dict[str, Any] | None:
    """A failed job's error as the API and the progress stream send it: its first problems
    and their count (:func:`~scheduler.web.problems.problem_list`)."""
    if error is None or "details" not in error:
        return error
    return {**error, **problem_list("details", error["details"])}


class JobRunner:
    """Starts tasks in worker processes and keeps each tour's running and last jobs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, Job] = {}
        self._last: dict[tuple[str, str], Job] = {}
        self._processes: dict[int, Any] = {}

    def start(self, tour_id: str, kind: str, kwargs: dict[str, Any],
              meta: dict[str, Any] | None = None) -> tuple[Job, bool]:
        """Start task ``kind`` for a tour, unless one runs already.

        Returns
        -------
        tuple
            The job, and whether it was started now (False: the tour's running job).
        """
        with self._lock:
            current = self._running.get(tour_id)
            if current is not None:
                return current, False
            job = Job(tour_id, kind, dict(meta or {}))
            messages = _CONTEXT.Queue()
            process = _CONTEXT.Process(target=worker.run_task, args=(kind, kwargs, messages),
                                       name=f"scheduler-{kind}", daemon=True)
            process.start()
            self._running[tour_id] = job
            self._processes[job.id] = process
        threading.Thread(target=self._watch, args=(job, process, messages),
                         name=f"watch-{job.id}", daemon=True).start()
        return job, True

    def running(self, tour_id: str) -> Job | None:
        """The tour's running job, if any."""
        with self._lock:
            return self._running.get(tour_id)

    def last(self, tour_id: str, kind: str) -> Job | None:
        """The tour's most recent finished job of ``kind`` (or its running one)."""
        with self._lock:
            current = self._running.get(tour_id)
            if current is not None and current.kind == kind:
                return current
            return self._last.get((tour_id, kind))

    def forget(self, tour_id: str, kind: str) -> None:
        """Drop a finished job's outcome (a preview discarded or accepted)."""
        with self._lock:
            self._last.pop((tour_id, kind), None)

    def wait(self, tour_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the tour has no running job (for scripts and tests); its last job,
        also when that one ended before the call (a task that fails or ends fast), or None
        when the tour never had one."""
        deadline = time.monotonic() + timeout
        job = self.running(tour_id)
        while job is not None and job.running and time.monotonic() < deadline:
            time.sleep(0.05)
        if job is not None:
            return job
        with self._lock:
            ended = [last for (tour, _), last in self._last.items() if tour == tour_id]
        return max(ended, key=lambda last: last.id, default=None)

    def shutdown(self) -> None:
        """Stop every worker process (the server is stopping)."""
        with self._lock:
            processes = list(self._processes.values())
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def _watch(self, job: Job, process, messages) -> None:
        outcome: tuple | None = None
        while outcome is None:
            try:
                message = messages.get(timeout=0.25)
            except queue_module.Empty:
                if not process.is_alive():
                    try:  # the last message may have arrived just as the process ended
                        message = messages.get(timeout=0.5)
                    except queue_module.Empty:
                        outcome = ("failed", {"kind": "unexpected", "details": [],
                                              "message": f"the worker process stopped (exit code "
                                                         f"{process.exitcode})"})
                        break
                else:
                    continue
            if message[0] == "progress":
                job.progress = Progress(*message[1:])  # one assignment: readers see it whole
            else:
                outcome = message
        process.join(timeout=10)
        with self._lock:
            # The state last: a reader that sees the job ended sees its outcome and its end.
            job.finished = time.time()
            if outcome[0] == "done":
                job.result = pickle.loads(outcome[1])
            else:
                job.error = outcome[1]
            job.state = outcome[0]
            self._running.pop(job.tour_id, None)
            self._processes.pop(job.id, None)
            self._last[(job.tour_id, job.kind)] = job
