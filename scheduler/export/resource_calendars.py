"""A calendar per shared resource (``resources/<id>.ics``): its engagements only, title and place."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..calendar_uids import resource_uid
from ..domain import Plan, Resource, utc
from ..formatting import format_time_marked, place_text
from ..fsio import write_atomic
from .calendar_history import CalendarHistory, calendar_history
from .delegation import attendee_names, names_in_words
from .ics import add_place, add_times, add_timezones, calendar_bytes, dtstamp, new_calendar, safe_file_name

__all__ = ["RESOURCES_DIR", "resource_calendar", "write"]

RESOURCES_DIR = "resources"


def resource_calendar(plan: Plan, resource: Resource, *, sequences: Mapping[str, int] | None = None,
                      cancelled: Mapping[str, Mapping[str, Any]] | None = None) -> Calendar:
    """The calendar of one resource: each engagement that uses it, and nothing else.

    Each event has the engagement's title, times and place, who it is with and, when there is
    set-up, when to be there. In a delegation the title starts with the short names of the
    members it is with (``Anna, Boris: Meeting with the Commissioner``) and the description
    names them in full. It leaves out the notes (internal or not), the contacts and the
    engagements the resource does not attend, so that it can go to an interpreter or an
    escort from outside the team.

    After a re-plan each event carries its SEQUENCE, and an engagement the resource served
    in an earlier version and no longer does (dropped, or served by another) comes as
    STATUS:CANCELLED under its UID, so a calendar that imports the new file removes it.

    Parameters
    ----------
    plan
        The solved plan.
    resource
        One of the plan's resources.
    sequences
        SEQUENCE per event UID (absent: 0).
    cancelled
        The records of the resources' cancelled events by UID (see
        :class:`~scheduler.export.calendar_history.CalendarHistory`); this resource's only
        are written.

    Returns
    -------
    icalendar.Calendar
        Named after the resource, with a VTIMEZONE of the tour's zone.
    """
    problem = plan.problem
    tour = problem.tour
    zone = ZoneInfo(tour.timezone)
    calendar = new_calendar()
    calendar.add("X-WR-CALNAME", f"{resource.label}: {tour.name or tour.id}")
    calendar.add("X-WR-TIMEZONE", tour.timezone)
    sequences = sequences or {}
    moments = []
    for engagement in plan.engagements:
        if resource.id not in engagement.resources:
            continue
        request = problem.request(engagement.request_id)
        event = Event()
        uid = resource_uid(tour.id, resource.id, engagement.request_id)
        event.add("UID", uid)
        event.add("DTSTAMP", dtstamp(plan))
        event.add("SEQUENCE", sequences.get(uid, 0))
        title = request.title or request.id
        if engagement.guests:  # the interpreter's day: whom each engagement is with, first
            title = f"{attendee_names(tour, engagement.guests, short=True)}: {title}"
        event.add("SUMMARY", title)
        add_times(event, engagement.start, engagement.end, tour.timezone)
        add_place(event, problem.locations.get(engagement.location) if engagement.location else None,
                  request.remote)
        if engagement.guests:
            lines = [f"With: {names_in_words(tour, engagement.guests)}"
                     + (f"; {request.counterpart}" if request.counterpart else "")]
        else:
            lines = [f"With: {tour.guest.name}" + (f" and {request.counterpart}" if request.counterpart else "")]
        if request.setup_minutes:
            arrive_by = utc(engagement.start) - timedelta(minutes=request.setup_minutes)
            lines.append(f"Be there by {format_time_marked(arrive_by, zone)} "
                         f"({request.setup_minutes} minutes of set-up).")
        event.add("DESCRIPTION", "\n".join(lines))
        event.add("STATUS", "CONFIRMED")
        event.add("TRANSP", "OPAQUE")
        calendar.add_component(event)
        moments += [engagement.start, engagement.end]
    for uid, record in sorted((cancelled or {}).items()):
        if record.get("resource") == resource.id:
            start, end = (datetime.fromisoformat(record[key]).astimezone(zone) for key in ("start", "end"))
            calendar.add_component(_cancelled_event(plan, uid, record, start, end, sequences.get(uid, 1)))
            moments += [start, end]
    add_timezones(calendar, tour.timezone, moments or [day.start for day in tour.days])
    return calendar


def _cancelled_event(plan: Plan, uid: str, record: Mapping[str, Any], start: datetime, end: datetime,
                     sequence: int) -> Event:
    """The STATUS:CANCELLED event of an engagement the resource no longer serves."""
    tour = plan.problem.tour
    title = str(record.get("title") or uid)
    guests = tuple(record.get("guests") or ())
    if guests:
        title = f"{attendee_names(tour, guests, short=True)}: {title}"
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    event.add("SUMMARY", f"Cancelled: {title}")
    add_times(event, start, end, tour.timezone)
    location = record.get("location")
    if location is not None:
        place = plan.problem.locations.get(location)
        event.add("LOCATION", place_text(place, None) if place is not None else location)
    event.add("STATUS", "CANCELLED")
    event.add("TRANSP", "TRANSPARENT")
    return event


def write(plan: Plan, out_dir: Path, *, audience: str = "team",
          history: CalendarHistory | None = None) -> list[Path]:
    """Write ``resources/<id>.ics`` for every resource of the plan (none without resources).

    A re-planned plan's calendars carry what its history says (each event's SEQUENCE, the
    engagements a resource no longer serves as cancelled), so exporting again gives the same
    files as the re-plan wrote. ``history`` is that history when the caller built it already
    (once per export); else it is built here.

    Returns
    -------
    list of Path
        The files written, one per resource.
    """
    history = history or calendar_history(plan)
    written = []
    for resource in plan.problem.resources:
        path = Path(out_dir) / RESOURCES_DIR / safe_file_name(resource.id)
        calendar = resource_calendar(plan, resource, sequences=history.sequences,
                                     cancelled=history.resource_events)
        written.append(write_atomic(path, calendar_bytes(calendar), private=True))
    return written
