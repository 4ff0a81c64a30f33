"""The problem in integers for the solver, with everything that cannot be feasible pruned away.

Times are whole minutes on a :class:`~scheduler.timegrid.TimeGrid`. For each request and
day we keep the ranges of *start* times that satisfy its windows, the day's hours and the
travel from the day's start place and back to its end place; a request with no range on a
day is not a candidate there, and a request with no range on any day never enters the model.

A tour day with fixed legs (a booked train) is split into parts: the part before a leg ends
at the leg's origin by its check-in, the part after it starts at its destination on arrival.
Each part is a day of the model. The first part of tour day ``i`` keeps index ``i``, so that
day indices elsewhere (re-planning, explanations) still name tour days; the later parts
follow after the last tour day, each knowing its ``tour_day``. The cap on engagements counts
a tour day's parts together; its meal goes to the part with the most room for it.

A request that needs shared resources keeps only the starts at which each need has a
candidate resource whose hours hold the engagement, set-up included; each candidate's own
starts are kept for the solver's choice (:mod:`.cp_resources`). A request that fits the
guest's day but never a needed resource's hours is pruned as ``no_resource``.

In a delegation (``Tour.delegation``) the model days are every member's own days, each split
at its legs, member after member in the tour's order; each knows its ``guest`` and its
``tour_day``. A request is a candidate only on the days of the guests it names ("any one of"
on the days of each, the solver choosing one by serving it at most once). A joint request is
one primary on its first guest's days and a shadow per other guest on theirs (same id, no
value, no needs, ``joint_of`` the primary's index); every one of them keeps only the starts
that every guest can make on that date, and the model serves them together at one minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..domain import Day, Problem, Request, TourRule
from ..timegrid import TimeGrid

Ranges = tuple[tuple[int, int], ...]
"""Sorted, disjoint, inclusive ranges of start minutes."""


@dataclass(frozen=True, slots=True)
class DayData:
    """One day in minutes: hours, start and end places (indices) and the meal rule."""

    index: int
    start: int
    end: int
    start_place: int
    end_place: int
    meal_earliest: int | None
    meal_latest: int | None  # the latest *end* of the meal
    meal_minutes: int
    tour_day: int = -1  # the tour day this is (a part of); -1: the same as ``index``
    guest: int = 0  # the delegation member whose day this is (index into Instance.guests)

    @property
    def date_index(self) -> int:
        """The index of the tour day this day (or part of a day) belongs to."""
        return self.index if self.tour_day < 0 else self.tour_day

    @property
    def has_meal(self) -> bool:
        return self.meal_earliest is not None


@dataclass(frozen=True, slots=True)
class RequestData:
    """One request in minutes. ``place`` is ``None`` for a remote request."""

    index: int
    id: str
    duration: int
    setup: int
    value: int
    mandatory: bool
    place: int | None
    starts: dict[int, Ranges] = field(default_factory=dict)  # day index -> start ranges
    # One entry per need: each candidate resource (index into Instance.resources) with the
    # start ranges its hours allow, by day; a start in ``starts`` has a candidate for every need.
    needs: tuple[tuple[tuple[int, dict[int, Ranges]], ...], ...] = ()
    # A joint request's other guests: the index of its primary (-1 for every other request).
    joint_of: int = -1

    @property
    def remote(self) -> bool:
        return self.place is None

    @property
    def is_shadow(self) -> bool:
        """Whether this is another guest's side of a joint request (served with its primary)."""
        return self.joint_of >= 0

    def earliest(self, day: int) -> int:
        return self.starts[day][0][0]

    def latest(self, day: int) -> int:
        return self.starts[day][-1][1]


@dataclass(frozen=True, slots=True)
class Pruned:
    """Why a request never enters the model: a code and the facts behind it."""

    request_id: str
    code: str  # no_window | too_short | unreachable | no_resource


@dataclass(frozen=True, slots=True)
class Instance:
    """The integer problem: days, candidate requests, places and the travel matrix."""

    grid: TimeGrid
    days: tuple[DayData, ...]
    requests: tuple[RequestData, ...]
    places: tuple[str, ...]
    travel: tuple[tuple[int, ...], ...]
    buffer: int
    step: int
    cap: int
    value_weight: int
    travel_weight: int
    span_weight: int
    pruned: tuple[Pruned, ...]
    rules: tuple[TourRule, ...] = ()  # by request id: a request not in the instance is never served
    minutes_cap: int | None = None  # engagement minutes a day (durations), None: no limit
    rest: int = 0  # minutes from one day's last engagement end to the next day's first set-up
    balance_weight: int = 0  # objective units per engagement squared, per day
    resources: tuple[str, ...] = ()  # the ids of the problem's resources, in its order
    guests: tuple[str, ...] = ()  # the delegation's ids in tour order; () for one guest
    travelling: tuple[bool, ...] = ()  # per resource: whether it travels (False: a room)

    @property
    def is_delegation(self) -> bool:
        return bool(self.guests)

    def timeline_day(self, day: int) -> bool:
        """Whether ``day`` is laid out on a timeline (the model's no-overlap days): it has a
        meal, or a remote request can take place on it. A day of in-person engagements alone
        is a route."""
        return self.days[day].has_meal or any(
            request.place is None and day in request.starts for request in self.requests)

    @property
    def has_timeline_days(self) -> bool:
        """Whether some day is a timeline (:meth:`timeline_day`); a tour's days usually are."""
        return any(self.timeline_day(day.index) for day in self.days)

    def value_ceiling(self) -> int | None:
        """The objective of serving every request, when nothing but value counts in it: the
        value weight times the value of every request (those pruned as impossible are not
        here), the most any agenda can have. ``None`` when travel, the days' span or their
        balance is weighted (serving everything is then not optimal by itself). A re-plan's
        change costs are the caller's to rule out."""
        if self.travel_weight or self.span_weight or self.balance_weight > 0 or self.value_weight < 0:
            return None
        return self.value_weight * sum(max(0, request.value) for request in self.requests)

    def primaries(self) -> dict[str, RequestData]:
        """Request id -> its request data (the primary of a joint request, never a shadow)."""
        return {r.id: r for r in self.requests if r.joint_of < 0}

    def shadows_of(self, index: int) -> list[RequestData]:
        """The shadows of the joint request whose primary is ``index`` (none for others)."""
        return [r for r in self.requests if r.joint_of == index]

    def resource_gap(self, resource: int, first: RequestData, second: RequestData) -> int:
        """Minutes a shared resource needs from ``first``'s end to ``second``'s set-up when
        two guests' engagements use it: none for a room (it stays; one use at a time), the
        buffer and the travel between their places for one that travels (no travel counted
        with a remote engagement on either side)."""
        if not self.travelling[resource]:
            return 0
        if first.remote or second.remote:
            return self.buffer
        return self.buffer + self.travel[first.place][second.place]

    def guest_id(self, day: int) -> str:
        """The id of the guest whose day ``day`` is; ``""`` for a tour of one guest."""
        return self.guests[self.days[day].guest] if self.guests else ""

    def siblings(self, day: int) -> list[int]:
        """The model days of the same guest and tour day as ``day`` (its parts), itself included."""
        of = self.days[day]
        return [d.index for d in self.days if d.date_index == of.date_index and d.guest == of.guest]

    @property
    def has_tour_rules(self) -> bool:
        """Whether any rule between requests, minute limit or rest applies (balance aside)."""
        return bool(self.rules) or self.minutes_cap is not None or self.rest > 0

    def candidates(self, day: int) -> list[RequestData]:
        """The requests that can take place on ``day``, in request order."""
        return [r for r in self.requests if day in r.starts]

    def parts_of(self, tour_day: int, guest: int | None = None) -> list[int]:
        """The model days that make up a tour day (one, unless fixed legs split it): of one
        guest of a delegation, or of every guest (``None``)."""
        return [day.index for day in self.days
                if day.date_index == tour_day and (guest is None or day.guest == guest)]

    def part_at(self, tour_day: int, minute: int, guest: int | None = None,
                request_id: str | None = None) -> int:
        """The model day of ``tour_day`` whose hours hold ``minute`` (its first part if none).

        In a delegation, of ``guest`` when given, else of the first guest in the tour's order
        on whose day ``request_id`` can start then; -1 when no day fits.
        """
        if not self.guests:
            for index in self.parts_of(tour_day):
                day = self.days[index]
                if day.start <= minute <= day.end:
                    return index
            return tour_day
        data = self.primaries().get(request_id) if request_id is not None else None
        parts = self.parts_of(tour_day, guest)
        holding = [d for d in parts if self.days[d].start <= minute <= self.days[d].end]
        for index in holding:
            if data is None or any(low <= minute <= high for low, high in data.starts.get(index, ())):
                return index
        return holding[0] if holding else (parts[0] if parts else -1)

    def on_parts(self, placements: Mapping[str, tuple] | None
                 ) -> Mapping[str, tuple[int, int]] | None:
        """Placements by (tour day, start) as placements by (model day, start).

        In a delegation a placement may name its guest, ``(tour day, start, guest id)``; without
        one it goes to the first guest (tour order) whose day can hold the request then.
        """
        if placements is None or (not self.guests and
                                  len(self.days) == len({d.date_index for d in self.days})):
            return placements
        out = {}
        for request_id, placement in placements.items():
            day, start = placement[0], placement[1]
            guest = self.guests.index(placement[2]) if len(placement) > 2 and self.guests else None
            out[request_id] = (self.part_at(day, start, guest, request_id), start)
        return out


def _intersect(ranges: list[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    return [(max(a, low), min(b, high)) for a, b in ranges if max(a, low) <= min(b, high)]


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def _on_step(ranges: Ranges, step: int, fixed: bool) -> Ranges:
    """Keep only starts on the step grid (a fixed start is kept wherever it is)."""
    if step == 1 or fixed:
        return ranges
    snapped = []
    for low, high in ranges:
        low = -(-low // step) * step
        high = high // step * step
        if low <= high:
            snapped.append((low, high))
    return tuple(snapped)


def _start_ranges(request: Request, grid: TimeGrid) -> tuple[list[tuple[int, int]], bool]:
    """Start ranges allowed by the windows alone, and whether any window was long enough."""
    ranges = []
    long_enough = False
    for window in request.windows:
        first = grid.minutes_ceil(window.start)
        last = grid.minutes_floor(window.end) - request.duration_minutes
        if last >= first:
            long_enough = True
            ranges.append((first, last))
    if request.fixed_start is not None:
        fixed = grid.minutes(request.fixed_start)
        ranges = _intersect(ranges, fixed, fixed)
    return ranges, long_enough


def _parts(day: Day, grid: TimeGrid, place_index: Mapping[str, int],
           buffer: int = 0) -> list[tuple[int, int, int, int]]:
    """The day's parts between its fixed legs: (start, end, start place, end place).

    A part before a leg ends ``buffer`` minutes before the check-in starts: like any travel,
    a fixed leg leaves only once the last engagement's buffer is over (the checker's rule).
    """
    parts = []
    start, place = grid.minutes_ceil(day.start), place_index[day.start_location]
    for leg in day.legs:
        parts.append((start, grid.minutes_floor(leg.checkin_start) - buffer, place,
                      place_index[leg.origin]))
        start, place = grid.minutes_ceil(leg.arrive), place_index[leg.destination]
    parts.append((start, grid.minutes_floor(day.end), place, place_index[day.end_location]))
    return parts


def _resource_bounds(problem: Problem, grid: TimeGrid) -> dict[str, list[tuple[int, int]]]:
    """Each resource's hours in minutes: (first minute, last minute) stretches."""
    return {resource.id: [(grid.minutes_ceil(window.start), grid.minutes_floor(window.end))
                          for window in resource.hours]
            for resource in problem.resources}


def _with_resources(request: Request, problem: Problem, bounds, resource_index, day: int,
                    window_ranges: Ranges, snap, needs: list) -> Ranges:
    """The starts of ``window_ranges`` at which every need of ``request`` has a resource whose
    hours hold the engagement, set-up included; each candidate's own starts go into ``needs``."""
    allowed = list(window_ranges)
    for position, need in enumerate(request.needs):
        union: list[tuple[int, int]] = []
        for resource in problem.candidates(request, need):
            own: list[tuple[int, int]] = []
            for low, high in bounds[resource.id]:
                own += _intersect(list(window_ranges), low + request.setup_minutes,
                                  high - request.duration_minutes)
            own_ranges = snap(_merge(own))
            if own_ranges:
                needs[position].setdefault(resource_index[resource.id], {})[day] = own_ranges
                union += own_ranges
        merged = _merge(union)
        allowed = [piece for low, high in merged for piece in _intersect(allowed, low, high)]
    return snap(_merge(allowed))


def _model_days(problem: Problem, grid: TimeGrid, place_index: Mapping[str, int],
                buffer: int) -> list[DayData]:
    """The model's days: each tour day (of each member of a delegation) split at its legs.

    For one guest the first part of tour day ``i`` keeps index ``i`` and the later parts
    follow the last tour day; in a delegation the days come member after member, each part
    knowing its tour day and guest.
    """
    tour = problem.tour
    date_index = {day.date: i for i, day in enumerate(tour.days)}
    days: list[DayData] = []
    later_parts: list[tuple] = []
    owners = tour.guest_ids or ("",)
    for guest, guest_id in enumerate(owners):
        for day in tour.days_of(guest_id):
            i = date_index[day.date]
            parts = _parts(day, grid, place_index, buffer)
            meal_earliest = meal_latest = None
            meal_part = 0
            if day.meal_window is not None:
                meal_earliest = grid.minutes_ceil(day.meal_window.start)
                meal_latest = grid.minutes_floor(day.meal_window.end)
                meal_part = max(range(len(parts)), key=lambda k: (
                    min(meal_latest, parts[k][1]) - max(meal_earliest, parts[k][0]), -k))
            for k, (start, end, start_place, end_place) in enumerate(parts):
                has_meal = day.meal_window is not None and k == meal_part
                meal = (meal_earliest, meal_latest, day.meal_minutes) if has_meal else (None, None, 0)
                if tour.is_delegation:
                    days.append(DayData(len(days), start, end, start_place, end_place, *meal,
                                        tour_day=i, guest=guest))
                elif k == 0:
                    days.append(DayData(i, start, end, start_place, end_place, *meal))
                else:
                    later_parts.append((i, start, end, start_place, end_place, *meal))
    for i, *part in later_parts:
        days.append(DayData(len(days), *part, tour_day=i))
    return days


def _intersect_ranges(ranges, others) -> Ranges:
    """The minutes in both ``ranges`` and ``others``."""
    return _merge([piece for low, high in others for piece in _intersect(list(ranges), low, high)])


def _common_to_guests(possible: dict[int, Ranges], days: list[DayData],
                      guests: list[int]) -> dict[int, Ranges]:
    """A joint request's starts on each day cut to those every guest can make on that date."""
    by_date: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for index, ranges in possible.items():
        day = days[index]
        by_date.setdefault(day.date_index, {}).setdefault(day.guest, []).extend(ranges)
    common: dict[int, Ranges] = {}
    for date_index, by_guest in by_date.items():
        shared: Ranges = _merge(by_guest.get(guests[0], []))
        for guest in guests[1:]:
            shared = _intersect_ranges(shared, _merge(by_guest.get(guest, [])))
        common[date_index] = shared
    return {index: cut for index, ranges in possible.items()
            if (cut := _intersect_ranges(ranges, common[days[index].date_index]))}


def build_instance(problem: Problem) -> Instance:
    """Turn a :class:`Problem` into integers and prune what cannot be feasible."""
    tour = problem.tour
    grid = TimeGrid.for_tour(tour)
    places = problem.used_locations()
    place_index = {place: i for i, place in enumerate(places)}
    travel = tuple(tuple(problem.travel.between(a, b) for b in places) for a in places)
    buffer = tour.min_buffer_minutes
    days = _model_days(problem, grid, place_index, buffer)
    guest_index = {guest_id: i for i, guest_id in enumerate(tour.guest_ids)}

    requests: list[RequestData] = []
    shadows: list[tuple[RequestData, list[tuple[int, dict[int, Ranges]]]]] = []
    pruned: list[Pruned] = []
    bounds = _resource_bounds(problem, grid)
    resource_index = {resource.id: i for i, resource in enumerate(problem.resources)}
    for request in problem.requests:
        window_ranges, long_enough = _start_ranges(request, grid)
        place = None if request.is_remote else place_index[request.location_id]
        guests = [guest_index[g] for g in request.guests] if tour.is_delegation else [0]
        needs: list[dict[int, dict[int, Ranges]]] = [{} for _ in request.needs]
        touches_hours = fits_without_resources = False
        fixed = request.fixed_start is not None

        def snap(ranges: Ranges) -> Ranges:
            return _on_step(ranges, tour.time_step_minutes, fixed)
        possible: dict[int, Ranges] = {}
        for day in days:
            if day.guest not in guests:
                continue
            hour_low = day.start + request.setup_minutes
            hour_high = day.end - request.duration_minutes
            if _intersect(window_ranges, hour_low, hour_high):
                touches_hours = True
            low, high = hour_low, hour_high
            if place is not None:
                low += travel[day.start_place][place]
                back = travel[place][day.end_place]
                high -= (back + buffer) if back else 0
            possible[day.index] = _merge(_intersect(window_ranges, low, high))
        if request.joint:
            possible = _common_to_guests(possible, days, guests)
        starts: dict[int, Ranges] = {}
        for index, ranges in possible.items():
            if request.joint and days[index].guest != guests[0]:
                continue  # the other guests' side comes from the primary's starts, below
            ranges, window_fit = snap(ranges), ranges
            if ranges and request.needs:
                fits_without_resources = True
                ranges = _with_resources(request, problem, bounds, resource_index, index,
                                         window_fit, snap, needs)
            if ranges:
                starts[index] = ranges
        if starts:
            data = RequestData(len(requests), request.id, request.duration_minutes,
                               request.setup_minutes, request.value, request.mandatory,
                               place, starts, _need_data(needs, starts))
            requests.append(data)
            if request.joint:
                shadows.extend((data, guest) for guest in guests[1:])
        elif fits_without_resources:
            pruned.append(Pruned(request.id, "no_resource"))
        elif not long_enough:
            pruned.append(Pruned(request.id, "too_short" if request.windows else "no_window"))
        elif not touches_hours:
            pruned.append(Pruned(request.id, "no_window"))
        else:
            pruned.append(Pruned(request.id, "unreachable"))
    requests += _shadows(shadows, days, problem, grid, place_index, travel, buffer, len(requests))

    objective = tour.objective
    return Instance(grid, tuple(days), tuple(requests), places, travel, buffer,
                    tour.time_step_minutes, tour.max_engagements_per_day, objective.value_weight,
                    objective.travel_weight, objective.span_weight, tuple(pruned),
                    problem.rules, tour.max_engagement_minutes_per_day, tour.min_rest_minutes,
                    objective.balance_weight, tuple(resource.id for resource in problem.resources),
                    tour.guest_ids, tuple(resource.travels for resource in problem.resources))


def _shadows(shadows, days: list[DayData], problem: Problem, grid: TimeGrid, place_index,
             travel, buffer: int, first_index: int) -> list[RequestData]:
    """Each other guest's side of each joint request: the primary's starts on that date that
    the guest's own day allows (travel from and back to its start and end places)."""
    out = []
    for primary, guest in shadows:
        request = problem.request(primary.id)
        by_date: dict[int, list[tuple[int, int]]] = {}
        for index, ranges in primary.starts.items():
            by_date.setdefault(days[index].date_index, []).extend(ranges)
        starts: dict[int, Ranges] = {}
        for day in days:
            if day.guest != guest or day.date_index not in by_date:
                continue
            low = day.start + request.setup_minutes
            high = day.end - request.duration_minutes
            if primary.place is not None:
                low += travel[day.start_place][primary.place]
                back = travel[primary.place][day.end_place]
                high -= (back + buffer) if back else 0
            ranges = _on_step(_intersect_ranges(_merge(by_date[day.date_index]), ((low, high),)),
                              problem.tour.time_step_minutes, request.fixed_start is not None) \
                if low <= high else ()
            if ranges:
                starts[day.index] = ranges
        out.append(RequestData(first_index + len(out), primary.id, primary.duration,
                               primary.setup, 0, False, primary.place, starts,
                               joint_of=primary.index))
    return out


def _need_data(needs: list[dict[int, dict[int, Ranges]]], starts: dict[int, Ranges]):
    """The candidates of each need on the days the request keeps, in the tour's order."""
    return tuple(tuple((resource, {day: ranges for day, ranges in by_day.items() if day in starts})
                       for resource, by_day in sorted(need.items()))
                 for need in needs)
