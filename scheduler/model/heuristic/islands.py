"""Several searches side by side ("islands") in worker processes, meeting at fixed shares of work.

Meeting at counts of operations, never of seconds, keeps the agenda as repeatable as with one
search.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from . import string_removal
from .annealing import ADAPTIVE, TUNING, VARIANT, Annealing
from .clock import Deadline
from .construction import construct
from .interday import INTERDAY
from .recombination import RECOMBINE
from .ruin import DAY_RUIN

log = logging.getLogger(__name__)

#: How many times the islands meet over their budget, and the share of the work they search
#: apart before the first meeting (the meetings divide the rest equally): four meetings in
#: the second half (at 5/8, 6/8, 7/8 and the end). Measured against eight meetings over the
#: whole budget (``ISLAND_MEETINGS`` 8, ``MEETINGS_FROM`` 0, the schedule before) at 9
#: nominal seconds of work, seeds 0-2 (BENCHMARKS.md, "How the two searches meet"): tuning
#: generated +0.13 % a run on average, solomon200 +0.10 %; held-out generated +0.27 %,
#: solomon200 a tie (+5 in sum over 42 runs). Two searches that stay apart while
#: the temperature is high end better than two that share one agenda from the first eighth.
#: Other points on this schedule (a quarter or three quarters of the work apart, two or eight
#: meetings, one at the end only) tied or lost on the generated tuning set ("How the two
#: searches share the work").
ISLAND_MEETINGS = 4
MEETINGS_FROM = 0.5
#: Whether a worse island takes a crossover at a meeting (the better agenda's best days and
#: its own others, see :meth:`~.annealing.Annealing.cross`) rather than a copy; at the last
#: meeting the best of all is always taken whole. Off: with eight meetings it lost on the
#: generated tuning instances (-0.04 % a run, 3 better and 4 worse of 10).
MEETING_CROSSOVER = False
#: Settings the worker islands search with on top of the caller's (a portfolio: searches that
#: differ may cover each other's weak instances): a table's name in :func:`search_settings`
#: (``"VARIANT"``, ``"TUNING"``...) -> the entries that differ, or ``"MOST_STRINGS"`` -> its
#: value. Empty: every island searches as the caller does. Measured at 9 nominal seconds of
#: work on the tuning part (BENCHMARKS.md, "How the two searches share the work"), a worker
#: with the adaptive ruins or the string removal on a tenth of the iterations lost on the
#: generated set (-0.16 % and -0.11 % a run, seed 0), and one with a start temperature of
#: four lost there over three seeds (-0.06 %) and tied solomon200: none kept.
WORKER_SETTINGS: dict[str, Any] = {}
#: Seconds a worker gets to end by itself once told to stop, before it is killed.
STOP_SECONDS = 5
#: Seconds past the deadline the main search waits for a worker's answer before it goes on
#: alone (a worker checks the same deadline, so it answers within one move of it).
ANSWER_GRACE = 0.25
#: The directory that holds the ``scheduler`` package, for the worker to import it from.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


def island_seed(seed: int, island: int) -> int:
    """The seed of island number ``island`` (0 is the caller's own search)."""
    return seed + 1_000_003 * island


#: The search's settings a worker is given, so that it searches as the caller does even when
#: the caller changed them (the benchmarks measuring variants do).
_SETTINGS = {"TUNING": TUNING, "VARIANT": VARIANT, "ADAPTIVE": ADAPTIVE, "INTERDAY": INTERDAY,
             "RECOMBINE": RECOMBINE, "DAY_RUIN": DAY_RUIN}


def search_settings() -> dict:
    """The caller's search settings, to hand to a worker (:func:`apply_settings`)."""
    settings = {name: dict(table) for name, table in _SETTINGS.items()}
    settings["MOST_STRINGS"] = string_removal.MOST_STRINGS
    return settings


def worker_settings() -> dict:
    """The settings a worker island is given: the caller's, with ``WORKER_SETTINGS`` on top."""
    settings = search_settings()
    for name, entries in WORKER_SETTINGS.items():
        if isinstance(entries, dict):
            settings[name] = {**settings.get(name, {}), **entries}
        else:
            settings[name] = entries
    return settings


def apply_settings(settings: dict) -> None:
    """Make this process search with ``settings`` (:func:`search_settings` of the caller)."""
    for name, table in _SETTINGS.items():
        table.update(settings.get(name, {}))
    string_removal.MOST_STRINGS = settings.get("MOST_STRINGS", string_removal.MOST_STRINGS)


def start_worker() -> subprocess.Popen:
    """Start one worker process (:mod:`.worker`), talking pickles on its stdin and stdout.

    A fresh ``python -m scheduler.model.heuristic.worker`` rather than ``multiprocessing``:
    multiprocessing's spawn and forkserver start methods import the caller's main module again
    in the new process (as ``__mp_main__``), so a caller's script without an ``if __name__ ==
    "__main__":`` guard would run once more per worker (and the forkserver keeps a process of
    its own running); avoiding that inside multiprocessing means editing its private
    preparation data, which changes between Python versions. A plain subprocess imports only
    this package and needs nothing from the caller. It runs with the caller's interpreter,
    from the directory that holds this ``scheduler`` package, so it imports this very copy.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [_PACKAGE_ROOT] + ([environment["PYTHONPATH"]] if environment.get("PYTHONPATH") else []))
    return subprocess.Popen([sys.executable, "-m", "scheduler.model.heuristic.worker"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_PACKAGE_ROOT,
                            env=environment)


class Island:
    """One worker process running a search of its own, and the pipes to talk to it."""

    def __init__(self, process: subprocess.Popen, job: tuple) -> None:
        self.process = process
        self._job_error: BaseException | None = None
        # The job may be larger than a pipe holds; a thread hands it over while the worker
        # starts, so that this process builds its own first agenda meanwhile.
        self._job_sender = threading.Thread(target=self._send_job, args=(job,), daemon=True)
        self._job_sender.start()

    def _send_job(self, job: tuple) -> None:
        try:
            self._write(job)
        except (OSError, ValueError) as error:
            self._job_error = error

    def _write(self, message: Any) -> None:
        pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def send(self, message: Any) -> None:
        """Send ``message`` once the job is handed over; raises ``OSError`` when it was not."""
        self._job_sender.join()
        if self._job_error is not None:
            raise BrokenPipeError(f"the job did not reach the worker ({self._job_error})")
        self._write(message)

    def receive(self, timeout: float | None = None) -> Any:
        """The worker's next answer; raises ``EOFError`` when the worker has ended and
        ``TimeoutError`` when nothing came within ``timeout`` seconds."""
        if timeout is not None:
            try:
                ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            except (OSError, ValueError):  # no select on pipes here: wait as long as it takes
                ready = [self.process.stdout]
            if not ready:
                raise TimeoutError("a worker did not answer by the time limit")
        return pickle.load(self.process.stdout)

    def stop(self, wait: float = STOP_SECONDS) -> None:
        """Tell the worker to end, and kill it if it does not within ``wait`` seconds."""
        self._job_sender.join(timeout=wait)
        if self._job_sender.is_alive():  # the worker never read its job
            self.process.kill()
            self._job_sender.join()
        elif self._job_error is None:
            try:
                self._write(None)
            except (OSError, ValueError):
                pass
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_islands(setup: tuple, seed: int, work: int, stall: int | None,
                  islands: int, deadline: float | None = None) -> tuple[list[Island], str | None]:
    """Start ``islands - 1`` worker processes, each a search with its own seed, all stopping
    by ``deadline`` (``time.monotonic()`` units, or ``None``).

    Returns the islands and ``None``, or no islands and why (processes cannot be started
    here: the search then runs alone, exactly as with one island).
    """
    started: list[Island] = []
    try:
        for island in range(1, islands):
            job = (setup, island_seed(seed, island), work, stall, deadline, worker_settings())
            started.append(Island(start_worker(), job))
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        reason = f"a worker process could not be started ({type(error).__name__}: {error})"
        log.warning("heuristic: searching alone: %s", reason)
        stop_islands(started)
        return [], reason
    return started, None


def stop_islands(islands: list[Island], wait: float = STOP_SECONDS) -> None:
    """End every worker of ``islands``, killing one that is not done within ``wait`` s."""
    for island in islands:
        island.stop(wait)


def meeting_schedule(budget: int) -> list[tuple[int, bool]]:
    """The islands' meetings: the work used by each, and whether they share their agendas.

    ``ISLAND_MEETINGS`` meetings divide the work after the share ``MEETINGS_FROM``; before it
    the islands meet as often only to see whether one of them stopped (at the value ceiling,
    or stalled) or the clock did: only then do they share, so that a search that cannot get
    better ends the others' as early as it did with meetings from the start.
    """
    apart = int(budget * MEETINGS_FROM)
    checks = [(apart * k // ISLAND_MEETINGS, False)
              for k in range(1, ISLAND_MEETINGS + 1)] if apart else []
    return checks + [(apart + (budget - apart) * k // ISLAND_MEETINGS, True)
                     for k in range(1, ISLAND_MEETINGS + 1)]


def meet(main: Annealing, peers: list[Island]) -> tuple[str | None, bool]:
    """Run ``main`` here and the ``peers`` (worker islands) side by side.

    They meet at fixed counts of their work (operations, not seconds; :func:`meeting_schedule`).
    At each meeting that shares, every island whose best agenda is worse than the best of all
    goes on from that one, or from a crossover of the two (``MEETING_CROSSOVER``; ties go to
    the lowest island, this one first). What an island does between meetings depends only on
    its seed and what it was given, so the result does not depend on which process runs
    faster. If a worker fails, this search goes on alone.

    Every island stops at the wall clock's deadline too (``main.search.deadline``, which the
    workers were given): the meeting then is the last, and a worker that does not answer
    within ``ANSWER_GRACE`` seconds of it is left behind.

    Returns
    -------
    tuple of (str or None, bool)
        Why the search went on alone (``None`` when every island ran to the end), and whether
        the clock stopped some island.
    """
    deadline = main.search.deadline
    clock_stop = False
    try:
        adopt: list = [None] * len(peers)
        schedule = meeting_schedule(main.budget)
        for meeting, (until, share) in enumerate(schedule, 1):
            last = meeting == len(schedule)
            for peer, given in zip(peers, adopt):
                peer.send((until, given))
            main.run(until)
            remaining = deadline.remaining()
            wait = None if remaining is None else remaining + ANSWER_GRACE
            answers = [peer.receive(wait) for peer in peers]
            if any(answer is None for answer in answers):
                raise RuntimeError("a worker could not build its first agenda")
            clock_stop = deadline.hit or any(answer[3] for answer in answers)
            if not (share or clock_stop or main.stalled or any(answer[2] for answer in answers)):
                adopt = [None] * len(peers)
                continue
            keys = [main.best_key] + [answer[0] for answer in answers]
            best = max(range(len(keys)), key=lambda i: (keys[i], -i))
            cross = MEETING_CROSSOVER and not last
            if best > 0:
                if cross:
                    main.cross(keys[best], answers[best - 1][1])
                else:
                    main.adopt(keys[best], answers[best - 1][1])
            if RECOMBINE["at_meetings"]:
                for answer in answers:
                    main.offer(answer[1])
                main.recombine()
            top = (main.best_key, main.best_snapshot, cross)
            adopt = [top if answer[0] < main.best_key else None for answer in answers]
            if clock_stop:
                break
            if main.stalled and all(answer[2] for answer in answers) and not any(adopt):
                break
    except TimeoutError as error:
        log.warning("heuristic: %s", error)
        return str(error), True
    except (EOFError, OSError, RuntimeError, pickle.UnpicklingError) as error:
        reason = f"a worker process ended early ({type(error).__name__}: {error})" \
            if not isinstance(error, RuntimeError) else str(error)
        log.warning("heuristic: going on alone: %s", reason)
        main.run(main.budget)
        return reason, deadline.hit
    return None, clock_stop


def serve_island(receive: Callable[[], Any], send: Callable[[Any], None], setup: tuple,
                 seed: int, work: int, stall: int | None, deadline: float | None = None,
                 settings: dict | None = None) -> None:
    """A worker island: build its own search, then run to each meeting and report its best.

    Parameters
    ----------
    receive, send
        Read the next message from the main search (``(until, given)``, ``given`` ``None`` or
        ``(key, snapshot, crossover)``, or ``None`` to stop;
        ``EOFError`` when it is gone) and answer it (``(best key, best snapshot, stalled)``,
        or ``None`` when this search could not start).
    setup
        The arguments of :func:`~.construction.construct` before the seed.
    seed, work, stall
        This island's seed, its budget of operations and its stall limit.
    deadline
        The wall clock's stop (``time.monotonic()`` units, shared with the main search), or
        ``None``.
    settings
        The caller's search settings (:func:`search_settings`), or ``None`` for this
        package's own.
    """
    if settings is not None:
        apply_settings(settings)
    search = construct(*setup, seed, Deadline(deadline))
    annealing = Annealing(search, work, stall) if search is not None else None
    while True:
        try:
            message = receive()
        except EOFError:
            return
        if message is None:
            return
        if annealing is None:
            send(None)
            continue
        until, given = message
        if given is not None:
            key, snapshot, cross = given
            if cross:
                annealing.cross(key, snapshot)
            else:
                annealing.adopt(key, snapshot)
        annealing.run(until)
        send((annealing.best_key, annealing.best_snapshot, annealing.stalled,
              annealing.search.deadline.hit))
