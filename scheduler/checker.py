"""An independent checker of a plan file: every rule of docs/plan-format.md, from the JSON alone.

It shares no code with the solver's model, the domain or the plan file reader, on purpose: a
bug there must not hide a bug here. It reads the dictionary ``json.loads`` gives, uses only
the standard library, compares instants (through UTC, never the wall-clock readings of two
times) and reports every broken rule in plain words, naming the request and the times.

A plan whose shape is wrong (a missing field, a time that does not parse) is reported with
``schema`` violations only: the other rules cannot be judged on a broken file.

A re-planned plan carries the moment of its last re-plan (``now`` of the last entry of
``history``). A travel leg that departed before that moment is history: when it leads to a
place where nothing happens next (the engagement it was heading for was cancelled or moved),
its arrival is a *stop-over* anchor of the day, and the next leg leaves from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["RULES", "Violation", "assert_valid", "check_plan", "check_plan_file"]

SCHEMA_VERSION = 1

#: Every rule the checker knows, in the order it reports them, with what each forbids.
RULES: Mapping[str, str] = {
    "schema": "a missing field, a value of the wrong type, a time without offset, an unknown place",
    "wrong_offset": "a time written with an offset that is not the tour zone's at that instant",
    "unknown_request": "an engagement or an unscheduled entry naming no request of the plan",
    "duplicate": "a request scheduled twice, or listed twice as unscheduled",
    "unscheduled_inconsistent": "a request both scheduled and unscheduled, or neither",
    "wrong_code": "an unscheduled code outside the list, or a no_window/too_short claim that is false",
    "mandatory_missing": "a mandatory request left unscheduled",
    "wrong_day": "an engagement or leg whose `day` is not the day whose hours hold its start",
    "outside_window": "an engagement not inside any window of its request",
    "wrong_duration": "an engagement whose length is not its request's duration",
    "wrong_location": "an engagement whose location is not its request's (null when remote)",
    "not_fixed_start": "an engagement of a fixed-start request starting at another time",
    "outside_hours": "an engagement (with its set-up) or a break outside its day's hours",
    "overlap": "two engagements (set-up to end plus buffer), or one and a break, overlapping",
    "leg_overlap": "a travel leg overlapping an engagement, a break or another leg",
    "travel_too_short": "a change of place without a free stretch as long as the travel time",
    "leg_missing": "a change of place with no travel leg in the plan's `travel`",
    "leg_misplaced": "a travel leg outside the stretch between the places it joins",
    "leg_unexpected": "a travel leg that matches no change of place of its day",
    "leg_wrong_minutes": "a leg whose minutes differ from the travel table or from its own times",
    "too_many_per_day": "more engagements on a day than max_engagements_per_day",
    "meal_missing": "a day with a meal rule but no meal break",
    "meal_outside_window": "a meal break outside the day's meal window",
    "meal_wrong_length": "a meal break not as long as the day's meal minutes",
    "unexpected_break": "a break on a day without meal rule, a second meal, a break of another kind",
}

UNSCHEDULED_CODES = ("no_window", "too_short", "unreachable", "displaced", "not_reached")

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule of a plan.

    Attributes
    ----------
    rule
        The rule's name, a key of :data:`RULES` (``outside_window``, ``overlap``, ...).
    message
        What is wrong, for a person: names the request, the day and the times.
    request_id
        The request the violation is about, or ``None``.
    day
        The day (``YYYY-MM-DD``) the violation is about, or ``None``.
    """

    rule: str
    message: str
    request_id: str | None = None
    day: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


# --------------------------------------------------------------------------------------------
# The plan as the checker sees it: instants in UTC, durations as timedeltas.


@dataclass(frozen=True, slots=True)
class _Stamp:
    """A time as written in the file, kept to check its offset."""

    path: str
    written: datetime
    request_id: str | None
    day: str | None


@dataclass(frozen=True, slots=True)
class _Meal:
    """A day's meal rule: ``minutes`` of break between ``earliest`` and ``latest``."""

    earliest: datetime
    latest: datetime
    minutes: int


@dataclass(frozen=True, slots=True)
class _Break:
    """A placed break; ``path`` says where it is in the file, for messages."""

    path: str
    start: datetime
    end: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class _Day:
    """A tour day: its hours, where it starts and ends, its meal rule and its breaks."""

    date: str
    start: datetime
    end: datetime
    start_place: str
    end_place: str
    meal: _Meal | None
    breaks: tuple[_Break, ...]


@dataclass(frozen=True, slots=True)
class _Request:
    """What the rules need of a request; ``place`` is ``None`` when remote."""

    id: str
    title: str
    duration: timedelta
    mandatory: bool
    place: str | None
    setup: timedelta
    fixed_start: datetime | None
    windows: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True, slots=True)
class _Engagement:
    """An engagement as written; ``label`` is its ``day`` field, ``index`` its position."""

    index: int
    request_id: str
    label: str
    start: datetime
    end: datetime
    place: str | None
    home: str | None  # the tour day it belongs to (see _home_day), None when on no day


@dataclass(frozen=True, slots=True)
class _Leg:
    """A travel leg as written; ``label`` is its ``day`` field, ``home`` the day it is on."""

    index: int
    label: str
    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    minutes: int
    home: str | None


@dataclass(frozen=True, slots=True)
class _Unscheduled:
    """An entry of ``unscheduled``."""

    index: int
    request_id: str
    code: str


@dataclass(frozen=True, slots=True)
class _Plan:
    """The plan read from the dictionary: instants in UTC, with helpers for the rules' messages."""

    zone_name: str
    zone: ZoneInfo
    days: tuple[_Day, ...]
    max_per_day: int
    buffer: timedelta
    travel: Mapping[tuple[str, str], int]
    requests: Mapping[str, _Request]
    request_order: tuple[str, ...]
    engagements: tuple[_Engagement, ...]
    legs: tuple[_Leg, ...]
    unscheduled: tuple[_Unscheduled, ...]
    stamps: tuple[_Stamp, ...]
    replanned: datetime | None = None  # ``now`` of the last history entry (the last re-plan)

    def day(self, day_date: str) -> _Day:
        """The tour day of that date (one that exists)."""
        return next(day for day in self.days if day.date == day_date)

    def request(self, request_id: str) -> _Request | None:
        return self.requests.get(request_id)

    def engagements_on(self, day: _Day) -> list[_Engagement]:
        return [e for e in self.engagements if e.home == day.date]

    def legs_on(self, day: _Day) -> list[_Leg]:
        return sorted((leg for leg in self.legs if leg.home == day.date),
                      key=lambda leg: (leg.depart, leg.index))

    def setup(self, engagement: _Engagement) -> timedelta:
        request = self.request(engagement.request_id)
        return request.setup if request is not None else timedelta(0)

    def place(self, engagement: _Engagement) -> str | None:
        """Where the guest really is: the request's place (the engagement may copy it wrongly)."""
        request = self.request(engagement.request_id)
        return request.place if request is not None else engagement.place

    def occupancy(self, engagement: _Engagement) -> tuple[datetime, datetime]:
        """From ``start - setup_minutes`` to ``end + min_buffer_minutes``."""
        return engagement.start - self.setup(engagement), engagement.end + self.buffer

    def clock(self, moment: datetime) -> str:
        """``Fri 26 Oct 10:00``: the moment read in the tour's zone, for messages."""
        local = moment.astimezone(self.zone)
        return (f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} "
                f"{local:%H:%M}")

    def span(self, start: datetime, end: datetime) -> str:
        """``Fri 26 Oct 10:00–11:00`` (the date once when both ends share it)."""
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        if first.date() == last.date():
            return f"{self.clock(start)}–{last:%H:%M}"
        return f"{self.clock(start)} – {self.clock(end)}"

    def who(self, request_id: str) -> str:
        """``'psoe' (Meeting with PSOE)``: the request named for a person."""
        request = self.request(request_id)
        if request is None or not request.title:
            return f"request {request_id!r}"
        return f"{request_id!r} ({request.title})"


def _home_day(days: Iterable[_Day], label: str, instant: datetime) -> str | None:
    """The day an item belongs to: the one whose hours hold ``instant``, else its label's day.

    The times are the truth and the ``day`` field a label; the label is used only for an item
    outside every day's hours, so that it is judged against the day it claims.
    """
    days = tuple(days)
    for day in days:
        if day.start <= instant < day.end:
            return day.date
    return label if any(day.date == label for day in days) else None


# --------------------------------------------------------------------------------------------
# Reading the dictionary. Each reader raises _Malformed at the first problem of its item.


class _Malformed(Exception):
    """A field is missing or has the wrong shape; becomes a ``schema`` violation."""


def _field(raw: Any, key: str, path: str) -> Any:
    if not isinstance(raw, Mapping):
        raise _Malformed(f"{path} is not an object")
    if key not in raw:
        raise _Malformed(f"{path} has no {key!r}")
    return raw[key]


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _Malformed(f"{path} is {value!r}, not a non-empty text")
    return value


def _whole(value: Any, path: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _Malformed(f"{path} is {value!r}, not a whole number of at least {minimum}")
    return value


def _flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _Malformed(f"{path} is {value!r}, not true or false")
    return value


def _items(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed(f"{path} is not a list")
    return value


def _calendar_date(value: Any, path: str) -> str:
    try:
        if isinstance(value, str) and date.fromisoformat(value).isoformat() == value:
            return value
    except ValueError:
        pass
    raise _Malformed(f"{path} is {value!r}, not a date YYYY-MM-DD")


def _known_place(value: Any, path: str, places: Iterable[str]) -> str:
    place = _text(value, path)
    if place not in places:
        raise _Malformed(f"{path} names {place!r}, which is not in `locations`")
    return place


class _Reader:
    """Reads times (keeping each as written for the offset rule) and collects schema problems."""

    def __init__(self) -> None:
        self.problems: list[Violation] = []
        self.stamps: list[_Stamp] = []

    def instant(self, value: Any, path: str, request_id: str | None = None,
                day: str | None = None) -> datetime:
        """Parse an ISO 8601 time with offset; return it in UTC."""
        if not isinstance(value, str):
            raise _Malformed(f"{path} is {value!r}, not an ISO 8601 time")
        try:
            written = datetime.fromisoformat(value)
        except ValueError as error:
            raise _Malformed(f"{path} is {value!r}, not an ISO 8601 time") from error
        if written.tzinfo is None or written.utcoffset() is None:
            raise _Malformed(f"{path} is {value!r}, which has no UTC offset")
        self.stamps.append(_Stamp(path, written, request_id, day))
        return written.astimezone(timezone.utc)

    def optional_instant(self, value: Any, path: str, request_id: str | None = None) -> datetime | None:
        return None if value is None else self.instant(value, path, request_id)

    def each(self, values: list[Any], path: str, read: Callable[[Any, str, int], Any]) -> list[Any]:
        """Read every item, recording the problem of each bad one and going on."""
        read_items = []
        for index, raw in enumerate(values):
            try:
                read_items.append(read(raw, f"{path}[{index}]", index))
            except _Malformed as problem:
                self.problems.append(Violation("schema", str(problem)))
        return read_items

    def guard(self, read: Callable[[], Any], default: Any) -> Any:
        try:
            return read()
        except _Malformed as problem:
            self.problems.append(Violation("schema", str(problem)))
            return default


def _read_day(reader: _Reader, raw: Any, path: str, places: Iterable[str]) -> _Day:
    day_date = _calendar_date(_field(raw, "date", path), f"{path}.date")
    start = reader.instant(_field(raw, "start", path), f"{path}.start", day=day_date)
    end = reader.instant(_field(raw, "end", path), f"{path}.end", day=day_date)
    if end <= start:
        raise _Malformed(f"{path}: the day's hours end before they start")
    meal_raw = _field(raw, "meal", path)
    meal = None
    if meal_raw is not None:
        earliest = reader.instant(_field(meal_raw, "earliest", f"{path}.meal"), f"{path}.meal.earliest", day=day_date)
        latest = reader.instant(_field(meal_raw, "latest", f"{path}.meal"), f"{path}.meal.latest", day=day_date)
        minutes = _whole(_field(meal_raw, "minutes", f"{path}.meal"), f"{path}.meal.minutes", 1)
        if latest <= earliest:
            raise _Malformed(f"{path}.meal: latest is not after earliest")
        meal = _Meal(earliest, latest, minutes)
    breaks = []
    for index, item in enumerate(_items(_field(raw, "breaks", path), f"{path}.breaks")):
        where = f"{path}.breaks[{index}]"
        breaks.append(_Break(where,
                             reader.instant(_field(item, "start", where), f"{where}.start", day=day_date),
                             reader.instant(_field(item, "end", where), f"{where}.end", day=day_date),
                             _text(_field(item, "kind", where), f"{where}.kind")))
    return _Day(day_date, start, end,
                _known_place(_field(raw, "start_location", path), f"{path}.start_location", places),
                _known_place(_field(raw, "end_location", path), f"{path}.end_location", places),
                meal, tuple(breaks))


def _read_request(reader: _Reader, raw: Any, path: str, places: Iterable[str]) -> _Request:
    request_id = _text(_field(raw, "id", path), f"{path}.id")
    title = _field(raw, "title", path)
    if not isinstance(title, str):
        raise _Malformed(f"{path}.title is not a text")
    place_raw = _field(raw, "location", path)
    place = None if place_raw is None else _known_place(place_raw, f"{path}.location", places)
    remote = _field(raw, "remote", path)
    if remote not in (None, "phone", "video"):
        raise _Malformed(f"{path}.remote is {remote!r}, not null, 'phone' or 'video'")
    if (place is None) == (remote is None):
        raise _Malformed(f"{path}: a request has a location exactly when it is not remote")
    windows = []
    for index, pair in enumerate(_items(_field(raw, "windows", path), f"{path}.windows")):
        where = f"{path}.windows[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Malformed(f"{where} is not a pair [start, end]")
        start = reader.instant(pair[0], f"{where}[0]", request_id)
        end = reader.instant(pair[1], f"{where}[1]", request_id)
        if end <= start:
            raise _Malformed(f"{where} ends before it starts")
        windows.append((start, end))
    return _Request(
        id=request_id,
        title=title,
        duration=timedelta(minutes=_whole(_field(raw, "duration_minutes", path), f"{path}.duration_minutes", 1)),
        mandatory=_flag(_field(raw, "mandatory", path), f"{path}.mandatory"),
        place=place,
        setup=timedelta(minutes=_whole(_field(raw, "setup_minutes", path), f"{path}.setup_minutes", 0)),
        fixed_start=reader.optional_instant(_field(raw, "fixed_start", path), f"{path}.fixed_start", request_id),
        windows=tuple(windows),
    )


def _read_travel_table(raw: Any, places: Iterable[str]) -> dict[tuple[str, str], int]:
    if not isinstance(raw, Mapping):
        raise _Malformed("travel_minutes is not an object")
    table = {}
    for origin, row in raw.items():
        if not isinstance(row, Mapping):
            raise _Malformed(f"travel_minutes[{origin!r}] is not an object")
        for destination, minutes in row.items():
            table[(origin, destination)] = _whole(minutes, f"travel_minutes[{origin!r}][{destination!r}]", 0)
    places = sorted(set(places))
    for origin in places:
        for destination in places:
            if origin != destination and (origin, destination) not in table:
                raise _Malformed(f"travel_minutes has no time from {origin!r} to {destination!r}")
    return table


def _replan_moment(reader: _Reader, raw: Any) -> datetime | None:
    """``now`` of the last entry of ``history`` (the last re-plan), or ``None`` when the plan
    was never re-planned (no history, or a last entry whose ``now`` is null)."""
    entries = _items(raw, "history")
    if not entries:
        return None
    where = f"history[{len(entries) - 1}]"
    last = entries[-1]
    if not isinstance(last, Mapping):
        raise _Malformed(f"{where} is not an object")
    return reader.optional_instant(last.get("now"), f"{where}.now")


def _read_plan(data: Any) -> tuple[_Plan | None, list[Violation]]:
    """The plan as the checker sees it, or ``None`` with the schema problems found."""
    reader = _Reader()
    if not isinstance(data, Mapping):
        return None, [Violation("schema", "the plan is not a JSON object")]
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        reader.problems.append(Violation(
            "schema", f"schema_version is {version!r}; this checker knows version {SCHEMA_VERSION}"))
    tour = reader.guard(lambda: _field(data, "tour", "the plan"), {})
    zone_name = reader.guard(lambda: _text(_field(tour, "timezone", "tour"), "tour.timezone"), None)
    zone = None
    if zone_name is not None:
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            reader.problems.append(Violation("schema", f"tour.timezone {zone_name!r} is not a known time zone"))
    max_per_day = reader.guard(lambda: _whole(_field(tour, "max_engagements_per_day", "tour"),
                                              "tour.max_engagements_per_day", 0), 0)
    buffer = reader.guard(lambda: _whole(_field(tour, "min_buffer_minutes", "tour"),
                                         "tour.min_buffer_minutes", 0), 0)
    reader.guard(lambda: reader.optional_instant(data.get("created"), "created"), None)
    replanned = reader.guard(lambda: _replan_moment(reader, data.get("history", [])), None)
    locations = reader.guard(lambda: _field(data, "locations", "the plan"), {})
    if not isinstance(locations, Mapping):
        reader.problems.append(Violation("schema", "locations is not an object"))
        locations = {}
    places = frozenset(locations)

    days = reader.each(reader.guard(lambda: _items(_field(tour, "days", "tour"), "tour.days"), []),
                       "tour.days", lambda raw, path, _: _read_day(reader, raw, path, places))
    if not days and not reader.problems:
        reader.problems.append(Violation("schema", "tour.days is empty"))
    by_start = sorted(days, key=lambda day: day.start)
    for before, after in zip(by_start, by_start[1:], strict=False):
        if after.start < before.end:
            reader.problems.append(Violation("schema", f"days {before.date} and {after.date} overlap"))
    if len({day.date for day in days}) != len(days):
        reader.problems.append(Violation("schema", "two days of tour.days have the same date"))

    requests = reader.each(reader.guard(lambda: _items(_field(data, "requests", "the plan"), "requests"), []),
                           "requests", lambda raw, path, _: _read_request(reader, raw, path, places))
    if len({request.id for request in requests}) != len(requests):
        reader.problems.append(Violation("schema", "two requests have the same id"))
    used = {request.place for request in requests if request.place is not None}
    used |= {place for day in days for place in (day.start_place, day.end_place)}
    travel = reader.guard(lambda: _read_travel_table(_field(data, "travel_minutes", "the plan"), used), {})

    def read_engagement(raw: Any, path: str, index: int) -> _Engagement:
        request_id = _text(_field(raw, "request_id", path), f"{path}.request_id")
        label = _calendar_date(_field(raw, "day", path), f"{path}.day")
        place = _field(raw, "location", path)
        return _Engagement(
            index, request_id, label,
            reader.instant(_field(raw, "start", path), f"{path}.start", request_id, label),
            reader.instant(_field(raw, "end", path), f"{path}.end", request_id, label),
            None if place is None else _known_place(place, f"{path}.location", places),
            None)

    def read_leg(raw: Any, path: str, index: int) -> _Leg:
        label = _calendar_date(_field(raw, "day", path), f"{path}.day")
        return _Leg(
            index, label,
            _known_place(_field(raw, "from", path), f"{path}.from", places),
            _known_place(_field(raw, "to", path), f"{path}.to", places),
            reader.instant(_field(raw, "depart", path), f"{path}.depart", day=label),
            reader.instant(_field(raw, "arrive", path), f"{path}.arrive", day=label),
            _whole(_field(raw, "minutes", path), f"{path}.minutes", 0),
            None)

    def read_unscheduled(raw: Any, path: str, index: int) -> _Unscheduled:
        request_id = _text(_field(raw, "request_id", path), f"{path}.request_id")
        if not isinstance(_field(raw, "reason", path), str):
            raise _Malformed(f"{path}.reason is not a text")
        return _Unscheduled(index, request_id, _text(_field(raw, "code", path), f"{path}.code"))

    engagements = reader.each(
        reader.guard(lambda: _items(_field(data, "engagements", "the plan"), "engagements"), []),
        "engagements", read_engagement)
    legs = reader.each(reader.guard(lambda: _items(_field(data, "travel", "the plan"), "travel"), []),
                       "travel", read_leg)
    unscheduled = reader.each(
        reader.guard(lambda: _items(_field(data, "unscheduled", "the plan"), "unscheduled"), []),
        "unscheduled", read_unscheduled)
    if reader.problems or zone is None:
        return None, list(dict.fromkeys(reader.problems))  # one report per distinct problem

    engagements = [replace(e, home=_home_day(days, e.label, e.start)) for e in engagements]
    legs = [replace(leg, home=_home_day(days, leg.label, leg.depart)) for leg in legs]
    plan = _Plan(
        zone_name=zone_name, zone=zone, days=tuple(by_start), max_per_day=max_per_day,
        buffer=timedelta(minutes=buffer), travel=travel,
        requests={request.id: request for request in requests},
        request_order=tuple(request.id for request in requests),
        engagements=tuple(engagements), legs=tuple(legs), unscheduled=tuple(unscheduled),
        stamps=tuple(reader.stamps), replanned=replanned)
    return plan, []


# --------------------------------------------------------------------------------------------
# Helpers shared by the rules: the guest's busy intervals and moves of a day.


@dataclass(frozen=True, slots=True)
class _Busy:
    """An interval of the guest's timeline: an engagement's occupancy, a break or a leg."""

    key: tuple[str, Any]
    start: datetime
    end: datetime
    what: str
    request_id: str | None

    @property
    def is_leg(self) -> bool:
        return self.key[0] == "leg"


def _busy(plan: _Plan, day: _Day, with_legs: bool) -> list[_Busy]:
    items = []
    for engagement in plan.engagements_on(day):
        start, end = plan.occupancy(engagement)
        items.append(_Busy(("engagement", engagement.index), start, end,
                           f"{plan.who(engagement.request_id)}, occupying {plan.span(start, end)} "
                           f"(set-up and buffer included)", engagement.request_id))
    for item in day.breaks:
        items.append(_Busy(("break", item.path), item.start, item.end,
                           f"the {item.kind} break {plan.span(item.start, item.end)}", None))
    if with_legs:
        for leg in plan.legs_on(day):
            items.append(_Busy(("leg", leg.index), leg.depart, leg.arrive,
                               f"the travel leg {leg.origin} → {leg.destination} "
                               f"{plan.span(leg.depart, leg.arrive)}", None))
    return sorted(items, key=lambda item: (item.start, item.end))


def _overlapping_pairs(items: list[_Busy]) -> Iterator[tuple[_Busy, _Busy]]:
    """Pairs of non-empty intervals that share an instant (touching ends do not overlap)."""
    for position, first in enumerate(items):
        for second in items[position + 1:]:
            if second.start >= first.end:
                break
            if first.start < first.end and second.start < second.end:
                yield first, second


def _longest_free(start: datetime, end: datetime, blockers: Iterable[tuple[datetime, datetime]]) -> timedelta:
    """The longest stretch of [start, end) that no blocker covers."""
    if end <= start:
        return timedelta(0)
    clipped = sorted((max(b_start, start), min(b_end, end)) for b_start, b_end in blockers
                     if b_start < end and b_end > start and b_start < b_end)
    longest, cursor = timedelta(0), start
    for b_start, b_end in clipped:
        longest = max(longest, b_start - cursor)
        cursor = max(cursor, b_end)
    return max(longest, end - cursor)


@dataclass(frozen=True, slots=True)
class _Move:
    """A change of place between two consecutive in-person anchors of a day."""

    origin: str
    destination: str
    after: datetime       # the stretch starts: the day's start, or the end of the occupancy left
    before: datetime      # the stretch ends: the day's end, or the start of the occupancy reached
    minutes: int
    free: timedelta       # the longest free stretch in between
    leaving: str
    reaching: str
    request_id: str | None

    @property
    def too_short(self) -> bool:
        return self.free < timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class _Anchor:
    """Where the guest must be over an interval: a day's start or end, or an in-person engagement."""

    begin: datetime
    finish: datetime
    place: str
    what: str
    engagement: _Engagement | None


def _anchors(plan: _Plan, day: _Day) -> list[_Anchor]:
    """The day's start place, its in-person engagements by occupancy and its stop-overs in
    time order, the day's end place."""
    start = _Anchor(day.start, day.start, day.start_place, f"the day's start at {day.start_place}", None)
    end = _Anchor(day.end, day.end, day.end_place, f"the day's end at {day.end_place}", None)
    in_person = []
    for engagement in plan.engagements_on(day):
        place = plan.place(engagement)
        if place is not None:
            begin, finish = plan.occupancy(engagement)
            in_person.append(_Anchor(begin, finish, place, f"{plan.who(engagement.request_id)} at {place}",
                                     engagement))
    in_person.sort(key=lambda anchor: (anchor.begin, anchor.finish, anchor.engagement.index))
    # A stop-over comes before an engagement whose occupancy begins as the guest arrives.
    stops = sorted(_stop_overs(plan, day, in_person + [end]), key=lambda anchor: anchor.finish)
    middle = sorted(stops + in_person, key=lambda anchor: (anchor.begin, anchor.engagement is not None))
    return [start, *middle, end]


def _stop_overs(plan: _Plan, day: _Day, ahead: list[_Anchor]) -> list[_Anchor]:
    """The stop-overs of a day: where legs that departed before the last re-plan left the guest.

    A leg between different places that departed before ``plan.replanned`` is history. When
    it does not lead to the place of the next anchor (the first in-person engagement whose
    occupancy begins at or after its departure, else the day's end), the guest is at its
    destination from its arrival on, and the rest of the day goes on from there. Its anchor
    begins at the arrival (at the day's end at the latest, so the leg still lands within the
    day's hours) and ends at the arrival.
    """
    if plan.replanned is None:
        return []
    stops = []
    for leg in plan.legs_on(day):
        if leg.depart >= plan.replanned or leg.origin == leg.destination:
            continue
        following = next((anchor for anchor in ahead if anchor.begin >= leg.depart), ahead[-1])
        if following.place == leg.destination:
            continue
        stops.append(_Anchor(min(leg.arrive, day.end), leg.arrive, leg.destination,
                             f"the stop-over at {leg.destination} (the travel leg {leg.origin} → "
                             f"{leg.destination} arriving {plan.clock(leg.arrive)} departed before the "
                             f"re-plan of {plan.clock(plan.replanned)})", None))
    return stops


def _moves(plan: _Plan, day: _Day) -> list[_Move]:
    """The changes of place of a day, between consecutive anchors at different places."""
    anchors = _anchors(plan, day)
    busy = _busy(plan, day, with_legs=False)
    moves = []
    for left, reached in zip(anchors, anchors[1:], strict=False):
        minutes = plan.travel.get((left.place, reached.place))
        if left.place == reached.place or minutes is None:
            # No time for a place only an unknown request names: unknown_request says it.
            continue
        skip = {("engagement", a.engagement.index) for a in (left, reached) if a.engagement is not None}
        blockers = [(item.start, item.end) for item in busy if item.key not in skip]
        about = reached.engagement or left.engagement
        moves.append(_Move(left.place, reached.place, left.finish, reached.begin, minutes,
                           _longest_free(left.finish, reached.begin, blockers), left.what, reached.what,
                           about.request_id if about is not None else None))
    return moves


def _match_legs(plan: _Plan, day: _Day) -> tuple[list[_Move], dict[int, _Leg], list[_Leg]]:
    """Pair each move with a leg of the same places: first legs inside its stretch, then any.

    Returns the moves, the leg of each matched move (by position) and the legs left over.
    Legs between identical places are not moves and are left out of the pairing.
    """
    moves = _moves(plan, day)
    unused = [leg for leg in plan.legs_on(day) if leg.origin != leg.destination]
    leg_of: dict[int, _Leg] = {}
    for inside_only in (True, False):
        for position, move in enumerate(moves):
            if position in leg_of:
                continue
            for leg in unused:
                if (leg.origin, leg.destination) != (move.origin, move.destination):
                    continue
                if inside_only and not (move.after <= leg.depart and leg.arrive <= move.before):
                    continue
                leg_of[position] = leg
                unused.remove(leg)
                break
    return moves, leg_of, unused


def _scheduled(plan: _Plan) -> Iterator[tuple[_Engagement, _Request]]:
    for engagement in plan.engagements:
        request = plan.request(engagement.request_id)
        if request is not None:
            yield engagement, request


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


def _where(place: str | None) -> str:
    return "remote (location null)" if place is None else f"at {place}"


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds() // 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --------------------------------------------------------------------------------------------
# The rules, one function each, in the order of RULES.


def _wrong_offset(plan: _Plan) -> Iterator[Violation]:
    """Forbid a time whose offset is not the tour zone's offset at that instant.

    The instant itself is what every other rule judges; this rule catches the writer that put
    the summer offset on a winter time (or wrote UTC), which a person reading the file or a
    tool that reads the wall clock would take for another time.
    """
    for stamp in plan.stamps:
        local = stamp.written.astimezone(plan.zone)
        if local.utcoffset() != stamp.written.utcoffset():
            yield Violation(
                "wrong_offset",
                f"{stamp.path} is written {stamp.written.isoformat()} with offset "
                f"{_offset(stamp.written)}, but {plan.zone_name} is at {_offset(local)} at that "
                f"instant, which it writes {local.isoformat()}",
                stamp.request_id, stamp.day)


def _unknown_request(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement or an unscheduled entry whose request_id is no request of the plan."""
    for engagement in plan.engagements:
        if plan.request(engagement.request_id) is None:
            yield Violation("unknown_request",
                            f"engagements[{engagement.index}] at {plan.span(engagement.start, engagement.end)} "
                            f"names request {engagement.request_id!r}, which is not in `requests`",
                            engagement.request_id, engagement.home)
    for entry in plan.unscheduled:
        if plan.request(entry.request_id) is None:
            yield Violation("unknown_request",
                            f"unscheduled[{entry.index}] names request {entry.request_id!r}, "
                            f"which is not in `requests`", entry.request_id)


def _duplicate(plan: _Plan) -> Iterator[Violation]:
    """Forbid a request scheduled more than once, or listed more than once as unscheduled."""
    seen: dict[str, _Engagement] = {}
    for engagement in plan.engagements:
        first = seen.setdefault(engagement.request_id, engagement)
        if first is not engagement:
            yield Violation("duplicate",
                            f"{plan.who(engagement.request_id)} is scheduled twice: "
                            f"{plan.span(first.start, first.end)} and "
                            f"{plan.span(engagement.start, engagement.end)}",
                            engagement.request_id, engagement.home)
    listed: set[str] = set()
    for entry in plan.unscheduled:
        if entry.request_id in listed:
            yield Violation("duplicate", f"{plan.who(entry.request_id)} is listed twice as unscheduled",
                            entry.request_id)
        listed.add(entry.request_id)


def _unscheduled_inconsistent(plan: _Plan) -> Iterator[Violation]:
    """Forbid a request both scheduled and unscheduled, or neither."""
    scheduled = {e.request_id for e in plan.engagements}
    listed = {u.request_id for u in plan.unscheduled}
    for request_id in plan.request_order:
        if request_id in scheduled and request_id in listed:
            yield Violation("unscheduled_inconsistent",
                            f"{plan.who(request_id)} is both scheduled and listed as unscheduled",
                            request_id)
        elif request_id not in scheduled and request_id not in listed:
            yield Violation("unscheduled_inconsistent",
                            f"{plan.who(request_id)} is neither scheduled nor listed as unscheduled",
                            request_id)


def _wrong_code(plan: _Plan) -> Iterator[Violation]:
    """Forbid an unscheduled code outside the list, and a ``no_window``/``too_short`` that is false.

    ``too_short`` is false when some window is at least as long as the duration;
    ``no_window`` is false when some window leaves room for the engagement, with its set-up,
    inside a day's hours (at its fixed start when it has one). The other codes depend on the
    solver's search and are not judged.
    """
    for entry in plan.unscheduled:
        request = plan.request(entry.request_id)
        if entry.code not in UNSCHEDULED_CODES:
            yield Violation("wrong_code",
                            f"{plan.who(entry.request_id)} is unscheduled with code {entry.code!r}, "
                            f"not one of {', '.join(UNSCHEDULED_CODES)}", entry.request_id)
        elif request is None:
            continue
        elif entry.code == "too_short":
            for start, end in request.windows:
                if end - start >= request.duration:
                    yield Violation("wrong_code",
                                    f"{plan.who(request.id)} is unscheduled as too_short, but its window "
                                    f"{plan.span(start, end)} holds its {_minutes(request.duration)}",
                                    request.id)
                    break
        elif entry.code == "no_window":
            for day in plan.days:
                if _has_room(request, day):
                    yield Violation("wrong_code",
                                    f"{plan.who(request.id)} is unscheduled as no_window, but one of its "
                                    f"windows has room for it within the hours of {day.date}",
                                    request.id, day.date)
                    break


def _has_room(request: _Request, day: _Day) -> bool:
    """Whether one of the request's windows holds it, set-up included, within the day's hours
    (at its fixed start when it has one)."""
    for start, end in request.windows:
        first = max(start, day.start + request.setup)
        last = min(end, day.end)
        if request.fixed_start is not None:
            first = max(first, request.fixed_start)
            last = min(last, request.fixed_start + request.duration)
        if last - first >= request.duration:
            return True
    return False


def _mandatory_missing(plan: _Plan) -> Iterator[Violation]:
    """Forbid a mandatory request that is not scheduled."""
    scheduled = {e.request_id for e in plan.engagements}
    for request_id in plan.request_order:
        if plan.requests[request_id].mandatory and request_id not in scheduled:
            yield Violation("mandatory_missing", f"{plan.who(request_id)} is mandatory but not scheduled",
                            request_id)


def _wrong_day(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement or leg whose ``day`` is not the day whose hours hold its start."""
    for engagement in plan.engagements:
        if engagement.home is not None and engagement.home != engagement.label:
            yield Violation("wrong_day",
                            f"{plan.who(engagement.request_id)} at {plan.span(engagement.start, engagement.end)} "
                            f"is on day {engagement.home} but says day {engagement.label}",
                            engagement.request_id, engagement.home)
    for leg in plan.legs:
        if leg.home is not None and leg.home != leg.label:
            yield Violation("wrong_day",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} is on day {leg.home} but says day {leg.label}",
                            None, leg.home)


def _outside_window(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement that does not lie inside one of its request's windows (ends included)."""
    for engagement, request in _scheduled(plan):
        if not any(start <= engagement.start and engagement.end <= end for start, end in request.windows):
            windows = "; ".join(plan.span(start, end) for start, end in request.windows) or "none"
            yield Violation("outside_window",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} is "
                            f"outside its windows ({windows})", request.id, engagement.home)


def _wrong_duration(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement whose length differs from its request's ``duration_minutes``."""
    for engagement, request in _scheduled(plan):
        length = engagement.end - engagement.start
        if length != request.duration:
            yield Violation("wrong_duration",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} lasts "
                            f"{_minutes(length)}, but the request is for {_minutes(request.duration)}",
                            request.id, engagement.home)


def _wrong_location(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement whose location is not its request's (``null`` for a remote one)."""
    for engagement, request in _scheduled(plan):
        if engagement.place != request.place:
            yield Violation("wrong_location",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} is "
                            f"placed {_where(engagement.place)}, but the request is {_where(request.place)}",
                            request.id, engagement.home)


def _not_fixed_start(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement of a fixed-start request that starts at any other instant."""
    for engagement, request in _scheduled(plan):
        if request.fixed_start is not None and engagement.start != request.fixed_start:
            yield Violation("not_fixed_start",
                            f"{plan.who(request.id)} starts {plan.clock(engagement.start)}, but its start "
                            f"is fixed at {plan.clock(request.fixed_start)}", request.id, engagement.home)


def _outside_hours(plan: _Plan) -> Iterator[Violation]:
    """Forbid an engagement (from ``start - setup_minutes`` to ``end``) or a break outside its
    day's hours, and an engagement or leg on no day of the tour."""
    for engagement in plan.engagements:
        if engagement.home is None:
            yield Violation("outside_hours",
                            f"{plan.who(engagement.request_id)} at {plan.span(engagement.start, engagement.end)} "
                            f"is on no day of the tour", engagement.request_id, engagement.label)
            continue
        day = plan.day(engagement.home)
        begin = engagement.start - plan.setup(engagement)
        if begin < day.start or engagement.end > day.end:
            yield Violation("outside_hours",
                            f"{plan.who(engagement.request_id)} needs the guest {plan.span(begin, engagement.end)} "
                            f"(set-up included), outside the day's hours {plan.span(day.start, day.end)}",
                            engagement.request_id, day.date)
    for day in plan.days:
        for item in day.breaks:
            if item.start < day.start or item.end > day.end:
                yield Violation("outside_hours",
                                f"the {item.kind} break {plan.span(item.start, item.end)} is outside the "
                                f"day's hours {plan.span(day.start, day.end)}", None, day.date)
    for leg in plan.legs:
        if leg.home is None:
            yield Violation("outside_hours",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} is on no day of the tour", None, leg.label)


def _overlap(plan: _Plan) -> Iterator[Violation]:
    """Forbid two engagements, or an engagement and a break, sharing time.

    An engagement occupies the guest from ``start - setup_minutes`` to
    ``end + min_buffer_minutes``; remote engagements too.
    """
    for day in plan.days:
        for first, second in _overlapping_pairs(_busy(plan, day, with_legs=False)):
            yield Violation("overlap", f"{first.what} overlaps {second.what}",
                            first.request_id or second.request_id, day.date)


def _leg_overlap(plan: _Plan) -> Iterator[Violation]:
    """Forbid a travel leg sharing time with an engagement's occupancy, a break or another leg.

    A leg may start exactly when an occupancy ends (``end + min_buffer_minutes``).
    """
    for day in plan.days:
        for first, second in _overlapping_pairs(_busy(plan, day, with_legs=True)):
            if first.is_leg or second.is_leg:
                yield Violation("leg_overlap", f"{first.what} overlaps {second.what}",
                                first.request_id or second.request_id, day.date)


def _travel_too_short(plan: _Plan) -> Iterator[Violation]:
    """Forbid a change of place without a contiguous free stretch as long as the travel time.

    Judged on the engagements and breaks alone, whatever legs the plan lists.
    """
    for day in plan.days:
        for move in _moves(plan, day):
            if move.too_short:
                yield Violation("travel_too_short",
                                f"from {move.leaving} to {move.reaching} the guest needs {move.minutes} min "
                                f"of travel ({move.origin} → {move.destination}), but between "
                                f"{plan.span(move.after, move.before)} the longest free stretch is "
                                f"{_minutes(move.free)}", move.request_id, day.date)


def _leg_missing(plan: _Plan) -> Iterator[Violation]:
    """Forbid a change of place with no leg of the same places in the plan's ``travel``.

    A move already reported as ``travel_too_short`` is not reported again (no leg can fit it),
    and a move of 0 minutes (two places in one building) needs no leg.
    """
    for day in plan.days:
        moves, leg_of, _ = _match_legs(plan, day)
        for position, move in enumerate(moves):
            if position not in leg_of and not move.too_short and move.minutes > 0:
                yield Violation("leg_missing",
                                f"no travel leg {move.origin} → {move.destination} on {day.date} takes the "
                                f"guest from {move.leaving} to {move.reaching} "
                                f"(between {plan.span(move.after, move.before)})", move.request_id, day.date)


def _leg_misplaced(plan: _Plan) -> Iterator[Violation]:
    """Forbid a leg outside the stretch of its move: before the day's start or the end of the
    occupancy it leaves, or after the start of the occupancy it reaches or the day's end."""
    for day in plan.days:
        moves, leg_of, _ = _match_legs(plan, day)
        for position, leg in sorted(leg_of.items()):
            move = moves[position]
            if leg.depart < move.after or leg.arrive > move.before:
                yield Violation("leg_misplaced",
                                f"the travel leg {leg.origin} → {leg.destination} at "
                                f"{plan.span(leg.depart, leg.arrive)} must lie between "
                                f"{plan.span(move.after, move.before)}, from {move.leaving} to {move.reaching}",
                                move.request_id, day.date)


def _leg_unexpected(plan: _Plan) -> Iterator[Violation]:
    """Forbid a leg between two different places that matches no change of place of its day."""
    for day in plan.days:
        _, _, left_over = _match_legs(plan, day)
        for leg in left_over:
            yield Violation("leg_unexpected",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} matches no change of place of the guest "
                            f"on {day.date}", None, day.date)


def _leg_wrong_minutes(plan: _Plan) -> Iterator[Violation]:
    """Forbid a leg whose ``minutes`` differ from ``travel_minutes`` (0 between identical
    places) or from ``arrive - depart``."""
    for leg in plan.legs:
        expected = 0 if leg.origin == leg.destination else plan.travel.get((leg.origin, leg.destination))
        taken = leg.arrive - leg.depart
        if expected is not None and leg.minutes != expected:
            yield Violation("leg_wrong_minutes",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} says {leg.minutes} min, but the travel "
                            f"table says {expected} min", None, leg.home)
        elif taken != timedelta(minutes=leg.minutes):
            yield Violation("leg_wrong_minutes",
                            f"the travel leg {leg.origin} → {leg.destination} says {leg.minutes} min, but "
                            f"it departs {plan.clock(leg.depart)} and arrives {plan.clock(leg.arrive)} "
                            f"({_minutes(taken)})", None, leg.home)


def _too_many_per_day(plan: _Plan) -> Iterator[Violation]:
    """Forbid more engagements on a day (remote ones included) than ``max_engagements_per_day``."""
    for day in plan.days:
        engagements = plan.engagements_on(day)
        if len(engagements) > plan.max_per_day:
            names = ", ".join(repr(e.request_id) for e in engagements)
            yield Violation("too_many_per_day",
                            f"{day.date} has {len(engagements)} engagements ({names}); at most "
                            f"{plan.max_per_day} a day", None, day.date)


def _meal_breaks(day: _Day) -> list[_Break]:
    return [item for item in day.breaks if item.kind == "meal"]


def _meal_missing(plan: _Plan) -> Iterator[Violation]:
    """Forbid a day with a meal rule and no break of kind ``meal``."""
    for day in plan.days:
        if day.meal is not None and not _meal_breaks(day):
            yield Violation("meal_missing",
                            f"{day.date} has no meal break; {day.meal.minutes} min are due between "
                            f"{plan.span(day.meal.earliest, day.meal.latest)}", None, day.date)


def _meal_outside_window(plan: _Plan) -> Iterator[Violation]:
    """Forbid a meal break that starts before the meal's ``earliest`` or ends after its ``latest``."""
    for day in plan.days:
        if day.meal is None:
            continue
        for item in _meal_breaks(day):
            if item.start < day.meal.earliest or item.end > day.meal.latest:
                yield Violation("meal_outside_window",
                                f"the meal break {plan.span(item.start, item.end)} is outside the meal window "
                                f"{plan.span(day.meal.earliest, day.meal.latest)}", None, day.date)


def _meal_wrong_length(plan: _Plan) -> Iterator[Violation]:
    """Forbid a meal break whose length differs from the day's meal ``minutes``."""
    for day in plan.days:
        if day.meal is None:
            continue
        for item in _meal_breaks(day):
            if item.end - item.start != timedelta(minutes=day.meal.minutes):
                yield Violation("meal_wrong_length",
                                f"the meal break {plan.span(item.start, item.end)} lasts "
                                f"{_minutes(item.end - item.start)}, not {day.meal.minutes} min",
                                None, day.date)


def _unexpected_break(plan: _Plan) -> Iterator[Violation]:
    """Forbid any break on a day without a meal rule, a second meal break, and a break of a
    kind other than ``meal`` (the only kind this version of the format knows)."""
    for day in plan.days:
        meals_seen = 0
        for item in day.breaks:
            if item.kind == "meal" and day.meal is not None:
                meals_seen += 1
                if meals_seen == 1:
                    continue
                why = "a second meal break"
            elif item.kind != "meal":
                why = f"a break of unknown kind {item.kind!r}"
            else:
                why = "a break on a day without a meal rule"
            yield Violation("unexpected_break", f"{item.path} {plan.span(item.start, item.end)} is {why}",
                            None, day.date)


_CHECKS: tuple[Callable[[_Plan], Iterator[Violation]], ...] = (
    _wrong_offset,
    _unknown_request,
    _duplicate,
    _unscheduled_inconsistent,
    _wrong_code,
    _mandatory_missing,
    _wrong_day,
    _outside_window,
    _wrong_duration,
    _wrong_location,
    _not_fixed_start,
    _outside_hours,
    _overlap,
    _leg_overlap,
    _travel_too_short,
    _leg_missing,
    _leg_misplaced,
    _leg_unexpected,
    _leg_wrong_minutes,
    _too_many_per_day,
    _meal_missing,
    _meal_outside_window,
    _meal_wrong_length,
    _unexpected_break,
)


# --------------------------------------------------------------------------------------------
# The public face.


def check_plan(data: Mapping[str, Any]) -> list[Violation]:
    """Check a plan file's dictionary against every rule of ``docs/plan-format.md``.

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Returns
    -------
    list[Violation]
        Every broken rule, in the order of :data:`RULES`; empty when the plan is valid. When
        the file's shape is wrong only ``schema`` violations are returned.
    """
    plan, problems = _read_plan(data)
    if plan is None:
        return problems
    return [violation for check in _CHECKS for violation in check(plan)]


def check_plan_file(path: str | Path) -> list[Violation]:
    """Check the plan file at ``path``; a file that is not a JSON object is a ``schema`` violation.

    Parameters
    ----------
    path
        The ``plan.json`` to read (UTF-8).

    Returns
    -------
    list[Violation]
        As :func:`check_plan`.

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [Violation("schema", f"{path} is not JSON: {error}")]
    return check_plan(data)


def assert_valid(data: Mapping[str, Any]) -> None:
    """Raise ``AssertionError`` listing every violation when the plan is not valid (for tests).

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Raises
    ------
    AssertionError
        When :func:`check_plan` finds any violation; the message lists them all.
    """
    violations = check_plan(data)
    if violations:
        lines = "\n".join(f"  {violation}" for violation in violations)
        raise AssertionError(f"the plan breaks {len(violations)} rule(s):\n{lines}")
