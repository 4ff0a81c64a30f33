"""The solve's budget: how the time limit is shared between the heuristic and CP-SAT, the
clock that keeps the promise, and the sizes that decide how much of the engine runs.

Everything here depends only on the input and the settings, never on the machine, except
:class:`SolveClock`, which is the wall clock the promise is kept against.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from ortools.sat.python import cp_model

from .model.heuristic import WORK_PER_SECOND
from .model.heuristic.clock import Deadline
from .model.instance import Instance

if TYPE_CHECKING:
    from .solve import SolveParams

__all__ = [
    "CP_MODEL_PAIRS_PER_SECOND", "CP_SAT_MIN_SHARE", "CP_SAT_TIMELINE_RATE", "CP_SAT_DELEGATION_RATE",
    "HEURISTIC_SHARE_DELEGATION", "HEURISTIC_SHARE_TIMELINE", "cp_sat_rate",
    "HEURISTIC_CLOCK_RESERVE", "HEURISTIC_SHARE",
    "HEURISTIC_SHARE_LARGE", "HEURISTIC_STALL_MAX", "HEURISTIC_STALL_MIN", "ISLANDS_MAX",
    "ISLANDS_MIN_MODEL", "ISLANDS_MIN_SECONDS", "LARGE_MODEL", "LARGE_MODEL_IGNORED_SUBSOLVERS",
    "LARGE_MODEL_PROBING", "CP_SAT_LOAD_FACTOR", "CP_SAT_MIN_WALL_SHARE", "Phase",
    "ROUTE_BOUND_MIN_SHARE", "ROUTE_BOUND_SHARE", "ROUTE_BOUND_SHARE_TIMELINE", "SolveClock",
    "route_bound_seconds", "route_bound_share", "timeline_tour", "WALL_SLACK",
    "cp_model_fits", "day_cap_binds", "heuristic_islands", "heuristic_share", "later_stages_run", "model_size",
    "promised_seconds", "LATER_STAGES_PAIRS_PER_SECOND", "HEURISTIC_SHARE_ALONE",
    "solver_parameters",
]

#: Share of the time limit the heuristic may use at most; it stops earlier when it stalls.
HEURISTIC_SHARE = 0.6
#: The same for a delegation's (small) model, where CP-SAT improves the heuristic's agenda far
#: more than on one guest's tour and needs the time (``CP_SAT_DELEGATION_RATE``). Chosen with
#: that rate on the bundled delegation example and two generated delegations (seed 1) among
#: 0.6/0.5, 0.5/0.3, 0.45/0.35 and 0.4/0.3, as the best of those that end on their budget at
#: 10 s; on six held-out delegations every run ended on its budget and repeated, where 0.6/0.5
#: ran into the clock on two (BENCHMARKS.md, "A delegation's checks charged").
HEURISTIC_SHARE_DELEGATION = 0.4
#: The same for a small tour's model with timeline days (:func:`timeline_tour`): there the
#: route relaxation's agenda (its best choice of day routes, made into an agenda) beat the
#: heuristic's on the generated tours, and its exact pricing, with the travel-aware bound of
#: :mod:`scheduler.model.bound.reach`, gives a bound within the limit when it has the time;
#: the heuristic gives part of its share to it (``ROUTE_BOUND_SHARE_TIMELINE``). Chosen on the
#: generated tours of seed 1 (20-120 requests, at 5, 10 and 20 s) among 0.6 (with the route
#: bound's 0.3), 0.45 and 0.3 (with 0.4 and 0.5): at 0.3 the 100-request tour's agenda lost
#: 0.9 %; reported on seeds 2 and 3 (BENCHMARKS.md, "A tour's bound from its routes").
HEURISTIC_SHARE_TIMELINE = 0.45
#: A model is large when its days hold more than this many (candidate, candidate) pairs
#: (the sum over days of the square of the day's candidates; one day of a 100-customer
#: Solomon instance is 10,000). CP-SAT spends seconds only loading such a model and rarely
#: improves the heuristic's agenda in the time left, so there the heuristic takes
#: ``HEURISTIC_SHARE_LARGE`` of the budget and does not stop when it stalls.
LARGE_MODEL = 12_000
HEURISTIC_SHARE_LARGE = 0.8
#: (candidate, candidate) pairs per second of the limit above which a large model whose days
#: no cap limits (:func:`day_cap_binds`) gets neither the route bound nor CP-SAT: in their
#: share of the limit (a fifth of it) neither gave a better agenda on such models, the route
#: bound never a bound, and CP-SAT's bound, when it gave one, was 12-26 % above the agenda
#: (BENCHMARKS.md, "The share after the heuristic"), so the heuristic works alone, on
#: ``HEURISTIC_SHARE_ALONE`` of the limit's work and to the limit itself on the clock. A
#: capped day keeps them at any size: the 300-request, 14-day tour (six engagements a day of
#: 52-96 candidates) gets a 4.9 % bound from CP-SAT at 10 s. A property of the input and the
#: limit only.
LATER_STAGES_PAIRS_PER_SECOND = 2_000
#: The heuristic's share of the limit's work whenever it works alone: on a model the later
#: stages are left out of, and on one too large to build (``CP_MODEL_PAIRS_PER_SECOND``). It
#: runs to the limit itself on the clock, and this share leaves it the same margin before that
#: as ``HEURISTIC_SHARE_LARGE`` leaves before its deadline (``HEURISTIC_CLOCK_RESERVE``
#: earlier), so the clock stops it no more often. With the whole limit's work (the rule for a
#: model not built until 2026-12) its budget and its deadline came within hundredths of a
#: second of each other and the clock often ended it first (BENCHMARKS.md, "The heuristic
#: alone: a margin before the clock").
HEURISTIC_SHARE_ALONE = 0.9
#: CP-SAT's probing level on a large model. Its default (2) spent three rounds of about 4 s of
#: wall clock probing the 300-request tour's model before the search began (about one
#: deterministic second each); without probing the first bound came after 1.5 s instead of
#: 19 s and was tighter at every budget. On small models probing pays (the 60-request tour:
#: gap 2.3 % with it, 5.9 % without), so they keep the default.
LARGE_MODEL_PROBING = 0
#: CP-SAT's full-model workers left out on a large model, where its share of the budget
#: gives the bound (the heuristic's agenda stands): each keeps its own copy of the model and
#: its search state. Without them the 300-request tour's solve peaked at 590 MiB instead of
#: 1,033 MiB, with the same agenda and a slightly tighter bound (the LP workers ``default_lp``
#: and ``max_lp`` and the neighbourhood searches stay).
LARGE_MODEL_IGNORED_SUBSOLVERS = ("core", "no_lp", "pseudo_costs", "quick_restart",
                                  "quick_restart_no_lp", "reduced_costs")
#: Seconds of wall clock allowed beyond the time limit before CP-SAT is stopped. Kept for
#: callers; the clock now aims at the limit itself and the promise (:func:`promised_seconds`)
#: leaves the rest for turning the solution into a plan.
WALL_SLACK = 1.0
#: The heuristic's clock stops this share of the limit before the limit, leaving it to
#: build the CP-SAT model and let CP-SAT load the heuristic's agenda and tighten the bound.
#: Its work budget (at most ``HEURISTIC_SHARE_LARGE``) normally ends it well before.
HEURISTIC_CLOCK_RESERVE = 0.1
#: (candidate, candidate) pairs of the CP-SAT model built per second of the time limit at
#: most: building costs about 20 microseconds a pair in Python (48 s for the 2.7 million
#: pairs of a 2,000-request, 14-day tour on a loaded 2-core machine), so above this the
#: model is not built and the heuristic's agenda is the answer, without a bound. The limit
#: is a property of the input and the limit, never of the machine, so the agenda stays
#: repeatable.
CP_MODEL_PAIRS_PER_SECOND = 20_000
#: Iterations without a better agenda after which the heuristic hands over to CP-SAT: half
#: the square of the number of candidate requests, within these bounds (small tours are
#: settled fast and CP-SAT can prove them; large ones need the heuristic's whole share).
HEURISTIC_STALL_MIN = 200
HEURISTIC_STALL_MAX = 5000
#: Share of the time limit the route relaxation's bound (:mod:`scheduler.model.bound`) may
#: take, after the heuristic, from CP-SAT's share; CP-SAT keeps at least half of
#: ``CP_SAT_MIN_SHARE``. On the generated 120-request tour the relaxation converges to a bound
#: 0.08 % above the heuristic's agenda where CP-SAT's stays 2 % above (BENCHMARKS.md,
#: "Proofs"); when it ends early the rest goes back to CP-SAT.
ROUTE_BOUND_SHARE = 0.3
#: The same on a small tour's model with timeline days (:func:`timeline_tour`), chosen with
#: ``HEURISTIC_SHARE_TIMELINE``.
ROUTE_BOUND_SHARE_TIMELINE = 0.4
#: Share of the time limit CP-SAT always keeps (to load the hint and try to prove it).
CP_SAT_MIN_SHARE = 0.2
#: On the clock, CP-SAT is started only when at least this share of the limit is left for it
#: after its model is built and hinted: with less it cannot even load the hint, and starting
#: it only makes the solve late (it does not stop while it copies and checks the model).
CP_SAT_MIN_WALL_SHARE = 0.05
#: CP-SAT's deterministic seconds per nominal second of the budget on a model with timeline
#: days (:attr:`~scheduler.model.instance.Instance.has_timeline_days`: a meal or remote
#: candidates, the model's no-overlap days; a tour's days usually are). On such models one of
#: CP-SAT's deterministic seconds lasted 1.1-2.3 s of wall clock (median 1.5; its core-based
#: worker's batches count far less than they take) on the generated tours of 20-100 requests,
#: seed 1, at 10 s on a quiet 2-core machine, where on the route-only TOPTW models it lasted
#: 0.56-0.69 s; at one deterministic second a nominal one, the tours' solves ran into the
#: clock and two runs of the same tour could differ. At this rate a nominal second lasts
#: about 0.75 s there (BENCHMARKS.md, "A tour's phases on its budget"). Route-only models
#: keep 1.0.
CP_SAT_TIMELINE_RATE = 0.5
#: The same for a delegation's model (several guests' days, joint meetings, shared
#: resources): there CP-SAT's deterministic second lasted about 1.4 s of wall clock, and its
#: count ran 50-70 % past a budget of 1.5-1.8 deterministic seconds before it stopped (its
#: workers' batches are checked against the budget only between batches), so at the
#: timelines' rate most delegations' solves ran into the clock at 10 s and two runs could
#: give different agendas. Chosen with ``HEURISTIC_SHARE_DELEGATION``.
CP_SAT_DELEGATION_RATE = 0.3
#: Hinting the model and CP-SAT's loading of it (which its wall-clock limit does not stop)
#: take up to this many times the wall clock that building the model took, under the same
#: load (measured 0.2-0.3 at load 7 on 2 cores, one day of 300 candidates and two of 100);
#: the solve predicts from it whether CP-SAT still fits before the limit.
CP_SAT_LOAD_FACTOR = 1.0
#: On the clock, the route bound is started only when at least this share of its seconds is
#: left before its stop: its set-up (every day's pricing data and the first master) does not
#: look at the clock, and took 0.9 s for 300 candidates at load 7.
ROUTE_BOUND_MIN_SHARE = 0.25


def promised_seconds(time_limit: float) -> float:
    """When a solve with ``time_limit`` ends at the latest, whatever the load:
    ``limit + max(0.5 s, 5 % of the limit)``."""
    return float(time_limit) + max(0.5, 0.05 * float(time_limit))


def route_bound_seconds(time_limit: float, cp_seconds: float,
                        share: float = ROUTE_BOUND_SHARE) -> float:
    """Nominal seconds the route bound may use when CP-SAT was to get ``cp_seconds`` of a
    solve with ``time_limit``: ``share`` of the limit (``ROUTE_BOUND_SHARE``, or
    :func:`route_bound_share` of the model), leaving CP-SAT at least half of
    ``CP_SAT_MIN_SHARE``."""
    floor = 0.5 * CP_SAT_MIN_SHARE * float(time_limit)
    return max(0.0, min(share * float(time_limit), cp_seconds - floor))


def timeline_tour(instance: Instance) -> bool:
    """Whether ``instance`` is one guest's small model with timeline days (a meal or remote
    candidates; :attr:`~scheduler.model.instance.Instance.has_timeline_days`), as a real tour
    of up to about 150 requests is: the route relaxation then has more of the limit
    (``HEURISTIC_SHARE_TIMELINE``, ``ROUTE_BOUND_SHARE_TIMELINE``)."""
    return instance.has_timeline_days and not instance.is_delegation \
        and model_size(instance) <= LARGE_MODEL


def route_bound_share(instance: Instance) -> float:
    """The route bound's share of the limit on ``instance``'s model."""
    return ROUTE_BOUND_SHARE_TIMELINE if timeline_tour(instance) else ROUTE_BOUND_SHARE


def cp_sat_rate(instance: Instance) -> float:
    """CP-SAT's deterministic seconds per nominal second of the budget on ``instance``'s
    model: ``CP_SAT_DELEGATION_RATE`` for a delegation, ``CP_SAT_TIMELINE_RATE`` when it
    has timeline days, else 1."""
    if instance.is_delegation:
        return CP_SAT_DELEGATION_RATE
    return CP_SAT_TIMELINE_RATE if instance.has_timeline_days else 1.0


def cp_model_fits(size: int, time_limit: float) -> bool:
    """Whether the CP-SAT model of ``size`` pairs (:func:`model_size`) is built at all for
    ``time_limit`` seconds (see ``CP_MODEL_PAIRS_PER_SECOND``)."""
    return size <= CP_MODEL_PAIRS_PER_SECOND * float(time_limit)


def day_cap_binds(instance: Instance) -> bool:
    """Whether the cap on a day's engagements can leave a candidate out on some day (it holds
    fewer than the day's candidates), or a cap on a day's engagement minutes is set. CP-SAT's
    bound on a large model comes from such a cap; without one its relaxation sees only the
    hours and the travel, and stays loose."""
    return instance.minutes_cap is not None or any(
        len(instance.candidates(day.index)) > instance.cap for day in instance.days)


def later_stages_run(size: int, time_limit: float, cap_binds: bool = True) -> bool:
    """Whether the route bound and CP-SAT run after the heuristic on a model of ``size``
    pairs (:func:`model_size`) for ``time_limit`` seconds: the model is built at all
    (:func:`cp_model_fits`), and it is small (``LARGE_MODEL``), or has at most
    ``LATER_STAGES_PAIRS_PER_SECOND`` pairs per second of the limit, or its days are capped
    (``cap_binds``, :func:`day_cap_binds`)."""
    return cp_model_fits(size, time_limit) and (
        size <= LARGE_MODEL or cap_binds
        or size <= LATER_STAGES_PAIRS_PER_SECOND * float(time_limit))


def heuristic_share(size: int, time_limit: float, cap_binds: bool = True,
                    delegation: bool = False, timeline: bool = False) -> float:
    """The share of ``time_limit``'s work the heuristic may use on a model of ``size`` pairs:
    ``HEURISTIC_SHARE_ALONE`` when it works alone, the later stages left out
    (:func:`later_stages_run`) or the CP-SAT model not built at all (:func:`cp_model_fits`),
    else ``HEURISTIC_SHARE_LARGE`` on a large model and ``HEURISTIC_SHARE`` on a small one
    (``HEURISTIC_SHARE_DELEGATION`` for a ``delegation``'s, ``HEURISTIC_SHARE_TIMELINE`` for a
    tour's with timeline days, ``timeline``: :func:`timeline_tour`).
    Alone it runs to the limit on the clock (:meth:`SolveClock.heuristic_deadline`), and the
    work left over is the margin that lets its budget, not the clock, end it."""
    if not later_stages_run(size, time_limit, cap_binds):
        return HEURISTIC_SHARE_ALONE
    if size > LARGE_MODEL:
        return HEURISTIC_SHARE_LARGE
    if delegation:
        return HEURISTIC_SHARE_DELEGATION
    return HEURISTIC_SHARE_TIMELINE if timeline else HEURISTIC_SHARE


@dataclass(frozen=True)
class Phase:
    """One stage of a solve on the wall clock, in seconds from the solve's start.

    Attributes
    ----------
    name
        ``instance``, ``heuristic``, ``route bound``, ``model``, ``hints``, ``first agenda``,
        ``cp-sat`` or ``result``.
    started, ended
        When it began and ended.
    deadline
        When the clock stops it (``None``: it has no stop of its own and is short).
    ended_by
        ``"work"`` (it ended on its own: done, or its work budget), ``"clock"`` (its deadline
        stopped it) or ``"skipped"`` (the clock left it no room to start).
    """

    name: str
    started: float
    ended: float
    deadline: float | None
    ended_by: str = "work"


class _PhaseRun:
    """A phase under way: the code running it says when the clock stopped it."""

    __slots__ = ("ended_by",)

    def __init__(self) -> None:
        self.ended_by = "work"


class SolveClock:
    """The solve's wall clock: every stage works to a deadline before the limit (the
    heuristic to ``HEURISTIC_CLOCK_RESERVE`` of it earlier, the route bound earlier still,
    building the model, hinting it and CP-SAT to the limit itself), so that the promise's
    margin (:func:`promised_seconds`) is left for turning the solution into a plan. It
    records each stage as a :class:`Phase` (``phases``).

    Parameters
    ----------
    time_limit
        The limit in seconds.
    now
        The monotonic clock (tests pass a fake one).
    """

    def __init__(self, time_limit: float, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self.started = now()
        self.limit = float(time_limit)
        self.end = self.started + self.limit
        self.solver_end = self.end
        self.phases: list[Phase] = []

    def left(self) -> float:
        """Seconds left until the limit (negative once it passed)."""
        return self.end - self.now()

    def solver_left(self) -> float:
        """Seconds left for CP-SAT."""
        return self.solver_end - self.now()

    def heuristic_deadline(self, use_all: bool) -> Deadline:
        """The heuristic's stop: the limit when no CP-SAT model follows (``use_all``), else
        ``HEURISTIC_CLOCK_RESERVE`` of it earlier."""
        reserve = 0.0 if use_all else HEURISTIC_CLOCK_RESERVE * self.limit
        return Deadline(self.end - reserve, self.now)

    def since_start(self, moment: float | None = None) -> float:
        """Seconds from the solve's start to ``moment`` (default: now)."""
        return (self.now() if moment is None else moment) - self.started

    @contextmanager
    def phase(self, name: str, deadline: float | None = None) -> Iterator[_PhaseRun]:
        """Record the stage run inside the ``with`` block as a :class:`Phase`; set
        ``ended_by = "clock"`` on what it yields when its ``deadline`` stopped it."""
        run = _PhaseRun()
        began = self.now()
        try:
            yield run
        finally:
            self.phases.append(Phase(name, self.since_start(began), self.since_start(),
                                     None if deadline is None else self.since_start(deadline),
                                     run.ended_by))

    def skip(self, name: str, deadline: float | None = None) -> None:
        """Record that the clock left ``name`` no room to start."""
        moment = self.since_start()
        self.phases.append(Phase(name, moment, moment,
                                 None if deadline is None else self.since_start(deadline),
                                 "skipped"))


#: The heuristic runs one search per worker (each in its own process, see
#: ``solve_heuristic``) when its budget is at least ``ISLANDS_MIN_SECONDS`` nominal seconds
#: and the model has at least ``ISLANDS_MIN_MODEL`` candidate pairs; below, one search settles
#: the agenda in a fraction of a second (CP-SAT then proves it) and starting a process costs
#: more than the second search brings (the demo tour, 406 pairs: 1 s slower with two).
ISLANDS_MIN_SECONDS = 1.5
ISLANDS_MIN_MODEL = 2_000
#: At most this many heuristic searches side by side.
ISLANDS_MAX = 8


def heuristic_islands(workers: int, work: int, size: int) -> int:
    """How many heuristic searches run side by side for ``work`` operations on a model of
    ``size`` pairs: one per worker, on a large enough budget and model. It depends only on the
    parameters and the input, never on the machine, so that the same input, seed, limit and
    workers give the same agenda everywhere."""
    if work < ISLANDS_MIN_SECONDS * WORK_PER_SECOND or size < ISLANDS_MIN_MODEL:
        return 1
    return max(1, min(int(workers), ISLANDS_MAX))


def model_size(instance: Instance) -> int:
    """The number of (candidate, candidate) pairs over the days: what the arcs grow with."""
    return sum(len(instance.candidates(day.index)) ** 2 for day in instance.days)


def solver_parameters(params: "SolveParams", wall_seconds: float | None = None,
                      large: bool = False) -> cp_model.CpSolver:
    """A CpSolver configured for repeatable runs: it stops on the deterministic budget
    ``params.time_limit``, or on ``wall_seconds`` of wall clock if that comes first (by
    default twice the budget plus a second, a guard that normal runs never reach).

    For a ``large`` model (see ``LARGE_MODEL``) it skips presolve probing and the full-model
    workers of ``LARGE_MODEL_IGNORED_SUBSOLVERS``; parameters given in ``params.extra`` win."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_deterministic_time = float(params.time_limit)
    p.max_time_in_seconds = wall_seconds if wall_seconds is not None \
        else 2.0 * float(params.time_limit) + 1.0
    p.random_seed = int(params.seed)
    p.num_workers = int(params.workers)
    if params.workers > 1 and params.extra.get("interleave_search", True):
        # Several workers are deterministic only when their work is interleaved in batches.
        p.interleave_search = True
        p.ignore_subsolvers.append("fixed")  # slow to stop in a batch; adds little here
    p.log_search_progress = params.log_search
    if large:
        p.cp_model_probing_level = LARGE_MODEL_PROBING  # params.extra below may set it back
        if "ignore_subsolvers" not in params.extra:
            p.ignore_subsolvers.extend(LARGE_MODEL_IGNORED_SUBSOLVERS)
    for name, value in params.extra.items():
        if isinstance(value, (list, tuple)):
            getattr(p, name).extend(value)
        else:
            setattr(p, name, value)
    return solver
