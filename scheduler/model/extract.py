"""Turn solver values (who, which day, what start) into an agenda: engagements, meal, travel legs.

Travel legs are placed here, after the solve, by one deterministic rule: the first leg of a
day leaves the start place as late as it can; every other leg leaves as soon as the guest is
free (and the guest waits at the next place). The model guarantees that a free stretch long
enough for each leg exists.

In a delegation each guest's day is laid out alike, its legs and meal marked with the guest;
a joint request is one engagement that every guest attends (its shadows on the other
guests' days place their travel but are not engagements of their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..domain import Break, Day, Engagement, FixedLeg, Problem, TravelLeg
from .instance import DayData, Instance, RequestData


@dataclass(frozen=True, slots=True)
class Placement:
    """A request placed by the solver: its day index and start minute, and the resource it
    chose for each need (``None``: the first candidate whose hours hold it, see
    :func:`assign_resources`)."""

    request_id: str
    day: int
    start: int
    resources: tuple[str, ...] | None = None


def assign_resources(instance: Instance, request: RequestData, day: int, start: int) -> tuple[str, ...]:
    """For each need of ``request``, the first resource in the tour's order whose hours hold it
    started at ``start`` on ``day`` (set-up included).

    With one guest that choice is always sound: a travelling resource goes with the guest, and
    a room stays where the engagement is, so only the hours can rule a resource out.
    """
    chosen = []
    for candidates in request.needs:
        for resource, by_day in candidates:
            if any(low <= start <= high for low, high in by_day.get(day, ())):
                chosen.append(instance.resources[resource])
                break
        else:
            raise RuntimeError(f"no resource holds {request.id} at minute {start} of day {day}")
    return tuple(chosen)


def free_stretches(low: int, high: int, busy: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of ``[low, high)`` that no busy interval ``(start, end)`` covers, in order."""
    stretches = []
    cursor = low
    for a, b in sorted(busy):
        if b <= cursor:
            continue
        if a >= high:
            break
        if a > cursor:
            stretches.append((cursor, min(a, high)))
        cursor = max(cursor, b)
    if cursor < high:
        stretches.append((cursor, high))
    return stretches


def place_leg(low: int, high: int, minutes: int, busy: Iterable[tuple[int, int]],
              latest: bool) -> int | None:
    """The departure of a leg of ``minutes`` in the free time of ``[low, high)``: as late as
    it can go (``latest``) or as early; ``None`` when no free stretch is long enough."""
    fits = [(a, b) for a, b in free_stretches(low, high, busy) if b - a >= minutes]
    if not fits:
        return None
    return fits[-1][1] - minutes if latest else fits[0][0]


def build_agenda(problem: Problem, instance: Instance, placements: list[Placement],
                 meals: dict[int, int]) -> tuple[tuple[Engagement, ...], tuple[Break, ...],
                                                 tuple[TravelLeg, ...]]:
    """The engagements, breaks and travel legs of a solution."""
    grid = instance.grid
    requests = {r.id: r for r in problem.requests}
    # A joint request's primary and shadows share the id; each is on its own guest's days.
    at_day = {(r.id, d): r for r in instance.requests for d in r.starts}
    tour_days = problem.tour.days
    buffer = instance.buffer
    engagements = []
    breaks = []
    legs = []
    for day in instance.days:
        date = tour_days[day.date_index].date
        guest = instance.guest_id(day.index)
        todays = sorted((p for p in placements if p.day == day.index), key=lambda p: (p.start, p.request_id))
        busy: list[tuple[int, int]] = []
        for p in todays:
            data = at_day[(p.request_id, p.day)]
            busy.append((p.start - data.setup, p.start + data.duration + buffer))
            if data.is_shadow:
                continue  # the primary's engagement names every guest
            location = requests[p.request_id].location_id
            used = p.resources if p.resources is not None else assign_resources(instance, data, p.day, p.start)
            engagements.append(Engagement(p.request_id, date, grid.moment(p.start),
                                          grid.moment(p.start + data.duration), location, used,
                                          attendees(problem, instance, day, p.request_id)))
        if day.index in meals:
            start = meals[day.index]
            busy.append((start, start + day.meal_minutes))
            breaks.append(Break(date, grid.moment(start), grid.moment(start + day.meal_minutes),
                                guest=guest))
        anchors = [(day.start_place, day.start, None)]
        for p in todays:
            data = at_day[(p.request_id, p.day)]
            if data.place is not None:
                anchors.append((data.place, p.start - data.setup, p.start + data.duration + buffer))
        anchors.append((day.end_place, day.end, None))
        free_from = day.start
        for index, (place, ready_by, free_after) in enumerate(anchors[1:], start=1):
            origin = anchors[index - 1][0]
            minutes = instance.travel[origin][place]
            if origin != place and minutes:
                depart = place_leg(free_from, ready_by, minutes, busy, latest=(index == 1))
                if depart is None:
                    raise RuntimeError(f"no free stretch of {minutes} min between {free_from} "
                                       f"and {ready_by}")
                origin_id, place_id = instance.places[origin], instance.places[place]
                legs.append(TravelLeg(date, origin_id, place_id, grid.moment(depart),
                                      grid.moment(depart + minutes), minutes,
                                      problem.travel.is_estimate(origin_id, place_id), guest=guest))
                busy.append((depart, depart + minutes))
            if free_after is not None:
                free_from = free_after
    legs.extend(fixed_legs(problem))
    return tuple(engagements), tuple(breaks), tuple(legs)


def attendees(problem: Problem, instance: Instance, day: DayData, request_id: str) -> tuple[str, ...]:
    """Who of a delegation attends ``request_id`` served on ``day``: every guest of a joint
    request (tour order), else the guest whose day it is; ``()`` for one guest."""
    if not instance.guests:
        return ()
    request = problem.request(request_id)
    if request.joint:
        return tuple(guest for guest in instance.guests if guest in request.guests)
    return (instance.guests[day.guest],)


def fixed_legs(problem: Problem) -> list[TravelLeg]:
    """The fixed legs on the working days (of each guest of a delegation), as travel legs."""
    tour = problem.tour
    return [leg for guest in (tour.guest_ids or ("",)) for day in tour.days_of(guest)
            for leg in fixed_legs_of(day, day.legs, guest)]


def fixed_legs_of(day: Day, legs: Iterable[FixedLeg], guest: str = "") -> list[TravelLeg]:
    """``legs`` (fixed legs of ``day``) as the agenda's travel legs (of ``guest`` in a delegation)."""
    return [TravelLeg(day.date, leg.origin, leg.destination, leg.depart, leg.arrive, leg.ride_minutes,
                      fixed=True, mode=leg.mode, ref=leg.ref, notes=leg.notes,
                      checkin_minutes=leg.checkin_minutes, guest=guest)
            for leg in legs]
