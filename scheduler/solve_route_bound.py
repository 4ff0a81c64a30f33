"""The route relaxation's bound inside a solve: its share of the limit, its clock, and how it
and the value ceiling tighten the bound and the status of the result."""

from __future__ import annotations

import logging
import math
import time

from ortools.sat.python import cp_model

from .model.bound import LABEL_WORK_PER_SECOND, RouteBound, Selection, plan_routes, route_bound, \
    select_routes
from .model.cp_stop import ended_by_clock
from .model.heuristic import HeuristicResult
from .model.instance import Instance
from .solve_budget import CP_SAT_MIN_SHARE, CP_SAT_MIN_WALL_SHARE, ROUTE_BOUND_MIN_SHARE, \
    SolveClock, route_bound_seconds, route_bound_share, timeline_tour

log = logging.getLogger(__name__)

FIRST_BOUND_SHARE = 0.5
"""Share of its work after which the route bound gives up when no exact pricing round has given
a bound yet, leaving the rest to CP-SAT. Measured on the generated tours on a quiet machine
once the bound's work was calibrated to use its share (BENCHMARKS.md, "Proofs"): running the
whole share without an exact round took the 60-request, 7-day tour at 5 s from a gap of 8.1 %
to 212 % (CP-SAT was left under half a second), while giving up at a fifth of the work cost the
120-request tour at 20 s its exact bound (2.08 % instead of 0.04 %)."""

FIRST_BOUND_SHARE_TIMELINE = 1.0
"""The same on a small tour's model with timeline days (:func:`timeline_tour`): its exact
pricing, with the travel-aware bound, ends within its share (the 60-request tour's first
exact round came after 5.8 M work instead of 9.4 M), and giving up at half the share left
those tours without a bound at 10 s; chosen with ``HEURISTIC_SHARE_TIMELINE``. Giving up at
half only while the fast rounds still find routes was tried and not kept: their columns are
what the choice of routes makes its agenda from (on the tuning tours it was no better; on
four held-out runs it lost 0.06-0.67 % of agenda). The price: where the share passes without
an exact round at a short limit (the 60-request tour of seed 1 at 5 s) CP-SAT is left too
little for a bound of its own (BENCHMARKS.md, "A tour's bound from its routes"), and the
bound is the route relaxation's exact round cut short by the work, when one had begun."""

LABEL_TIMELINE_COST = 2.0
"""How many times a nominal second's work of the route bound (``LABEL_WORK_PER_SECOND``) costs
on an instance with timeline days (a meal or remote candidates: the labels carry the calls and
the meal between places): its phase lasted 1.2-2.1 s of wall clock a nominal second on the
generated tours of 40-100 requests, seed 1, at 10 s on a quiet 2-core machine, where on the
route-only TOPTW instances it lasted 0.52-0.68 s. Counting its work at this cost brings a
tour's nominal second to about 0.7 s (BENCHMARKS.md, "A tour's phases on its budget")."""

SEEN_ROUTES = 0
"""Routes a day of those the heuristic's search accepted (``solve_heuristic(seen_routes=...)``)
that start the route bound's master beside the heuristic's agenda, the best by the day's
objective; 0: the agenda alone. Keeping them never changes the heuristic's agenda; their work
(about 0.3-0.5 % of the search's CPU time) is counted in its result's. Off: measured in
BENCHMARKS.md, "The heuristic's routes as first columns", they take the 300-request tour's
master further at every amount of work, but within a solve's share no exact round ends there
either way, and the smaller tours' bounds within their shares are the same."""


def run_route_bound(instance: Instance, time_limit: float, cp_seconds: float,
                    heuristic: HeuristicResult | None, clock: SolveClock,
                    re_planning: bool) -> tuple[RouteBound | None, bool]:
    """The route relaxation's bound from the heuristic's days, on the work of
    :func:`route_bound_seconds` (``cp_seconds``: CP-SAT's budget before it).

    Returns the bound, or ``None`` when it is left out: no share, a re-plan (its change
    costs are not in the relaxation), no complete agenda to start from, or the clock leaves
    it less than ``ROUTE_BOUND_MIN_SHARE`` of its seconds; and whether the clock left it
    out. On the clock it stops at half again its share, and always leaves CP-SAT half of
    ``CP_SAT_MIN_SHARE``. It gives up when no exact round has given a bound at
    ``FIRST_BOUND_SHARE`` of its work (``FIRST_BOUND_SHARE_TIMELINE`` on a small tour's model
    with timeline days), or when the clock would leave CP-SAT less than
    ``CP_SAT_MIN_SHARE`` of the limit, or than the seconds its budget planned for CP-SAT when
    those are fewer (its columns so far still go to :func:`pool_selection`).
    """
    seconds = route_bound_seconds(time_limit, cp_seconds, route_bound_share(instance))
    first_share = FIRST_BOUND_SHARE_TIMELINE if timeline_tour(instance) else FIRST_BOUND_SHARE
    if seconds <= 0 or re_planning or heuristic is None or not heuristic.complete \
            or not instance.requests:
        return None, False
    stop = min(clock.end - 0.5 * CP_SAT_MIN_SHARE * float(time_limit), clock.now() + 1.5 * seconds)
    if stop - clock.now() < ROUTE_BOUND_MIN_SHARE * seconds:
        # Its set-up does not look at the clock: started this late it would make CP-SAT late.
        log.info("route bound: left out, %.2f s left before its stop", stop - clock.now())
        clock.skip("route bound", stop)
        return None, True
    work = int(seconds * label_work_per_second(instance))
    # Without a bound it also gives up when CP-SAT would be left less than its whole
    # CP_SAT_MIN_SHARE: on the 60-request tour at 5 s a heuristic that ran a little long
    # (its work, a little slower a unit) brought the route bound to its clock's stop before
    # its work's give-up point, and CP-SAT, left half a second, reported a gap of 212 % for 3 %.
    # Never more than the budget planned for CP-SAT after a route bound that gives up on its
    # work: where the heuristic has most of the limit (two 100-customer days at 10 s, CP-SAT
    # planned 1.5 s) a give-up at the whole share came before the work's on a quiet machine,
    # and the solve was reported as stopped by the clock.
    planned = cp_seconds - first_share * seconds
    give_up = clock.end - min(CP_SAT_MIN_SHARE * float(time_limit), planned)
    with clock.phase("route bound", stop) as phase:
        result = route_bound(instance, work=work, out_of_time=lambda: clock.now() >= stop,
                             routes=plan_routes(heuristic.days) + heuristic.seen,
                             target=heuristic.objective,
                             first_bound_work=int(first_share * work),
                             first_bound_out_of_time=lambda: clock.now() >= give_up)
        if result.stopped_by_clock:
            phase.ended_by = "clock"
    log.info("route bound: %s (relaxation %s, converged %s, %s work, %s rounds)",
             result.bound, result.relaxation, result.converged, result.work, result.rounds)
    return result, False


POOL_SELECTION_SHARE = 0.02
"""Share of the limit, in CP-SAT's deterministic seconds, for choosing the best agenda among
the route relaxation's columns (a set-partitioning program over a few hundred routes: 0.08 s
on the 60-request tour)."""
POOL_AGENDA_SHARE = 0.1
"""Share of the limit, in nominal seconds (CP-SAT's deterministic seconds at the model's
:func:`cp_sat_rate`), for turning that choice into an agenda: CP-SAT on the whole model with
each request's day fixed by assumptions."""
POOL_AGENDA_SHARE_TIMELINE = 0.05
"""The same on a small tour's model with timeline days (:func:`timeline_tour`; 0.28-0.37 s of
wall clock on the 60-request tour at 5 s). It was 0.1 there too: that solve's deterministic
second can last two to three seconds of wall clock, so on some tours it ran to its wall
clock, and the solve with it. On the generated tours of seed 1, 0.05 and 0.03 gave the same
agendas and bounds as 0.1, and the 60-request tour at 10 s ended at 8.8 and 8.3 s instead
of 9.4 s (BENCHMARKS.md, "The route agenda's share, and its place late on the clock")."""


def route_agenda_share(instance: Instance) -> float:
    """The route agenda's share of the limit on ``instance``'s model."""
    return POOL_AGENDA_SHARE_TIMELINE if timeline_tour(instance) else POOL_AGENDA_SHARE


def pool_selection(instance: Instance, routes: RouteBound | None,
                   heuristic: HeuristicResult | None, time_limit: float,
                   clock: SolveClock) -> tuple[Selection | None, float, bool]:
    """The best choice of one generated route a day when its cost beats the heuristic's
    agenda (``None`` otherwise, or when there is no route bound or no time), the
    deterministic seconds the choice took, and whether the clock ended or left it out."""
    if routes is None or heuristic is None or not heuristic.complete or not routes.columns:
        return None, 0.0, False
    seconds = POOL_SELECTION_SHARE * float(time_limit)
    # Late on the clock the choice and its agenda come before CP-SAT (see route_agenda): it
    # leaves only the margin CP-SAT's start needs, not CP-SAT's whole share.
    wall = min(2.0 * seconds + 0.1,
               clock.solver_left() - CP_SAT_MIN_WALL_SHARE * float(time_limit))
    if wall <= 0:
        clock.skip("route selection", clock.now())
        return None, 0.0, True
    with clock.phase("route selection", clock.now() + wall) as phase:
        chosen = select_routes(instance, routes.columns, deterministic_seconds=seconds,
                               wall_seconds=wall, hint=agenda_columns(routes.columns, heuristic))
        by_clock = chosen is None or chosen.by_clock
        if by_clock:
            phase.ended_by = "clock"
    log.info("route selection: %s (heuristic %s)", chosen and chosen.objective,
             heuristic.objective)
    if chosen is None or chosen.objective <= heuristic.objective:
        return None, seconds if chosen is None else chosen.seconds, by_clock
    return chosen, chosen.seconds, by_clock


def agenda_columns(columns, heuristic: HeuristicResult) -> list[int]:
    """The columns that make the heuristic's agenda, one a day (the best-cost one serving a
    day's requests, in any order), to start the choice from it: with that hint the choice is
    never worse than the heuristic's agenda. Empty when a day's route is not among them (the
    pricing's rules refused it)."""
    wanted = {plan.day: frozenset(plan.starts) for plan in heuristic.days}
    best: dict[int, int] = {}
    for index, column in enumerate(columns):
        if frozenset(column.requests) == wanted.get(column.day, frozenset()) and (
                column.day not in best or column.cost > columns[best[column.day]].cost):
            best[column.day] = index
    days = {column.day for column in columns}
    return sorted(best.values()) if set(best) == days else []


def hint_pool_agenda(planner, chosen: Selection, heuristic_objective: float,
                     solver: cp_model.CpSolver) -> tuple[float, bool, bool]:
    """Solve the model with each request on the day ``chosen`` gives it (assumptions on the
    presence literals), and when that agenda beats the heuristic's, hint it in full instead.

    Returns the deterministic seconds it used, whether it was hinted, and whether its wall
    clock rather than its budget or a proof ended it."""
    on = {(day, request) for day, requests in chosen.days.items() for request in requests}
    model = planner.model
    model.clear_assumptions()
    model.add_assumptions([literal if key in on else literal.Not()
                           for key, literal in planner.present.items()])
    began = time.perf_counter()
    code = solver.solve(model)
    by_clock = ended_by_clock(solver, code, time.perf_counter() - began)
    model.clear_assumptions()
    used = solver.response_proto.deterministic_time
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
            or solver.objective_value <= heuristic_objective:
        log.info("route selection's agenda: %s, not hinted", solver.status_name(code))
        return used, False, by_clock
    values = [solver.value(model.get_int_var_from_proto_index(i))
              for i in range(len(model.proto.variables))]
    model.clear_hints()
    for i, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(i), value)
    log.info("route selection's agenda: %s hinted (heuristic %s)", solver.objective_value,
             heuristic_objective)
    return used, True, by_clock


def route_agenda(planner, chosen: Selection, heuristic_objective: float, cp_load: float,
                 time_limit: float, clock: SolveClock, make_solver,
                 share: float = POOL_AGENDA_SHARE
                 ) -> tuple[float, bool, cp_model.CpSolver | None]:
    """:func:`hint_pool_agenda` on ``share`` of the limit (:func:`route_agenda_share`) in
    nominal seconds, on the wall clock left after two loadings of the model (``cp_load``
    each: its own and CP-SAT's) and CP-SAT's floor, or, when that is less than the floor, on
    what is left after its own loading and the floor (CP-SAT then finds too little to
    start). ``make_solver(budget, wall)`` gives the configured solver. Returns the
    deterministic seconds used, whether the clock ended it or left it out, and the solver
    holding the agenda when it was hinted (the solve's answer if CP-SAT then ends without one
    as good), else ``None``."""
    limit = float(time_limit)
    margin = CP_SAT_MIN_WALL_SHARE * limit
    # Room for it and CP-SAT after it; when there is not, for it alone (CP-SAT is then left
    # out): late on the clock its agenda is worth more than CP-SAT's start from the
    # heuristic's (the 60-request tour at 5 s: 1,415,196 against 1,404,605).
    both = clock.solver_left() - 2 * cp_load - 2 * margin
    wall = min(2.0 * share * limit + 0.5,
               both if both >= margin else clock.solver_left() - cp_load - margin)
    if wall <= 0:
        clock.skip("route agenda", clock.now())
        return 0.0, True, None
    solver = make_solver(share * limit, wall)
    with clock.phase("route agenda", clock.now() + wall) as phase:
        used, hinted, by_clock = hint_pool_agenda(planner, chosen, heuristic_objective, solver)
        if by_clock:
            phase.ended_by = "clock"
    return used, by_clock, solver if hinted else None


def label_work_per_second(instance: Instance) -> float:
    """The route bound's work a nominal second on ``instance``: ``LABEL_WORK_PER_SECOND``,
    divided by ``LABEL_TIMELINE_COST`` when it has timeline days."""
    cost = LABEL_TIMELINE_COST if instance.has_timeline_days else 1.0
    return LABEL_WORK_PER_SECOND / cost


def route_bound_used(routes: RouteBound | None, instance: Instance) -> float:
    """Nominal seconds of work the route bound used on ``instance`` (to come off CP-SAT's
    budget)."""
    return 0.0 if routes is None else routes.work / label_work_per_second(instance)


def value_ceiling(instance: Instance, re_planning: bool) -> float | None:
    """The objective of serving every request the instance holds, when nothing else counts in
    it: the value weight times the value of every request (those pruned as impossible are not
    there), the most any agenda can have.

    ``None`` when another term could still move the objective (travel, the span of the days,
    the balance of the days, or a re-plan's change costs): serving everything is then not
    optimal by itself."""
    ceiling = None if re_planning else instance.value_ceiling()
    return None if ceiling is None else float(ceiling)


def tighter(objective: float, bound: float | None, routes: RouteBound | None,
            status: str, ceiling: float | None = None) -> tuple[float | None, str]:
    """The lower of CP-SAT's bound and the route relaxation's, and the status it gives: an
    agenda that reaches the bound (the objective is whole) is proven optimal. An agenda at
    the ``ceiling`` (:func:`value_ceiling`) is optimal, and the ceiling its bound."""
    if ceiling is not None and objective >= ceiling:
        return ceiling if bound is None else min(bound, ceiling), "optimal"
    if routes is None or routes.bound is None:
        return bound, status
    bound = float(routes.bound) if bound is None else min(bound, float(routes.bound))
    if status == "feasible" and objective >= math.floor(bound):
        status = "optimal"
    return bound, status
