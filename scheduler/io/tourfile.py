"""tour.toml: the frame of a visit, read into checked settings and then into the days."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scheduler.domain import Day, Endpoint, FixedLeg, Guest, Objective, Organizer, Tour, Window, utc
from scheduler.io.cells import EMAIL_HINT, id_problem, is_email
from scheduler.io.issues import IssueLog, did_you_mean
from scheduler.io.legs import LegEntry, legs_of_day, read_legs, read_mode, resolve_legs
from scheduler.io.places import TravelMode, TravelSettings
from scheduler.io.resources import ResourceEntry, read_resources
from scheduler.domain import VALUE_BASES, ValueRule
from scheduler.io.tomlfile import TomlLines, TomlTable, load_toml
from scheduler.io.tour_rules import RuleEntry, read_rules
from scheduler.io.windows import LocalTimeError, local_instant

__all__ = [
    "Endpoint",
    "HoursOverride",
    "Lodging",
    "LocationRef",
    "MealRule",
    "DayFrame",
    "TourFile",
    "build_days",
    "build_tour",
    "read_tour_file",
]

FILE = "tour.toml"
T = TypeVar("T")
MAX_TOUR_DAYS = 366
MINUTES_PER_DAY = 24 * 60
MAX_SPEED_KMH = 2000.0
_TOUR_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
_TOP_KEYS = ("tour", "guest", "organizer", "arrival", "departure", "lodging", "hours", "meal",
             "limits", "travel", "objective", "rules", "legs", "resources")
_LIMIT_KEYS = ("max_engagements_per_day", "min_buffer_minutes", "time_step_minutes",
               "max_engagement_minutes_per_day", "min_rest_hours")
MAX_REST_HOURS = 24.0


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


@dataclass(frozen=True, slots=True)
class DayFrame:
    """Everything tour.toml says that the days are built from, all of it read correctly."""

    lines: TomlLines
    zone: ZoneInfo
    first_day: date
    last_day: date
    hours_start: int
    hours_end: int
    overrides: Mapping[date, HoursOverride]
    meal: MealRule | None
    arrival: Endpoint | None
    departure: Endpoint | None
    lodging: tuple[Lodging, ...]
    legs: tuple[LegEntry, ...] = ()
    place_zones: Mapping[str, str] = field(default_factory=dict)

    def line(self, name: str) -> int | None:
        """The line of a dotted key (``hours.start``)."""
        return self.lines.line_of(name)

    def zone_of(self, place: str) -> ZoneInfo:
        """The zone of a place: its own ``timezone``, else the tour's."""
        return _zone_of(place, self.place_zones, self.zone)


def _zone_of(place: str, place_zones: Mapping[str, str], tour_zone: ZoneInfo) -> ZoneInfo:
    name = place_zones.get(place)
    return ZoneInfo(name) if name else tour_zone


@dataclass(frozen=True, slots=True)
class TourFile:
    """What tour.toml says. A value that could not be read is ``None`` (its issue is logged);
    ``frame`` is ``None`` when anything the days need could not be read."""

    id: str | None
    name: str
    zone: ZoneInfo | None
    guest_name: str
    guest_zone: str | None
    organizer: Organizer
    frame: DayFrame | None
    max_engagements_per_day: int
    min_buffer_minutes: int
    time_step_minutes: int
    travel: TravelSettings | None
    value_rule: ValueRule
    objective: Objective
    location_refs: tuple[LocationRef, ...] = field(default=())
    max_engagement_minutes_per_day: int | None = None
    min_rest_minutes: int = 0
    rules: tuple[RuleEntry, ...] = ()
    resources: tuple[ResourceEntry, ...] = ()


def read_tour_file(path: Path, log: IssueLog, *, detour_factor: float,
                   modes: Mapping[str, TravelMode],
                   place_zones: Mapping[str, str] | None = None) -> TourFile | None:
    """Read tour.toml, recording every problem in ``log``.

    Parameters
    ----------
    path
        The tour.toml file.
    log
        Where problems go.
    detour_factor, modes
        The bundled travel defaults (travel_modes.toml) that ``[travel]`` overrides.
    place_zones
        The time zone of each known place that has one (locations.csv ``timezone``): a
        day is lived in its start place's zone, and the times of the arrival, the departure
        and the legs without an offset are read in their place's zone. Without it, every
        place is in the tour's zone.

    Returns
    -------
    TourFile or None
        ``None`` when the file is missing or not TOML at all.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        log.add(FILE, None, None, "tour.toml is missing; every tour folder needs one")
        return None
    except UnicodeDecodeError:
        log.add(FILE, None, None, "tour.toml is not UTF-8 text; save it as UTF-8")
        return None
    except OSError as error:
        log.add(FILE, None, None, f"cannot read tour.toml: {error.strerror or error}")
        return None
    data = load_toml(text, FILE, log)
    if data is None:
        return None
    lines = TomlLines(text)
    top = TomlTable(data, "", FILE, lines, log)
    top.check_keys(_TOP_KEYS)
    return _TourReader(top, detour_factor, modes, place_zones or {}).read()


class _TourReader:
    """Reads the tables of tour.toml one by one."""

    def __init__(self, top: TomlTable, detour_factor: float, modes: Mapping[str, TravelMode],
                 place_zones: Mapping[str, str]):
        self.top = top
        self.place_zones = place_zones
        self.detour_factor = detour_factor
        self.modes = modes
        self.refs: list[LocationRef] = []

    def read(self) -> TourFile:
        tour = self.top.table("tour", required=True) or self._empty("tour")
        tour.check_keys(("id", "name", "timezone", "first_day", "last_day"))
        tour_id = tour.text("id", required=True)
        wrong = (id_problem(tour_id, "letters, digits, `-` and `_`", _TOUR_ID)
                 if tour_id is not None else None)
        if wrong is not None:
            tour.problem("id", wrong)
            tour_id = None
        guest = self.top.table("guest") or self._empty("guest")
        guest.check_keys(("name", "timezone"))
        limits = self.top.table("limits") or self._empty("limits")
        limits.check_keys(_LIMIT_KEYS)
        rest_hours = limits.number("min_rest_hours", default=0.0, maximum=MAX_REST_HOURS)
        before = len(self.top.log)
        zone = _zone(tour, "timezone", required=True)
        frame = self._frame(tour, zone)
        guest_zone = _zone(guest, "timezone") if guest.has("timezone") else zone
        return TourFile(
            id=tour_id, name=tour.text("name") or tour_id or "", zone=zone,
            guest_name=guest.text("name") or "", guest_zone=guest_zone.key if guest_zone else None,
            organizer=self._organizer(), frame=frame if len(self.top.log) == before else None,
            max_engagements_per_day=_or(limits.whole("max_engagements_per_day"), 6),
            min_buffer_minutes=_or(limits.whole("min_buffer_minutes", maximum=MINUTES_PER_DAY), 0),
            time_step_minutes=_or(limits.whole("time_step_minutes", minimum=1, maximum=60), 5),
            travel=self._travel(), value_rule=self._value_rule(), objective=self._objective(),
            location_refs=tuple(self.refs),
            max_engagement_minutes_per_day=limits.whole("max_engagement_minutes_per_day",
                                                        maximum=MINUTES_PER_DAY),
            min_rest_minutes=round(rest_hours * 60), rules=read_rules(self.top),
            resources=self._resources(),
        )

    def _resources(self) -> tuple[ResourceEntry, ...]:
        entries = read_resources(self.top)
        self.refs.extend(LocationRef(entry.location, entry.line, "resources.location")
                         for entry in entries if entry.location is not None)
        return entries

    def _frame(self, tour: TomlTable, zone: ZoneInfo | None) -> DayFrame | None:
        """What the days are built from; ``None`` when any of it is missing or wrong."""
        first_day, last_day = tour.day("first_day", required=True), tour.day("last_day", required=True)
        if first_day and last_day and last_day < first_day:
            tour.problem("last_day", f"last_day {last_day} is before first_day {first_day}")
        elif first_day and last_day and (last_day - first_day).days >= MAX_TOUR_DAYS:
            tour.problem("last_day", f"the tour lasts {(last_day - first_day).days + 1} days; "
                         f"a tour has at most {MAX_TOUR_DAYS}")
        hours_start, hours_end, overrides = self._hours()
        arrival, departure = self._endpoint("arrival", zone), self._endpoint("departure", zone)
        lodging, meal = self._lodging(), self._meal()
        if (zone is None or first_day is None or last_day is None or hours_start is None
                or hours_end is None):
            return None
        return DayFrame(self.top.lines, zone, first_day, last_day, hours_start, hours_end,
                        overrides, meal, arrival, departure, lodging, self._legs(), self.place_zones)

    def _legs(self) -> tuple[LegEntry, ...]:
        tables = self.top.tables("legs")
        for table in tables:
            for key in ("from", "to"):
                if isinstance(table.data.get(key), str):
                    self.refs.append(LocationRef(table.data[key], table.line(key), table.name(key)))
        return tuple(read_legs(tables))

    def _empty(self, name: str) -> TomlTable:
        return TomlTable({}, name, self.top.file, self.top.lines, self.top.log)

    def _organizer(self) -> Organizer:
        organizer = self.top.table("organizer") or self._empty("organizer")
        organizer.check_keys(("name", "email"))
        email = organizer.text("email") or ""
        if email and not is_email(email):
            organizer.problem("email", f"`{email}` is not one e-mail address; {EMAIL_HINT}")
            email = ""
        return Organizer(organizer.text("name") or "", email)

    def _endpoint(self, name: str, zone: ZoneInfo | None) -> Endpoint | None:
        table = self.top.table(name)
        if table is None:
            return None
        table.check_keys(("at", "location", "buffer_minutes", "mode", "ref"))
        moment = table.moment("at", required=True)
        location = table.text("location", required=True)
        buffer_minutes = table.whole("buffer_minutes", default=0, maximum=MINUTES_PER_DAY)
        if location is not None:
            self.refs.append(LocationRef(location, table.line("location"), table.name("location")))
        if moment is None or location is None or buffer_minutes is None or zone is None:
            return None
        zone = _zone_of(location, self.place_zones, zone)
        try:
            at = moment.astimezone(zone) if moment.tzinfo else local_instant(moment, zone)
        except LocalTimeError as error:
            table.problem("at", str(error))
            return None
        return Endpoint(at, location, buffer_minutes, read_mode(table) or "", table.text("ref") or "")

    def _lodging(self) -> tuple[Lodging, ...]:
        stays: list[Lodging] = []
        for entry in self.top.tables("lodging"):
            entry.check_keys(("location", "first_night", "last_night"))
            location = entry.text("location", required=True)
            first, last = entry.day("first_night", required=True), entry.day("last_night", required=True)
            if location is not None:
                self.refs.append(LocationRef(location, entry.line("location"), entry.name("location")))
            if first and last and last < first:
                entry.problem("last_night", f"last_night {last} is before first_night {first}")
                continue
            if location and first and last:
                stays.append(Lodging(location, first, last, entry.line()))
        return tuple(stays)

    def _hours(self) -> tuple[int | None, int | None, dict[date, HoursOverride]]:
        hours = self.top.table("hours", required=True)
        if hours is None:
            return None, None, {}
        hours.check_keys(("start", "end", "day"))
        start = hours.clock("start", required=True)
        end = hours.clock("end", required=True, allow_end_of_day=True)
        if start is not None and end is not None and end <= start:
            hours.problem("end", "the working hours end before they start")
            start = end = None
        overrides: dict[date, HoursOverride] = {}
        for entry in hours.tables("day"):
            entry.check_keys(("date", "start", "end", "off"))
            day = entry.day("date", required=True)
            start_override = entry.clock("start")
            end_override = entry.clock("end", allow_end_of_day=True)
            off = entry.flag("off")
            if day is None:
                continue
            override = HoursOverride(day, start_override, end_override, off, entry.line("date"),
                                     entry.line("start"), entry.line("end"))
            if day in overrides:
                entry.problem("date", f"{day} already has hours on line {overrides[day].date_line}")
                continue
            overrides[day] = override
        return start, end, overrides

    def _meal(self) -> MealRule | None:
        meal = self.top.table("meal")
        if meal is None:
            return None
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

    def _value_rule(self) -> ValueRule:
        objective = self.top.table("objective") or self._empty("objective")
        objective.check_keys(("value", "priority_points", "audience_points", "value_weight",
                              "travel_weight", "span_weight", "balance_weight"))
        basis = objective.text("value") or "priority+audience"
        if basis not in VALUE_BASES:
            objective.problem("value", f"`{basis}` is not a value rule{did_you_mean(basis, VALUE_BASES)}; "
                              f"use one of: {', '.join(VALUE_BASES)}")
            basis = "priority+audience"
        default = ValueRule()
        return ValueRule(basis,
                         _or(objective.number("priority_points"), default.priority_points),
                         _or(objective.number("audience_points"), default.audience_points))

    def _travel(self) -> TravelSettings | None:
        travel = self.top.table("travel") or self._empty("travel")
        travel.check_keys(("mode", "detour_factor", "long_distance_km", "long_distance_mode",
                           "speeds_kmh"))
        modes = dict(self.modes)
        speeds = travel.table("speeds_kmh") or self._empty("travel.speeds_kmh")
        for name in speeds.data:
            speed = speeds.number(name, minimum=0.0, above=True, maximum=MAX_SPEED_KMH)
            if name not in modes:
                speeds.problem(name, f"unknown travel mode `{name}`{did_you_mean(name, modes)}; "
                               f"the modes are: {', '.join(modes)}")
            elif speed is not None:
                modes[name] = TravelMode(speed, modes[name].overhead_minutes)
        mode = travel.text("mode") or "taxi"
        long_mode = travel.text("long_distance_mode") or "train"
        ok = bool(modes)
        for key, name in (("mode", mode), ("long_distance_mode", long_mode)):
            if modes and name not in modes:
                travel.problem(key, f"unknown travel mode `{name}`{did_you_mean(name, modes)}; "
                               f"the modes are: {', '.join(modes)}")
                ok = False
        detour = _or(travel.number("detour_factor", minimum=1.0, maximum=10.0), self.detour_factor)
        long_km = _or(travel.number("long_distance_km", minimum=0.0), 80.0)
        if not ok:
            return None
        return TravelSettings(modes, mode, detour, long_km, long_mode)

    def _objective(self) -> Objective:
        objective = self.top.table("objective") or self._empty("objective")
        default = Objective()
        return Objective(
            value_weight=_or(objective.whole("value_weight"), default.value_weight),
            travel_weight=_or(objective.whole("travel_weight"), default.travel_weight),
            span_weight=_or(objective.whole("span_weight"), default.span_weight),
            balance_weight=_or(objective.whole("balance_weight"), default.balance_weight))


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def _zone(table: TomlTable, key: str, *, required: bool = False) -> ZoneInfo | None:
    name = table.text(key, required=required)
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = did_you_mean(name, available_timezones())
        table.problem(key, f"unknown time zone `{name}`{hint}; use an IANA name like Europe/Madrid")
        return None


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def _each_date(first: date, last: date):
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _nights(frame: DayFrame, log: IssueLog) -> dict[date, Lodging]:
    """The lodging of each night; a night covered twice is a problem."""
    nights: dict[date, Lodging] = {}
    for stay in frame.lodging:
        for night in _each_date(stay.first_night, stay.last_night):
            other = nights.get(night)
            if other is not None:
                log.add(FILE, stay.line, "lodging.first_night",
                        f"the night of {night} is already covered by the lodging on line {other.line}")
                break
            nights[night] = stay
    return nights


def _check_endpoints(frame: DayFrame, log: IssueLog) -> bool:
    """The arrival must not be after ``first_day``, nor the departure before ``last_day``."""
    ok = True
    arrival, departure = frame.arrival, frame.departure
    if arrival is not None and arrival.at.date() > frame.first_day:
        log.add(FILE, frame.line("arrival.at"), "arrival.at",
                f"the guest arrives on {arrival.at.date()}, after first_day {frame.first_day}; "
                "set first_day to the arrival date or later")
        ok = False
    if departure is not None and departure.at.date() < frame.last_day:
        log.add(FILE, frame.line("departure.at"), "departure.at",
                f"the guest departs on {departure.at.date()}, before last_day {frame.last_day}; "
                "set last_day to the departure date or earlier")
        ok = False
    if arrival is not None and departure is not None and utc(departure.at) <= utc(arrival.at):
        log.add(FILE, frame.line("departure.at"), "departure.at", "the departure is before the arrival")
        ok = False
    return ok


def _check_overrides(frame: DayFrame, log: IssueLog) -> None:
    for override in frame.overrides.values():
        if not frame.first_day <= override.date <= frame.last_day:
            log.add(FILE, override.date_line, "hours.day.date", f"{override.date} is not a day of the "
                    f"tour ({frame.first_day} to {frame.last_day})")


class _DayBuilder:
    """Builds the days one date at a time, collecting the nights that have no lodging."""

    def __init__(self, frame: DayFrame, nights: Mapping[date, Lodging], log: IssueLog,
                 legs: tuple[FixedLeg, ...] = (), leg_lines: Mapping[FixedLeg, int | None] | None = None
                 ) -> None:
        self.frame = frame
        self.legs = legs
        self.leg_lines = leg_lines or {}
        self.zone = frame.zone  # the zone of the day being built
        self.nights = nights
        self.log = log
        self.unlodged: dict[date, list[date]] = {}

    def day(self, day: date) -> Day | None:
        start_location = self._start_location(day)
        end_location = self._end_location(day)
        # The day is lived in the zone of where the guest wakes up (or lands).
        self.zone = self.frame.zone_of(start_location) if start_location else self.frame.zone
        hours = self._hours(day, self.frame.overrides.get(day))
        if hours is None or start_location is None or end_location is None:
            return None
        start, end = hours
        arrival, departure = self.frame.arrival, self.frame.departure
        # Buffers are added on the real clock (UTC): wall-clock arithmetic is wrong across a
        # daylight-saving change.
        if arrival is not None and arrival.at.date() == day:
            start = max(utc(start), utc(arrival.at) + timedelta(minutes=arrival.buffer_minutes))
        if departure is not None and departure.at.date() == day:
            end = min(utc(end), utc(departure.at) - timedelta(minutes=departure.buffer_minutes))
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        if utc(end) <= utc(start):
            return None  # arrival or departure leaves no working time that day
        meal = self.frame.meal
        meal_window = self._meal(day, start, end, meal) if meal is not None else None
        meal_minutes = meal.minutes if meal is not None and meal_window is not None else 0
        legs = legs_of_day(day, start, end, self.legs, self.leg_lines, self.log)
        timezone = "" if self.zone.key == self.frame.zone.key else self.zone.key
        return Day(day, start, end, start_location, end_location, meal_window, meal_minutes, legs,
                   timezone)

    def _hours(self, day: date, override: HoursOverride | None) -> tuple[datetime, datetime] | None:
        start_minute, end_minute = self.frame.hours_start, self.frame.hours_end
        start_key, end_key = "hours.start", "hours.end"
        start_line, end_line = self.frame.line("hours.start"), self.frame.line("hours.end")
        if override is not None and override.start is not None:
            start_minute, start_key, start_line = override.start, "hours.day.start", override.start_line
        if override is not None and override.end is not None:
            end_minute, end_key, end_line = override.end, "hours.day.end", override.end_line
        if end_minute <= start_minute:
            self.log.add(FILE, end_line, end_key, f"on {day} the working hours end before they start")
            return None
        start = self._instant(day, start_minute, start_key, start_line)
        end = self._instant(day, end_minute, end_key, end_line)
        return (start, end) if start and end else None

    def _instant(self, day: date, minute: int, key: str, line: int | None) -> datetime | None:
        try:
            return local_instant(_local(day, minute), self.zone)
        except LocalTimeError as error:
            self.log.add(FILE, line, key, str(error))
            return None

    def _start_location(self, day: date) -> str | None:
        arrival = self.frame.arrival
        if arrival is not None and arrival.at.date() == day:
            return arrival.location
        night_before = day - timedelta(days=1)
        stay = self.nights.get(night_before)
        if stay is None and day == self.frame.first_day:
            stay = self.nights.get(day)
        if stay is None:
            self.unlodged.setdefault(night_before, []).append(day)
            return None
        return stay.location

    def _end_location(self, day: date) -> str | None:
        departure = self.frame.departure
        if departure is not None and departure.at.date() == day:
            return departure.location
        stay = self.nights.get(day)
        if stay is None:
            self.unlodged.setdefault(day, []).append(day)
            return None
        return stay.location

    def _meal(self, day: date, start: datetime, end: datetime, meal: MealRule) -> Window | None:
        earliest = self._instant(day, meal.earliest, "meal.earliest", self.frame.line("meal.earliest"))
        latest = self._instant(day, meal.latest, "meal.latest", self.frame.line("meal.latest"))
        if earliest is None or latest is None:
            return None
        window_start = max(utc(earliest), utc(start))
        window_end = min(utc(latest), utc(end))
        if window_end - window_start < timedelta(minutes=meal.minutes):
            return None
        return Window(window_start.astimezone(self.zone), window_end.astimezone(self.zone))

    def report_unlodged(self) -> None:
        for night, days in sorted(self.unlodged.items()):
            needing = sorted(set(days))
            listed = " and ".join(str(day) for day in needing)
            which = f"the day {listed} needs" if len(needing) == 1 else f"the days {listed} need"
            self.log.add(FILE, None, "lodging", f"no lodging for the night of {night}, which "
                         f"{which}; add a [[lodging]] that covers it")


def build_days(frame: DayFrame, log: IssueLog) -> tuple[Day, ...] | None:
    """The working days of the tour, built as docs/input-format.md says.

    Every date from ``first_day`` to ``last_day`` that is not ``off``. A day starts at the
    lodging of the night before (the arrival place on the arrival day) and ends at the lodging
    of its own night (the departure place on the departure day). Its hours are the guest's
    hours that date (``[[hours.day]]`` overrides), no earlier than arrival + buffer and no
    later than departure − buffer; an arrival or departure day left with no hours is not a
    working day. The meal window is the meal rule clipped to the day's hours, or ``None``
    when fewer than the meal's minutes remain.

    Returns
    -------
    tuple[Day, ...] or None
        ``None`` when a problem was found (it is in ``log``).
    """
    before = len(log)
    _check_overrides(frame, log)
    if not _check_endpoints(frame, log):
        return None
    resolved = resolve_legs(list(frame.legs), frame.zone_of, log)
    if resolved is None:
        return None
    legs = tuple(leg for leg, _ in resolved)
    builder = _DayBuilder(frame, _nights(frame, log), log, legs, dict(resolved))
    days = []
    for day in _each_date(frame.first_day, frame.last_day):
        override = frame.overrides.get(day)
        if override is not None and override.off:
            continue
        built = builder.day(day)
        if built is not None:
            days.append(built)
    builder.report_unlodged()
    if len(log) > before:
        return None
    if not days:
        log.add(FILE, frame.line("tour.first_day"), "tour.first_day",
                "the tour has no working day: every day is off or has no working hours left")
        return None
    return tuple(days)


def build_tour(tour: TourFile, days: tuple[Day, ...]) -> Tour | None:
    """The domain :class:`~scheduler.domain.Tour`, or ``None`` when its id or zone is wrong."""
    if tour.id is None or tour.zone is None:
        return None
    frame = tour.frame
    resolved = resolve_legs(list(frame.legs), frame.zone_of, IssueLog()) if frame else None
    legs = tuple(leg for leg, _ in resolved or ())
    rule = tour.value_rule
    return Tour(
        id=tour.id, name=tour.name or tour.id, timezone=tour.zone.key,
        guest=Guest(tour.guest_name, tour.guest_zone or tour.zone.key), days=days,
        organizer=tour.organizer, max_engagements_per_day=tour.max_engagements_per_day,
        min_buffer_minutes=tour.min_buffer_minutes,
        objective=replace(tour.objective, value_basis=rule.basis,
                          priority_points=rule.priority_points, audience_points=rule.audience_points),
        time_step_minutes=tour.time_step_minutes,
        travel_rules=tour.travel.to_rules() if tour.travel is not None else None,
        max_engagement_minutes_per_day=tour.max_engagement_minutes_per_day,
        min_rest_minutes=tour.min_rest_minutes,
        legs=legs or (), arrival=frame.arrival if frame else None,
        departure=frame.departure if frame else None,
    )
