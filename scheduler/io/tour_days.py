"""The working days of a tour or of a delegation member, built from their hours, lodging and legs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import Day, Endpoint, FixedLeg, Window, utc
from scheduler.io.day_settings import HoursOverride, Lodging, MealRule, zone_of_place
from scheduler.io.issues import IssueLog
from scheduler.io.legs import LegEntry, legs_of_day, resolve_legs
from scheduler.io.tomlfile import TomlLines
from scheduler.io.windows import LocalTimeError, local_instant

__all__ = ["DayFrame", "HOURS_DAY_TABLE", "MEMBER_HOURS_DAY_TABLE", "build_days", "day_end_lines",
           "each_date"]

#: Where a user gives one date other hours, as messages name it: the tour's table, and a
#: delegation member's own (docs/input-format.md, "Delegations").
HOURS_DAY_TABLE = "[[hours.day]]"
MEMBER_HOURS_DAY_TABLE = "[[guests.hours.day]]"

FILE = "tour.toml"


@dataclass(frozen=True, slots=True)
class DayFrame:
    """Everything tour.toml says that the days are built from, all of it read correctly.

    The tour's frame has ``member`` empty. A delegation member's frame (``[[guests]]``) is the
    tour's with what the member gives instead: ``member`` is their id, ``member_path`` and
    ``member_index`` locate their table, and ``own`` names the top keys they gave (``hours``,
    ``lodging``, ``arrival``, ``departure``), so that a problem is shown at the line written.
    """

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
    member: str = ""
    member_path: str = ""
    member_index: int | None = None
    own: frozenset[str] = frozenset()

    def line(self, name: str) -> int | None:
        """The line of a dotted key (``hours.start``): see :meth:`key`."""
        key = self.key(name)
        return self.lines.line_of(key, self.member_index if key != name else None)

    def key(self, name: str) -> str:
        """The dotted key a message names for ``name`` (``hours.start``): the member's own
        (``guests.hours.start``) when the member gave that table, else the tour's."""
        if self.member and name.split(".")[0] in self.own:
            return f"{self.member_path}.{name}"
        return name

    def zone_of(self, place: str) -> ZoneInfo:
        """The zone of a place: its own ``timezone``, else the tour's."""
        return zone_of_place(place, self.place_zones, self.zone)

    @property
    def who(self) -> str:
        """Whose days these are, in messages: ``the guest`` or ``guest `anna```."""
        return f"guest `{self.member}`" if self.member else "the guest"

    @property
    def hours_day_table(self) -> str:
        """The table a message tells the user to widen one of these days' hours in: the
        member's own ``[[guests.hours.day]]`` (it comes before the tour's), else the tour's
        ``[[hours.day]]``."""
        return MEMBER_HOURS_DAY_TABLE if self.member else HOURS_DAY_TABLE


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def each_date(first: date, last: date):
    """Every date from ``first`` to ``last``, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _nights(frame: DayFrame, log: IssueLog) -> dict[date, Lodging]:
    """The lodging of each night; a night covered twice is a problem."""
    nights: dict[date, Lodging] = {}
    for stay in frame.lodging:
        for night in each_date(stay.first_night, stay.last_night):
            other = nights.get(night)
            if other is not None:
                log.add(FILE, stay.line, frame.key("lodging.first_night"),
                        f"the night of {night} is already covered by the lodging on line {other.line}")
                break
            nights[night] = stay
    return nights


def _check_endpoints(frame: DayFrame, log: IssueLog) -> bool:
    """The arrival must not be after ``first_day``, nor the departure before ``last_day``."""
    ok = True
    arrival, departure = frame.arrival, frame.departure
    if arrival is not None and arrival.at.date() > frame.first_day:
        log.add(FILE, frame.line("arrival.at"), frame.key("arrival.at"),
                f"{frame.who} arrives on {arrival.at.date()}, after first_day {frame.first_day}; "
                "set first_day to the arrival date or later")
        ok = False
    if departure is not None and departure.at.date() < frame.last_day:
        log.add(FILE, frame.line("departure.at"), frame.key("departure.at"),
                f"{frame.who} departs on {departure.at.date()}, before last_day {frame.last_day}; "
                "set last_day to the departure date or earlier")
        ok = False
    if arrival is not None and departure is not None and utc(departure.at) <= utc(arrival.at):
        log.add(FILE, frame.line("departure.at"), frame.key("departure.at"), "the departure is before the arrival")
        ok = False
    return ok


def _check_overrides(frame: DayFrame, log: IssueLog) -> None:
    for override in frame.overrides.values():
        if not frame.first_day <= override.date <= frame.last_day:
            log.add(FILE, override.date_line, f"{override.path}.date", f"{override.date} is not a day of the "
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
        legs = legs_of_day(day, start, end, self.legs, self.leg_lines, self.log,
                           hours_table=self.frame.hours_day_table)
        timezone = "" if self.zone.key == self.frame.zone.key else self.zone.key
        return Day(day, start, end, start_location, end_location, meal_window, meal_minutes, legs,
                   timezone)

    def _hours(self, day: date, override: HoursOverride | None) -> tuple[datetime, datetime] | None:
        start_minute, end_minute = self.frame.hours_start, self.frame.hours_end
        start_key, start_line = self.frame.key("hours.start"), self.frame.line("hours.start")
        end_key, end_line = self.frame.key("hours.end"), self.frame.line("hours.end")
        if override is not None and override.start is not None:
            start_minute, start_key, start_line = override.start, f"{override.path}.start", override.start_line
        if override is not None and override.end is not None:
            end_minute, end_key, end_line = override.end, f"{override.path}.end", override.end_line
        if end_minute <= start_minute:
            what = ("end before they start" if end_minute < start_minute else
                    "end when they start; give the day some hours, or `off = true` for none")
            self.log.add(FILE, end_line, end_key, f"on {day} the working hours {what}")
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
            key = self.frame.key("lodging")
            self.log.add(FILE, None, key, f"no lodging for the night of {night}, which "
                         f"{which}; add a [[{key}]] that covers it")


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
    for day in each_date(frame.first_day, frame.last_day):
        override = frame.overrides.get(day)
        if override is not None and override.off:
            continue
        built = builder.day(day)
        if built is not None:
            days.append(built)
    builder.report_unlodged()
    if len(log) > before:
        return None
    if not days and frame.member:
        log.add(FILE, frame.lines.line_of(f"{frame.member_path}.id", frame.member_index),
                f"{frame.member_path}.id", f"{frame.who} has no working day: every day of theirs "
                "is off, outside their arrival and departure, or has no working hours left")
        return None
    if not days:
        log.add(FILE, frame.line("tour.first_day"), "tour.first_day",
                "the tour has no working day: every day is off or has no working hours left")
        return None
    return tuple(days)




def day_end_lines(frame: DayFrame, days: tuple[Day, ...]) -> dict[date, tuple[int | None, str]]:
    """By date, the line and key of tour.toml that set where each day ends.

    Parameters
    ----------
    frame
        The frame the days were built from: the tour's, or a delegation member's.
    days
        The working days built from it.

    Returns
    -------
    dict
        For each day, the ``[[lodging]]`` entry of its night, else the departure; for a
        member, their own ``[[guests.lodging]]`` or ``[guests.departure]`` when they gave one,
        else the tour's.
    """
    ends: dict[date, tuple[int | None, str]] = {}
    for day in days:
        stay = next((stay for stay in frame.lodging
                     if stay.first_night <= day.date <= stay.last_night
                     and stay.location == day.end_location), None)
        ends[day.date] = ((stay.line, frame.key("lodging.location")) if stay is not None
                          else (frame.line("departure.location"), frame.key("departure.location")))
    return ends
