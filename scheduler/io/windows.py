"""The window syntax of requests.csv and availability.csv: text to zone-aware windows.

Reading a cell happens in two steps. :func:`parse_window_specs` reads the syntax alone and
needs no tour, so a broken ``tour.toml`` does not hide the problems of ``requests.csv``.
:class:`WindowReader` then expands the specs over the tour's days and turns local times into
instants with the zone's rules for their date, refusing local times that a daylight-saving
change skips or repeats.

Forms (see docs/input-format.md): ``2018-11-27 10:00-11:30``; ``2018-11-27 22:00 -
2018-11-28 01:00``; ISO 8601 ``2018-11-27T10:00+01:00/2018-11-27T11:30+01:00``;
``2018-11-27``; ``Tue 10:00-11:30``, ``Tue,Thu 10:00-12:00``, ``Mon-Wed 16:00-18:00``;
``daily 10:00-12:00`` or ``10:00-12:00``; ``Tue``; ``Wed 17:00`` and ``2018-11-28 17:00``
(a start time alone). Besides: ``27/11/2018`` for a date (day first, as Spanish
spreadsheets write it), ``8:30`` and ``08:30:00`` for a time, ``24:00`` as an end time,
``–`` and ``—`` for ``-``, and a ``T`` between date and time always means ISO 8601.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrule

from scheduler.domain import Day, Window, utc
from scheduler.errors import InputError, InputIssue
from scheduler.io.issues import did_you_mean

__all__ = [
    "DayHours",
    "LocalTimeError",
    "StartAt",
    "Span",
    "TourCalendar",
    "Weekly",
    "WholeDate",
    "WindowReader",
    "WindowSpec",
    "WindowSyntaxError",
    "check_year",
    "local_instant",
    "parse_clock",
    "parse_date",
    "parse_window_spec",
    "parse_window_specs",
    "parse_windows",
    "resolve_moment",
]

_ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPANISH_DAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_SPANISH_SHORT = ("lun", "mar", "mie", "jue", "vie", "sab", "dom")
_EXTRA_NAMES = {"tues": 1, "thur": 3, "thurs": 3}

WEEKDAYS = MappingProxyType({
    **{name: number for number, name in enumerate(_ENGLISH_DAYS)},
    **{name[:3]: number for number, name in enumerate(_ENGLISH_DAYS)},
    **{name: number for number, name in enumerate(_SPANISH_DAYS)},
    **{name: number for number, name in enumerate(_SPANISH_SHORT)},
    **_EXTRA_NAMES,
})
"""Weekday names (lower case, without accents) to ``date.weekday()`` numbers."""

_EVERY_DAY = ("daily", "every day")
FIRST_YEAR, LAST_YEAR = 1970, 2999

_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_FULL_RANGE = re.compile(rf"^(?P<d1>{_DATE}) (?P<t1>{_TIME}) ?- ?(?P<d2>{_DATE}) (?P<t2>{_TIME})$")
_DATE_TIMES = re.compile(rf"^(?P<d>{_DATE}) (?P<t1>{_TIME})(?: ?- ?(?P<t2>{_TIME}))?$")
_DATE_ONLY = re.compile(rf"^(?P<d>{_DATE})$")
_ISO_INTERVAL = re.compile(r"^(?P<a>\d{4}-\d{2}-\d{2}T[^/ ]+) ?/ ?(?P<b>\d{4}-\d{2}-\d{2}T[^/ ]+)$")
_ISO_SINGLE = re.compile(r"^\d{4}-\d{2}-\d{2}T\S+$")
_WEEKLY = re.compile(rf"^(?P<days>[^\d]*?) ?(?:(?P<t1>{_TIME})(?: ?- ?(?P<t2>{_TIME}))?)?$")
_CELL_SEPARATORS = re.compile(r"[;|\r\n]+")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})

_EXAMPLES = ("`Tue 10:00-11:30`, `2018-11-27 10:00-11:30` or `2018-11-27`, and separate "
             "several windows with `;`")


class WindowSyntaxError(ValueError):
    """A piece of a windows cell that is not in any of the documented forms."""


class LocalTimeError(ValueError):
    """A local time that a daylight-saving change skips or repeats."""


@dataclass(frozen=True, slots=True)
class Span:
    """An explicit interval. Naive datetimes are local times of the tour's zone."""

    text: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class StartAt:
    """A start time alone on one date: the engagement starts exactly then."""

    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class WholeDate:
    """A whole date: the guest's hours that day."""

    text: str
    date: date


@dataclass(frozen=True, slots=True)
class Weekly:
    """A recurring window on some weekdays (``None``: every day) of the tour.

    Without ``start_minute`` it is the guest's whole hours; without ``end_minute`` it is a
    start time alone. Minutes count from local midnight; ``end_minute`` may be 1440.
    """

    text: str
    weekdays: frozenset[int] | None
    start_minute: int | None = None
    end_minute: int | None = None


WindowSpec = Span | StartAt | WholeDate | Weekly


@dataclass(frozen=True, slots=True)
class DayHours:
    """The guest's hours on one working day, and its zone when not the tour's."""

    date: date
    start: datetime
    end: datetime
    zone: ZoneInfo | None = None


@dataclass(frozen=True, slots=True)
class TourCalendar:
    """The tour's zone and working days: what windows are expanded over."""

    zone: ZoneInfo
    days: tuple[DayHours, ...]
    _by_date: dict[date, DayHours] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_date", {day.date: day for day in self.days})

    @classmethod
    def from_days(cls, days: Iterable[Day], zone: ZoneInfo) -> TourCalendar:
        """The calendar of domain :class:`~scheduler.domain.Day` objects."""
        hours = sorted((DayHours(day.date, day.start, day.end,
                                 ZoneInfo(day.timezone) if day.timezone else None) for day in days),
                       key=lambda day: day.date)
        return cls(zone, tuple(hours))

    def hours_on(self, day: date) -> DayHours | None:
        """The guest's hours on ``day``, or ``None`` when it is not a working day."""
        return self._by_date.get(day)

    def zone_on(self, day: date) -> ZoneInfo:
        """The zone ``day`` is lived in: a working day's own, else the tour's."""
        hours = self._by_date.get(day)
        return hours.zone if hours is not None and hours.zone is not None else self.zone

    def dates_on(self, weekdays: frozenset[int] | None) -> tuple[date, ...]:
        """The working days that fall on ``weekdays`` (all of them for ``None``), by rrule."""
        if not self.days:
            return ()
        rule = rrule(DAILY, dtstart=datetime.combine(self.days[0].date, time()),
                     until=datetime.combine(self.days[-1].date, time()),
                     byweekday=None if weekdays is None else tuple(sorted(weekdays)))
        return tuple(moment.date() for moment in rule if moment.date() in self._by_date)


def local_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant at which the clocks of ``zone`` show ``local`` (a naive datetime).

    Raises
    ------
    LocalTimeError
        When that reading does not exist (the clocks jump over it) or happens twice (the
        clocks go back over it); the message says which and suggests an unambiguous time.
    """
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    shown = local.strftime("%Y-%m-%d %H:%M")
    round_trip = first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    if round_trip != local:
        later = round_trip.strftime("%H:%M")
        raise LocalTimeError(
            f"{shown} does not exist in {zone.key}: the clocks go forward that night and skip "
            f"it; use a time outside the jump (such as {later}) or an explicit UTC offset")
    raise LocalTimeError(
        f"{shown} happens twice in {zone.key}: the clocks go back that night; use an explicit "
        f"UTC offset ({first.isoformat(timespec='minutes')} for the first, "
        f"{second.isoformat(timespec='minutes')} for the second) or another time")


def resolve_moment(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` as an aware datetime in ``zone``; naive means local (see :func:`local_instant`)."""
    if moment.tzinfo is None:
        return local_instant(moment, zone)
    return moment.astimezone(zone)


def _lenient_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """Like :func:`local_instant`, but a skipped or repeated reading takes its first instant."""
    return local.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone)


def parse_date(text: str) -> date:
    """A date written ``2018-11-27`` or, day first, ``27/11/2018``.

    Raises
    ------
    WindowSyntaxError
        When the text is not a date in either form, or names a date that does not exist.
    """
    text = text.strip()
    if "/" in text:
        parts = text.split("/")
        day, month, year = parts if len(parts) == 3 else ("", "", "")
    else:
        parts = text.split("-")
        year, month, day = parts if len(parts) == 3 else ("", "", "")
    if not (year.isdigit() and month.isdigit() and day.isdigit() and len(year) == 4):
        raise WindowSyntaxError(f"`{text}` is not a date; write it like 2018-11-27")
    try:
        result = date(int(year), int(month), int(day))
    except ValueError:
        raise WindowSyntaxError(f"there is no date {text}") from None
    check_year(result.year, text)
    return result


def check_year(year: int, text: str) -> None:
    """Refuse years far from now: they are typing mistakes, and would overflow date arithmetic.

    Raises
    ------
    WindowSyntaxError
        When ``year`` is not between 1970 and 2999.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WindowSyntaxError(f"the year of `{text}` is not between {FIRST_YEAR} and {LAST_YEAR}")


def parse_clock(text: str, *, allow_end_of_day: bool = False) -> int:
    """Minutes after midnight of a time written ``HH:MM`` (``H:MM`` and ``HH:MM:00`` too).

    ``24:00`` (1440) is accepted only as the end of a range (``allow_end_of_day``).

    Raises
    ------
    WindowSyntaxError
        When the text is not such a time.
    """
    parts = text.strip().split(":")
    if not (2 <= len(parts) <= 3 and all(part.isdigit() for part in parts) and len(parts[1]) == 2):
        raise WindowSyntaxError(f"`{text}` is not a time; write it like 09:30")
    hours, minutes = int(parts[0]), int(parts[1])
    if len(parts) == 3 and int(parts[2]) != 0:
        raise WindowSyntaxError(f"`{text}` has seconds; times are in whole minutes")
    if allow_end_of_day and hours == 24 and minutes == 0:
        return 1440
    if hours > 23 or minutes > 59:
        raise WindowSyntaxError(f"there is no time {text}")
    return hours * 60 + minutes


def _plain(text: str) -> str:
    """Lower case, without accents and trailing dots: how weekday names are matched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).rstrip(".")


def _weekday(name: str, piece: str) -> int:
    number = WEEKDAYS.get(_plain(name))
    if number is None:
        hint = did_you_mean(_plain(name), WEEKDAYS)
        if not hint:
            raise WindowSyntaxError(f"cannot read `{piece}` as a window; write it like {_EXAMPLES}")
        where = f"`{name}`" if name == piece else f"`{name}` in `{piece}`"
        raise WindowSyntaxError(
            f"{where} is not a weekday{hint}; write Mon, Tue, Wed, Thu, Fri, Sat, Sun "
            "(or lun, mar, mié, jue, vie, sáb, dom)")
    return number


def _weekdays(text: str, piece: str) -> frozenset[int] | None:
    """The weekdays of ``Tue``, ``Tue,Thu``, ``Mon-Wed`` or ``daily`` (``None``: every day)."""
    text = text.strip()
    if not text or _plain(text) in _EVERY_DAY:
        return None
    days: set[int] = set()
    for item in re.split(r"\s*,\s*|\s+", re.sub(r"\s*-\s*", "-", text)):
        if not item:
            continue
        if "-" in item:
            first_name, _, last_name = item.partition("-")
            first, last = _weekday(first_name, piece), _weekday(last_name, piece)
            days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
        else:
            days.add(_weekday(item, piece))
    return frozenset(days)


def _iso_moment(text: str, piece: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WindowSyntaxError(f"`{text}` in `{piece}` is not an ISO 8601 date and time "
                                "(like 2018-11-27T10:00+01:00)") from None
    if moment.second or moment.microsecond:
        raise WindowSyntaxError(f"`{text}` has seconds; times are in whole minutes")
    check_year(moment.year, text)
    return moment


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def _check_order(start: int, end: int, piece: str) -> None:
    if end < start:
        raise WindowSyntaxError(
            f"`{piece}` ends before it starts; for a window across midnight give both dates, "
            "like `2018-11-27 22:00 - 2018-11-28 01:00`")
    if end == start:
        raise WindowSyntaxError(f"`{piece}` is empty: it ends when it starts")


def parse_window_spec(piece: str) -> WindowSpec:
    """Read one window (one piece of a cell) without expanding it.

    Raises
    ------
    WindowSyntaxError
        When the piece is in none of the documented forms, or its times are out of order.
    """
    text = " ".join(piece.translate(_DASHES).split())
    if match := _ISO_INTERVAL.match(text):
        return Span(text, _iso_moment(match["a"], text), _iso_moment(match["b"], text))
    if _ISO_SINGLE.match(text):
        return StartAt(text, _iso_moment(text, text))
    if match := _FULL_RANGE.match(text):
        start = _at(parse_date(match["d1"]), parse_clock(match["t1"]))
        end = _at(parse_date(match["d2"]), parse_clock(match["t2"], allow_end_of_day=True))
        if end <= start:
            raise WindowSyntaxError(f"`{text}` ends before it starts")
        return Span(text, start, end)
    if match := _DATE_TIMES.match(text):
        day, start_minute = parse_date(match["d"]), parse_clock(match["t1"])
        if match["t2"] is None:
            return StartAt(text, _at(day, start_minute))
        end_minute = parse_clock(match["t2"], allow_end_of_day=True)
        _check_order(start_minute, end_minute, text)
        return Span(text, _at(day, start_minute), _at(day, end_minute))
    if match := _DATE_ONLY.match(text):
        return WholeDate(text, parse_date(match["d"]))
    match = _WEEKLY.match(text)
    if match is None or not (match["days"] or match["t1"]):
        raise WindowSyntaxError(f"cannot read `{text}` as a window; write it like {_EXAMPLES}")
    weekdays = _weekdays(match["days"], text)
    if match["t1"] is None:
        return Weekly(text, weekdays)
    start_minute = parse_clock(match["t1"])
    if match["t2"] is None:
        return Weekly(text, weekdays, start_minute)
    end_minute = parse_clock(match["t2"], allow_end_of_day=True)
    _check_order(start_minute, end_minute, text)
    return Weekly(text, weekdays, start_minute, end_minute)


def split_cell(text: str) -> list[str]:
    """The pieces of a windows cell, separated by ``;``, ``|`` or line breaks."""
    return [piece.strip() for piece in _CELL_SEPARATORS.split(text) if piece.strip()]


def parse_window_specs(text: str) -> tuple[list[WindowSpec], list[str]]:
    """Read every window of a cell; the second item lists the pieces that cannot be read."""
    specs: list[WindowSpec] = []
    problems: list[str] = []
    for piece in split_cell(text):
        try:
            specs.append(parse_window_spec(piece))
        except WindowSyntaxError as error:
            problems.append(str(error))
    return specs, problems


class WindowReader:
    """Turns windows cells into :class:`~scheduler.domain.Window` objects over one tour.

    It remembers what it has read (keyed by the cell text and the duration), because large
    request files repeat the same windows on many rows. Local times are read in ``zone``
    (the request's place's) or, without it, in the zone of the day of their date.
    """

    def __init__(self, calendar: TourCalendar, zone: ZoneInfo | None = None) -> None:
        self.calendar = calendar
        self.zone = zone
        self._read: dict[tuple[str, int | None], tuple[tuple[Window, ...], tuple[str, ...]]] = {}
        self._dates: dict[frozenset[int] | None, tuple[date, ...]] = {}

    def read(self, text: str, duration_minutes: int | None = None
             ) -> tuple[tuple[Window, ...], tuple[str, ...]]:
        """The windows of a cell, in the order written, and the problems found."""
        key = (text, duration_minutes)
        if key not in self._read:
            specs, problems = parse_window_specs(text)
            windows, more = self.expand(specs, duration_minutes)
            self._read[key] = (tuple(windows), tuple(problems + more))
        return self._read[key]

    def expand(self, specs: Sequence[WindowSpec], duration_minutes: int | None = None
               ) -> tuple[list[Window], list[str]]:
        """The windows of already parsed specs, and the problems found."""
        windows: list[Window] = []
        problems: list[str] = []
        for spec in specs:
            try:
                windows.extend(self._expand_one(spec, duration_minutes, problems))
            except LocalTimeError as error:
                problems.append(f"`{spec.text}`: {error}")
        return windows, problems

    def zone_on(self, day: date) -> ZoneInfo:
        """The zone local times of ``day`` are read in."""
        return self.zone or self.calendar.zone_on(day)

    def dates_on(self, weekdays: frozenset[int] | None) -> tuple[date, ...]:
        """The working days on ``weekdays`` (see :meth:`TourCalendar.dates_on`), remembered."""
        if weekdays not in self._dates:
            self._dates[weekdays] = self.calendar.dates_on(weekdays)
        return self._dates[weekdays]

    def start_of(self, text: str) -> datetime:
        """The one moment of a ``fixed_start`` cell (``2018-11-27 08:30``, ``Tue 08:30``).

        Raises
        ------
        WindowSyntaxError
            When the text is not one moment, a weekday matches no day or several days of the
            tour, or the local time is skipped or repeated by a daylight-saving change.
        """
        spec = parse_window_spec(text)
        try:
            if isinstance(spec, StartAt):
                return self._moment(spec.at)
            if isinstance(spec, Weekly) and spec.start_minute is not None and spec.end_minute is None:
                day = self._single_date(spec)
                return local_instant(_at(day, spec.start_minute), self.zone_on(day))
        except LocalTimeError as error:
            raise WindowSyntaxError(f"`{text}`: {error}") from None
        raise WindowSyntaxError(f"`{text}` is not one moment; write the start like "
                                "`2018-11-27 08:30` or `Tue 08:30`")

    def _single_date(self, spec: Weekly) -> date:
        dates = self.dates_on(spec.weekdays)
        if len(dates) == 1:
            return dates[0]
        if not dates:
            raise WindowSyntaxError(f"`{spec.text}` falls on no day of the tour; give the date, "
                                    "like `2018-11-27 08:30`")
        listed = ", ".join(day.isoformat() for day in dates)
        raise WindowSyntaxError(f"`{spec.text}` matches {len(dates)} days of the tour ({listed}); "
                                "give the date, like `2018-11-27 08:30`")

    def _moment(self, moment: datetime) -> datetime:
        return resolve_moment(moment, self.zone_on(moment.date()))

    def _expand_one(self, spec: WindowSpec, duration_minutes: int | None,
                    problems: list[str]) -> list[Window]:
        if isinstance(spec, Span):
            start, end = self._moment(spec.start), self._moment(spec.end)
            if utc(end) <= utc(start):
                problems.append(f"`{spec.text}` ends before it starts")
                return []
            return [Window(start, end)]
        if isinstance(spec, StartAt):
            return self._starting(self._moment(spec.at), spec, duration_minutes, problems)
        if isinstance(spec, WholeDate):
            return [self._whole_date(spec.date)]
        windows: list[Window] = []
        for day in self.dates_on(spec.weekdays):
            try:
                windows.extend(self._weekly_on(spec, day, duration_minutes, problems))
            except LocalTimeError as error:
                problems.append(f"`{spec.text}` on {day.isoformat()}: {error}")
        return windows

    def _weekly_on(self, spec: Weekly, day: date, duration_minutes: int | None,
                   problems: list[str]) -> list[Window]:
        zone = self.zone_on(day)
        if spec.start_minute is None:
            return [self._whole_date(day)]
        start = local_instant(_at(day, spec.start_minute), zone)
        if spec.end_minute is None:
            return self._starting(start, spec, duration_minutes, problems)
        end = local_instant(_at(day, spec.end_minute), zone)
        if utc(end) <= utc(start):
            problems.append(f"`{spec.text}` on {day.isoformat()} ends before it starts")
            return []
        return [Window(start, end)]

    def _starting(self, start: datetime, spec: WindowSpec, duration_minutes: int | None,
                  problems: list[str]) -> list[Window]:
        if duration_minutes is None or duration_minutes <= 0:
            problems.append(f"`{spec.text}` is a start time alone, which needs the request's "
                            "duration; give a range instead, like `Wed 17:00-18:00`")
            return []
        end = (utc(start) + timedelta(minutes=duration_minutes)).astimezone(start.tzinfo)
        return [Window(start, end)]

    def _whole_date(self, day: date) -> Window:
        hours = self.calendar.hours_on(day)
        if hours is not None:
            return Window(hours.start, hours.end)
        zone = self.zone_on(day)
        return Window(_lenient_instant(_at(day, 0), zone), _lenient_instant(_at(day, 1440), zone))


def parse_windows(text: str, tour_days: Iterable[Day], zone: ZoneInfo | str, *,
                  duration_minutes: int | None = None, file: str = "windows",
                  line: int | None = None, field: str | None = None,
                  request_zone: str = "") -> list[Window]:
    """Read a windows cell (or a command-line value) over the days of a tour.

    Parameters
    ----------
    text
        One or more windows separated by ``;``, ``|`` or line breaks, in the syntax of
        docs/input-format.md, such as ``"Tue 10:00-11:30; 2018-11-28 17:00"``.
    tour_days
        The tour's working days: recurring and whole-day windows are expanded over them.
    zone
        The tour's time zone: local times are read in it, unless the day of their date is
        lived in another zone (a day's ``timezone``) or ``request_zone`` is given.
    duration_minutes
        The request's duration, needed only by a start time alone (``Wed 17:00``), which
        means the window ``[17:00, 17:00 + duration]``.
    file, line, field
        Where the text comes from, for the messages.
    request_zone
        The zone of the request the windows are for (its place's, or its own), ``""`` for
        none: docs/input-format.md, "Several time zones".

    Returns
    -------
    list[Window]
        The windows in the order written, each recurring form expanded in date order.
        Recurring forms that match no day of the tour give nothing.

    Raises
    ------
    InputError
        With one issue per piece that cannot be read, ends before it starts, or names a local
        time that a daylight-saving change skips or repeats.
    """
    try:
        tour_zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        raise InputError([InputIssue(file, line, field, f"unknown time zone `{zone}`")]) from None
    reader = WindowReader(TourCalendar.from_days(tour_days, tour_zone),
                          ZoneInfo(request_zone) if request_zone else None)
    windows, problems = reader.read(text, duration_minutes)
    if problems:
        raise InputError([InputIssue(file, line, field, problem) for problem in problems])
    return list(windows)
