"""tour.toml ``[[legs]]``: booked trains and flights, read, placed on their days, and checked for reach."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import LEG_CHECKIN_MINUTES, LEG_MODES, Day, FixedLeg, TravelTable, utc
from scheduler.io.issues import IssueLog, did_you_mean
from scheduler.io.tomlfile import TomlTable
from scheduler.io.windows import LocalTimeError, local_instant

__all__ = ["LegEntry", "ENDPOINT_MODES", "check_leg_reach", "legs_of_day", "read_legs", "resolve_legs"]

FILE = "tour.toml"
MINUTES_PER_DAY = 24 * 60
_KEYS = ("from", "to", "depart", "arrive", "mode", "ref", "notes", "checkin_minutes", "guests")
#: The modes ``[arrival]`` and ``[departure]`` accept: those of a leg.
ENDPOINT_MODES = LEG_MODES


@dataclass(frozen=True, slots=True)
class LegEntry:
    """A ``[[legs]]`` entry as written: its times may still lack an offset (``tzinfo`` None)."""

    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    mode: str
    ref: str
    notes: str
    checkin_minutes: int
    line: int | None
    guests: tuple[str, ...] = ()  # who of a delegation takes it; () for everyone


def read_legs(tables: list[TomlTable]) -> list[LegEntry]:
    """Every ``[[legs]]`` entry that could be read; each problem goes to the tables' log."""
    entries = []
    for table in tables:
        table.check_keys(_KEYS)
        origin = table.text("from", required=True)
        destination = table.text("to", required=True)
        depart = table.moment("depart", required=True)
        arrive = table.moment("arrive", required=True)
        mode = read_mode(table, required=True)
        checkin = table.whole("checkin_minutes", maximum=MINUTES_PER_DAY)
        if None in (origin, destination, depart, arrive, mode):
            continue
        if origin == destination:
            table.problem("to", f"the leg goes from `{origin}` to itself; give two different places")
            continue
        entries.append(LegEntry(origin, destination, depart, arrive, mode, table.text("ref") or "",
                                table.text("notes") or "",
                                LEG_CHECKIN_MINUTES[mode] if checkin is None else checkin, table.line(),
                                _leg_guests(table)))
    return entries


def _leg_guests(table: TomlTable) -> tuple[str, ...]:
    """The ``guests`` of a leg as written (checked against ``[[guests]]`` by the tour's reader)."""
    names = table.data.get("guests")
    return tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else ()


def read_mode(table: TomlTable, *, required: bool = False) -> str | None:
    """The ``mode`` key: one of :data:`~scheduler.domain.LEG_MODES`, or ``None``."""
    mode = table.text("mode", required=required)
    if mode is not None and mode not in LEG_MODES:
        table.problem("mode", f"`{mode}` is not a mode of travel{did_you_mean(mode, LEG_MODES)}; "
                      f"use one of: {', '.join(LEG_MODES)}")
        return None
    return mode


def resolve_legs(entries: list[LegEntry], zone_of: Callable[[str], ZoneInfo],
                 log: IssueLog) -> tuple[tuple[FixedLeg, int | None], ...] | None:
    """The fixed legs in time order, each with its line; a time without an offset is read in
    the zone of its place (``zone_of``).

    Returns ``None`` when a leg is wrong (the problem is in ``log``): a local time that does
    not exist, an arrival before the departure, two legs at once.
    """
    legs = []
    ok = True
    for entry in entries:
        try:
            depart = _aware(entry.depart, zone_of(entry.origin))
            arrive = _aware(entry.arrive, zone_of(entry.destination))
        except LocalTimeError as error:
            log.add(FILE, entry.line, "legs.depart", str(error))
            ok = False
            continue
        if utc(arrive) <= utc(depart):
            log.add(FILE, entry.line, "legs.arrive", f"the {entry.mode} {entry.ref} arrives "
                    f"({arrive:%Y-%m-%d %H:%M}) before it departs ({depart:%Y-%m-%d %H:%M})".replace("  ", " "))
            ok = False
            continue
        legs.append((FixedLeg(entry.origin, entry.destination, depart, arrive, entry.mode, entry.ref,
                              entry.notes, entry.checkin_minutes), entry.line))
    legs.sort(key=lambda pair: utc(pair[0].depart))
    for (before, _), (after, line) in zip(legs, legs[1:]):
        if utc(after.checkin_start) < utc(before.arrive):
            log.add(FILE, line, "legs.depart", f"the {after.label} (check-in from "
                    f"{after.checkin_start:%H:%M}) starts before the {before.label} arrives")
            ok = False
    return tuple(legs) if ok else None


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone) if moment.tzinfo else local_instant(moment, zone)


def legs_of_day(day: date, start: datetime, end: datetime, legs: tuple[FixedLeg, ...],
                lines: Mapping[FixedLeg, int | None], log: IssueLog, *,
                hours_table: str = "[[hours.day]]") -> tuple[FixedLeg, ...]:
    """The legs that lie on a working day; a leg that only partly does is a problem.

    A leg belongs to the day when its check-in or ride shares time with the day's hours; it
    must then lie wholly inside them (docs/input-format.md says how to widen a day's hours:
    ``hours_table``, the tour's ``[[hours.day]]`` or a member's ``[[guests.hours.day]]``).
    """
    inside = []
    for leg in legs:
        if utc(leg.checkin_start) >= utc(end) or utc(leg.arrive) <= utc(start):
            continue
        if utc(leg.checkin_start) < utc(start) or utc(leg.arrive) > utc(end):
            log.add(FILE, lines.get(leg), "legs.depart",
                    f"the {leg.label} (check-in {_clock(leg.checkin_start)}, arriving "
                    f"{_clock(leg.arrive)}) does not fit in the working hours of {day} "
                    f"({_clock(start)}–{_clock(end)}); widen that day's hours with {hours_table} "
                    "so that they hold the check-in, the ride and the way to the station")
            continue
        inside.append(leg)
    return tuple(inside)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def check_leg_reach(days: tuple[Day, ...], travel: TravelTable, log: IssueLog, *,
                    who: str = "the guest",
                    day_ends: Mapping[date, tuple[int | None, str]] | None = None,
                    entries: tuple[LegEntry, ...] = (),
                    hours_table: str = "[[hours.day]]") -> None:
    """Report a fixed leg the guest (``who``: a delegation member) cannot reach: the day's
    start, an earlier leg's arrival and the day's end must leave the travel time to and from
    each leg. A day without legs must leave the travel from its start place to its end place
    (a move to another lodging, the way to the departure); ``day_ends`` gives, by date, the
    line and key that set where the day ends (its night's ``[[lodging]]``, or the departure),
    for the message; ``entries`` the ``[[legs]]`` as written, for the line of a leg's;
    ``hours_table`` the table the message says to widen the day's hours in (a member's is
    ``[[guests.hours.day]]``)."""
    lines = {(entry.origin, entry.destination, entry.depart.date()): entry.line for entry in entries}
    for day in days:
        if not day.legs:
            line, key = (day_ends or {}).get(day.date, (None, "lodging.location"))
            _check_day_reach(day, travel, log, who, line, key, hours_table)
            continue
        place, free_from = day.start_location, day.start
        for leg in day.legs:
            minutes = travel.between(place, leg.origin)
            if utc(free_from) + timedelta(minutes=minutes) > utc(leg.checkin_start):
                line = lines.get((leg.origin, leg.destination, leg.depart.date()))
                log.add(FILE, line, "legs.depart",
                        f"on {day.date} {who} cannot reach {leg.origin} for the {leg.label} "
                        f"by {_clock(leg.checkin_start)}: it is {minutes} min from {place}, free from "
                        f"{_clock(free_from)}; start that day earlier or book a later one")
            place, free_from = leg.destination, leg.arrive
        minutes = travel.between(place, day.end_location)
        if utc(free_from) + timedelta(minutes=minutes) > utc(day.end):
            last = day.legs[-1]
            line = lines.get((last.origin, last.destination, last.depart.date()))
            log.add(FILE, line, "legs.arrive",
                    f"on {day.date} {who} cannot reach {day.end_location} by the day's end "
                    f"({_clock(day.end)}) after the {day.legs[-1].label}: it is {minutes} min away")


def _check_day_reach(day: Day, travel: TravelTable, log: IssueLog, who: str,
                     line: int | None, key: str, hours_table: str) -> None:
    """Report a day without legs whose hours do not hold the travel from where it starts to
    where it ends: no agenda could hold that day, not even an empty one."""
    minutes = travel.between(day.start_location, day.end_location)
    # The meal break is never taken while travelling.
    if utc(day.start) + timedelta(minutes=minutes + day.meal_minutes) <= utc(day.end):
        return
    meal = f", and the day has a {day.meal_minutes}-minute meal break" if day.meal_minutes else ""
    log.add(FILE, line, key,
            f"on {day.date} {who} cannot get from {day.start_location} to {day.end_location} "
            f"within the day's hours ({_clock(day.start)}-{_clock(day.end)}): it is {minutes} min "
            f"away{meal}; book the journey as a [[legs]] entry, widen that day's hours with "
            f"{hours_table}, or sleep nearer")
