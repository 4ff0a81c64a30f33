"""The heuristic's entry point: construct, then anneal alone or with islands side by side."""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

from ..instance import Instance
from .annealing import Annealing
from .budget import WORK_PER_SECOND
from .construction import construct
from .clock import NO_DEADLINE, Deadline
from .islands import STOP_SECONDS, meet, start_islands, stop_islands
from .result import HeuristicResult, SearchCount


def solve_heuristic(instance: Instance, *, seed: int = 0, work: int = 10 * WORK_PER_SECOND,
                    pinned: Mapping[str, tuple[int, int]] | None = None,
                    previous: Mapping[str, tuple[int, int]] | None = None,
                    change_costs=None,
                    initial: Mapping[str, tuple[int, int]] | None = None,
                    stall: int | None = None,
                    on_improve: Callable[[int, list[int]], None] | None = None,
                    islands: int = 1, deadline: Deadline = NO_DEADLINE,
                    seen_routes: int = 0) -> HeuristicResult | None:
    """Search for a good agenda within ``work`` operations.

    Parameters
    ----------
    instance
        The problem in integers.
    seed
        Seed of the search; the same instance, seed, budget and islands give the same agenda.
    work
        Budget in operations (``seconds × WORK_PER_SECOND``).
    pinned, previous, initial
        Request id -> (day index, start minute): engagements that may not move, the agenda
        being re-planned (its changes priced by ``change_costs``), and an agenda tried first,
        in start order, as a seed.
    change_costs
        What moving or dropping an engagement of ``previous`` costs.
    stall
        Stop after that many iterations without a better agenda.
    on_improve
        Called with the objective of each better agenda found (progress only).
    islands
        With more than one, that many searches run side by side, each in its own worker
        process with its own seed and ``work`` operations, meeting at fixed shares of the work
        and all going on from the best agenda found so far (see :func:`.islands.meet`); the
        result is as repeatable as with one. When workers cannot be started or end early the
        search goes on alone, and ``HeuristicResult.searches`` says so.
    deadline
        The wall clock's stop for every search, the workers' too: whichever of it and
        ``work`` comes first ends the search (``HeuristicResult.stopped_by_clock`` says
        which). Only a search the budget stopped is repeatable.
    seen_routes
        Keep that many routes a day of the days accepted agendas changed (this search's own,
        and the other islands' best agendas it goes on from at the meetings), for the route
        bound (``HeuristicResult.seen``, :mod:`.seen`). The agenda is the same with any
        value; the work of keeping them is added to the result's work.

    Returns
    -------
    HeuristicResult or None
        The best agenda found; ``None`` when the search cannot even start (a pinned engagement
        off its ranges, a meal that cannot fit).
    """
    setup = (instance, pinned or {}, previous or {}, change_costs, initial)
    # The other islands start first, so that they build their first agenda while this one does.
    peers, reason = start_islands(setup, seed, work, stall, islands, deadline.at) \
        if islands > 1 and work > 0 else ([], None)
    clock_stop = False
    try:
        search = construct(*setup, seed, deadline)
        if search is None:
            return None
        annealing = Annealing(search, work, stall, on_improve, seen_routes)
        if peers and annealing.budget:
            reason, clock_stop = meet(annealing, peers)
        else:
            annealing.run(annealing.budget)
            if peers:
                reason = "there was nothing to search (no request can be served on any day)"
        asked = islands if work > 0 else 1
        searches = SearchCount(asked, asked if reason is None else 1, reason)
        result = annealing.result()
        return dataclasses.replace(result, searches=searches,
                                   stopped_by_clock=result.stopped_by_clock or clock_stop)
    finally:
        # Past the deadline a worker gets no grace: it is killed at once if it is busy.
        stop_islands(peers, STOP_SECONDS if deadline.at is None else 0.1)
