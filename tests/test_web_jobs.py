"""A job's progress as readers see it while the thread that watches its process updates it."""

from __future__ import annotations

import pickle
import queue
import threading

from scheduler.web.jobs import Job, JobRunner

_STOP = object()


class _LiveProcess:
    """Stands for a worker process that is still running (its messages are already queued)."""

    exitcode = None

    def is_alive(self) -> bool:
        return True

    def join(self, timeout: float | None = None) -> None:
        return None


def test_a_reader_never_sees_a_progress_report_half_applied(monkeypatch):
    """The watching thread is made to stop before every attribute it sets on the job; at each
    stop another thread reads ``job.status()``. Every status it reads pairs an objective with
    the bound of the same report (or none yet), never one report's objective with another's
    bound, and it does see reports while the job runs."""
    runner = JobRunner()
    job = Job("tour", "plan", {})
    reports = [(float(n), n - 0.5, n / 10) for n in range(1, 6)]
    messages: queue.Queue = queue.Queue()
    for report in reports:
        messages.put(("progress", *report))
    messages.put(("done", pickle.dumps({"notes": []})))
    stops: queue.Queue = queue.Queue()
    goes: queue.Queue = queue.Queue()
    writer_name = "watch-under-test"
    plain_setattr = Job.__setattr__

    def stopping_setattr(self, name, value):
        if self is job and threading.current_thread().name == writer_name:
            stops.put(name)
            goes.get(timeout=30)
        plain_setattr(self, name, value)

    monkeypatch.setattr(Job, "__setattr__", stopping_setattr)
    seen = []

    def read() -> None:
        while (stop := stops.get(timeout=30)) is not _STOP:
            status = job.status()
            seen.append((stop, status["state"], status["objective"], status["bound"]))
            goes.put(None)

    def watch() -> None:
        try:
            runner._watch(job, _LiveProcess(), messages)
        finally:
            stops.put(_STOP)

    reader = threading.Thread(target=read)
    writer = threading.Thread(target=watch, name=writer_name)
    reader.start()
    writer.start()
    writer.join(timeout=60)
    reader.join(timeout=60)
    assert not writer.is_alive() and not reader.is_alive()
    pairs = {(objective, bound) for objective, bound, _ in reports} | {(None, None)}
    mixed = [entry for entry in seen if (entry[2], entry[3]) not in pairs]
    assert mixed == [], mixed
    assert any(state == "running" and objective is not None for _, state, objective, _ in seen)
    assert job.state == "done" and (job.objective, job.bound) == reports[-1][:2]
