"""Solve a problem: parameters in, a :class:`Result` out (status, objective, bound, gap, plan).

This is the one engine: ``scheduler plan``, re-planning and the benchmarks all call
:func:`solve`.

Two stages share the budget: first the primal heuristic of :mod:`scheduler.model.heuristic`
(greedy construction, then ruin and recreate) finds a good agenda, which seeds CP-SAT as a
complete hint; CP-SAT then improves it and tries to prove it optimal. The better of the two
agendas is returned (CP-SAT's, unless it ends below the heuristic's). On a large model whose
days no cap limits and whose limit is short for its size, and on one too large to build, the
heuristic works alone (:func:`~scheduler.solve_budget.later_stages_run`); an agenda that serves
every request when only value counts is optimal at once (:func:`value_ceiling`).

The time limit is a promise and a budget at once. The heuristic counts its work in
operations, not seconds, and CP-SAT stops on a *deterministic* time budget (its own count of
work), with a fixed seed and a fixed number of workers: a run that these budgets end is
repeatable (the same input, seed, limit and workers give the same agenda on the same library
version). The clock stops every stage too (the heuristic and its worker processes, the
route bound, building and hinting the CP-SAT model, CP-SAT), each on its deadline before the
limit, or leaves out a stage that cannot fit, so that the whole solve ends by ``limit +
max(0.5 s, 5 %)`` (:func:`promised_seconds`) whatever the machine's load; ``Result.phases``
records each stage against its deadline. A run the clock stopped says so
(``SolverReport.stopped_by == "clock"``) and may differ from one run to the next.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Mapping, Sequence

from ortools.sat.python import cp_model

from .domain import Plan, Problem, SolverReport
from .errors import InfeasibleError
from .model.cp_stop import ended_by_clock
from .model.cpmodel import ChangeCosts, PlannerModel
from .model.extract import Placement, build_agenda
from .model.heuristic import WORK_PER_SECOND, HeuristicResult, solve_heuristic
from .model.instance import Instance, build_instance
from .reasons import explain_unscheduled, infeasibility_reasons
from .solve_feasibility import first_agenda
from .solve_budget import (  # noqa: F401  (the budget's names stay importable from here)
    CP_MODEL_PAIRS_PER_SECOND,
    CP_SAT_LOAD_FACTOR,
    CP_SAT_MIN_SHARE,
    CP_SAT_MIN_WALL_SHARE,
    CP_SAT_DELEGATION_RATE,
    CP_SAT_TIMELINE_RATE,
    HEURISTIC_CLOCK_RESERVE,
    HEURISTIC_SHARE,
    HEURISTIC_SHARE_DELEGATION,
    HEURISTIC_SHARE_LARGE,
    HEURISTIC_STALL_MAX,
    HEURISTIC_STALL_MIN,
    ISLANDS_MAX,
    ISLANDS_MIN_MODEL,
    ISLANDS_MIN_SECONDS,
    LARGE_MODEL,
    LARGE_MODEL_IGNORED_SUBSOLVERS,
    LARGE_MODEL_PROBING,
    Phase,
    ROUTE_BOUND_MIN_SHARE,
    ROUTE_BOUND_SHARE,
    SolveClock,
    WALL_SLACK,
    cp_model_fits,
    cp_sat_rate,
    day_cap_binds,
    heuristic_islands,
    heuristic_share,
    later_stages_run,
    model_size,
    promised_seconds,
    solver_parameters,
    timeline_tour,
)
from .solve_conflict import CHECK_SECONDS, minimal_conflict, requests_fit  # noqa: F401
from .solve_model import build_model
from . import solve_route_bound
from .solve_route_bound import pool_selection, route_agenda, route_agenda_share, \
    route_bound_used, run_route_bound, tighter, value_ceiling

log = logging.getLogger(__name__)

_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}


@dataclass(frozen=True, slots=True)
class Progress:
    """A new best agenda (or a better bound) found during the search.

    ``objective`` and ``bound`` are in the engine's internal units (value points times the
    value weight, less travel and span); ``value`` (of ``value_total``) and ``engagements``
    say the best agenda in the words of the summary, when known.
    """

    objective: float
    bound: float
    seconds: float
    value: int | None = None
    value_total: int | None = None
    engagements: int | None = None

    @property
    def gap(self) -> float | None:
        """How far the bound is above the best agenda, as a share of it."""
        return _gap(self.objective, self.bound)


@dataclass(frozen=True)
class SolveParams:
    """How to run the solver: settings only, never data of the problem.

    Attributes
    ----------
    time_limit
        Seconds: a work budget calibrated to about that many seconds, and a promise on the
        clock (see the module docstring and :func:`promised_seconds`).
    seed
        Random seed of the search.
    workers
        Parallel search workers (2 fits the machines this is tested on).
    on_progress
        Called with a :class:`Progress` at every better agenda found.
    heuristic
        Run the primal heuristic first and hint its agenda to CP-SAT (default). Off, CP-SAT
        works alone on the whole budget (from the baseline's hints if given).
    log_search
        Let CP-SAT log its search (for debugging).
    extra
        CP-SAT parameters by name, applied last.
    """

    time_limit: float = 10.0
    seed: int = 0
    workers: int = 2
    on_progress: Callable[[Progress], None] | None = None
    log_search: bool = False
    extra: dict = field(default_factory=dict)
    heuristic: bool = True


@dataclass(frozen=True)
class Baseline:
    """An agenda a solve continues from (a re-plan, a what-if): data that travels with the
    problem, apart from the solver's settings.

    Placements are in the engine's integers: request id → (day index, start minute).

    Attributes
    ----------
    hints
        A known agenda to start the search from.
    pinned
        Engagements that may not move.
    previous
        The agenda being re-planned; changes to it are priced by ``change_costs``.
    change_costs
        What moving or dropping an engagement of ``previous`` costs (default
        :class:`ChangeCosts`).
    """

    hints: Mapping[str, tuple[int, int]] | None = None
    pinned: Mapping[str, tuple[int, int]] | None = None
    previous: Mapping[str, tuple[int, int]] | None = None
    change_costs: ChangeCosts | None = None


NO_BASELINE = Baseline()


@dataclass(frozen=True)
class Result:
    """What a solve gives: the plan (``None`` when there is none) and the solver's account."""

    plan: Plan | None
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    value_served: int
    value_total: int
    instance: Instance | None = None
    stopped_by_clock: bool = False
    """The clock rather than the work budget ended some stage (the heuristic, building the
    CP-SAT model, or CP-SAT): such a run may differ from one run to the next. The plan's
    ``solver.stopped_by`` says the same (``"clock"`` or ``"budget"``)."""
    warnings: tuple[str, ...] = ()
    """Plain sentences about what went less well than asked (fewer heuristic searches ran)."""
    phases: tuple[Phase, ...] = ()
    """Each stage of the solve on the wall clock, its deadline and what ended it
    (:class:`~scheduler.solve_budget.Phase`): where the time went."""

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"

    def summary(self) -> str:
        """One line for people: status, value served, objective, bound, gap, time."""
        head = {"optimal": "proven optimal", "feasible": "feasible, not proven optimal"}.get(
            self.status, self.status)
        parts = [head, f"value {self.value_served} of {self.value_total}"]
        if self.objective is not None:
            parts.append(f"objective {self.objective:.0f}")
        if self.bound is not None:
            parts.append(f"bound {self.bound:.0f}")
        if self.gap is not None:
            parts.append(f"gap {self.gap:.2%}")
        parts.append(f"{self.seconds:.2f} s")
        return ", ".join(parts)


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Reports each better agenda, and each better bound (through ``on_bound``)."""

    def __init__(self, report: Callable[[Progress], None], started: float, planner: PlannerModel,
                 best: Progress | None = None):
        super().__init__()
        self._report = report
        self._started = started
        self._planner = planner
        self._value_total = sum(r.value for r in planner.instance.requests)
        self._best = best  # the best agenda so far (the heuristic's, before CP-SAT's own)

    def on_solution_callback(self) -> None:
        if self._best is None or self.objective_value >= self._best.objective:
            requests = self._planner.instance.requests
            served = [index for (_, index), literal in self._planner.present.items()
                      if not requests[index].is_shadow and self.boolean_value(literal)]
            requests = self._planner.instance.requests
            self._best = Progress(self.objective_value, self.best_objective_bound, 0.0,
                                  sum(requests[i].value for i in served), self._value_total,
                                  len(served))
        self._report(replace(self._best, bound=self.best_objective_bound,
                             seconds=time.perf_counter() - self._started))

    def on_bound(self, bound: float) -> None:
        if self._best is not None:
            self._report(replace(self._best, bound=bound, seconds=time.perf_counter() - self._started))


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


def read_solution(solver: cp_model.CpSolver, planner: PlannerModel) -> tuple[list[Placement], dict[int, int]]:
    """The single place that reads solver values: placements and meal starts."""
    placements = []
    for (day, index), literal in planner.present.items():
        if solver.boolean_value(literal):
            request = planner.instance.requests[index]
            placements.append(Placement(request.id, day, solver.value(planner.start[(day, index)]),
                                        planner.chosen_resources(solver.boolean_value, day, index)))
    meals = {v.day.index: solver.value(v.meal_start) for v in planner.days if v.meal_start is not None}
    return placements, meals


def solve(problem: Problem, params: SolveParams | None = None, baseline: Baseline | None = None,
          *, created: datetime | None = None) -> Result:
    """Plan ``problem``: choose, order and time the engagements that serve the most value.

    Parameters
    ----------
    problem
        The validated problem.
    params
        The solver's settings (default :class:`SolveParams`).
    baseline
        An agenda to continue from: hints, pinned engagements, the previous agenda and what
        changing it costs (re-planning, what-ifs).
    created
        The time stamp the plan records (for a re-plan, "now").

    Raises
    ------
    InfeasibleError
        When no agenda keeps every hard rule (for instance mandatory requests that cannot
        all be served); its message and ``conflicts`` say why in plain words, and its
        ``request_ids`` name the conflicting mandatory requests when the engine searched for
        them (:func:`minimal_conflict`).
    """
    params = params or SolveParams()
    baseline = baseline or NO_BASELINE
    started = time.perf_counter()
    clock = SolveClock(float(params.time_limit))
    with clock.phase("instance"):
        instance = build_instance(problem)
    # Fixed legs split days into parts: placements name tour days, the model its parts.
    baseline = replace(baseline, hints=instance.on_parts(baseline.hints),
                       pinned=instance.on_parts(baseline.pinned),
                       previous=instance.on_parts(baseline.previous))
    value_total = problem.total_value
    pruned_mandatory = [p for p in instance.pruned if problem.request(p.request_id).mandatory]
    if pruned_mandatory:
        pruned_ids = [p.request_id for p in pruned_mandatory]
        reasons = infeasibility_reasons(problem, instance, pruned_ids)
        raise InfeasibleError("Mandatory requests cannot be scheduled at all.", reasons,
                              request_ids=tuple(pruned_ids))

    size = model_size(instance)
    limit = float(params.time_limit)
    heuristic, cp_limit = _run_heuristic(instance, params, baseline, started, size, clock)
    clock_stop = heuristic is not None and heuristic.stopped_by_clock
    ceiling = value_ceiling(instance, re_planning=bool(baseline.previous))
    if heuristic is not None and heuristic.complete and ceiling is not None \
            and heuristic.objective >= ceiling:
        # Every request served and nothing else in the objective: no later stage can do better.
        return _heuristic_result(problem, instance, params, created, heuristic, "optimal",
                                 ceiling, started, clock_stop, clock)
    # On a model too large for them to give anything in the time, the route bound and CP-SAT
    # run only when the heuristic has no complete agenda (CP-SAT then looks for a first one).
    later = later_stages_run(size, limit, day_cap_binds(instance)) or heuristic is None \
        or not heuristic.complete
    routes, route_skipped = run_route_bound(instance, limit, cp_limit, heuristic, clock,
                                            re_planning=bool(baseline.previous)) if later \
        else (None, False)
    # The clock stopping (or leaving out) the route bound changes CP-SAT's budget, which a
    # proof makes moot.
    route_clock = route_skipped or (routes is not None and routes.stopped_by_clock)
    if routes is not None:
        cp_limit -= route_bound_used(routes, instance)
        if routes.bound is not None and heuristic.complete and heuristic.objective >= routes.bound:
            return _heuristic_result(problem, instance, params, created, heuristic, "optimal",
                                     float(routes.bound), started, clock_stop or route_clock, clock)
    chosen, used, selection_clock = (None, 0.0, False) if size > LARGE_MODEL else \
        pool_selection(instance, routes, heuristic, limit, clock)
    cp_limit = max(0.01, cp_limit - used)
    route_clock = route_clock or selection_clock
    planner, cp_load, model_clock = build_model(instance, baseline, heuristic, size, limit,
                                                clock) if later else (None, 0.0, False)
    clock_stop = clock_stop or model_clock
    # CP-SAT's budgets below are nominal seconds; it is given them as deterministic seconds
    # at this rate, and what it used comes off in nominal seconds again.
    rate = cp_sat_rate(instance)
    route_solver = None  # the route agenda's solve, when its agenda was hinted
    if chosen is not None and planner is not None:
        # The routes' best choice beats the heuristic's agenda in relaxed cost: made an agenda
        # by CP-SAT with each request's day fixed, it is CP-SAT's hint when it is better.
        used, agenda_clock, route_solver = route_agenda(
            planner, chosen, heuristic.objective, cp_load, limit, clock,
            lambda budget, wall: solver_parameters(replace(params, time_limit=budget * rate), wall),
            route_agenda_share(instance))
        cp_limit = max(0.01, cp_limit - used / rate)
        route_clock = route_clock or agenda_clock
    if planner is None:
        if heuristic is None or not heuristic.complete:
            raise InfeasibleError(
                f"The solver found no agenda within the limit ({params.time_limit:g} s); "
                "try a longer --time-limit.")
        bound, status = tighter(float(heuristic.objective), None, routes, "feasible", ceiling)
        return _heuristic_result(problem, instance, params, created, heuristic, status, bound,
                                 started, clock_stop or route_clock, clock)

    large = size > LARGE_MODEL
    min_wall = CP_SAT_MIN_WALL_SHARE * limit
    first = None
    if heuristic is not None and not heuristic.complete \
            and clock.solver_left() - cp_load < min_wall:
        clock.skip("first agenda", clock.solver_end - cp_load)
        clock_stop = True
    elif heuristic is not None and not heuristic.complete:
        # No complete hint (a mandatory request left out): first any agenda, then better ones.
        with clock.phase("first agenda", clock.solver_end - cp_load) as phase:
            first = first_agenda(planner, solver_parameters(
                replace(params, time_limit=cp_limit * rate),
                wall_seconds=max(0.01, clock.solver_left() - cp_load), large=large))
            if first.stopped_by_clock:
                phase.ended_by = "clock"
        cp_limit = max(0.01, cp_limit - first.deterministic_time / rate)
    wall_left = clock.solver_left() - cp_load
    code, solver = cp_model.UNKNOWN, None
    if wall_left < min_wall:
        # Too late to load the model again: the first agenda, if any, is the plan.
        clock.skip("cp-sat", clock.solver_end - cp_load)
        clock_stop = True
    else:
        solver = solver_parameters(replace(params, time_limit=cp_limit * rate),
                                   wall_seconds=wall_left, large=large)
        callback = None
        if params.on_progress is not None:
            known = None
            if heuristic is not None and heuristic.complete:
                served = heuristic.placements(instance)
                known = Progress(float(heuristic.objective), float("inf"), 0.0,
                                 sum(r.value for r in instance.requests if r.id in served),
                                 sum(r.value for r in instance.requests), len(served))
            callback = _ProgressCallback(params.on_progress, started, planner, known)
            solver.best_bound_callback = callback.on_bound
        with clock.phase("cp-sat", clock.solver_end - cp_load) as phase:
            began = time.perf_counter()
            code = solver.solve(planner.model, callback) if callback else solver.solve(planner.model)
            cp_clock = ended_by_clock(solver, code, time.perf_counter() - began)
            if cp_clock:
                phase.ended_by = "clock"
        clock_stop = clock_stop or cp_clock
    status = _STATUS.get(code, "unknown")
    seconds = time.perf_counter() - started
    clock_stop = clock_stop or (route_clock and code != cp_model.OPTIMAL)
    log.info("solve: %s in %.2f s%s", status, seconds, " (stopped by the clock)" if clock_stop else "")

    # The best complete agenda known before CP-SAT (it is CP-SAT's hint): the route agenda's
    # when one was hinted, else the heuristic's. It is the answer when CP-SAT ends without an
    # agenda (its clock) or, which a hint should prevent, with a worse one.
    known = None
    if route_solver is not None:
        known = float(route_solver.objective_value)
    elif heuristic is not None and heuristic.complete:
        known = float(heuristic.objective)
    use_known = False
    if known is not None:
        if status in ("optimal", "feasible"):
            use_known = solver.objective_value < known
            if use_known:
                log.warning("CP-SAT ended below its hinted agenda (%s < %s)",
                            solver.objective_value, known)
        elif status == "unknown":
            use_known = True
            status = "feasible"
    if use_known:
        if route_solver is not None:
            placements, meals = read_solution(route_solver, planner)
        else:
            placements, meals = heuristic_solution(instance, heuristic)
        bound = float(solver.best_objective_bound) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
            else None
        if bound is not None and bound < known:
            bound = None
        bound, status = tighter(known, bound, routes, status, ceiling)
        return _result(problem, instance, params, created, placements, meals, status, known, bound,
                       seconds, value_total, clock_stop, heuristic_warnings(heuristic), clock=clock)

    if status == "unknown" and first is not None and first.found:
        # The usual solve ended (or could not start) before it returned even the hinted
        # agenda: the first one.
        placements, meals = read_solution(first.solver, planner)
        return _result(problem, instance, params, created, placements, meals, "feasible",
                       first.objective, None, seconds, value_total, clock_stop,
                       heuristic_warnings(heuristic), clock=clock)
    if status == "infeasible":
        conflict = minimal_conflict(instance, params)
        if not conflict and not baseline.pinned:
            # Not even an empty agenda fits: the reader refuses the days it can tell (a move
            # longer than the day, a leg out of reach), so some rule of a day is left.
            raise InfeasibleError(
                "No agenda fits the tour's days, not even an empty one: some day cannot hold "
                "its own travel, fixed legs and meal break within its hours. Check the days' "
                "hours, [[lodging]], [[legs]] and [meal] in tour.toml.")
        # The search leaves pinned engagements out: with pins, the pins may be the cause, so
        # the set is not passed on as a conflict of the mandatory requests alone.
        raise InfeasibleError(
            "These mandatory requests cannot all be served together with the tour's rules "
            "(hours, travel, buffers, meal, cap); dropping any one of them makes the rest fit:",
            infeasibility_reasons(problem, instance, conflict),
            request_ids=() if baseline.pinned else tuple(conflict))
    if status not in ("optimal", "feasible"):
        raise InfeasibleError(
            f"The solver found no agenda within the limit ({params.time_limit:g} s, status {status}); "
            "try a longer --time-limit.")

    placements, meals = read_solution(solver, planner)
    bound, status = tighter(float(solver.objective_value), float(solver.best_objective_bound),
                            routes, status, ceiling)
    return _result(problem, instance, params, created, placements, meals, status,
                   float(solver.objective_value), bound, seconds,
                   value_total, clock_stop, heuristic_warnings(heuristic), clock=clock)


def _run_heuristic(instance: Instance, params: SolveParams, baseline: Baseline, started: float,
                   size: int, clock: SolveClock | None = None) -> tuple[HeuristicResult | None, float]:
    """Run the heuristic on its share of the budget (``size``: :func:`model_size`) and up to
    its deadline on ``clock``; returns it and CP-SAT's budget."""
    limit = float(params.time_limit)
    clock = clock or SolveClock(limit)
    if not params.heuristic or not instance.requests:
        return None, limit
    report = None
    if params.on_progress is not None:
        bound = float(sum(instance.value_weight * r.value for r in instance.requests))
        value_total = sum(r.value for r in instance.requests)

        def report(objective: int, served: Sequence[int] | None = None) -> None:
            value = count = None
            if served is not None:
                value, count = sum(instance.requests[i].value for i in served), len(served)
            params.on_progress(Progress(float(objective), bound, time.perf_counter() - started,
                                        value, value_total if value is not None else None, count))

    large = size > LARGE_MODEL
    capped = day_cap_binds(instance)
    alone = not later_stages_run(size, limit, capped)
    share = heuristic_share(size, limit, capped, instance.is_delegation, timeline_tour(instance))
    stall = None if large else min(HEURISTIC_STALL_MAX,
                                   max(HEURISTIC_STALL_MIN, len(instance.requests) ** 2 // 2))
    work = int(share * limit * WORK_PER_SECOND)
    islands = heuristic_islands(params.workers, work, size)
    # The routes its search accepts start the route bound's master, when that can run.
    seen = solve_route_bound.SEEN_ROUTES if not alone and not baseline.previous else 0
    deadline = clock.heuristic_deadline(alone)
    # The phase holds its worker processes' join: they stop on the same deadline.
    with clock.phase("heuristic", deadline.at) as phase:
        result = solve_heuristic(instance, seed=params.seed, work=work, islands=islands,
                                 pinned=baseline.pinned, previous=baseline.previous,
                                 change_costs=(baseline.change_costs or ChangeCosts())
                                 if baseline.previous else None,
                                 initial=baseline.hints, on_improve=report, stall=stall,
                                 deadline=deadline, seen_routes=seen)
        if result is not None and result.stopped_by_clock:
            phase.ended_by = "clock"
    if result is None:
        return None, limit
    used = result.work / WORK_PER_SECOND
    log.info("heuristic: objective %s, value %s, %s iterations, %.2f nominal s, %s island(s)",
             result.objective, result.value, result.iterations, used, islands)
    return result, max((1.0 - share) * limit if large else CP_SAT_MIN_SHARE * limit, limit - used)


def heuristic_solution(instance: Instance, result: HeuristicResult) -> tuple[list[Placement], dict[int, int]]:
    """Placements and meal starts of the heuristic's agenda."""
    placements = [Placement(instance.requests[index].id, plan.day, start)
                  for plan in result.days for index, start in plan.starts.items()]
    meals = {plan.day: plan.meal for plan in result.days if plan.meal is not None}
    return placements, meals


def _heuristic_result(problem: Problem, instance: Instance, params: SolveParams,
                      created: datetime | None, heuristic: HeuristicResult, status: str,
                      bound: float | None, started: float, stopped_by_clock: bool,
                      clock: SolveClock) -> Result:
    """The result whose agenda is the heuristic's."""
    placements, meals = heuristic_solution(instance, heuristic)
    return _result(problem, instance, params, created, placements, meals, status,
                   float(heuristic.objective), bound, time.perf_counter() - started,
                   problem.total_value, stopped_by_clock, heuristic_warnings(heuristic),
                   clock=clock)


def heuristic_warnings(heuristic: HeuristicResult | None) -> tuple[str, ...]:
    """Plain sentences for :attr:`Result.warnings` about the heuristic's run (none when it ran
    as asked)."""
    if heuristic is None or not heuristic.searches.fell_back:
        return ()
    searches = heuristic.searches
    return (f"Only {searches.ran} of {searches.asked} heuristic searches ran, because "
            f"{searches.reason}; the agenda keeps every rule but may be less good than with all "
            "of them.",)


def _result(problem: Problem, instance: Instance, params: SolveParams, created: datetime | None,
            placements: list[Placement],
            meals: dict[int, int], status: str, objective: float, bound: float | None,
            seconds: float, value_total: int, stopped_by_clock: bool = False,
            warnings: tuple[str, ...] = (), clock: SolveClock | None = None) -> Result:
    """The plan and the solver's account; with the solve's ``clock``, ``seconds`` runs to the
    finished plan (the promise's end) and the result records its phases."""
    began = clock.now() if clock is not None else None
    engagements, breaks, legs = build_agenda(problem, instance, placements, meals)
    served = {p.request_id for p in placements}
    value_served = sum(r.value for r in problem.requests if r.id in served)
    unscheduled = explain_unscheduled(problem, instance, engagements)
    if clock is not None:
        seconds = clock.since_start()
        clock.phases.append(Phase("result", clock.since_start(began), seconds, None))
    report = SolverReport(status=status, objective=objective, bound=bound,
                          gap=_gap(objective, bound), seconds=round(seconds, 3), seed=params.seed,
                          time_limit=float(params.time_limit), workers=params.workers,
                          value_served=value_served, value_total=value_total,
                          stopped_by="clock" if stopped_by_clock else "budget")
    plan = Plan(problem=problem, engagements=engagements, travel=legs, breaks=breaks,
                unscheduled=unscheduled, solver=report, created=created)
    return Result(plan=plan, status=status, objective=objective, bound=bound,
                  gap=report.gap, seconds=seconds, value_served=value_served,
                  value_total=value_total, instance=instance, stopped_by_clock=stopped_by_clock,
                  warnings=warnings, phases=tuple(clock.phases) if clock is not None else ())
