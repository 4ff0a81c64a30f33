"""Column generation over day routes: the bound of the route relaxation within a budget.

Each round solves the master program (:mod:`.master`), then prices every day: first with the
fast heuristic dominance, and when that finds nothing with the exact one. An exact round
gives a Lagrangian bound whatever the duals are,

    bound = Σ_i π_i + cap · Σ_t ν_t + Σ_d max over routes r of day d (c_r − Σ_{i∈r} π_i − ν n_r),

so the bound is valid at every exact round, not only when the generation converges (then it
equals the master's value). Any value at least a day's best reduced cost will do in the sum:
an exact round the work ends bounds the day its pricing did not finish by the labels it left
open, and the days after it by their empty route's completion bound, so it still gives a
bound, only a looser one; so a round that may be cut short first probes every day (its
empty route's bound) and prices the days whose probe lies furthest above their dual first.
The work is counted in label extensions and comparisons, so that a run the budget stops is
repeatable; the clock stops it too, and an exact round the clock stops gives its bound the
same way.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..instance import Instance
from .days import MEAL, NG_SIZE, PricingDay, pricing_day
from .labelling import OutOfTime, OutOfWork, price_day
from .master import Column, Master, MasterFailed

log = logging.getLogger(__name__)

#: Work (label extensions tried, labels compared, and the completion bound's nodes looked at,
#: ``SCANNED_PER_WORK`` to a unit) per nominal second of the budget. Set so that a nominal
#: second lasts about 0.6-1.2 CPU seconds of one core on the Solomon 100 and 200 series, the
#: generated TOPTW instances and the generated tours (BENCHMARKS.md, "Calibrating the
#: budget"); before the completion bound's scan was counted, a unit cost twelve times more
#: on some days than on others. 3.5 M since the cheaper fast pricing (a unit now costs more
#: CPU: at 3 M a nominal second lasted 1.26 s on the tours, 0.55-0.80 s on the TOPTW sets).
LABEL_WORK_PER_SECOND = 3_500_000
#: Charge the guest's waiting in the columns and the pricing (:mod:`.waiting`): the span of a
#: route at its best departure rather than its engagements and travel alone. Off: it proves
#: the 60-request tour's seed 2 optimal and tightens every converged bound, but its exact
#: rounds cost two to four times the work, so within a solve's share it gives fewer bounds
#: (BENCHMARKS.md, "Waiting time in the route bound").
CHARGE_WAITING = False
#: A bound this close above an integer is taken as that integer (floating point in the duals'
#: sums; far below one objective unit).
ROUNDING = 1e-3
#: The fast rounds' tail: once the best reduced costs a fast round found, summed over the
#: days, are below this share of the master's value, the master is within about that much
#: of the relaxation's value.
TAIL_SHARE = 0.001
#: What an exact round costs, in fast rounds: 10-16 on the tuning tours of seed 1 (the first
#: exact round of the 60-request tour took 2.85 M units after fast rounds of 0.15-0.2 M). In
#: the tail, a fast round followed by less work than this many of it goes exact at once:
#: the exact round would otherwise be cut short, having lost the work to the tail.
EXACT_ROUND_FAST_ROUNDS = 16
#: An exact round after the first is probed (its days ordered by their empty routes' bounds)
#: only when the work left is less than this many times the last exact round's.
PROBE_BELOW = 2


@dataclass
class RouteBound:
    """What the route relaxation gave.

    Attributes
    ----------
    bound
        The best bound of an exact round, rounded down to the objective's integers; ``None``
        when no exact round ended within the budget.
    relaxation
        The master's last value (a bound only once ``converged``).
    converged
        No route with a positive reduced cost is left: ``bound`` is the relaxation's optimum.
    work
        Work used (extensions and dominance comparisons).
    rounds
        Master solves.
    stopped_by_clock
        The clock, not the work budget, ended it.
    columns
        Every route the master holds.
    history
        One entry a round: (work used by its end, the master's value, the round's bound, or
        ``None`` for a fast round).
    """

    bound: int | None
    relaxation: float | None
    converged: bool
    work: int
    rounds: int
    stopped_by_clock: bool = False
    columns: list[Column] = field(default_factory=list)
    history: list[tuple[int, float, float | None]] = field(default_factory=list)


def route_bound(instance: Instance, *, work: int,
                out_of_time: Callable[[], bool] = lambda: False,
                routes: Iterable[tuple[int, Sequence[int]]] = (),
                target: int | None = None, ng_size: int = NG_SIZE,
                first_bound_work: int | None = None,
                first_bound_out_of_time: Callable[[], bool] = lambda: False,
                charge_waiting: bool | None = None) -> RouteBound:
    """Bound the instance's objective from above by column generation over day routes.

    Parameters
    ----------
    instance
        The problem in integers. Change costs of a re-plan and pinned engagements are not
        seen: the bound is that of the plain problem.
    work
        Budget in work (``seconds × LABEL_WORK_PER_SECOND``): label extensions tried and labels
        compared for dominance.
    out_of_time
        The clock: asked between and within pricings.
    routes
        Known day routes to start from, as (day index, request indices in visiting order),
        such as the heuristic's agenda and the routes its search accepted
        (``HeuristicResult.seen``). A route the pricing's fixed rules would not allow
        (:meth:`PricingDay.allows`) is left out, so that no column is more than the
        relaxation's.
    target
        The objective of a known agenda: the generation stops as soon as the bound reaches
        it (the agenda is then proven optimal).
    ng_size
        Size of the ng-neighbourhoods (elementarity is relaxed outside them).
    first_bound_work
        Work after which the generation gives up when no exact round has given a bound yet
        (``None``: all of ``work``): a relaxation too slow to price exactly returns the rest
        of its share to CP-SAT. Counted in work, so the same input gives up at the same point.
    first_bound_out_of_time
        The same on the clock: asked like ``out_of_time`` while no exact round has given a
        bound, and stopping the generation as the clock does (under load, or after a
        heuristic that ran long, the work above may come only after the clock's stop).
    charge_waiting
        Charge waiting in the columns and the pricing (``None``: :data:`CHARGE_WAITING`).
    """
    if charge_waiting is None:
        charge_waiting = CHARGE_WAITING
    days = [pricing_day(instance, day.index, ng_size, charge_waiting) for day in instance.days]
    # The parts of one guest's day share its cap (a delegation's guests each have their own).
    parts = {tuple(instance.siblings(day.index)) for day in instance.days}
    split = {members[0]: list(members) for members in sorted(parts) if len(members) > 1}
    penalty = 2.0 * instance.value_weight * sum(r.value for r in instance.requests) + 1e6
    master = Master(days, [r.mandatory for r in instance.requests], instance.cap, split, penalty)
    node_of = [{request: node for node, request in enumerate(day.requests) if request >= 0}
               for day in days]
    for day in days:
        master.add(day, ())
    refused = 0
    for day_index, requests in routes:
        nodes = [node_of[day_index].get(r) for r in requests]
        if all(n is not None for n in nodes) and nodes:
            if days[day_index].allows(nodes):
                master.add(days[day_index], tuple(nodes))
            else:
                refused += 1
    if refused:
        log.info("route bound: %s known routes left out (not the relaxation's)", refused)

    critical = [0] * len(days)
    # The best reduced cost each day's last pricing found: the fast rounds price the most
    # promising days first, so their routes come first in the master (measured: 52 M work
    # instead of 83 M to converge on the 60-request tour, 1.36 M instead of 1.48 M on the
    # 120-request one).
    promise = [math.inf] * len(days)
    used = rounds = 0
    best: float | None = None
    converged = clock = exact = False
    history: list[tuple[int, float, float | None]] = []
    last_exact: int | None = None  # the work of the last exact round

    def stopped() -> bool:
        return out_of_time() or (best is None and first_bound_out_of_time())

    while True:
        if stopped():
            clock = True
            break
        try:
            request_duals, day_duals, cap_duals = master.solve()
        except MasterFailed as error:
            # The bound of an earlier exact round still holds; without one there is none, as
            # when the budget ends first. GLOP is deterministic, so this repeats run to run.
            log.info("route bound: %s; giving up with the bound so far", error)
            break
        rounds += 1
        total = sum(request_duals) + master.cap_term(cap_duals)
        improving = 0
        partial = False
        # An exact round's routes join the master in the days' order once the round is
        # over, whatever order the days were priced in (the master's duals, and so every
        # later round, are then those of pricing the days in their order).
        pending: list[tuple[int, PricingDay, tuple[int, ...]]] = []
        try:
            # The whole work, or the give-up point while no exact round has given a bound.
            budget = work if best is not None or first_bound_work is None \
                else min(work, first_bound_work)
            round_began = used
            duals_of = {day.day.index: [request_duals[r] if r >= 0 else 0.0
                                        for r in day.requests] for day in days}
            probes: dict[int, float] = {}  # by day index: its empty route's bound
            if exact and (last_exact is None or budget - used < PROBE_BELOW * last_exact):
                # Every day's bound from its empty route first (one scan of its completion
                # bounds): the days where pricing can lower the bound most are priced first,
                # so that a round the work or the clock cuts short has spent what it had
                # where it counts, and a day it never reaches keeps this bound. Asked of a
                # first exact round, and of a later one the work left may not cover.
                probes, probe_work = _probes(days, duals_of, day_duals, cap_duals, critical,
                                             max(0, budget - used))
                used += probe_work
                order = sorted(days, key=lambda d: (day_duals[d.day.index] - probes[d.day.index],
                                                    d.day.index))
            elif exact:
                order = days
            else:
                order = sorted(days, key=lambda d: (-promise[d.day.index], d.day.index))
            for day in order:
                index = day.day.index
                if exact and (clock or budget - used - 1 <= 0) \
                        and probes.get(index, math.inf) < math.inf:
                    # The work or the clock has ended the round: the day keeps its probe.
                    total += probes[index]
                    partial = True
                    promise[index] = 0.0
                    continue
                duals = duals_of[index]
                item_price = cap_duals.get(index, 0.0)
                floor = day_duals[index] + 1e-6
                while True:
                    # An exact pricing ends with the work left rather than running out of
                    # it: cut short, it still bounds the day by its open labels (and, after
                    # the work or the clock has gone, by its empty route alone). The clock
                    # cuts it short the same way.
                    enough = (0 if clock else max(0, budget - used - 1)) if exact else None
                    priced = price_day(day, duals, item_price, exact, budget - used,
                                       threshold=floor,
                                       out_of_time=stopped, critical=critical[index],
                                       best_first=True, enough=enough)
                    used += priced.work
                    clock |= priced.clock
                    repeated = _repeated(priced.routes)
                    if not repeated:
                        break
                    critical[index] |= repeated
                partial |= not priced.complete
                if exact:
                    total += min(priced.best, probes.get(index, math.inf))
                promise[index] = priced.routes[0][0] - floor if priced.routes else 0.0
                for reduced, nodes in priced.routes:
                    if exact:
                        pending.append((index, day, nodes))
                    else:
                        master.add(day, nodes)
                    improving += reduced > floor
                used += master.work  # costing the routes with their waiting
                master.work = 0
        except OutOfWork:
            used = budget  # the pricing cut short used all it was allowed
            break
        except OutOfTime:
            clock = True
            break
        finally:
            for _, day, nodes in sorted(pending, key=lambda item: item[0]):
                master.add(day, nodes)
            used += master.work
            master.work = 0
        if exact:
            last_exact = used - round_began
        log.debug("route bound: round %s, %s work, master %.0f, exact %s, bound %s, "
                  "improving %s, critical %s", rounds, used, master.value, exact,
                  total if exact else None, improving, [bin(c).count("1") for c in critical])
        history.append((used, master.value, total if exact else None))
        if exact:
            best = total if best is None else min(best, total)
            rounded = math.floor(best + ROUNDING)
            # The master's value is at most the relaxation's: once the bound rounds down to
            # it, no further round can lower the rounded bound.
            if (not improving and not partial) or (target is not None and rounded <= target) \
                    or rounded <= math.floor(master.value + ROUNDING):
                converged = True
                break
            if partial:  # the work is gone
                break
            exact = False
        elif not improving or _short_tail(promise, master.value, budget - used,
                                          used - round_began):
            exact = True
    bound = None if best is None else math.floor(best + ROUNDING)
    return RouteBound(bound, master.value, converged, used, rounds, clock, list(master.columns),
                      history)


def _probes(days: list[PricingDay], duals_of: dict[int, list[float]], day_duals, cap_duals,
            critical: list[int], work_left: int) -> tuple[dict[int, float], int]:
    """By day index, the bound of an exact pricing of the day that stops before extending its
    empty route (the empty route's completion bound, at least the day's best reduced cost);
    and the work these pricings took."""
    probes = {}
    work = 0
    for day in days:
        index = day.day.index
        probe = price_day(day, duals_of[index], cap_duals.get(index, 0.0), True, work_left,
                          threshold=day_duals[index] + 1e-6, critical=critical[index],
                          best_first=True, enough=0)
        probes[index] = probe.best
        work += probe.work
    return probes, work


def _short_tail(promise: list[float], master_value: float, work_left: int,
                round_work: int) -> bool:
    """Whether a fast round that found improving routes should still be followed by an exact
    one: the fast rounds are in their tail (``promise``, each day's best reduced cost above
    its dual, sums to under ``TAIL_SHARE`` of the master's value) and the work left is less
    than an exact round costs (``EXACT_ROUND_FAST_ROUNDS`` times this round's work). Where
    the work is plenty the tail runs its course, since an exact round taken early has duals
    further from the optimum and a looser bound (BENCHMARKS.md, "Going exact when the work
    left is short")."""
    return work_left < EXACT_ROUND_FAST_ROUNDS * round_work \
        and sum(max(0.0, gain) for gain in promise) < TAIL_SHARE * abs(master_value)


def _repeated(routes) -> int:
    """Bit mask of the nodes some route visits more than once."""
    mask = 0
    for _, nodes in routes:
        seen = 0
        for node in nodes:
            if seen >> node & 1:
                mask |= 1 << node
            seen |= 1 << node
    return mask


def plan_routes(plans) -> list[tuple[int, list[int]]]:
    """The heuristic's day plans as routes: in-person engagements in their order, remote ones
    at their start."""
    routes = []
    for plan in plans:
        ordered = sorted(plan.starts.items(), key=lambda item: (item[1], item[0]))
        routes.append((plan.day, [index for index, _ in ordered]))
    return routes


__all__ = ["LABEL_WORK_PER_SECOND", "MEAL", "PricingDay", "RouteBound", "plan_routes",
           "route_bound"]
