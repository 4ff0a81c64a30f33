"""A plan turned into what the pages draw: day timelines, the agenda table, the left-out list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import app
from ..formatting import format_date, format_duration, format_time, place_name

__all__ = ["AgendaView", "DayView", "Item", "agenda_view", "diff_view"]


@dataclass(frozen=True)
class Item:
    """One thing on a day's timeline, placed in percent of the day's axis."""

    kind: str  # engagement, travel, meal
    label: str
    detail: str
    start: str
    end: str
    left: float
    width: float
    request_id: str | None = None
    mandatory: bool = False


@dataclass(frozen=True)
class DayView:
    """One day: its hours on the axis, its items in time order, its engagements for the table."""

    date: str
    date_iso: str
    hours: str
    hours_left: float
    hours_width: float
    items: tuple[Item, ...]
    engagements: tuple[dict[str, Any], ...]
    lanes: Any = None  # a delegation's day: the overview's lanes (app.delegation_lanes)


@dataclass(frozen=True)
class AgendaView:
    """The whole plan as the agenda page shows it."""

    title: str
    guest: str
    timezone: str
    days: tuple[DayView, ...]
    ticks: tuple[tuple[str, float], ...]
    left_out: tuple[dict[str, Any], ...]
    totals: dict[str, Any] = field(default_factory=dict)
    members: tuple[tuple[str, str], ...] = ()  # a delegation's (id, name), in the tour's order


def _minute_of_day(moment: datetime, zone) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def agenda_view(plan) -> AgendaView:
    """The plan's days on one shared axis (the earliest hour to the latest of the tour)."""
    problem, tour = plan.problem, plan.problem.tour
    several_zones = len(tour.zones) > 1
    # Each day is shown in the zone it is lived in (the run sheets do the same).
    first = min((_minute_of_day(day.start, tour.day_zone(day)) for day in tour.days), default=8 * 60)
    last = max((_minute_of_day(day.end, tour.day_zone(day))
                if day.end.astimezone(tour.day_zone(day)).date() == day.date else 24 * 60
                for day in tour.days), default=20 * 60)
    axis_start, axis_end = (first // 60) * 60, min(24 * 60, -(-last // 60) * 60)
    span = max(60, axis_end - axis_start)

    def place(start: datetime, end: datetime) -> tuple[float, float]:
        left = (_minute_of_day(start, zone) - axis_start) / span * 100  # the day's zone
        minutes = (end - start).total_seconds() / 60
        return round(max(0.0, left), 2), round(max(0.4, min(100 - left, minutes / span * 100)), 2)

    def where(location: str | None, remote: str | None = None) -> str:
        return place_name(problem.locations, location, remote)

    def who(guest_ids) -> str:
        return ", ".join(tour.member(guest_id).name for guest_id in guest_ids)

    lanes = {lane_day.date: lane_day for lane_day in app.delegation_lanes(plan)}

    days = []
    for day in tour.days:
        zone = tour.day_zone(day)
        items, rows = [], []
        for engagement in plan.engagements_on(day.date):
            request = problem.request(engagement.request_id)
            left, width = place(engagement.start, engagement.end)
            text = f"{format_time(engagement.start, zone)}–{format_time(engagement.end, zone)}"
            items.append(Item("engagement", request.title, f"{text} {request.title}, "
                              f"{where(engagement.location, request.remote)}",
                              format_time(engagement.start, zone), format_time(engagement.end, zone),
                              left, width, request.id, request.mandatory))
            rows.append({"id": request.id, "title": request.title, "when": text,
                         "place": where(engagement.location, request.remote),
                         "counterpart": request.counterpart, "value": request.value,
                         "mandatory": request.mandatory, "kind": request.kind,
                         "start": engagement.start.isoformat(), "who": who(engagement.guests)})
        for leg in plan.travel:
            if leg.day == day.date:
                left, width = place(leg.depart, leg.arrive)
                items.append(Item("travel", "travel", f"{format_time(leg.depart, zone)}–"
                                  f"{format_time(leg.arrive, zone)} travel {where(leg.origin)} → "
                                  f"{where(leg.destination)}, {format_duration(leg.minutes)}",
                                  format_time(leg.depart, zone), format_time(leg.arrive, zone),
                                  left, width))
        for meal in plan.breaks:
            if meal.day == day.date:
                left, width = place(meal.start, meal.end)
                items.append(Item("meal", meal.kind, f"{format_time(meal.start, zone)}–"
                                  f"{format_time(meal.end, zone)} {meal.kind} break",
                                  format_time(meal.start, zone), format_time(meal.end, zone),
                                  left, width))
        hours_left, hours_width = place(day.start, day.end)
        days.append(DayView(format_date(day.date), day.date.isoformat(),
                            f"{format_time(day.start, zone)}–{format_time(day.end, zone)}"
                            f"{f' ({zone.key})' if several_zones else ''}, from "
                            f"{where(day.start_location)} to {where(day.end_location)}",
                            hours_left, hours_width, tuple(sorted(items, key=lambda i: i.start)),
                            tuple(rows), lanes.get(day.date)))
    ticks = tuple((f"{minute // 60:02d}:00", round((minute - axis_start) / span * 100, 2))
                  for minute in range(axis_start, axis_end + 1, 120))
    left_out = tuple({"id": item.request_id, "title": problem.request(item.request_id).title,
                      "reason": item.reason, "code": item.code,
                      "value": problem.request(item.request_id).value}
                     for item in plan.unscheduled)
    solver = plan.solver
    totals = {"engagements": len(plan.engagements), "requests": len(problem.requests),
              "value_served": plan.value_served, "value_total": problem.total_value,
              "travel": format_duration(plan.travel_minutes), "status": solver.status,
              "gap": None if solver.gap is None else f"{solver.gap:.2%}",
              "seconds": f"{solver.seconds:.1f}"}
    zones = tour.timezone if not several_zones else "each day's zone (" + ", ".join(tour.zones) + ")"
    members = tuple((guest.id, guest.name) for guest in tour.delegation)
    return AgendaView(tour.name, tour.guest.name, zones, tuple(days), ticks, left_out, totals, members)


def diff_view(result) -> dict[str, list[str]]:
    """A re-plan's kept / moved / dropped / added engagements, one line each, for people."""
    problem = result.plan.problem
    old_problem = result.previous.problem

    def title(request_id: str, source=problem) -> str:
        try:
            return source.request(request_id).title
        except KeyError:
            return old_problem.request(request_id).title

    def slot(engagement) -> str:
        here = problem.tour.zone_on(engagement.start)  # the zone of the day it falls on
        return (f"{format_date(engagement.day)} {format_time(engagement.start, here)}–"
                f"{format_time(engagement.end, here)}")

    diff = result.diff
    return {
        "kept": [f"{title(e.request_id)}: {slot(e)}" for e in (*diff.kept, *diff.updated)],
        "moved": [f"{title(m.request_id)}: {slot(m.old)} → {slot(m.new)}" for m in diff.moved],
        "dropped": [f"{title(d.request_id, old_problem)}: was {slot(d.old)}"
                    + (" (cancelled)" if d.cancelled else f" ({d.reason})") for d in diff.dropped],
        "added": [f"{title(e.request_id)}: {slot(e)}" for e in diff.added],
    }
