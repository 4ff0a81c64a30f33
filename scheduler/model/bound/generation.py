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

#: Work (label extensions tried and labels compared) per nominal second of the budget,
#: measured on the 2-core machines we test on while other work loaded them: 3.1 million a
#: second on the 120-request tour, 0.24-0.6 million on a 14-request test tour whose labels
#: are costlier (BENCHMARKS.md, "Proofs"). Set low, so that the budget rather than the clock
#: ends it on small tours.
LABEL_WORK_PER_SECOND = 1_000_000
#: A bound this close above an integer is taken as that integer (floating point in the duals'
#: sums; far below one objective unit).
ROUNDING = 1e-3


@dataclass(frozen=True)
class Settings:
    """How the rounds of the generation run.

    Attributes
    ----------
    heuristic_rounds
        Fast (heuristic) pricing rounds in a row before an exact one (0: every round exact).
    heuristic_day_work
        Work after which a fast pricing of one day ends with the routes found so far.
    exact_day_work
        Work after which an exact pricing of one day ends with an upper bound on its best
        route rather than the best route itself (still a valid bound, a weaker one); it is
        multiplied by four each time an exact round so cut short finds no improving route.
    idle_days
        A day whose fast pricing found no route this many times in a row is left out of the
        fast rounds until the next exact one.
    smoothing
        Wentges' dual smoothing: the pricing duals are this share of those of the best bound
        so far and the rest the master's (0: the master's).
    """

    heuristic_rounds: int = 1_000_000
    heuristic_day_work: int | None = None
    idle_days: int = 1_000_000
    smoothing: float = 0.0
    best_first: bool = True
    exact_day_work: int | None = None


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
                settings: Settings | None = None) -> RouteBound:
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
    settings
        How the rounds are run (:class:`Settings`; the defaults when ``None``).
    """
    settings = settings or Settings()
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
    for day_index, requests in routes:
        nodes = [node_of[day_index].get(r) for r in requests]
        if all(n is not None for n in nodes) and nodes:
            master.add(days[day_index], tuple(nodes))

    critical = [0] * len(days)
    idle = [0] * len(days)  # heuristic pricings in a row that found no route, by day
    promise = [math.inf] * len(days)  # the best reduced cost a pricing of the day last found
    used = rounds = heuristic_rounds = 0
    best: float | None = None
    centre: tuple[list[float], dict[int, float]] | None = None  # the duals of ``best``
    smoothing = settings.smoothing
    converged = clock = False
    exact = settings.heuristic_rounds == 0
    exact_work = settings.exact_day_work
    while True:
        if out_of_time():
            clock = True
            break
        request_duals, day_duals, cap_duals = master.solve()
        rounds += 1
        if centre is not None and smoothing > 0:
            # Wentges: price at a point between the best bound's duals and the master's.
            request_prices = [smoothing * c + (1 - smoothing) * m
                              for c, m in zip(centre[0], request_duals)]
            cap_prices = {d: smoothing * centre[1][d] + (1 - smoothing) * cap_duals[d]
                          for d in cap_duals}
        else:
            request_prices, cap_prices = request_duals, cap_duals
        total = sum(request_prices) + master.cap_term(cap_prices)
        added = improving = 0
        complete = True
        if exact:
            order = list(range(len(days)))
        else:
            order = sorted((d for d in range(len(days)) if idle[d] < settings.idle_days),
                           key=lambda d: (-promise[d], d))
        try:
            for index in order:
                day = days[index]
                duals = [request_prices[r] if r >= 0 else 0.0 for r in day.requests]
                item_price = cap_prices.get(index, 0.0)
                floor = master.best_known(index, request_prices, item_price) + 1e-6
                while True:
                    budget = work if best is not None or first_bound_work is None \
                        else min(work, first_bound_work)
                    priced = price_day(day, duals, item_price, exact, budget - used,
                                       threshold=floor, out_of_time=out_of_time,
                                       critical=critical[index],
                                       enough=exact_work if exact else settings.heuristic_day_work,
                                       best_first=settings.best_first)
                    used += priced.work
                    repeated = _repeated(priced.routes)
                    if not repeated:
                        break
                    critical[index] |= repeated
                if exact:
                    total += priced.best
                    complete = complete and priced.complete
                promise[index] = priced.routes[0][0] - floor if priced.routes else 0.0
                idle[index] = 0 if priced.routes else idle[index] + 1
                for _, nodes in priced.routes:
                    added += master.add(day, nodes)
                    improving += _improves(master, day, nodes, request_duals,
                                           cap_duals.get(index, 0.0), day_duals[index])
        except OutOfWork:
            break
        except OutOfTime:
            clock = True
            break
        log.debug("route bound: round %s, %s work, master %.0f, exact %s, bound %s, "
                  "added %s, improving %s, smoothing %s, complete %s", rounds, used, master.value,
                  exact, total if exact else None, added, improving,
                  smoothing if centre else None, complete)
        if exact:
            if best is None or total < best:
                best, centre = total, (request_prices, cap_prices)
            rounded = math.floor(best + ROUNDING)
            if target is not None and rounded <= target or \
                    rounded <= math.floor(master.value + ROUNDING) or \
                    (not improving and complete and request_prices is request_duals):
                converged = True
                break
            if not improving and not complete:
                exact_work *= 4
                continue
            if not improving:
                # Priced at smoothed duals, nothing improves the master: price at its own.
                smoothing = 0.0
                continue
            smoothing = settings.smoothing
            idle = [0] * len(days)
            heuristic_rounds = 0
            exact = settings.heuristic_rounds == 0
        else:
            heuristic_rounds += 1
            if not improving or heuristic_rounds >= settings.heuristic_rounds:
                exact = True
    bound = None if best is None else math.floor(best + ROUNDING)
    return RouteBound(bound, master.value, converged, used, rounds, clock, list(master.columns))


def _improves(master: Master, day: PricingDay, nodes, request_duals, item_price: float,
              day_dual: float) -> bool:
    """Whether the route has a positive reduced cost under the master's own duals."""
    requests = [day.requests[n] for n in nodes if day.kind[n] != MEAL]
    reduced = day.route_cost(list(nodes)) - sum(request_duals[r] for r in requests) \
        - item_price * len(requests) - day_dual
    return reduced > 1e-6


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
