"""Maps a TOPTW instance onto the scheduler's own domain, and the engine's agenda back to routes.

One scaled time unit (a tenth of the file's unit) is one minute. Vertex 0 is the lodging;
vertex ``i`` is the request ``v<i>`` at location ``v<i>``; tour ``k`` is day ``k``. Each day
lasts Tmax minutes and starts at local midnight (zone UTC) of its own date, the days being
spaced by whole days with at least one day of padding, so that no window of one day reaches
into the next and every day has a date of its own.

The instance's window bounds the START of service, while a scheduler window bounds the whole
engagement; so a vertex with window ``[O, C]`` and service ``s`` gets, on every day, the window
``[day_start + O, day_start + C + s]``.

A customer with a service time of 0 cannot be expressed (a request lasts more than 0 minutes).
The 29 Solomon instances have none (only the depot has service 0), so such a customer is
refused with :class:`InstanceError` rather than silently changed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from scheduler.domain import (
    Day, Engagement, Guest, Location, Objective, Problem, Request, Tour, TravelTable, Window,
)

from benchmarks.instances import InstanceError, ToptwInstance

__all__ = ["EPOCH", "day_period_minutes", "instance_to_problem", "request_id", "routes_from_engagements",
           "vertex_of"]

EPOCH = datetime(2030, 1, 7, tzinfo=timezone.utc)
"""Start of day 0: a Monday at midnight UTC (far from any clock change; UTC has none anyway)."""

MINUTES_PER_DAY = 1440


def request_id(vertex: int) -> str:
    """The request (and location) id of a vertex: ``v<i>``."""
    return f"v{vertex}"


def vertex_of(identifier: str) -> int:
    """The vertex number behind a request id ``v<i>``."""
    if not identifier.startswith("v") or not identifier[1:].isdigit():
        raise ValueError(f"{identifier!r} is not a vertex id of the form v<i>")
    return int(identifier[1:])


def day_period_minutes(instance: ToptwInstance) -> int:
    """Minutes from one day's start to the next: whole days, with at least a day to spare.

    The period exceeds both Tmax and the end of every window (``C + service``), so windows of
    different days never overlap and every day starts on a date of its own.
    """
    reach = max([instance.tmax] + [v.close + v.service for v in instance.customers])
    return (reach // MINUTES_PER_DAY + 2) * MINUTES_PER_DAY


def instance_to_problem(instance: ToptwInstance, tours: int, *, epoch: datetime = EPOCH) -> Problem:
    """Build the scheduler :class:`~scheduler.domain.Problem` of ``instance`` with ``tours`` days.

    Parameters
    ----------
    instance
        The instance in scaled integer units (one unit becomes one minute).
    tours
        The number of tours (m), one day each.
    epoch
        Start of day 0; must be midnight so that day ``k`` starts at midnight of its date.

    Raises
    ------
    InstanceError
        A customer has a service time of 0, or ``tours`` is below 1.
    """
    if tours < 1:
        raise InstanceError(f"{instance.name}: the number of tours must be at least 1, got {tours}")
    if epoch.tzinfo is None or (epoch.hour, epoch.minute, epoch.second, epoch.microsecond) != (0, 0, 0, 0):
        raise ValueError("the epoch must be an aware datetime at midnight")
    period = day_period_minutes(instance)
    depot = request_id(0)
    day_starts = [epoch + timedelta(minutes=k * period) for k in range(tours)]
    days = tuple(
        Day(date=start.date(), start=start, end=start + timedelta(minutes=instance.tmax),
            start_location=depot, end_location=depot)
        for start in day_starts
    )
    locations = {request_id(v.index): Location(request_id(v.index), f"vertex {v.index}")
                 for v in instance.vertices}
    requests = []
    for vertex in instance.customers:
        if vertex.open > vertex.close:
            # Mapping onto a coarser unit closed this window (benchmarks.instances.coarsen):
            # no visit can keep it, so it is no request.
            continue
        if vertex.service <= 0:
            raise InstanceError(f"{instance.name}: vertex {vertex.index} has a service time of 0, "
                                "which a request cannot have")
        windows = tuple(
            Window(start + timedelta(minutes=vertex.open),
                   start + timedelta(minutes=vertex.close + vertex.service))
            for start in day_starts
        )
        requests.append(Request(
            id=request_id(vertex.index), title=f"vertex {vertex.index}",
            duration_minutes=vertex.service, windows=windows, value=vertex.profit,
            location_id=request_id(vertex.index),
        ))
    count = len(instance.vertices)
    travel = TravelTable({
        (request_id(a), request_id(b)): instance.distance(a, b)
        for a in range(count) for b in range(count) if a != b
    })
    tour = Tour(
        id=f"toptw-{instance.name}", name=f"TOPTW {instance.name}, {tours} tour(s)",
        timezone="UTC", guest=Guest("benchmark", "UTC"), days=days,
        max_engagements_per_day=count, min_buffer_minutes=0,
        objective=Objective(value_weight=1, travel_weight=0, span_weight=0),
        # Instance units are tenths, not clock minutes: no 5-minute grid for starts.
        time_step_minutes=1,
    )
    return Problem(tour=tour, requests=tuple(requests), locations=locations, travel=travel)


def routes_from_engagements(problem: Problem, engagements: Iterable[Engagement]) -> list[list[int]]:
    """One route per day of ``problem``: the vertices of the day's engagements in start order."""
    index_of_day: dict[date, int] = {day.date: k for k, day in enumerate(problem.tour.days)}
    routes: list[list[tuple[datetime, int]]] = [[] for _ in problem.tour.days]
    for engagement in engagements:
        if engagement.day not in index_of_day:
            raise ValueError(f"engagement {engagement.request_id} is on {engagement.day}, not a day of the tour")
        routes[index_of_day[engagement.day]].append(
            (engagement.start.astimezone(timezone.utc), vertex_of(engagement.request_id)))
    return [[vertex for _, vertex in sorted(day)] for day in routes]


def start_offsets(problem: Problem, engagements: Sequence[Engagement]) -> dict[int, int]:
    """Minutes from its day's start to each engagement's start, by vertex (for diagnostics)."""
    starts = {day.date: day.start for day in problem.tour.days}
    return {vertex_of(e.request_id): int((e.start - starts[e.day]) // timedelta(minutes=1))
            for e in engagements}
