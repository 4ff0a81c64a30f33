"""A presentation-ready view of a plan, shared by the run-sheet exporters (HTML, PDF, Markdown, CSV).

The view does the reading once: per day the ordered items (travel, engagements, breaks) with
local times in the tour's zone, place names, addresses and contacts, and the plan's totals.
The exporters only lay it out. The ``audience`` decides what the view holds: the guest's
version (``"guest"``) has no internal notes and no list of unscheduled requests, so no
exporter can leak them by mistake. Times, dates and durations are written by
:mod:`scheduler.formatting`, the same on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import Contact, Day, Engagement, Location, Plan, TravelLeg, utc
from ..formatting import (
    format_date, format_duration, format_number, format_offset, format_time, format_time_marked,
)
from .audience import AUDIENCES, AudienceError, check_audience, output_path, write_copy
from .delegation import attendance, focus_member, short_names
from .items import BreakItem, EngagementItem, Item, TravelItem, UnscheduledItem

__all__ = [
    "AUDIENCES",
    "AudienceError",
    "BreakItem",
    "DayView",
    "EngagementItem",
    "Item",
    "PlanView",
    "TravelItem",
    "UnscheduledItem",
    "build_view",
    "check_audience",
    "format_date",
    "format_duration",
    "format_number",
    "format_time",
    "output_path",
    "write_copy",
]

KIND_LABELS = {
    "tv": "TV",
    "radio": "Radio",
    "print": "Print",
    "online": "Online",
    "agency": "Agency",
    "podcast": "Podcast",
    "meeting": "Meeting",
    "event": "Event",
    "other": "Other",
}

STATUS_LABELS = {
    "optimal": "Proven optimal",
    "feasible": "Feasible, not proven optimal",
    "infeasible": "Infeasible",
    "unknown": "Unknown (the solver stopped before finding a plan)",
    "model_invalid": "Model invalid",
}


def _zone_label(zone_name: str, moments: list[datetime], zone: ZoneInfo) -> tuple[str, str]:
    """The zone's abbreviations over ``moments`` and a label such as ``Europe/Madrid, CEST (UTC+02:00)``."""
    seen: list[str] = []
    for moment in moments:
        local = moment.astimezone(zone)
        text = f"{local.tzname()} ({format_offset(local)})"
        if text not in seen:
            seen.append(text)
    abbreviations = " / ".join(text.split(" ")[0] for text in seen)
    # Two readings on one day mean a daylight-saving change: say so rather than hide it.
    label = f"{zone_name}, " + " then ".join(seen)
    return abbreviations, label


@dataclass(frozen=True, slots=True)
class DayView:
    """One day of the run sheet.

    Attributes
    ----------
    number, count
        ``number`` of ``count`` days (1-based).
    date, date_text
        The date and ``Fri 26 Oct 2018``.
    start, end, start_text, end_text
        The guest's hours that day.
    start_place, end_place
        Where the day starts and ends (display names).
    zone_abbreviation, zone_label
        ``CEST`` and ``Europe/Madrid, CEST (UTC+02:00)``; both name two readings on a day with
        a daylight-saving change.
    zone_name
        The zone the day is lived in (that of where it starts); every time of the day is
        local to it.
    items
        Travel, engagements and breaks in time order.
    closing_travel
        The legs after the last engagement, back to the day's end place.
    """

    number: int
    count: int
    date: date
    date_text: str
    start: datetime
    end: datetime
    start_text: str
    end_text: str
    start_place: str
    end_place: str
    zone_abbreviation: str
    zone_label: str
    items: tuple[Item, ...]
    closing_travel: tuple[TravelItem, ...]
    zone_name: str = ""

    @property
    def engagements(self) -> tuple[EngagementItem, ...]:
        """The day's engagements in time order."""
        return tuple(item for item in self.items if isinstance(item, EngagementItem))

    @property
    def travel(self) -> tuple[TravelItem, ...]:
        """The day's legs in time order."""
        return tuple(item for item in self.items if isinstance(item, TravelItem))

    @property
    def breaks(self) -> tuple[BreakItem, ...]:
        """The day's breaks in time order."""
        return tuple(item for item in self.items if isinstance(item, BreakItem))

    @property
    def travel_minutes(self) -> int:
        """Minutes travelled this day."""
        return sum(leg.minutes for leg in self.travel)

    @property
    def audience_reached(self) -> int:
        """Sum of the known audiences of the day's engagements."""
        return sum(e.audience or 0 for e in self.engagements)

    @property
    def arrival_text(self) -> str:
        """The way to the day's end place: ``from Telemadrid, 35 min, leave 16:55``; ``""`` when none."""
        return "; ".join(f"{leg.guest + ': ' if leg.guest else ''}from {leg.origin}, "
                         f"{leg.minutes_text}, leave {leg.start_text}" for leg in self.closing_travel)

    @property
    def programme_end(self) -> datetime:
        """When the last engagement, leg or break of the day ends; the day's start when there is none."""
        ends = [item.end for item in self.items]
        return max(ends, key=utc) if ends else self.start

    @property
    def programme_end_text(self) -> str:
        """:attr:`programme_end` as ``HH:MM``: from then on the guest is free at the end place."""
        return format_time_marked(self.programme_end)


@dataclass(frozen=True, slots=True)
class PlanView:
    """The whole run sheet: cover facts, the days, and (team only) the unscheduled requests.

    Attributes
    ----------
    audience
        ``"team"`` or ``"guest"``.
    tour_id, tour_name, guest_name, guest_timezone, organizer_name, organizer_email
        Who and what.
    zone_name
        The tour's zone (``Europe/Madrid``); each day's times are local to that day's zone.
    zone_names
        Every zone a day is lived in, the tour's first (one name for a tour in one zone).
    dates_text
        The tour's dates: ``Fri 26 Oct 2018 – Mon 29 Oct 2018``.
    created_text
        When the plan was made (``Sat 20 Oct 2018, 12:00``), or ``""``.
    days
        One :class:`DayView` per day of the tour.
    value_served, value_total
        Value of the engagements served and of every request.
    status, status_text, proven_optimal, gap
        The solver's verdict.
    unscheduled
        The requests left out with their reasons; empty in the guest's view.
    unscheduled_count
        How many were left out (in both views, so the guest's cover stays honest).
    """

    audience: str
    tour_id: str
    tour_name: str
    guest_name: str
    guest_timezone: str
    organizer_name: str
    organizer_email: str
    zone_name: str
    dates_text: str
    created_text: str
    days: tuple[DayView, ...]
    value_served: int
    value_total: int
    status: str
    status_text: str
    proven_optimal: bool
    gap: float | None
    unscheduled: tuple[UnscheduledItem, ...]
    unscheduled_count: int
    zone_names: tuple[str, ...] = ()

    @property
    def zones_text(self) -> str:
        """``Europe/Madrid``, or ``Europe/Brussels, Europe/London and Europe/Dublin``."""
        names = self.zone_names or (self.zone_name,)
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def is_team(self) -> bool:
        """True for the team's version (internal notes and the unscheduled list)."""
        return self.audience == "team"

    @property
    def engagements(self) -> tuple[EngagementItem, ...]:
        """Every engagement of the tour in time order."""
        return tuple(e for day in self.days for e in day.engagements)

    @property
    def engagement_count(self) -> int:
        """How many engagements the plan holds."""
        return len(self.engagements)

    @property
    def audience_reached(self) -> int:
        """Sum of the known audiences of the engagements served."""
        return sum(day.audience_reached for day in self.days)

    @property
    def travel_minutes(self) -> int:
        """Minutes travelled over the tour."""
        return sum(day.travel_minutes for day in self.days)

    @property
    def travel_legs(self) -> int:
        """Number of legs over the tour."""
        return sum(len(day.travel) for day in self.days)

    @property
    def estimated_legs(self) -> int:
        """Number of legs whose time is an estimate."""
        return sum(1 for day in self.days for leg in day.travel if leg.estimated)

    @property
    def value_share(self) -> int | None:
        """Value served as a whole percentage of the value asked, or ``None`` when nothing was asked."""
        if self.value_total <= 0:
            return None
        return round(100 * self.value_served / self.value_total)

    @property
    def value_text(self) -> str:
        """``110 of 120 (92%)``."""
        text = f"{format_number(self.value_served)} of {format_number(self.value_total)}"
        return text if self.value_share is None else f"{text} ({self.value_share}%)"

    @property
    def solver_text(self) -> str:
        """``Proven optimal``, or the status with the gap the solver could not close."""
        if self.proven_optimal or self.gap is None or self.status != "feasible":
            return self.status_text
        return f"{self.status_text} (gap {100 * self.gap:.1f}%)"


def _place(locations: Mapping[str, Location], place_id: str) -> Location:
    location = locations.get(place_id)
    return location if location is not None else Location(place_id, place_id)


def _travel_item(plan: Plan, leg: TravelLeg, zone: ZoneInfo, guest: str = "") -> TravelItem:
    locations = plan.problem.locations
    return TravelItem(
        start=leg.depart.astimezone(zone),
        end=leg.arrive.astimezone(zone),
        start_text=format_time_marked(leg.depart, zone),
        end_text=format_time_marked(leg.arrive, zone),
        origin=_place(locations, leg.origin).name,
        destination=_place(locations, leg.destination).name,
        origin_id=leg.origin,
        destination_id=leg.destination,
        minutes=leg.minutes,
        estimated=leg.estimated,
        fixed=leg.fixed,
        mode=leg.mode,
        ref=leg.ref,
        notes=leg.notes,
        checkin_minutes=leg.checkin_minutes,
        checkin_text=format_time(leg.depart - timedelta(minutes=leg.checkin_minutes), zone)
        if leg.fixed and leg.checkin_minutes else "",
        guest=guest,
    )


def _engagement_item(plan: Plan, engagement: Engagement, number: int, zone: ZoneInfo,
                     travel_before: tuple[TravelItem, ...], guest_place_id: str,
                     audience: str) -> EngagementItem:
    request = plan.problem.request(engagement.request_id)
    contact = request.contact or Contact()
    remote = request.remote if engagement.location is None else None
    place_id = engagement.location if engagement.location is not None else guest_place_id
    location = _place(plan.problem.locations, place_id)
    setup = request.setup_minutes
    # Through UTC: wall-clock arithmetic would be an hour off across a clock change.
    arrive_text = (format_time_marked(utc(engagement.start) - timedelta(minutes=setup), zone)
                   if setup else "")
    guests_label, guests = attendance(plan.problem.tour, engagement)
    return EngagementItem(
        number=number,
        request_id=request.id,
        title=request.title,
        kind=request.kind,
        kind_label=KIND_LABELS.get(request.kind, request.kind.capitalize()),
        counterpart=request.counterpart,
        start=engagement.start.astimezone(zone),
        end=engagement.end.astimezone(zone),
        start_text=format_time_marked(engagement.start, zone),
        end_text=format_time_marked(engagement.end, zone),
        setup_minutes=setup,
        arrive_text=arrive_text,
        remote=remote,
        place_id=place_id,
        place=location.name,
        address="" if remote else location.address,
        city="" if remote else location.city,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        travel_before=travel_before,
        notes=request.notes,
        internal_notes=request.internal_notes if audience == "team" else "",
        audience=request.audience,
        value=request.value,
        mandatory=request.mandatory,
        team=team_text(plan, engagement),
        guests=guests,
        guests_label=guests_label,
    )


def team_text(plan: Plan, engagement) -> str:
    """Who of the team attends an engagement: the names of the resources it uses, joined."""
    return ", ".join(plan.problem.resource(resource_id).label for resource_id in engagement.resources)


def _tracks(plan: Plan, day: Day) -> list[tuple[str, str, tuple[Engagement, ...], list[TravelLeg]]]:
    """Who moves through the day: (guest id, start place, engagements, legs) per member of a
    delegation, one track of every engagement and leg for one guest."""
    tour = plan.problem.tour
    engagements = plan.engagements_on(day.date)
    legs = [leg for leg in plan.travel if leg.day == day.date]
    if not tour.is_delegation:
        return [("", day.start_location, engagements, legs)]
    tracks = []
    for guest_id in tour.guest_ids:
        own_day = next((d for d in tour.days_of(guest_id) if d.date == day.date), day)
        tracks.append((guest_id, own_day.start_location,
                       tuple(e for e in engagements if guest_id in e.guests),
                       [leg for leg in legs if leg.guest == guest_id]))
    return tracks


def _day_view(plan: Plan, day: Day, number: int, count: int, audience: str) -> DayView:
    tour = plan.problem.tour
    zone = tour.day_zone(day)
    engagements = plan.engagements_on(day.date)
    legs = [leg for leg in plan.travel if leg.day == day.date]
    breaks = [b for b in plan.breaks if b.day == day.date]
    # The delegation's copy says whose each leg and break is; a member's own copy needs not.
    names = short_names(tour) if tour.is_delegation and not focus_member(tour) else {}

    before: dict[str, list[TravelItem]] = {}
    guest_place: dict[str, str] = {}
    closing: list[TravelItem] = []
    for guest_id, place_id, own_engagements, own_legs in _tracks(plan, day):
        leg_index = 0
        for engagement in own_engagements:
            # A leg belongs to the first engagement that starts after it arrives; a fixed leg
            # (a booked train) has a row of its own.
            while leg_index < len(own_legs) and utc(own_legs[leg_index].arrive) <= utc(engagement.start):
                if not own_legs[leg_index].fixed:
                    before.setdefault(engagement.request_id, []).append(
                        _travel_item(plan, own_legs[leg_index], zone, names.get(guest_id, "")))
                place_id = own_legs[leg_index].destination
                leg_index += 1
            guest_place.setdefault(engagement.request_id, place_id)
            if engagement.location is not None:
                place_id = engagement.location
        closing += [_travel_item(plan, leg, zone, names.get(guest_id, ""))
                    for leg in own_legs[leg_index:] if not leg.fixed]
    closing.sort(key=lambda leg: utc(leg.start))

    items: list[tuple[datetime, int, Item]] = []
    for position, engagement in enumerate(engagements, start=1):
        item = _engagement_item(plan, engagement, position, zone,
                                tuple(before.get(engagement.request_id, ())),
                                guest_place[engagement.request_id], audience)
        items.append((utc(item.setup_start), 1, item))
    for leg in legs:
        items.append((utc(leg.depart), 0, _travel_item(plan, leg, zone, names.get(leg.guest, ""))))
    for placed in breaks:
        items.append((utc(placed.start), 2, BreakItem(
            start=placed.start.astimezone(zone), end=placed.end.astimezone(zone),
            start_text=format_time_marked(placed.start, zone), end_text=format_time_marked(placed.end, zone),
            break_kind=placed.kind, guest=names.get(placed.guest, ""))))
    items.sort(key=lambda entry: (entry[0], entry[1]))

    moments = [day.start, day.end] + [entry[2].start for entry in items] + [entry[2].end for entry in items]
    moments.sort(key=utc)
    abbreviation, label = _zone_label(zone.key, moments, zone)
    return DayView(
        number=number,
        count=count,
        date=day.date,
        date_text=format_date(day.date),
        start=day.start.astimezone(zone),
        end=day.end.astimezone(zone),
        start_text=format_time_marked(day.start, zone),
        end_text=format_time_marked(day.end, zone),
        start_place=_place(plan.problem.locations, day.start_location).name,
        end_place=_place(plan.problem.locations, day.end_location).name,
        zone_abbreviation=abbreviation,
        zone_label=label,
        items=tuple(entry[2] for entry in items),
        closing_travel=tuple(closing),
        zone_name=zone.key,
    )


def build_view(plan: Plan, *, audience: str = "team") -> PlanView:
    """Read ``plan`` into the view the run sheets lay out.

    Parameters
    ----------
    plan
        A solved plan (it carries its whole problem).
    audience
        ``"team"`` keeps internal notes and the unscheduled requests; ``"guest"`` drops both.

    Returns
    -------
    PlanView
        Every time of a day is local to the zone that day is lived in.

    Raises
    ------
    AudienceError
        For an audience other than ``"team"`` or ``"guest"``.
    """
    check_audience(audience)
    problem = plan.problem
    tour = problem.tour
    zone = tour.zone
    days = tuple(_day_view(plan, day, number, len(tour.days), audience)
                 for number, day in enumerate(tour.days, start=1))
    first, last = tour.days[0].date, tour.days[-1].date
    dates_text = format_date(first) if first == last else f"{format_date(first)} \u2013 {format_date(last)}"
    created_text = ""
    if plan.created is not None:
        created_text = f"{format_date(plan.created.astimezone(zone).date())}, {format_time(plan.created, zone)}"
    unscheduled: tuple[UnscheduledItem, ...] = ()
    if audience == "team":
        known = {r.id: r for r in problem.requests}
        rows = []
        for left in plan.unscheduled:
            request = known.get(left.request_id)
            rows.append(UnscheduledItem(
                request_id=left.request_id,
                title=request.title if request else left.request_id,
                counterpart=request.counterpart if request else "",
                kind_label=KIND_LABELS.get(request.kind, request.kind) if request else "",
                value=request.value if request else 0,
                mandatory=request.mandatory if request else False,
                reason=left.reason,
                code=left.code,
            ))
        unscheduled = tuple(rows)
    solver = plan.solver
    return PlanView(
        audience=audience,
        tour_id=tour.id,
        tour_name=tour.name,
        guest_name=tour.guest.name,
        guest_timezone=tour.guest.timezone,
        organizer_name=tour.organizer.name,
        organizer_email=tour.organizer.email,
        zone_name=tour.timezone,
        dates_text=dates_text,
        created_text=created_text,
        days=days,
        value_served=plan.value_served,
        value_total=problem.total_value,
        status=solver.status,
        status_text=STATUS_LABELS.get(solver.status, solver.status),
        proven_optimal=solver.proven_optimal,
        gap=solver.gap,
        unscheduled=unscheduled,
        unscheduled_count=len(plan.unscheduled),
        zone_names=tour.zones,
    )
