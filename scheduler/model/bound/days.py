"""One model day as the route pricing sees it: its nodes, their costs and who may follow whom."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..instance import DayData, Instance

IN_PERSON, REMOTE, MEAL = 0, 1, 2

#: Size of each node's ng-neighbourhood: a route may come back to a node only after visiting
#: one that does not count it among its nearest. Any size keeps the bound valid; a larger one
#: makes routes closer to elementary (a tighter bound) at the cost of more labels.
NG_SIZE = 8


@dataclass(frozen=True, slots=True)
class PricingDay:
    """The day's nodes (requests, and the meal as a last node when it is modelled) with what
    the labelling needs, in lists indexed by node.

    ``profit`` is each node's part of the route's objective before duals: the value, less
    the span its engagement surely adds for an in-person one (set-up, duration and buffer);
    ``arc_cost`` is what a minute of travel costs (travel and span weights together).
    """

    day: DayData
    requests: tuple[int, ...]  # request index of each node (-1 for the meal)
    kind: tuple[int, ...]
    place: tuple[int, ...]  # the place of an in-person node, -1 otherwise
    setup: tuple[int, ...]
    duration: tuple[int, ...]
    occupancy: tuple[int, ...]  # minutes the guest is busy: set-up, duration and buffer
    ranges: tuple[tuple[tuple[int, int], ...], ...]
    on_grid: tuple[bool, ...]  # starts are multiples of the time step
    profit: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]  # by node; the last entry is the day's start
    ng: tuple[int, ...]  # bit masks of each node's neighbourhood (itself included)
    travel: tuple[tuple[int, ...], ...]
    arc_cost: int
    buffer_credit: int  # span minutes of one buffer, given back once a route has an engagement
    empty_cost: int  # the objective of the day with nothing on it
    has_meal: bool
    buffer: int
    step: int
    cap: int
    minutes_cap: int | None
    balance_weight: int
    span_weight: int = 0
    charge_waiting: bool = False  # the pricing and the columns charge waiting (:mod:`.waiting`)
    #: What the pricing derives from the day once and keeps (:func:`.reach.reach_of`).
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.requests)

    def route_cost(self, nodes: list[int]) -> int:
        """The relaxed objective of a route visiting ``nodes`` in this order (the column's cost:
        at least the objective of any agenda of the day serving them in that order)."""
        place = self.day.start_place
        cost = 0
        in_person = False
        count = 0
        for node in nodes:
            cost += self.profit[node]
            if self.kind[node] != MEAL:
                cost -= self.balance_weight * (2 * count + 1)
                count += 1
            if self.kind[node] == IN_PERSON:
                cost -= self.arc_cost * self.travel[place][self.place[node]]
                place = self.place[node]
                if not in_person:
                    cost += self.buffer_credit
                    in_person = True
        return cost - self.arc_cost * self.travel[place][self.day.end_place]

    def allows(self, nodes: tuple[int, ...] | list[int]) -> bool:
        """Whether the pricing's fixed rules allow a route visiting ``nodes`` in this order
        (the meal, when given, at its place): each node at most once, each after the one
        before it as the successors allow (from the day's start), at most the cap's
        engagements and the minute limit's minutes. A route the day can really do passes
        (the meal only delays what follows it); a known route that fails is not the
        relaxation's and is not given to the master."""
        size = len(self.requests)
        if len(set(nodes)) != len(nodes):
            return False
        count = minutes = 0
        previous = size  # the day's start
        for node in nodes:
            if not 0 <= node < size:
                return False
            if self.kind[node] == MEAL:
                continue
            if node not in self.successors[previous]:
                return False
            previous = node
            count += 1
            minutes += self.duration[node]
        return count <= self.cap and (self.minutes_cap is None or minutes <= self.minutes_cap)


def _meal_range(day: DayData) -> tuple[int, int] | None:
    """The meal's start range when it lies inside the day's hours (else it is left out)."""
    if not day.has_meal:
        return None
    low = max(day.meal_earliest, day.start)
    high = min(day.meal_latest, day.end) - day.meal_minutes
    return (low, high) if low <= high else None


def pricing_day(instance: Instance, day_index: int, ng_size: int = NG_SIZE,
                charge_waiting: bool = False) -> PricingDay:
    """The pricing data of model day ``day_index`` of ``instance`` (``charge_waiting``: its
    routes' spans include waiting, :mod:`.waiting`)."""
    day = instance.days[day_index]
    travel = instance.travel
    buffer = instance.buffer
    span_weight = instance.span_weight
    candidates = instance.candidates(day_index)
    step = instance.step
    requests, kind, place, setup, duration, occupancy, ranges, on_grid, profit = \
        [], [], [], [], [], [], [], [], []
    for request in candidates:
        starts = request.starts[day_index]
        requests.append(request.index)
        kind.append(REMOTE if request.remote else IN_PERSON)
        place.append(-1 if request.remote else request.place)
        setup.append(request.setup)
        duration.append(request.duration)
        occupancy.append(request.setup + request.duration + buffer)
        ranges.append(starts)
        on_grid.append(step > 1 and all(low % step == 0 and high % step == 0 for low, high in starts))
        busy = 0 if request.remote else request.setup + request.duration + buffer
        profit.append(instance.value_weight * request.value - span_weight * busy)
    meal = _meal_range(day)
    if meal is not None:
        requests.append(-1)
        kind.append(MEAL)
        place.append(-1)
        setup.append(0)
        duration.append(day.meal_minutes)
        occupancy.append(day.meal_minutes)
        ranges.append((meal,))
        on_grid.append(False)
        profit.append(0)
    size = len(requests)
    successors = []
    for a in range(size + 1):
        following = []
        for b in range(size):
            if a == b:
                continue
            if a < size and kind[a] == IN_PERSON and kind[b] == IN_PERSON:
                earliest_end = ranges[a][0][0] + duration[a] + buffer
                if earliest_end + travel[place[a]][place[b]] > ranges[b][-1][1] - setup[b]:
                    continue
            elif a < size:
                if ranges[a][0][0] + duration[a] + (buffer if kind[a] != MEAL else 0) \
                        > ranges[b][-1][1] - setup[b]:
                    continue
            following.append(b)
        successors.append(tuple(following))
    return PricingDay(
        day, tuple(requests), tuple(kind), tuple(place), tuple(setup), tuple(duration),
        tuple(occupancy), tuple(ranges), tuple(on_grid), tuple(profit), tuple(successors),
        _neighbourhoods(kind, place, ranges, travel, ng_size), travel,
        instance.travel_weight + span_weight, span_weight * buffer,
        -(instance.travel_weight + span_weight) * travel[day.start_place][day.end_place],
        meal is not None, buffer, step, instance.cap, instance.minutes_cap, instance.balance_weight,
        span_weight, charge_waiting)


def _neighbourhoods(kind, place, ranges, travel, ng_size: int) -> tuple[int, ...]:
    """Each node's ng-set: itself and the ``ng_size`` nodes nearest in place and time."""
    size = len(kind)
    masks = []
    for a in range(size):
        def distance(b: int) -> tuple[int, int]:
            moving = travel[place[a]][place[b]] + travel[place[b]][place[a]] \
                if kind[a] == IN_PERSON and kind[b] == IN_PERSON else 0
            return moving + abs(ranges[a][0][0] - ranges[b][0][0]) // 4, b
        nearest = sorted((b for b in range(size) if b != a and kind[b] != MEAL), key=distance)
        mask = 1 << a
        for b in nearest[:ng_size]:
            mask |= 1 << b
        masks.append(mask)
    return tuple(masks)
