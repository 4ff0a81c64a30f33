"""Column generation over day routes: the bound of the route relaxation within a budget.

Each round solves the master program (:mod:`.master`), then prices every day: first with the
fast heuristic dominance, and when that finds nothing with the exact one. An exact round
gives a Lagrangian bound whatever the duals are,

    bound = Σ_i π_i + cap · Σ_t ν_t + Σ_d max over routes r of day d (c_r − Σ_{i∈r} π_i − ν n_r),

so the bound is valid at every exact round, not only when the generation converges (then it
equals the master's value). The work is counted in label extensions and comparisons, so that a run the
budget stops is repeatable; the clock stops it too.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..instance import Instance
from .days import MEAL, NG_SIZE, PricingDay, pricing_day
from .labelling import OutOfTime, OutOfWork, price_day
from .master import Column, Master

log = logging.getLogger(__name__)

#: Work (label extensions tried, labels compared, and the completion bound's nodes looked at,
#: ``SCANNED_PER_WORK`` to a unit) per nominal second of the budget. Set so that a nominal
#: second lasts about 0.6-1.2 CPU seconds of one core on the Solomon 100 and 200 series, the
#: generated TOPTW instances and the generated tours (BENCHMARKS.md, "Calibrating the
#: budget"); before the completion bound's scan was counted, a unit cost twelve times more
#: on some days than on others. 3.5 M since the cheaper fast pricing (a unit now costs more
#: CPU: at 3 M a nominal second lasted 1.26 s on the tours, 0.55-0.80 s on the TOPTW sets).
LABEL_WORK_PER_SECOND = 3_500_000
#: Wentges smoothing: the days are priced at ``SMOOTHING`` × the stability centre's duals +
#: (1 − ``SMOOTHING``) × the master's (0: the master's alone). The centre is the duals of the
#: best Lagrangian bound so far, and before any exact round the smoothed duals of the round
#: before. Any such duals give a valid Lagrangian bound; a round whose routes do not improve
#: the master at its own duals (a mispricing) prices at the master's duals next.
SMOOTHING = 0.0
#: Smoothing stops once the best bound is within this share of the master's value (near
#: convergence it only delays the last rounds).
SMOOTHING_UNTIL = 0.0
#: Before the first exact round, smooth toward the duals of the round before.
SMOOTH_BEFORE_BOUND = True
#: Start the stability centre at each known route's requests' marginal values.
MARGINAL_CENTRE = False
#: Start from each known route less one of its requests too.
LESS_ONE = False
#: A bound this close above an integer is taken as that integer (floating point in the duals'
#: sums; far below one objective unit).
ROUNDING = 1e-3


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
    """

    bound: int | None
    relaxation: float | None
    converged: bool
    work: int
    rounds: int
    stopped_by_clock: bool = False
    columns: list[Column] = field(default_factory=list)


def route_bound(instance: Instance, *, work: int,
                out_of_time: Callable[[], bool] = lambda: False,
                routes: Iterable[tuple[int, Sequence[int]]] = (),
                target: int | None = None, ng_size: int = NG_SIZE,
                first_bound_work: int | None = None,
                smoothing: float | None = None, less_one: bool | None = None) -> RouteBound:
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
        such as the heuristic's agenda.
    target
        The objective of a known agenda: the generation stops as soon as the bound reaches
        it (the agenda is then proven optimal).
    ng_size
        Size of the ng-neighbourhoods (elementarity is relaxed outside them).
    first_bound_work
        Work after which the generation gives up when no exact round has given a bound yet
        (``None``: all of ``work``): a relaxation too slow to price exactly returns the rest
        of its share to CP-SAT. Counted in work, so the same input gives up at the same point.
    smoothing
        Weight of the stability centre in the duals the days are priced at (``None``:
        ``SMOOTHING``).
    less_one
        Also start from each known route less one of its requests (``None``: ``LESS_ONE``).
    """
    alpha = SMOOTHING if smoothing is None else smoothing
    less_one = LESS_ONE if less_one is None else less_one
    smoothing_until = SMOOTHING_UNTIL
    days = [pricing_day(instance, day.index, ng_size) for day in instance.days]
    # The parts of one guest's day share its cap (a delegation's guests each have their own).
    parts = {tuple(instance.siblings(day.index)) for day in instance.days}
    split = {members[0]: list(members) for members in sorted(parts) if len(members) > 1}
    penalty = 2.0 * instance.value_weight * sum(r.value for r in instance.requests) + 1e6
    master = Master(days, [r.mandatory for r in instance.requests], instance.cap, split, penalty)
    node_of = [{request: node for node, request in enumerate(day.requests) if request >= 0}
               for day in days]
    for day in days:
        master.add(day, ())
    marginal_duals = [0.0] * len(instance.requests)
    marginal_days = [float(day.empty_cost) for day in days]
    for day_index, requests in routes:
        nodes = [node_of[day_index].get(r) for r in requests]
        if all(n is not None for n in nodes) and nodes:
            master.add(days[day_index], tuple(nodes))
            whole = days[day_index].route_cost(list(nodes))
            marginal_days[day_index] = float(whole)
            for left_out, request in enumerate(requests):
                rest = nodes[:left_out] + nodes[left_out + 1:]
                gain = max(0.0, whole - days[day_index].route_cost(rest))
                marginal_duals[request] = gain
                marginal_days[day_index] -= gain
            if less_one and len(nodes) > 1:
                for left_out in range(len(nodes)):
                    master.add(days[day_index], tuple(nodes[:left_out] + nodes[left_out + 1:]))

    critical = [0] * len(days)
    # The best reduced cost each day's last pricing found: the fast rounds price the most
    # promising days first, so their routes come first in the master (measured: 52 M work
    # instead of 83 M to converge on the 60-request tour, 1.36 M instead of 1.48 M on the
    # 120-request one).
    promise = [math.inf] * len(days)
    used = rounds = 0
    best: float | None = None
    converged = clock = exact = False
    centre: tuple[list[float], list[float], dict[int, float]] | None = None
    if MARGINAL_CENTRE and alpha:
        centre = (marginal_duals, marginal_days, {})
    mispriced = False
    while True:
        if out_of_time():
            clock = True
            break
        out_duals = master.solve()
        rounds += 1
        smoothed = centre is not None and bool(alpha) and not mispriced
        if smoothed:
            request_duals, day_duals, cap_duals = _mixed(centre, out_duals, alpha)
        else:
            request_duals, day_duals, cap_duals = out_duals
        total = sum(request_duals) + master.cap_term(cap_duals)
        improving = 0
        # Routes that improve the master at its own duals: a round without any mispriced.
        improving_out = 0
        try:
            order = days if exact else sorted(days, key=lambda d: (-promise[d.day.index],
                                                                   d.day.index))
            for day in order:
                index = day.day.index
                duals = [request_duals[r] if r >= 0 else 0.0 for r in day.requests]
                item_price = cap_duals.get(index, 0.0)
                floor = day_duals[index] + 1e-6
                while True:
                    budget = work if best is not None or first_bound_work is None \
                        else min(work, first_bound_work)
                    priced = price_day(day, duals, item_price, exact, budget - used,
                                       threshold=floor,
                                       out_of_time=out_of_time, critical=critical[index],
                                       best_first=True)
                    used += priced.work
                    repeated = _repeated(priced.routes)
                    if not repeated:
                        break
                    critical[index] |= repeated
                if exact:
                    total += priced.best
                promise[index] = priced.routes[0][0] - floor if priced.routes else 0.0
                for reduced, nodes in priced.routes:
                    master.add(day, nodes)
                    improving += reduced > floor
                    improving_out += _reduced(day, nodes, out_duals, index) > 1e-6
        except OutOfWork:
            used = budget  # the pricing cut short used all it was allowed
            break
        except OutOfTime:
            clock = True
            break
        if not smoothed:
            improving_out = improving
        log.debug("route bound: round %s, %s work, master %.0f, exact %s, bound %s, "
                  "improving %s (%s at the master's duals), smoothed %s, critical %s", rounds, used,
                  master.value, exact, total if exact else None, improving, improving_out,
                  smoothed, [bin(c).count("1") for c in critical])
        mispriced = smoothed and not improving_out
        if exact:
            if best is None or total < best:
                best = total
                if alpha:
                    centre = (request_duals, day_duals, cap_duals)
            if alpha and best <= master.value * (1 + smoothing_until):
                alpha = 0.0
            rounded = math.floor(best + ROUNDING)
            # The master's value is at most the relaxation's: once the bound rounds down to
            # it, no further round can lower the rounded bound.
            if (not improving and not smoothed) or (target is not None and rounded <= target) \
                    or rounded <= math.floor(master.value + ROUNDING):
                converged = True
                break
            # A smoothed exact round without improving routes at the master's duals is priced
            # again at those duals, exactly.
            exact = smoothed and not improving_out
        elif not improving_out and not smoothed:
            exact = True
        elif alpha and best is None and SMOOTH_BEFORE_BOUND:
            centre = (request_duals, day_duals, cap_duals)
    bound = None if best is None else math.floor(best + ROUNDING)
    return RouteBound(bound, master.value, converged, used, rounds, clock, list(master.columns))


def _mixed(centre, duals, alpha: float):
    """``alpha`` × the centre's duals + (1 − ``alpha``) × ``duals`` (requests, days, caps)."""
    requests = [alpha * c + (1 - alpha) * d for c, d in zip(centre[0], duals[0])]
    days = [alpha * c + (1 - alpha) * d for c, d in zip(centre[1], duals[1])]
    caps = {day: alpha * centre[2].get(day, 0.0) + (1 - alpha) * price
            for day, price in duals[2].items()}
    return requests, days, caps


def _reduced(day: PricingDay, nodes, duals, index: int) -> float:
    """The reduced cost of a route of ``day`` at the master's ``duals``, its day's dual off."""
    request_duals, day_duals, cap_duals = duals
    item_price = cap_duals.get(index, 0.0)
    reduced = day.route_cost(list(nodes)) - day_duals[index]
    for node in nodes:
        if day.kind[node] != MEAL:
            reduced -= request_duals[day.requests[node]] + item_price
    return reduced


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
