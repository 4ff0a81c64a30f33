"""A presentation-ready view of a plan, shared by the run-sheet exporters (HTML, PDF, Markdown, CSV).

The view does the reading once: per day the ordered items (travel, engagements, breaks) with
local times in the tour's zone, place names, addresses and contacts, and the plan's totals.
The exporters only lay it out. The ``audience`` decides what the view holds: the guest's
version (``"guest"``) has no internal notes and no list of unscheduled requests, so no
exporter can leak them by mistake.

Dates and times are formatted here, without the process locale, so the output is the same on
every machine: 24-hour times (``09:45``) and unambiguous dates (``Tue 27 Nov 2018``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..domain import Contact, Day, Engagement, Location, Plan, TravelLeg, utc
from ..errors import SchedulerError
from ..fsio import write_atomic

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
]

AUDIENCES = ("team", "guest")

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

# Fixed English names: strftime("%a") follows the process locale and would make output vary.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class AudienceError(SchedulerError, ValueError):
    """An exporter was asked for an audience other than ``"team"`` or ``"guest"``."""


def check_audience(audience: str) -> str:
    """Return ``audience`` when it is known; raise :class:`AudienceError` otherwise.

    Parameters
    ----------
    audience
        ``"team"`` (the full run sheet) or ``"guest"`` (no internal notes, no unscheduled list).
    """
    if audience not in AUDIENCES:
        raise AudienceError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    return audience


def output_path(out_dir: Path, stem: str, suffix: str, audience: str) -> Path:
    """The file an exporter writes: ``agenda.html`` for the team, ``agenda-guest.html`` for the guest.

    Parameters
    ----------
    out_dir
        The output folder.
    stem
        The name without suffix, such as ``"agenda"``.
    suffix
        The suffix with its dot, such as ``".html"``.
    audience
        ``"team"`` or ``"guest"``; the guest's copy gets its own name so both can sit side by side.
    """
    check_audience(audience)
    name = stem if audience == "team" else f"{stem}-{audience}"
    return Path(out_dir) / f"{name}{suffix}"



def write_copy(out_dir: Path, suffix: str, content: str | bytes, audience: str) -> list[Path]:
    """Write one run-sheet copy (``agenda<suffix>`` or ``agenda-guest<suffix>``) privately.

    Every run sheet holds the guest's itinerary, so it is written atomically and readable by
    its owner only. Returns the file written, in a list.
    """
    path = output_path(Path(out_dir), "agenda", suffix, audience)
    return [write_atomic(path, content, private=True)]

def format_date(day: date) -> str:
    """A date that no reader can misread, independent of locale: ``Tue 27 Nov 2018``."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    """The 24-hour local time of ``moment`` in ``zone``: ``09:45``."""
    local = moment.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def format_duration(minutes: int) -> str:
    """Minutes for people: ``45 min``, ``1 h``, ``2 h 20 min``."""
    hours, rest = divmod(int(minutes), 60)
    if hours == 0:
        return f"{rest} min"
    if rest == 0:
        return f"{hours} h"
    return f"{hours} h {rest} min"


def format_number(value: int) -> str:
    """A whole number with thousands separated by commas: ``1,250,000``."""
    return f"{int(value):,}"


def _format_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _zone_label(zone_name: str, moments: list[datetime], zone: ZoneInfo) -> tuple[str, str]:
    """The zone's abbreviations over ``moments`` and a label such as ``Europe/Madrid, CEST (UTC+02:00)``."""
    seen: list[str] = []
    for moment in moments:
        local = moment.astimezone(zone)
        text = f"{local.tzname()} ({_format_offset(local)})"
        if text not in seen:
            seen.append(text)
    abbreviations = " / ".join(text.split(" ")[0] for text in seen)
    # Two readings on one day mean a daylight-saving change: say so rather than hide it.
    label = f"{zone_name}, " + " then ".join(seen)
    return abbreviations, label


@dataclass(frozen=True, slots=True)
class TravelItem:
    """A move of the guest between two places.

    Attributes
    ----------
    start, end
        Departure and arrival, aware datetimes in the tour's zone.
    start_text, end_text
        The same as ``HH:MM``.
    origin, destination
        The places' display names.
    origin_id, destination_id
        The places' ids.
    minutes
        Travel time in minutes.
    estimated
        True when the time was estimated from coordinates rather than given by the organizer.
    """

    start: datetime
    end: datetime
    start_text: str
    end_text: str
    origin: str
    destination: str
    origin_id: str
    destination_id: str
    minutes: int
    estimated: bool

    kind = "travel"

    @property
    def title(self) -> str:
        """``Hotel Central → PSOE, Ferraz``."""
        return f"{self.origin} \u2192 {self.destination}"

    @property
    def minutes_text(self) -> str:
        """``15 min``, or ``≈15 min (estimated)`` when estimated."""
        text = format_duration(self.minutes)
        return f"\u2248{text} (estimated)" if self.estimated else text


@dataclass(frozen=True, slots=True)
class BreakItem:
    """A break placed in the day (the meal).

    Attributes
    ----------
    start, end, start_text, end_text
        As for :class:`TravelItem`.
    break_kind
        The break's kind as in the plan (``"meal"``).
    """

    start: datetime
    end: datetime
    start_text: str
    end_text: str
    break_kind: str

    kind = "break"

    @property
    def title(self) -> str:
        """``Meal break``."""
        return f"{self.break_kind.capitalize()} break"

    @property
    def minutes(self) -> int:
        """Length of the break in minutes."""
        return int((utc(self.end) - utc(self.start)) // timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class EngagementItem:
    """An engagement as the run sheet shows it.

    Attributes
    ----------
    number
        1-based position among the day's engagements; the timeline and the table share it.
    request_id, title, kind, kind_label, counterpart
        What it is (``kind_label`` is ``"TV"`` for ``"tv"``).
    start, end, start_text, end_text
        When, in the tour's zone.
    setup_minutes, arrive_text
        Set-up time before the start (TV make-up) and the time to be there (``""`` without set-up).
    remote
        ``"phone"`` or ``"video"`` for a remote engagement, else ``None``.
    place_id, place, address, city
        The place's id, name, address and city; for a remote engagement the place is where the
        guest is at the time (they need a quiet room there) and ``address`` is empty.
    contact_name, contact_email, contact_phone
        The counterpart's contact person.
    travel_before
        The legs the guest travels after the previous engagement (or the day's start) to get here.
    notes
        Notes for the guest and the team.
    internal_notes
        Notes for the team only; always ``""`` in the guest's view.
    audience, value, mandatory
        How much it matters.
    """

    number: int
    request_id: str
    title: str
    kind: str
    kind_label: str
    counterpart: str
    start: datetime
    end: datetime
    start_text: str
    end_text: str
    setup_minutes: int
    arrive_text: str
    remote: str | None
    place_id: str
    place: str
    address: str
    city: str
    contact_name: str
    contact_email: str
    contact_phone: str
    travel_before: tuple[TravelItem, ...]
    notes: str
    internal_notes: str
    audience: int | None
    value: int
    mandatory: bool

    @property
    def is_remote(self) -> bool:
        """True for a phone or video engagement."""
        return self.remote is not None

    @property
    def duration_minutes(self) -> int:
        """Length of the engagement itself, set-up excluded."""
        return int((utc(self.end) - utc(self.start)) // timedelta(minutes=1))

    @property
    def setup_start(self) -> datetime:
        """When set-up begins (the start when there is none)."""
        return self.start - timedelta(minutes=self.setup_minutes)

    @property
    def contact_text(self) -> str:
        """The contact's name, e-mail and phone joined with `` · ``."""
        parts = [self.contact_name, self.contact_email, self.contact_phone]
        return " \u00b7 ".join(part for part in parts if part)

    @property
    def where_text(self) -> str:
        """The place and address on one line, or ``Remote (phone), from Hotel Central``."""
        if self.is_remote:
            return f"Remote ({self.remote}), from {self.place}" if self.place else f"Remote ({self.remote})"
        return ", ".join(part for part in (self.place, self.address) if part)

    @property
    def travel_text(self) -> str:
        """The legs before it in words: ``from Hotel Central, 15 min, leave 09:45``.

        A leg that ends elsewhere (before a remote engagement) reads ``PSOE, Ferraz → Hotel
        Central, 15 min, leave 11:10``.
        """
        parts = []
        for leg in self.travel_before:
            route = f"from {leg.origin}" if leg.destination_id == self.place_id else leg.title
            parts.append(f"{route}, {leg.minutes_text}, leave {leg.start_text}")
        return "; ".join(parts)


Item = TravelItem | EngagementItem | BreakItem


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
        return "; ".join(f"from {leg.origin}, {leg.minutes_text}, leave {leg.start_text}"
                         for leg in self.closing_travel)

    @property
    def programme_end(self) -> datetime:
        """When the last engagement, leg or break of the day ends; the day's start when there is none."""
        ends = [item.end for item in self.items]
        return max(ends, key=utc) if ends else self.start

    @property
    def programme_end_text(self) -> str:
        """:attr:`programme_end` as ``HH:MM``: from then on the guest is free at the end place."""
        moment = self.programme_end
        return f"{moment.hour:02d}:{moment.minute:02d}"


@dataclass(frozen=True, slots=True)
class UnscheduledItem:
    """A request left out, for the team's list.

    Attributes
    ----------
    request_id, title, counterpart, kind_label
        Which request.
    value, mandatory
        How much it mattered.
    reason, code
        Why it was left out, in words and as the plan's short code.
    """

    request_id: str
    title: str
    counterpart: str
    kind_label: str
    value: int
    mandatory: bool
    reason: str
    code: str


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
        The tour's zone (``Europe/Madrid``); every time in the view is local to it.
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


def _travel_item(plan: Plan, leg: TravelLeg, zone: ZoneInfo) -> TravelItem:
    locations = plan.problem.locations
    return TravelItem(
        start=leg.depart.astimezone(zone),
        end=leg.arrive.astimezone(zone),
        start_text=format_time(leg.depart, zone),
        end_text=format_time(leg.arrive, zone),
        origin=_place(locations, leg.origin).name,
        destination=_place(locations, leg.destination).name,
        origin_id=leg.origin,
        destination_id=leg.destination,
        minutes=leg.minutes,
        estimated=leg.estimated,
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
    arrive_text = format_time(engagement.start - timedelta(minutes=setup), zone) if setup else ""
    return EngagementItem(
        number=number,
        request_id=request.id,
        title=request.title,
        kind=request.kind,
        kind_label=KIND_LABELS.get(request.kind, request.kind.capitalize()),
        counterpart=request.counterpart,
        start=engagement.start.astimezone(zone),
        end=engagement.end.astimezone(zone),
        start_text=format_time(engagement.start, zone),
        end_text=format_time(engagement.end, zone),
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
    )


def _day_view(plan: Plan, day: Day, number: int, count: int, audience: str) -> DayView:
    tour = plan.problem.tour
    zone = tour.zone
    engagements = plan.engagements_on(day.date)
    legs = [leg for leg in plan.travel if leg.day == day.date]
    breaks = [b for b in plan.breaks if b.day == day.date]

    items: list[tuple[datetime, int, Item]] = []
    leg_index = 0
    guest_place_id = day.start_location
    for position, engagement in enumerate(engagements, start=1):
        before: list[TravelItem] = []
        # A leg belongs to the first engagement that starts after it arrives.
        while leg_index < len(legs) and utc(legs[leg_index].arrive) <= utc(engagement.start):
            before.append(_travel_item(plan, legs[leg_index], zone))
            guest_place_id = legs[leg_index].destination
            leg_index += 1
        item = _engagement_item(plan, engagement, position, zone, tuple(before), guest_place_id, audience)
        if engagement.location is not None:
            guest_place_id = engagement.location
        items.append((utc(item.setup_start), 1, item))
    closing = tuple(_travel_item(plan, leg, zone) for leg in legs[leg_index:])
    for leg in legs:
        items.append((utc(leg.depart), 0, _travel_item(plan, leg, zone)))
    for placed in breaks:
        items.append((utc(placed.start), 2, BreakItem(
            start=placed.start.astimezone(zone), end=placed.end.astimezone(zone),
            start_text=format_time(placed.start, zone), end_text=format_time(placed.end, zone),
            break_kind=placed.kind)))
    items.sort(key=lambda entry: (entry[0], entry[1]))

    moments = [day.start, day.end] + [entry[2].start for entry in items] + [entry[2].end for entry in items]
    moments.sort(key=utc)
    abbreviation, label = _zone_label(tour.timezone, moments, zone)
    return DayView(
        number=number,
        count=count,
        date=day.date,
        date_text=format_date(day.date),
        start=day.start.astimezone(zone),
        end=day.end.astimezone(zone),
        start_text=format_time(day.start, zone),
        end_text=format_time(day.end, zone),
        start_place=_place(plan.problem.locations, day.start_location).name,
        end_place=_place(plan.problem.locations, day.end_location).name,
        zone_abbreviation=abbreviation,
        zone_label=label,
        items=tuple(entry[2] for entry in items),
        closing_travel=closing,
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
        Every time in it is local to the tour's zone.

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
    )
