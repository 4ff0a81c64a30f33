"""The guest's and the team's calendar (``agenda.ics``): engagements, travel legs and nights.

All of the project's iCalendar writing lives in this module and its siblings ``invites`` and
``publish`` (as khal keeps its own in one place). Output is deterministic: times come from the
plan, DTSTAMP from the plan's ``created``, UIDs from ids, so the same plan gives the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from ..calendar_uids import UID_SUFFIX, NightEvent, engagement_uid, night_uid, travel_uid, trip_key
from ..calendar_uids import lodging_nights as tour_lodging_nights
from ..calendar_uids import nights_of_days as shared_nights_of_days
from ..domain import Day, Engagement, Location, Plan, Request, TravelLeg, utc
from ..errors import SchedulerError
from ..file_names import safe_file_name
from ..formatting import REMOTE_LABELS, format_time_marked, place_name, place_text
from ..fsio import write_atomic
from ..timegrid import repeated_hour_pass
from .audience import AUDIENCES
from .calendar_history import CalendarHistory, calendar_history
from .delegation import attendee_names, attends, titled, who_line, whose
from .passages import passage_events

__all__ = [
    "AUDIENCES",
    "PRODID",
    "REMOTE_LABELS",  # re-exported from scheduler.formatting, where it lives
    "CalendarError",
    "add_place",
    "add_times",
    "add_timezones",
    "engagement_zone",
    "calendar_bytes",
    "cancelled_leg_event",
    "contact_text",
    "dtstamp",
    "engagement_uid",
    "guest_calendar",
    "in_zone",
    "new_calendar",
    "add_cancelled_nights",
    "cancelled_night_event",
    "lodging_nights",
    "night_uid",
    "nights",
    "nights_of_days",
    "owns_uid",
    "place_text",  # re-exported from scheduler.formatting, where it lives
    "safe_file_name",
    "travel_uid",
    "write",
]

PRODID = "-//scheduler//Advocacy tour planner//EN"
FILE_NAMES = {"guest": "agenda.ics", "team": "agenda-team.ics"}


class CalendarError(SchedulerError):
    """A calendar cannot be made from the plan as asked (unknown engagement, bad option)."""


# --- identifiers -------------------------------------------------------------------------

def owns_uid(tour_id: str, uid: str) -> bool:
    """Whether ``uid`` is one this module makes for the tour ``tour_id`` (any kind of event)."""
    return any(uid.endswith(f"@{prefix}{tour_id}.{UID_SUFFIX}")
               for prefix in ("", "travel.", "night."))


# --- shared pieces (also used by invites and publish) ------------------------------------

def calendar_bytes(calendar: Calendar) -> bytes:
    """The calendar's RFC 5545 text: CRLF line ends, lines folded at 75 octets, UTF-8."""
    return calendar.to_ical()


def new_calendar(*, method: str | None = None) -> Calendar:
    """An empty VCALENDAR with PRODID, VERSION, CALSCALE and, for iTIP, METHOD."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method is not None:
        calendar.add("METHOD", method)
    return calendar


def add_timezones(calendar: Calendar, zone_name: str, moments: Iterable[datetime | date]) -> None:
    """Add icalendar's VTIMEZONE for each zone the calendar uses, covering only the dates of ``moments``.

    A component that lists the real transitions of the few days a calendar covers is exact
    and short; a generic rule-based one written for 1970-2038 makes some readers pick the
    wrong rule and show summer times an hour off.

    Parameters
    ----------
    calendar
        The calendar; every zone named by a TZID in it gets its VTIMEZONE, and so does
        ``zone_name`` (so the order in which events and zones are added does not matter).
    zone_name
        The tour's IANA zone; the dates of ``moments`` are read in it.
    moments
        The times and dates the calendar holds; the VTIMEZONE runs from the first one's date
        to the day after the last one's.
    """
    zone = ZoneInfo(zone_name)
    dates = [m.astimezone(zone).date() if isinstance(m, datetime) else m for m in moments]
    first, last = min(dates), max(dates) + timedelta(days=1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    if zone_name not in {str(component["TZID"]) for component in calendar.timezones}:
        calendar.add_component(Timezone.from_tzid(zone_name, first_date=first, last_date=last))


def dtstamp(plan: Plan, fallback: datetime | None = None) -> datetime:
    """DTSTAMP in UTC: when the plan was made, else ``fallback``, else the first day's start.

    Never the wall clock, so writing the same plan twice gives the same bytes.
    """
    moment = plan.created or fallback or plan.problem.tour.days[0].start
    return utc(moment)


def add_place(event: Event, location: Location | None, remote: str | None) -> None:
    """Set LOCATION, and GEO when the place has coordinates."""
    event.add("LOCATION", place_text(location, remote))
    if location is not None and location.has_coordinates:
        event.add("GEO", (location.latitude, location.longitude))


def contact_text(request: Request) -> str:
    """The counterpart's contact in one line: name, email, phone (those given)."""
    contact = request.contact
    return ", ".join(part for part in (contact.name, contact.email, contact.phone) if part)


def in_zone(moment: datetime, zone_name: str) -> datetime:
    """``moment`` read in ``zone_name``, so its DTSTART/DTEND carry that TZID."""
    return moment.astimezone(ZoneInfo(zone_name))


def add_times(event: Event, start: datetime, end: datetime, zone_name: str,
              end_zone_name: str | None = None) -> None:
    """DTSTART in ``zone_name`` and DTEND in ``end_zone_name`` (default the same), each with
    its TZID; in UTC where a local time repeats.

    A flight or train between zones departs in the zone of its origin and arrives in that
    of its destination, as its ticket says. RFC 5545 reads a local time of the hour the
    clocks go back over as its first pass, so a time in the second pass written as local
    time would be read an hour early. An event that starts or ends in a repeated hour is
    written in UTC (both times, so they keep one form), which every reader places at the
    right instant.
    """
    local_start, local_end = in_zone(start, zone_name), in_zone(end, end_zone_name or zone_name)
    if repeated_hour_pass(local_start) is not None or repeated_hour_pass(local_end) is not None:
        local_start, local_end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    event.add("DTSTART", local_start)
    event.add("DTEND", local_end)


# --- the guest's calendar -----------------------------------------------------------------

def nights(plan: Plan) -> tuple[tuple[date, str], ...]:
    """The nights of the tour and where the guest sleeps: ``(date the night starts, place id)``.

    A day starts at the lodging of the night before and ends at the lodging of its own night
    (or where the guest arrives or departs), so between two working days the guest sleeps
    where the next day starts, every night of the gap. The places slept in between days are
    the lodgings; the night before the first day and the night after the last are added only
    when the first day starts, or the last ends, at one of them (not at an airport). A
    one-day tour that starts and ends at the same place sleeps there both nights.
    """
    return nights_of_days(plan.problem.tour.days)


def nights_of_days(days: tuple[Day, ...]) -> tuple[tuple[date, str], ...]:
    """:func:`nights` of a sequence of working days (a delegation member's own days); see
    :func:`scheduler.calendar_uids.nights_of_days`."""
    return shared_nights_of_days(days)


def lodging_nights(plan: Plan) -> tuple[tuple[date, str, tuple[str, ...]], ...]:
    """The nights and who sleeps where: ``(night, place id, guest ids)``, the ids ``()`` when
    everyone of the tour sleeps there (always in a tour of one guest and in a member's plan).

    Members of a delegation with their own lodging sleep elsewhere than the others: each
    place of a night then gets its own event, naming who sleeps there
    (:func:`scheduler.calendar_uids.lodging_nights`).
    """
    return tuple(tuple(event) for event in tour_lodging_nights(plan.problem.tour))


def _local_time_line(start: datetime, end: datetime, zone_name: str,
                     end_zone_name: str | None = None) -> str:
    local_start = in_zone(start, zone_name)
    if end_zone_name is not None and end_zone_name != zone_name:
        local_end = in_zone(end, end_zone_name)
        return (f"Local time: {local_start:%Y-%m-%d} {format_time_marked(local_start)} ({zone_name})"
                f" to {format_time_marked(local_end)} ({end_zone_name})")
    local_end = in_zone(end, zone_name)
    return (f"Local time: {local_start:%Y-%m-%d} {format_time_marked(local_start)}-"
            f"{format_time_marked(local_end)} ({zone_name})")


def _arrival_leg(plan: Plan, engagement: Engagement) -> TravelLeg | None:
    """The leg that brings the guest to the engagement, or ``None`` when they are already
    there (the last move of the day ended here before an earlier engagement)."""
    # In a delegation, the first attendee's way there (each member travels on their own).
    guest = engagement.guests[0] if engagement.guests else ""
    before = [leg for leg in plan.travel_of(guest)
              if leg.day == engagement.day and utc(leg.arrive) <= utc(engagement.start)]
    if not before:
        return None
    leg = max(before, key=lambda item: utc(item.arrive))
    if leg.destination != engagement.location:
        return None
    for other in plan.engagements_on(engagement.day):
        if attends(other, guest) and utc(leg.arrive) <= utc(other.start) < utc(engagement.start):
            return None
    return leg


def _location_name(plan: Plan, location_id: str) -> str:
    location = plan.problem.locations.get(location_id)
    return location.name if location is not None and location.name else location_id


def engagement_zone(plan: Plan, engagement: Engagement) -> str:
    """The zone an engagement's calendar event carries: its place's, else the day's."""
    return plan.problem.place_zone(engagement.location, engagement.start).key


def _engagement_description(plan: Plan, request: Request | None, engagement: Engagement,
                            audience: str, calendar_zone: str) -> str:
    zone_name = engagement_zone(plan, engagement)
    lines: list[str] = []
    who = who_line(plan.problem.tour, engagement)
    if who:
        lines.append(who)
    if request is not None:
        if request.counterpart:
            lines.append(f"With: {request.counterpart}")
        contact = contact_text(request)
        if contact:
            lines.append(f"Contact: {contact}")
        lines.append(f"Kind: {request.kind}")
        if request.setup_minutes:
            # Through UTC: wall-clock arithmetic would be an hour off across a clock change.
            arrive_by = utc(engagement.start) - timedelta(minutes=request.setup_minutes)
            lines.append(f"Be there by {format_time_marked(arrive_by, ZoneInfo(zone_name))} "
                         f"({request.setup_minutes} minutes of set-up).")
    if engagement.location is None:
        mode = request.remote if request is not None else None
        lines.append(f"Remote ({mode or 'remote'}): no travel; a quiet room is needed.")
    else:
        leg = _arrival_leg(plan, engagement)
        if leg is not None:
            estimate = ", estimated" if leg.estimated else ""
            lines.append(f"Getting there{whose(plan.problem.tour, leg.guest)}: from "
                         f"{_location_name(plan, leg.origin)}, "
                         f"{leg.minutes} minutes{estimate}; leave at "
                         f"{format_time_marked(leg.depart, ZoneInfo(zone_name))}.")
    if request is not None and request.notes:
        lines.append(f"Notes: {request.notes}")
    if audience == "team" and request is not None and request.internal_notes:
        lines.append(f"Internal notes: {request.internal_notes}")
    if calendar_zone != zone_name:
        lines.append(_local_time_line(engagement.start, engagement.end, zone_name))
    return "\n".join(lines)


def _engagement_event(plan: Plan, engagement: Engagement, *, audience: str, alarm_minutes: int,
                      calendar_zone: str, sequence: int, cancelled: bool) -> Event:
    problem = plan.problem
    zone_name = engagement_zone(plan, engagement)
    request = next((r for r in problem.requests if r.id == engagement.request_id), None)
    title = (request.title if request is not None else "") or engagement.request_id
    event = Event()
    event.add("UID", engagement_uid(problem.tour.id, engagement.request_id))
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    title = titled(problem.tour, engagement.guests, title)
    event.add("SUMMARY", f"Cancelled: {title}" if cancelled else title)
    add_times(event, engagement.start, engagement.end, zone_name)
    location = (problem.locations.get(engagement.location)
                if engagement.location is not None else None)
    if engagement.location is not None and location is None:
        # A cancelled slot of an earlier plan may name a place this plan no longer lists.
        event.add("LOCATION", engagement.location)
    else:
        add_place(event, location, request.remote if request is not None else None)
    description = _engagement_description(plan, request, engagement, audience, calendar_zone)
    if description:
        event.add("DESCRIPTION", description)
    if request is not None:
        event.add("CATEGORIES", [request.kind])
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("X-SCHEDULER-KIND", "engagement")
    if not cancelled:
        setup = request.setup_minutes if request is not None else 0
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", title)
        # The reminder is for when the guest must be there: before the set-up, if any.
        alarm.add("TRIGGER", -timedelta(minutes=alarm_minutes + setup))
        event.add_component(alarm)
    return event


def _travel_event(plan: Plan, leg: TravelLeg, uid: str, *, calendar_zone: str,
                  sequence: int) -> Event:
    problem = plan.problem
    zone_name = problem.place_zone(leg.origin, leg.depart).key
    end_zone_name = problem.place_zone(leg.destination, leg.arrive).key
    origin = problem.locations.get(leg.origin)
    destination = problem.locations.get(leg.destination)
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    label = f"{leg.mode.capitalize()} {leg.ref}".strip() if leg.fixed else "Travel"
    label += whose(problem.tour, leg.guest)
    event.add("SUMMARY", f"{label}: {_location_name(plan, leg.origin)} → "
                         f"{_location_name(plan, leg.destination)}")
    add_times(event, leg.depart, leg.arrive, zone_name, end_zone_name)
    event.add("LOCATION", place_text(origin, None) if origin else leg.origin)
    lines = [f"From: {place_text(origin, None) if origin else leg.origin}",
             f"To: {place_text(destination, None) if destination else leg.destination}",
             f"{leg.minutes} minutes" + (" (estimated)" if leg.estimated else "")]
    if leg.fixed:
        lines[2:2] = [f"Mode: {leg.mode}", *([f"Reference: {leg.ref}"] if leg.ref else [])]
        if leg.checkin_minutes:
            be_there = in_zone(leg.depart - timedelta(minutes=leg.checkin_minutes), zone_name)
            lines.append(f"Be there by {be_there:%H:%M} ({leg.checkin_minutes} minutes before departure)")
        if leg.notes:
            lines.append(f"Notes: {leg.notes}")
    if calendar_zone != zone_name or end_zone_name != zone_name:
        lines.append(_local_time_line(leg.depart, leg.arrive, zone_name, end_zone_name))
    event.add("DESCRIPTION", "\n".join(lines))
    event.add("CATEGORIES", ["travel"])
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("X-SCHEDULER-KIND", "travel")
    return event


def _night_event(plan: Plan, night: date, location_id: str, *, sequence: int,
                 guests: tuple[str, ...] = (), uid: str | None = None,
                 cancelled: bool = False) -> Event:
    location = plan.problem.locations.get(location_id)
    event = Event()
    event.add("UID", uid or night_uid(plan.problem.tour.id, night, location_id if guests else ""))
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    who = f" ({attendee_names(plan.problem.tour, guests, short=True)})" if guests else ""
    prefix = "Cancelled: " if cancelled else ""
    event.add("SUMMARY", f"{prefix}Night{who}: {_location_name(plan, location_id)}")
    event.add("DTSTART", night)
    event.add("DTEND", night + timedelta(days=1))
    add_place(event, location, None)
    event.add("CATEGORIES", ["lodging"])
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")
    event.add("X-SCHEDULER-KIND", "night")
    return event


def cancelled_night_event(plan: Plan, uid: str, night: NightEvent, sequence: int) -> Event:
    """The STATUS:CANCELLED event of a night's lodging that a later version no longer has
    under that UID (the lodging of that night changed, or the night is gone).

    Parameters
    ----------
    plan
        The new plan (its places and time stamp; a place it no longer knows is named by its id).
    uid
        The night's calendar UID, as the earlier version published it.
    night
        The night as it last was.
    sequence
        The event's SEQUENCE after this version.
    """
    return _night_event(plan, night.night, night.location, sequence=sequence,
                        guests=night.guests, uid=uid, cancelled=True)


def add_cancelled_nights(calendar: Calendar, plan: Plan,
                         nights: Mapping[tuple[str, str], NightEvent] | None,
                         sequences: Mapping[str, int] | None, owner: str = "") -> None:
    """Add to ``calendar`` the cancelled nights of ``nights`` (by calendar and UID, see
    :func:`scheduler.calendar_uids.night_events`) that belong to it: the tour's (``owner``
    ``""``) or one member's."""
    for (calendar_of, uid), night in sorted((nights or {}).items()):
        if calendar_of == owner:
            calendar.add_component(cancelled_night_event(plan, uid, night, (sequences or {}).get(uid, 1)))


def _cancelled_engagements(plan: Plan, cancelled: Iterable[str | Engagement]) -> dict[str, Engagement]:
    result: dict[str, Engagement] = {}
    for item in cancelled:
        if isinstance(item, Engagement):
            result[item.request_id] = item
            continue
        engagement = plan.engagement(item)
        if engagement is None:
            raise CalendarError(
                f"cannot cancel {item!r}: the plan has no engagement for it; pass the "
                f"Engagement from the earlier plan instead of its request id")
        result[item] = engagement
    return result


def _event_order(event: Event, zone_name: str) -> tuple[datetime, int, str]:
    start = event.decoded("DTSTART")
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(), ZoneInfo(zone_name))
    rank = {"night": 0, "travel": 1, "engagement": 2}[str(event["X-SCHEDULER-KIND"])]
    return start.astimezone(timezone.utc), rank, str(event["UID"])


def guest_calendar(plan: Plan, *, audience: str = "guest", alarm_minutes: int = 30,
                   calendar_zone: str | None = None, sequences: Mapping[str, int] | None = None,
                   cancelled: Iterable[str | Engagement] = ()) -> Calendar:
    """The full itinerary as an iCalendar: engagements, travel legs and nights.

    Parameters
    ----------
    plan
        The solved plan.
    audience
        ``"guest"``, or ``"team"`` to add each request's internal notes.
    alarm_minutes
        Each engagement reminds this many minutes before the guest must be there (its
        start, or the start of its set-up).
    calendar_zone
        The zone of the guest's calendar app (default: the guest's zone). It becomes
        X-WR-TIMEZONE; when it differs from the tour's zone every timed event's description
        also gives the tour's local time. Events always carry the tour's zone as TZID.
    sequences
        SEQUENCE per event UID (re-planning raises it for the events it changes); 0 for a
        UID not in it.
    cancelled
        Engagements to publish as STATUS:CANCELLED: request ids of this plan's engagements,
        or :class:`Engagement` objects from an earlier plan.

    Returns
    -------
    icalendar.Calendar
        With a VTIMEZONE of the tour's zone covering only the tour's dates.

    Raises
    ------
    CalendarError
        For an unknown audience, a negative alarm or a zone that does not exist, or a
        request id to cancel that the plan does not schedule.
    """
    if audience not in AUDIENCES:
        raise CalendarError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    if alarm_minutes < 0:
        raise CalendarError("alarm minutes must be 0 or more")
    problem = plan.problem
    tour = problem.tour
    calendar_zone = calendar_zone or tour.guest.timezone
    try:
        ZoneInfo(calendar_zone)
    except (ValueError, KeyError, OSError) as error:  # zoneinfo raises several types
        raise CalendarError(f"unknown time zone {calendar_zone!r}") from error
    sequences = sequences or {}
    to_cancel = _cancelled_engagements(plan, cancelled)

    events: list[Event] = []
    kept = [e for e in plan.engagements if e.request_id not in to_cancel]
    for engagement, is_cancelled in ([(e, False) for e in kept]
                                     + [(e, True) for e in to_cancel.values()]):
        uid = engagement_uid(tour.id, engagement.request_id)
        events.append(_engagement_event(
            plan, engagement, audience=audience, alarm_minutes=alarm_minutes,
            calendar_zone=calendar_zone, sequence=sequences.get(uid, 0), cancelled=is_cancelled))
    seen: dict[tuple[date, str, str, str], int] = {}
    for leg in plan.travel:
        key = trip_key(leg)
        seen[key] = seen.get(key, 0) + 1
        uid = travel_uid(tour.id, leg, seen[key])
        events.append(_travel_event(plan, leg, uid, calendar_zone=calendar_zone,
                                    sequence=sequences.get(uid, 0)))
    for night, location_id, guests in lodging_nights(plan):
        uid = night_uid(tour.id, night, location_id if guests else "")
        events.append(_night_event(plan, night, location_id, sequence=sequences.get(uid, 0),
                                   guests=guests))
    events += passage_events(plan, dtstamp(plan), sequences)
    events.sort(key=lambda event: _event_order(event, tour.timezone))

    calendar = new_calendar()
    name = tour.name or tour.id
    calendar.add("X-WR-CALNAME", f"{name} (team)" if audience == "team" else name)
    calendar.add("X-WR-TIMEZONE", calendar_zone)
    moments: list[datetime | date] = [*(d.start for d in tour.days), *(d.end for d in tour.days)]
    moments += [e.decoded("DTSTART") for e in events] + [e.decoded("DTEND") for e in events]
    for event in events:
        calendar.add_component(event)
    add_timezones(calendar, tour.timezone, moments)
    return calendar


def write(plan: Plan, out_dir: Path, *, audience: str = "guest", alarm_minutes: int = 30,
          calendar_zone: str | None = None, sequences: Mapping[str, int] | None = None,
          cancelled: Iterable[str | Engagement] = (),
          history: CalendarHistory | None = None) -> list[Path]:
    """Write the calendar to ``out_dir/agenda.ics`` (guest) or ``agenda-team.ics`` (team).

    The file is written atomically and readable by its owner only: it holds the guest's
    whole itinerary. The options are those of :func:`guest_calendar`. Without
    ``sequences`` and ``cancelled``, a re-planned plan's calendar carries what its history
    says (each event's SEQUENCE, the dropped engagements, legs and nights as cancelled), as the
    re-plan wrote it, so that exporting again does not set the guest's phone back;
    ``history`` is that history when the caller built it already
    (:func:`~scheduler.export.calendar_history.calendar_history`, once per export).

    Returns
    -------
    list of Path
        The one file written.
    """
    gone: Mapping[str, TravelLeg] = {}
    gone_nights: Mapping[tuple[str, str], NightEvent] = {}
    if sequences is None and not cancelled and plan.history:
        history = history or calendar_history(plan)
        plan, sequences, cancelled, gone, gone_nights = (
            history.titles, history.sequences, history.cancelled, history.legs, history.nights)
    calendar = guest_calendar(plan, audience=audience, alarm_minutes=alarm_minutes,
                              calendar_zone=calendar_zone, sequences=sequences,
                              cancelled=cancelled)
    for uid, leg in sorted(gone.items()):
        calendar.add_component(cancelled_leg_event(plan, uid, leg, (sequences or {}).get(uid, 1)))
    add_cancelled_nights(calendar, plan, gone_nights, sequences)
    path = write_atomic(Path(out_dir) / FILE_NAMES[audience], calendar_bytes(calendar),
                        private=True)
    return [path]


def cancelled_leg_event(plan: Plan, uid: str, leg: TravelLeg, sequence: int) -> Event:
    """The STATUS:CANCELLED event of a travel leg that a re-plan removed.

    Parameters
    ----------
    plan
        The new plan (its tour's zone, places and time stamp).
    uid
        The leg's calendar UID, as the earlier version published it.
    leg
        The leg as it last was.
    sequence
        The event's SEQUENCE after this version.
    """
    problem = plan.problem
    locations = problem.locations
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    event.add("SUMMARY", f"Cancelled: Travel: {place_name(locations, leg.origin)} → "
                         f"{place_name(locations, leg.destination)}")
    add_times(event, leg.depart, leg.arrive, problem.place_zone(leg.origin, leg.depart).key,
              problem.place_zone(leg.destination, leg.arrive).key)
    event.add("CATEGORIES", ["travel"])
    event.add("STATUS", "CANCELLED")
    event.add("TRANSP", "TRANSPARENT")
    event.add("X-SCHEDULER-KIND", "travel")
    return event
