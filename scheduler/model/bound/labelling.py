"""Pricing by labelling: the routes of one day with the highest reduced cost.

A label is a partial route from the day's start place: its reduced cost so far, the minute
the guest is free again, the last place an engagement was at and the minute the guest was
free after it, the remote calls and the meal since then (the leg to the next place is one
interval between them, as in the CP-SAT model's timeline: before them, between two of them
or after them), how many engagements and engagement minutes it holds, its ng-memory (the
nodes it may not visit again), whether it had the meal and whether it has an in-person
engagement. Extending a label follows the model's rules in time (set-up, buffer, travel,
start ranges, the time step) and the day's cap and minute limit; the meal, when modelled, is
a node every finished route holds. Labels are processed in order of the minute they are
free, or best first (highest cost plus completion bound: the best routes come early and
raise the floor the completion bound prunes against); a label another one dominates (better
or equal in every resource) is dropped, and so is one whose cost plus its completion bound
(:mod:`.completion`) cannot beat a route already found.

With ``PricingDay.charge_waiting`` the labels also carry the minute they are free as a
function of their departure, and a route is charged the guest's waiting at its best
departure (:mod:`.waiting`; the cost a label is pruned by then takes off the waiting every
completion has).

``exact=False`` prices heuristically: dominance on cost and time alone, which loses routes
but finds good ones fast. Only ``exact=True`` runs prove that no better route exists, and
only they give a bound.
"""

from __future__ import annotations

import bisect
import heapq
import math
from dataclasses import dataclass
from typing import Callable

from .completion import Completion
from .days import IN_PERSON, MEAL, PricingDay
from .fast_dominance import Staircases
from .reach import ReachBound, reach_of
from .waiting import SPANNED, dominance_penalty, finished_cost, first_engagement, \
    next_engagement, no_waiting, placeless, timeline_day, waiting_so_far, HOME, TRANSIT, \
    after_departure, departure, home

# The fields of a label (a list, for speed).
# LEG_READY is the minute the guest was free after the last in-person engagement (or the
# day's start). ARRIVALS is None when no call or meal came since then; otherwise, for each leg
# length from PLACE (:func:`_leg_lengths`), the earliest minute the guest can be at the leg's
# other end and free of those calls and the meal, the leg being one interval before them,
# between two of them or after them (as in the CP-SAT model's timeline).
# HOPE is its cost plus its completion bound (:class:`.completion.Completion`).
# CLOSED is MEMORY with the nodes whose last start has passed at FREE: the nodes the label can
# no longer visit, which is what dominance compares (Feillet et al.'s unreachable nodes).
COST, FREE, LEG_READY, PLACE, COUNT, MINUTES, MEMORY, ATE, WORKED, NODE, PREVIOUS, DEAD, HOPE, \
    ARRIVALS, CLOSED = range(15)


@dataclass(frozen=True, slots=True)
class Priced:
    """The result of pricing one day: its best routes and the best reduced cost of any route
    (``None`` when the pricing was not exact, or stopped on its budget)."""

    routes: list[tuple[float, tuple[int, ...]]]  # (reduced cost, nodes in order), best first
    best: float | None
    work: int
    complete: bool = True  # False: an exact pricing cut short; ``best`` is then an upper bound
    clock: bool = False  # the clock, not ``enough``, cut it short


class OutOfWork(Exception):
    """The pricing ran out of its budget of extensions."""


class OutOfTime(Exception):
    """The pricing was stopped by the clock."""


#: Extensions between two looks at the clock.
CLOCK_EVERY = 20_000
#: Nodes the completion bound looks at (:attr:`.completion.Completion.scanned`) that count as
#: one unit of work: its scan is most of a label's cost on long days, and counting it makes a
#: unit cost about the same on a tour's short days and on days of 30-60 visits.
SCANNED_PER_WORK = 2


def earliest_start(ranges, on_grid: bool, step: int, minute: int) -> int | None:
    """The first start in ``ranges`` at or after ``minute`` (on the step when ``on_grid``)."""
    if on_grid and minute % step:
        minute += step - minute % step
    for low, high in ranges:
        if minute <= high:
            return low if minute < low else minute
    return None


def _start_label(day: PricingDay, closing: "_Closing") -> list:
    """The empty route at the day's start place."""
    return [0.0, day.day.start, day.day.start, day.day.start_place, 0, 0, 0, 0, False, day.size,
            None, False, math.inf, None, closing.at(day.day.start)]


def price_day(day: PricingDay, duals: list[float], item_price: float, exact: bool,
              work_left: int, routes_wanted: int = 12, threshold: float = 1e-6,
              out_of_time: Callable[[], bool] = lambda: False, critical: int = 0,
              prune: bool = True, enough: int | None = None,
              best_first: bool = False, dominate: bool = True,
              reach_bound: bool = True) -> Priced:
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
        Asked every few thousand extensions; when it answers True, :class:`OutOfTime` is raised,
        unless the pricing is exact and has ``enough``: it then ends as ``enough`` ends it, cut
        short with its bound, and ``clock`` says so.
    critical
        Bit mask of nodes a route never visits twice, beside the ng-memory (nodes found on
        cycles of earlier pricings: the decremental relaxation of elementarity).
    prune
        Drop labels whose completion bound cannot beat a route already found (off only to
        test that the pruning loses no better route).
    enough
        After this much work the pricing ends with the routes found so far. A heuristic one
        then finds good routes sooner; an exact one returns as ``best`` the highest cost plus
        completion bound of the labels still open (every route it did not reach extends one of
        them), an upper bound on the best route, with ``complete`` False (the empty route's
        own bound when it ends before extending it). Below ``work_left`` it ends the pricing
        before the budget would raise :class:`OutOfWork`.
    best_first
        Process labels by their cost plus completion bound, highest first (the upper bound of
        a pricing cut short falls fastest), rather than by the minute they are free.
    dominate
        Drop dominated labels (off only to test dominance against the enumeration of every
        route).
    reach_bound
        In an exact pricing, also prune by the travel-aware bound of :mod:`.reach` (off only
        to measure it and to test it against the pricing without it).
    """
    size = day.size
    profit = [day.profit[n] - duals[n] - (item_price if day.kind[n] != MEAL else 0.0)
              for n in range(size)]
    kind, place, setup, duration = day.kind, day.place, day.setup, day.duration
    ranges, on_grid, ng = day.ranges, day.on_grid, day.ng
    successors, travel = day.successors, day.travel
    stride = len(travel)  # bucket keys: node and place
    arc_cost, credit, buffer, step = day.arc_cost, day.buffer_credit, day.buffer, day.step
    cap = day.cap
    minutes_cap = day.minutes_cap if day.minutes_cap is not None else 1 << 30
    # Without a daily limit the minutes are not a resource: left at 0, they never stop a
    # label from dominating another.
    minutes_of = duration if day.minutes_cap is not None else (0,) * size
    closing = _Closing(day)
    balance = day.balance_weight
    start_place, end_place = day.day.start_place, day.day.end_place
    need_meal = 1 if day.has_meal else 0
    # The fast pricing orders and prunes by the cap's bound alone: the knapsack over the
    # time left was most of its work (its scan is long) for little it changed there.
    bounds = Completion(day, profit, by_time=exact) if prune else None
    # The exact pricing also bounds by the travel and the start ranges (:mod:`.reach`).
    reach = reach_of(day) if prune and exact and reach_bound else None
    paths = ReachBound(day, reach, profit) if reach is not None else None
    floor_cost = threshold
    start = _start_label(day, closing)
    work = paths.work if paths is not None else 0
    if bounds is not None:
        # The empty route's own bound: what a pricing cut short before extending it gives.
        start[HOPE] = bounds.still(start)
        work += bounds.scanned // SCANNED_PER_WORK
        if paths is not None:
            start[HOPE] = min(start[HOPE], paths.still(start))
    waiting = day.charge_waiting
    if waiting:
        start += no_waiting()
    timeline = timeline_day(day)
    spare = 0 if timeline else buffer
    span_weight = day.span_weight
    buckets: dict[int, list[list]] = {size: [start]}  # exact: by node and place
    staircases: dict[int, Staircases] = {}  # fast: by node (:mod:`.fast_dominance`)
    legs: dict[int, tuple[tuple[int, ...], dict[int, int]]] = {}  # place -> leg lengths, index
    queue = [(-math.inf if best_first else day.day.start, 0, start)]
    serial = 1
    next_check = CLOCK_EVERY
    timed_out = False
    finished: list[tuple[float, list]] = []
    if not need_meal:
        finished.append((-arc_cost * travel[start_place][end_place], start))  # no waiting
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
        if enough is not None and work > enough:
            queue.append((0, 0, label))  # still open
            break
        if work > work_left:
            raise OutOfWork
        if work > next_check:
            next_check = work + CLOCK_EVERY
            if out_of_time():
                if not exact or enough is None:
                    raise OutOfTime
                queue.append((0, 0, label))  # still open
                timed_out = True
                break
        transit = label[TRANSIT] if waiting else -1
        at_home = waiting and label[HOME]
        leaving = waiting and timeline and not worked and transit < 0
        targets = successors[node]
        if leaving:
            targets = targets + tuple(-2 - n for n in targets)
        elif waiting and worked and timeline and not at_home:
            targets = targets + (-1,)  # back to the end place, calls and meal to come
        for target in targets:
            if target == -1:
                moving = travel[at][end_place]
                fields = home(day, label, moving)
                if fields is None:
                    continue
                arrival = free + moving
                made = ([label[COST] - arc_cost * moving, arrival, arrival, end_place, count,
                         minutes, memory, ate, True, node, label, False, 0.0, None,
                         0] + fields,)
                target = -1 - node - 2 * size * (size + 1)  # its own bucket and staircase
            elif target < 0:  # -2 - node: leave now for ``node``, calls and meal on the way
                target = -2 - target
                if kind[target] != IN_PERSON or memory >> target & 1 or count >= cap:
                    continue
                moving = travel[at][place[target]]
                new = [label[COST], free + moving, free + moving, at, count, minutes, memory,
                       ate, False, node, label, False, 0.0, None, 0] \
                    + departure(day, label, target, moving)
                made = (new,)
                target = -2 - target - size * node  # its own bucket and staircase
            elif memory >> target & 1 or (transit >= 0 and kind[target] == IN_PERSON
                                           and target != transit):
                continue
            else:
                made = None
            target_kind = kind[target] if target >= 0 else -1
            if made is not None:
                pass
            elif target_kind == MEAL:
                if ate:
                    continue
                begin = earliest_start(ranges[target], False, step, free)
                if begin is None:
                    continue
                new = [label[COST], begin + duration[target], leg_ready, at,
                       count, minutes, memory, 1, worked, target, label, False, 0.0, None, 0]
                new[ARRIVALS] = None if transit >= 0 or at_home else \
                    _arrivals(day, label, target, new[FREE], legs)
                if waiting:
                    new += placeless(day, label, target)
                made = (new,)
            else:
                if count >= cap or minutes + minutes_of[target] > minutes_cap:
                    continue
                gain = profit[target] - balance * (2 * count + 1)
                memory_after = (memory & (ng[target] | critical)) | (1 << target)
                if target_kind == IN_PERSON:
                    if at_home:
                        continue
                    moving = travel[at][place[target]]
                    if transit >= 0:
                        ready = free  # arrived, the calls and the meal done
                    elif waiting and not worked:
                        ready = free + moving  # the leg after the calls and the meal so far
                    elif label[ARRIVALS] is None:
                        ready = leg_ready + moving
                        if ready < free:
                            ready = free
                    else:
                        ready = label[ARRIVALS][legs[at][1][moving]]
                        if ready == math.inf:
                            continue
                    begin = earliest_start(ranges[target], on_grid[target], step,
                                           ready + setup[target])
                    if begin is None:
                        continue
                    gain -= arc_cost * moving
                    if not worked:
                        gain += credit
                    made = []
                    for begin, range_end in (_range_starts(ranges[target], begin, exact)
                                             if waiting else ((begin, 0),)):
                        end = begin + duration[target] + buffer
                        new = [label[COST] + gain, end, end, place[target], count + 1,
                               minutes + minutes_of[target], memory_after, ate, True, target,
                               label, False, 0.0, None, 0]
                        if not waiting:
                            pass
                        elif worked:
                            new += next_engagement(day, label, target, range_end, moving)
                        elif transit >= 0:
                            new += after_departure(day, label, target, begin, range_end,
                                                   moving)
                        else:
                            new += first_engagement(day, target, begin, range_end, moving)
                        made.append(new)
                else:
                    begin = earliest_start(ranges[target], on_grid[target], step,
                                           free + setup[target])
                    if begin is None:
                        continue
                    new = [label[COST] + gain, begin + duration[target] + buffer,
                           leg_ready, at, count + 1, minutes + minutes_of[target], memory_after,
                           ate, worked, target, label, False, 0.0, None, 0]
                    new[ARRIVALS] = None if transit >= 0 or at_home else \
                        _arrivals(day, label, target, new[FREE], legs)
                    if waiting:
                        new += placeless(day, label, target)
                    made = (new,)
            for new in made:
                new[CLOSED] = new[MEMORY] | closing.at(new[FREE])
                cost = new[COST]
                moving = 0 if waiting and new[HOME] else travel[new[PLACE]][end_place]
                if new[ATE] >= need_meal and not (waiting and new[TRANSIT] >= 0) and (
                        _home_in_time(day, new, moving, legs)
                        if not (waiting and timeline and new[WORKED])
                        else new[HOME] or new[FREE] + moving <= day.day.end):
                    # A finished route is kept even if a label dominates it later: the floor
                    # below which labels are dropped is always the cost of a route in the list.
                    if waiting:
                        final = finished_cost(day, new, moving, timeline)
                    else:
                        final = cost - arc_cost * moving
                    finished.append((final, new))
                    if final > floor_cost:
                        floor_cost = final
                work += 1
                if waiting:
                    cost -= span_weight * waiting_so_far(new, spare)
                if bounds is not None:
                    scanned = bounds.scanned
                    hope = cost + bounds.still(new, floor_cost)
                    work += (bounds.scanned - scanned) // SCANNED_PER_WORK
                    if paths is not None and hope > floor_cost:
                        further = paths.still(new)
                        work += 1
                        if cost + further < hope:
                            hope = cost + further
                else:
                    hope = math.inf
                if hope <= floor_cost:
                    continue
                new[HOPE] = hope
                if not dominate:
                    pass
                elif not exact:
                    stair_key = target if not waiting or new[TRANSIT] < 0 \
                        else (target, new[TRANSIT])
                    stairs = staircases.get(stair_key)
                    if stairs is None:
                        stairs = staircases[stair_key] = Staircases()
                    kept, compared = stairs.offer(new, credit)
                    work += compared
                    if not kept:
                        continue
                else:
                    key = target * stride + new[PLACE] if not waiting or new[TRANSIT] < 0 \
                        else (target, new[TRANSIT])
                    bucket = buckets.get(key)
                    if bucket is None:
                        buckets[key] = [new]
                    else:
                        work += len(bucket)
                        if waiting:
                            lengths = legs[new[PLACE]][0] if new[PLACE] in legs else None
                            if _dominated_waiting(new, bucket, day, lengths):
                                continue
                            buckets[key] = _survivors_waiting(new, bucket, day, lengths)
                        else:
                            if _dominated(new, bucket, credit):
                                continue
                            buckets[key] = _survivors(new, bucket, credit)
                heapq.heappush(queue, (-hope if best_first else new[FREE], serial, new))
                serial += 1
    finished.sort(key=lambda item: -item[0])
    # Labels at or below the threshold were dropped: the best route is then known only to
    # lie at or below it, which is what a bound needs.
    best = max(finished[0][0], threshold) if finished else threshold
    complete = True
    if queue and (timed_out or enough is not None and work > enough):
        complete = False
        best = max([best] + [label[HOPE] for _, _, label in queue if not label[DEAD]])
    routes = []
    seen = set()
    for cost, label in finished:
        if cost <= threshold or len(routes) >= routes_wanted:
            break
        nodes = []
        while label[NODE] != size:
            if not (waiting and (label[TRANSIT] >= 0 and label[PREVIOUS][TRANSIT] < 0
                                 or label[HOME] and not label[PREVIOUS][HOME])):
                nodes.append(label[NODE])  # a departure or a return visits no node
            label = label[PREVIOUS]
        nodes.reverse()
        key = tuple(sorted(nodes))
        if key in seen:
            continue
        seen.add(key)
        routes.append((cost, tuple(nodes)))
    return Priced(routes, best if exact else None, work, complete, timed_out)


def _leg_lengths(day: PricingDay, place: int, legs: dict) -> tuple[tuple[int, ...], dict[int, int]]:
    """The lengths of the legs that may leave ``place`` (to an in-person node or the day's
    end place), and each one's position among them."""
    known = legs.get(place)
    if known is None:
        row = day.travel[place]
        lengths = tuple(sorted({row[day.place[n]] for n in range(day.size) if day.kind[n] == IN_PERSON}
                               | {row[day.day.end_place]}))
        known = legs[place] = (lengths, {length: i for i, length in enumerate(lengths)})
    return known


def _arrivals(day: PricingDay, label: list, node: int, free: int, legs: dict) -> tuple[float, ...]:
    """The ARRIVALS of ``label`` extended by the call or meal ``node`` (free after it at
    ``free``): for each leg length, the leg goes before the node (somewhere among the earlier
    ones, then the node at its earliest after arriving) or after it.

    The earliest start is monotone in the minute, so placing each call at its earliest in
    its turn gives the earliest any schedule of that order reaches; two labels whose
    ARRIVALS and free minute compare so keep comparing after any further call or meal."""
    lengths, _ = _leg_lengths(day, label[PLACE], legs)
    before = label[ARRIVALS]
    if before is None:
        before = [label[LEG_READY] + length for length in lengths]
    # Both ``before`` and ``lengths`` rise along the list (by induction from the leg-ready
    # minute plus each length), so the node's start ranges are walked once, not searched
    # for each leg: the same minutes as placing the node at its earliest after each arrival.
    ranges = day.ranges[node]
    if not ranges:
        return tuple(free + length for length in lengths)
    if day.kind[node] == MEAL:
        shift, extra, on_grid = 0, day.duration[node], False
    else:
        shift, extra = day.setup[node], day.duration[node] + day.buffer
        on_grid = day.on_grid[node]
    step = day.step
    last = len(ranges)
    position = 0
    low, high = ranges[0]
    arrivals = []
    for arrival, length in zip(before, lengths):
        direct = free + length
        minute = arrival + shift
        if on_grid and minute % step:
            minute += step - minute % step
        while minute > high:
            position += 1
            if position == last:
                break
            low, high = ranges[position]
        if position == last:  # past the last start: every later leg goes after the node
            arrivals.extend(free + length for length in lengths[len(arrivals):])
            break
        after = (low if minute < low else minute) + extra
        arrivals.append(after if after < direct else direct)
    return tuple(arrivals)


def _home_in_time(day: PricingDay, label: list, moving: int, legs: dict) -> bool:
    """Whether the leg back to the day's end place can arrive by the day's end. With calls
    or the meal since the last place, the guest must be free of them by the day's end and
    one buffer (a call ends by the day's end; its buffer may run past it)."""
    if not moving:
        return True
    if label[ARRIVALS] is None:
        return label[FREE] + moving <= day.day.end
    lengths, index = _leg_lengths(day, label[PLACE], legs)
    return label[ARRIVALS][index[moving]] <= day.day.end + day.buffer


def _dominated(new: list, bucket: list[list], credit: float) -> bool:
    """Whether a label of ``bucket`` (same node and place) is at least as good as ``new`` in
    every resource (the exact dominance; the fast one is :mod:`.fast_dominance`)."""
    cost, free, ate, worked = new[COST] - 1e-9, new[FREE], new[ATE], new[WORKED]
    count, minutes, closed = new[COUNT], new[MINUTES], new[CLOSED]
    for old in bucket:
        if old[FREE] <= free and old[ATE] >= ate and old[COUNT] <= count \
                and (old[COST] - credit if old[WORKED] and not worked else old[COST]) >= cost \
                and old[MINUTES] <= minutes and not old[MEMORY] & ~closed \
                and _earlier(old[ARRIVALS], new[ARRIVALS]):
            return True
    return False


def _survivors(new: list, bucket: list[list], credit: float) -> list[list]:
    """``bucket`` without the labels ``new`` dominates (marked dead), and ``new``."""
    cost, free, ate, worked = new[COST] + 1e-9, new[FREE], new[ATE], new[WORKED]
    count, minutes, memory = new[COUNT], new[MINUTES], new[MEMORY]
    kept = []
    for old in bucket:
        if free <= old[FREE] and ate >= old[ATE] \
                and (cost - credit if worked and not old[WORKED] else cost) >= old[COST] \
                and count <= old[COUNT] and minutes <= old[MINUTES] \
                and not memory & ~old[CLOSED] and _earlier(new[ARRIVALS], old[ARRIVALS]):
            old[DEAD] = True
        else:
            kept.append(old)
    kept.append(new)
    return kept


def _range_starts(ranges, begin: int, every: bool):
    """With waiting charged, an engagement's starts one per start range: ``begin`` (its
    earliest) in its range, and (``every``) the opening of each later range, with each
    range's end. The fast pricing takes the earliest alone (its routes are charged at least
    their cost, and it has fewer labels)."""
    starts = []
    for low, high in ranges:
        if high < begin:
            continue
        if not every:
            return [(begin, high)]
        starts.append((begin if low <= begin else low, high))
    return starts


def _dominated_waiting(new: list, bucket: list[list], day: PricingDay, lengths) -> bool:
    """:func:`_dominated` with waiting charged: the cost compared without the span, and the
    waiting functions (:func:`.waiting.dominates`); labels compared only when both have, or
    both have not, an in-person engagement."""
    worked, free, ate = new[WORKED], new[FREE], new[ATE]
    weight = day.span_weight
    cost = new[COST] + weight * new[SPANNED] - 1e-9
    count, minutes, closed = new[COUNT], new[MINUTES], new[CLOSED]
    for old in bucket:
        if old[WORKED] == worked and old[FREE] <= free and old[ATE] >= ate \
                and old[COUNT] <= count and old[COST] + weight * old[SPANNED] >= cost \
                and old[MINUTES] <= minutes and not old[MEMORY] & ~closed \
                and _earlier(old[ARRIVALS], new[ARRIVALS]):
            if old[TRANSIT] != new[TRANSIT]:
                continue
            if not worked and new[TRANSIT] < 0:
                return True
            penalty = dominance_penalty(old, new, day.step, lengths)
            if penalty is not None and \
                    old[COST] + weight * (old[SPANNED] - penalty) >= cost:
                return True
    return False


def _survivors_waiting(new: list, bucket: list[list], day: PricingDay, lengths) -> list[list]:
    """:func:`_survivors` with waiting charged (see :func:`_dominated_waiting`)."""
    worked, free, ate = new[WORKED], new[FREE], new[ATE]
    weight = day.span_weight
    cost = new[COST] + weight * new[SPANNED] + 1e-9
    count, minutes, memory = new[COUNT], new[MINUTES], new[MEMORY]
    kept = []
    for old in bucket:
        if old[WORKED] == worked and free <= old[FREE] and ate >= old[ATE] \
                and cost >= old[COST] + weight * old[SPANNED] \
                and count <= old[COUNT] and minutes <= old[MINUTES] \
                and not memory & ~old[CLOSED] and _earlier(new[ARRIVALS], old[ARRIVALS]):
            if old[TRANSIT] != new[TRANSIT]:
                kept.append(old)
                continue
            penalty = dominance_penalty(new, old, day.step, lengths) \
                if worked or new[TRANSIT] >= 0 else 0
            if penalty is not None and cost - weight * penalty >= old[COST] + weight * old[SPANNED]:
                old[DEAD] = True
                continue
        kept.append(old)
    kept.append(new)
    return kept


class _Closing:
    """The nodes of a day whose last start has passed at a given minute, as a bit mask: a
    label free then cannot visit them, whatever its memory says."""

    def __init__(self, day: PricingDay) -> None:
        latest = sorted((day.ranges[n][-1][1] - day.setup[n], n) for n in range(day.size))
        self.latest = [minute for minute, _ in latest]
        self.masks = [0]
        for _, node in latest:
            self.masks.append(self.masks[-1] | 1 << node)

    def at(self, minute: int) -> int:
        """Bit mask of the nodes whose last start less set-up is before ``minute``."""
        return self.masks[bisect.bisect_left(self.latest, minute)]


def _earlier(first, second) -> bool:
    """Whether the ARRIVALS ``first`` are no later than ``second`` for every leg (labels of
    one bucket share their place, so their legs are the same)."""
    if first is None or second is None:
        return first is None and second is None
    return all(a <= b for a, b in zip(first, second))
