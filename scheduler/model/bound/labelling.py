"""Pricing by labelling: the routes of one day with the highest reduced cost.

A label is a partial route from the day's start place: its reduced cost so far, the minute
the guest is free again, the last place an engagement was at and when a leg from it could
start at the earliest (remote calls and the meal in between delay the leg, never the other
way round), how many engagements and engagement minutes it holds, its ng-memory (the nodes
it may not visit again), whether it had the meal and whether it has an in-person engagement.
Extending a label follows the model's rules in time (set-up, buffer, travel, start ranges,
the time step) and the day's cap and minute limit; the meal, when modelled, is a node every
finished route holds. Labels are processed in order of the minute they are free; a label
another one dominates (better or equal in every resource) is dropped, and so is one whose
cost plus its completion bound (:mod:`.completion`) cannot beat a route already found.

``exact=False`` prices heuristically: dominance on cost and time alone, which loses routes
but finds good ones fast. Only ``exact=True`` runs prove that no better route exists, and
only they give a bound.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Callable

from .completion import Completion
from .days import IN_PERSON, MEAL, PricingDay

# The fields of a label (a list, for speed).
# HOPE is its cost plus its completion bound (:class:`.completion.Completion`).
COST, FREE, LEG_READY, PLACE, COUNT, MINUTES, MEMORY, ATE, WORKED, NODE, PREVIOUS, DEAD, HOPE = \
    range(13)


@dataclass(frozen=True, slots=True)
class Priced:
    """The result of pricing one day: its best routes and the best reduced cost of any route
    (``None`` when the pricing was not exact, or stopped on its budget)."""

    routes: list[tuple[float, tuple[int, ...]]]  # (reduced cost, nodes in order), best first
    best: float | None
    work: int


class OutOfWork(Exception):
    """The pricing ran out of its budget of extensions."""


class OutOfTime(Exception):
    """The pricing was stopped by the clock."""


#: Extensions between two looks at the clock.
CLOCK_EVERY = 20_000


def earliest_start(ranges, on_grid: bool, step: int, minute: int) -> int | None:
    """The first start in ``ranges`` at or after ``minute`` (on the step when ``on_grid``)."""
    if on_grid and minute % step:
        minute += step - minute % step
    for low, high in ranges:
        if minute <= high:
            return low if minute < low else minute
    return None


def price_day(day: PricingDay, duals: list[float], item_price: float, exact: bool,
              work_left: int, routes_wanted: int = 12, threshold: float = 1e-6,
              out_of_time: Callable[[], bool] = lambda: False, critical: int = 0,
              prune: bool = True) -> Priced:
    """Routes of ``day`` whose reduced cost is above ``threshold``.

    Parameters
    ----------
    day
        The day's pricing data.
    duals
        By node: the master's price of serving that request (0 for the meal).
    item_price
        The master's price of one more engagement on this day (the cap of a split day).
    exact
        Full dominance (a proof that no better route exists) or the fast heuristic one.
    work_left
        Work allowed (extensions tried plus labels compared for dominance); beyond it
        :class:`OutOfWork` is raised.
    routes_wanted
        At most this many routes are returned, best first.
    threshold
        Only routes with a reduced cost above it are returned.
    out_of_time
        Asked every few thousand extensions; when it answers True, :class:`OutOfTime` is raised.
    critical
        Bit mask of nodes a route never visits twice, beside the ng-memory (nodes found on
        cycles of earlier pricings: the decremental relaxation of elementarity).
    prune
        Drop labels whose completion bound cannot beat a route already found (off only to
        test that the pruning loses no better route).
    """
    size = day.size
    profit = [day.profit[n] - duals[n] - (item_price if day.kind[n] != MEAL else 0.0)
              for n in range(size)]
    kind, place, setup, duration = day.kind, day.place, day.setup, day.duration
    occupancy, ranges, on_grid, ng = day.occupancy, day.ranges, day.on_grid, day.ng
    successors, travel = day.successors, day.travel
    stride = len(travel)  # bucket keys: node and place
    arc_cost, credit, buffer, step = day.arc_cost, day.buffer_credit, day.buffer, day.step
    cap = day.cap
    minutes_cap = day.minutes_cap if day.minutes_cap is not None else 1 << 30
    balance = day.balance_weight
    start_place, end_place = day.day.start_place, day.day.end_place
    need_meal = 1 if day.has_meal else 0
    bounds = Completion(day, profit) if prune else None
    floor_cost = threshold
    start = [0.0, day.day.start, day.day.start, start_place, 0, 0, 0, 0, False, size, None,
             False, math.inf]
    buckets: dict[int, list[list]] = {size: [start]}
    queue = [(day.day.start, 0, start)]
    serial = 1
    work = 0
    next_check = CLOCK_EVERY
    finished: list[tuple[float, list]] = []
    if not need_meal:
        finished.append((-arc_cost * travel[start_place][end_place], start))
        floor_cost = max(floor_cost, finished[0][0])
    while queue:
        _, _, label = heapq.heappop(queue)
        if label[DEAD] or label[HOPE] <= floor_cost:
            continue
        node = label[NODE]
        free, leg_ready, at = label[FREE], label[LEG_READY], label[PLACE]
        count, minutes, memory, ate, worked = label[COUNT], label[MINUTES], label[MEMORY], \
            label[ATE], label[WORKED]
        work += len(successors[node])
        if work > work_left:
            raise OutOfWork
        if work > next_check:
            next_check = work + CLOCK_EVERY
            if out_of_time():
                raise OutOfTime
        for target in successors[node]:
            if memory >> target & 1:
                continue
            target_kind = kind[target]
            if target_kind == MEAL:
                if ate:
                    continue
                begin = earliest_start(ranges[target], False, step, free)
                if begin is None:
                    continue
                new = [label[COST], begin + duration[target], leg_ready + occupancy[target], at,
                       count, minutes, memory, 1, worked, target, label, False, 0.0]
            else:
                if count >= cap or minutes + duration[target] > minutes_cap:
                    continue
                gain = profit[target] - balance * (2 * count + 1)
                if target_kind == IN_PERSON:
                    moving = travel[at][place[target]]
                    ready = leg_ready + moving
                    begin = earliest_start(ranges[target], on_grid[target], step,
                                           (ready if ready > free else free) + setup[target])
                    if begin is None:
                        continue
                    gain -= arc_cost * moving
                    if not worked:
                        gain += credit
                    end = begin + duration[target] + buffer
                    new = [label[COST] + gain, end, end, place[target], count + 1,
                           minutes + duration[target], 0, ate, True, target, label, False, 0.0]
                else:
                    begin = earliest_start(ranges[target], on_grid[target], step,
                                           free + setup[target])
                    if begin is None:
                        continue
                    new = [label[COST] + gain, begin + duration[target] + buffer,
                           leg_ready + occupancy[target], at, count + 1,
                           minutes + duration[target], 0, ate, worked, target, label, False,
                           0.0]
                new[MEMORY] = (memory & (ng[target] | critical)) | (1 << target)
            cost = new[COST]
            if new[ATE] >= need_meal:
                # A finished route is kept even if a label dominates it later: the floor
                # below which labels are dropped is always the cost of a route in the list.
                final = cost - arc_cost * travel[new[PLACE]][end_place]
                finished.append((final, new))
                if final > floor_cost:
                    floor_cost = final
            work += 1
            hope = cost + bounds.still(new) if bounds is not None else math.inf
            if hope <= floor_cost:
                continue
            new[HOPE] = hope
            key = target if not exact else target * stride + new[PLACE]
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [new]
            else:
                work += len(bucket)
                if _dominated(new, bucket, credit, exact):
                    continue
                buckets[key] = _survivors(new, bucket, credit, exact)
            heapq.heappush(queue, (new[FREE], serial, new))
            serial += 1
    finished.sort(key=lambda item: -item[0])
    # Labels at or below the threshold were dropped: the best route is then known only to
    # lie at or below it, which is what a bound needs.
    best = max(finished[0][0], threshold) if finished else threshold
    routes = []
    seen = set()
    for cost, label in finished:
        if cost <= threshold or len(routes) >= routes_wanted:
            break
        nodes = []
        while label[NODE] != size:
            nodes.append(label[NODE])
            label = label[PREVIOUS]
        nodes.reverse()
        key = tuple(sorted(nodes))
        if key in seen:
            continue
        seen.add(key)
        routes.append((cost, tuple(nodes)))
    return Priced(routes, best if exact else None, work)


def _dominated(new: list, bucket: list[list], credit: float, exact: bool) -> bool:
    """Whether a label of ``bucket`` (same node, and same place when ``exact``) is at least
    as good as ``new`` in every resource (in cost and time alone when not ``exact``)."""
    cost, free, ate, worked = new[COST] - 1e-9, new[FREE], new[ATE], new[WORKED]
    if not exact:
        for old in bucket:
            if old[FREE] <= free and old[ATE] >= ate and \
                    (old[COST] - credit if old[WORKED] and not worked else old[COST]) >= cost:
                return True
        return False
    leg_ready, count, minutes, memory = new[LEG_READY], new[COUNT], new[MINUTES], new[MEMORY]
    for old in bucket:
        if old[FREE] <= free and old[ATE] >= ate and old[COUNT] <= count \
                and (old[COST] - credit if old[WORKED] and not worked else old[COST]) >= cost \
                and old[LEG_READY] <= leg_ready and old[MINUTES] <= minutes \
                and not old[MEMORY] & ~memory:
            return True
    return False


def _survivors(new: list, bucket: list[list], credit: float, exact: bool) -> list[list]:
    """``bucket`` without the labels ``new`` dominates (marked dead), and ``new``."""
    cost, free, ate, worked = new[COST] + 1e-9, new[FREE], new[ATE], new[WORKED]
    leg_ready, count, minutes, memory = new[LEG_READY], new[COUNT], new[MINUTES], new[MEMORY]
    kept = []
    for old in bucket:
        if free <= old[FREE] and ate >= old[ATE] \
                and (cost - credit if worked and not old[WORKED] else cost) >= old[COST] \
                and (not exact or (count <= old[COUNT] and leg_ready <= old[LEG_READY]
                                   and minutes <= old[MINUTES] and not memory & ~old[MEMORY])):
            old[DEAD] = True
        else:
            kept.append(old)
    kept.append(new)
    return kept
