"""A calendar per shared resource (``resources/<id>.ics``): its engagements only, title and place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..calendar_uids import engagement_uid
from ..domain import Plan, Resource, utc
from ..formatting import format_time_marked
from ..fsio import write_atomic
from .delegation import attendee_names, names_in_words
from .ics import add_place, add_times, add_timezones, calendar_bytes, dtstamp, new_calendar, safe_file_name

__all__ = ["RESOURCES_DIR", "resource_calendar", "write"]

RESOURCES_DIR = "resources"


def resource_calendar(plan: Plan, resource: Resource) -> Calendar:
    """The calendar of one resource: each engagement that uses it, and nothing else.

    Each event has the engagement's title, times and place, who it is with and, when there is
    set-up, when to be there. In a delegation the title starts with the short names of the
    members it is with (``Anna, Boris: Meeting with the Commissioner``) and the description
    names them in full. It leaves out the notes (internal or not), the contacts and the
    engagements the resource does not attend, so that it can go to an interpreter or an
    escort from outside the team.

    Parameters
    ----------
    plan
        The solved plan.
    resource
        One of the plan's resources.

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
    moments = []
    for engagement in plan.engagements:
        if resource.id not in engagement.resources:
            continue
        request = problem.request(engagement.request_id)
        event = Event()
        event.add("UID", f"{resource.id}.{engagement_uid(tour.id, engagement.request_id)}")
        event.add("DTSTAMP", dtstamp(plan))
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
    add_timezones(calendar, tour.timezone, moments or [day.start for day in tour.days])
    return calendar


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``resources/<id>.ics`` for every resource of the plan (none without resources).

    Returns
    -------
    list of Path
        The files written, one per resource.
    """
    written = []
    for resource in plan.problem.resources:
        path = Path(out_dir) / RESOURCES_DIR / safe_file_name(resource.id)
        written.append(write_atomic(path, calendar_bytes(resource_calendar(plan, resource)), private=True))
    return written
