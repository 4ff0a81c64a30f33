"""tour.toml's hours, lodging, meal, arrival and departure: read from the tour's tables or a guest's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from scheduler.domain import Endpoint
from scheduler.io.legs import read_mode
from scheduler.io.tomlfile import TomlTable
from scheduler.io.windows import LocalTimeError, local_instant

__all__ = ["HoursOverride", "LocationRef", "Lodging", "MealRule", "read_endpoint", "read_hours",
           "read_lodging", "read_meal", "zone_of_place"]

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Lodging:
    """Where the guest sleeps from ``first_night`` to ``last_night`` (inclusive)."""

    location: str
    first_night: date
    last_night: date
    line: int | None


@dataclass(frozen=True, slots=True)
class HoursOverride:
    """A ``[[hours.day]]`` entry, with the lines of its keys."""

    date: date
    start: int | None
    end: int | None
    off: bool
    date_line: int | None
    start_line: int | None
    end_line: int | None
    path: str = "hours.day"  # the table it was written in (``guests.hours.day`` for a guest)


@dataclass(frozen=True, slots=True)
class MealRule:
    """The meal break: ``minutes`` inside ``[earliest, latest]`` (minutes after midnight)."""

    earliest: int
    latest: int
    minutes: int


@dataclass(frozen=True, slots=True)
class LocationRef:
    """A location id written in tour.toml, to be checked against the known locations."""

    location_id: str
    line: int | None
    field: str


def zone_of_place(place: str, place_zones: Mapping[str, str], tour_zone: ZoneInfo) -> ZoneInfo:
    """The zone of a place: its own ``timezone`` (locations.csv), else the tour's."""
    name = place_zones.get(place)
    return ZoneInfo(name) if name else tour_zone


def read_endpoint(table: TomlTable, zone: ZoneInfo | None, place_zones: Mapping[str, str],
                  refs: list[LocationRef]) -> Endpoint | None:
    """An ``[arrival]`` or ``[departure]`` table; its time without an offset is read in the zone
    of its place. The place goes to ``refs`` to be checked; ``None`` after a problem."""
    table.check_keys(("at", "location", "buffer_minutes", "mode", "ref"))
    moment = table.moment("at", required=True)
    location = table.text("location", required=True)
    buffer_minutes = table.whole("buffer_minutes", default=0, maximum=MINUTES_PER_DAY)
    if location is not None:
        refs.append(LocationRef(location, table.line("location"), table.name("location")))
    if moment is None or location is None or buffer_minutes is None or zone is None:
        return None
    zone = zone_of_place(location, place_zones, zone)
    try:
        at = moment.astimezone(zone) if moment.tzinfo else local_instant(moment, zone)
    except LocalTimeError as error:
        table.problem("at", str(error))
        return None
    return Endpoint(at, location, buffer_minutes, read_mode(table) or "", table.text("ref") or "")


def read_lodging(entries: list[TomlTable], refs: list[LocationRef]) -> tuple[Lodging, ...]:
    """The ``[[lodging]]`` entries (a tour's or a guest's) that could be read."""
    stays: list[Lodging] = []
    for entry in entries:
        entry.check_keys(("location", "first_night", "last_night"))
        location = entry.text("location", required=True)
        first, last = entry.day("first_night", required=True), entry.day("last_night", required=True)
        if location is not None:
            refs.append(LocationRef(location, entry.line("location"), entry.name("location")))
        if first and last and last < first:
            entry.problem("last_night", f"last_night {last} is before first_night {first}")
            continue
        if location and first and last:
            stays.append(Lodging(location, first, last, entry.line()))
    return tuple(stays)


def read_hours(hours: TomlTable, day_entries: list[TomlTable], *, required: bool = True
               ) -> tuple[int | None, int | None, dict[date, HoursOverride]]:
    """An ``[hours]`` table: its start and end (minutes after midnight) and its ``[[hours.day]]``
    overrides by date. Without ``required`` (a guest's hours) start and end may be left out."""
    hours.check_keys(("start", "end", "day"))
    start = hours.clock("start", required=required)
    end = hours.clock("end", required=required, allow_end_of_day=True)
    if start is not None and end is not None and end <= start:
        hours.problem("end", "the working hours end before they start" if end < start else
                      "the working hours end when they start: a working day needs some hours")
        start = end = None
    overrides: dict[date, HoursOverride] = {}
    for entry in day_entries:
        entry.check_keys(("date", "start", "end", "off"))
        day = entry.day("date", required=True)
        start_override = entry.clock("start")
        end_override = entry.clock("end", allow_end_of_day=True)
        off = entry.flag("off")
        if day is None:
            continue
        override = HoursOverride(day, start_override, end_override, off, entry.line("date"),
                                 entry.line("start"), entry.line("end"), entry.path)
        if day in overrides:
            entry.problem("date", f"{day} already has hours on line {overrides[day].date_line}")
            continue
        overrides[day] = override
    return start, end, overrides


def read_meal(meal: TomlTable) -> MealRule | None:
    """The ``[meal]`` table, or ``None`` after a problem."""
    meal.check_keys(("earliest", "latest", "minutes"))
    earliest = meal.clock("earliest", required=True)
    latest = meal.clock("latest", required=True, allow_end_of_day=True)
    minutes = meal.whole("minutes", required=True, minimum=1, maximum=MINUTES_PER_DAY)
    if earliest is None or latest is None or minutes is None:
        return None
    if latest - earliest < minutes:
        meal.problem("latest", f"a {minutes}-minute meal does not fit between earliest and latest")
        return None
    return MealRule(earliest, latest, minutes)
