"""The checker's own reader of windows text (docs/input-format.md), independent of scheduler.io.

A request's windows are judged from the text the user wrote, expanded here over the plan's
days, so that a mistake in the input reader's expansion cannot hide behind its own output.
Every result is a list of ``(start, end)`` pairs in UTC. A piece that cannot be read, or a
local time that a daylight-saving change skips or repeats, raises :class:`Malformed`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .fields import Malformed

Span = tuple[datetime, datetime]

_DAY_NAMES = {
    **{name: number for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{name: number for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: number for number, name in enumerate(
        ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"))},
    **{name: number for number, name in enumerate(("lun", "mar", "mie", "jue", "vie", "sab", "dom"))},
    "tues": 1, "thur": 3, "thurs": 3,
}
_EVERY_DAY = ("daily", "every day")
_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
_CLOCK = r"\d{1,2}:\d{2}(?::00)?"
_RANGE_OF_DATES = re.compile(rf"^({_DATE}) ({_CLOCK}) ?- ?({_DATE}) ({_CLOCK})$")
_DATE_AND_CLOCKS = re.compile(rf"^({_DATE}) ({_CLOCK})(?: ?- ?({_CLOCK}))?$")
_DATE_ALONE = re.compile(rf"^({_DATE})$")
_ISO_PAIR = re.compile(r"^(\d{4}-\d{2}-\d{2}T[^/ ]+) ?/ ?(\d{4}-\d{2}-\d{2}T[^/ ]+)$")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}T\S+$")
_RECURRING = re.compile(rf"^([^\d]*?) ?(?:({_CLOCK})(?: ?- ?({_CLOCK}))?)?$")
_SEPARATORS = re.compile(r"[;|\r\n]+")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})


@dataclass(frozen=True, slots=True)
class Calendar:
    """What windows are expanded over: the tour's zone, each working day's hours (UTC) and its
    zone where it is not the tour's, and the zone of the request being read, if it has one.

    A local time is read in the request's zone, else in the zone of the day of its date, else
    in the tour's (docs/input-format.md).
    """

    zone: ZoneInfo
    hours: Mapping[date, Span]
    day_zones: Mapping[date, ZoneInfo] = field(default_factory=dict)
    request_zone: ZoneInfo | None = None

    def zone_on(self, day: date) -> ZoneInfo:
        """The zone local times of ``day`` are read in."""
        return self.request_zone or self.day_zones.get(day) or self.zone


@dataclass(frozen=True, slots=True)
class WindowsText:
    """A request's windows text as the plan file keeps it (see docs/plan-format.md)."""

    own: str
    available: tuple[str, ...]
    unavailable: tuple[str, ...]
    absolute: bool


def request_windows(text: WindowsText, calendar: Calendar, duration: timedelta,
                    fixed_start: datetime | None, path: str) -> tuple[Span, ...]:
    """The windows of a request, built from its text the way docs/input-format.md says.

    Absolute text is the windows themselves, one piece each. Otherwise the request's own
    windows and the ``available`` rows are joined (the rows alone when its own text is empty,
    every working day's hours when there is neither), the ``unavailable`` rows cut out, and
    overlapping or touching windows merged; a fixed start then leaves the one window
    ``[start, start + duration]``, or none when it lies outside windows the text constrains.
    """
    if text.absolute:
        return tuple(_pieces(text.own, calendar, duration, f"{path}.own", absolute=True))
    own = _pieces(text.own, calendar, duration, f"{path}.own")
    available = [span for index, cell in enumerate(text.available)
                 for span in _pieces(cell, calendar, duration, f"{path}.available[{index}]")]
    unavailable = [span for index, cell in enumerate(text.unavailable)
                   for span in _pieces(cell, calendar, duration, f"{path}.unavailable[{index}]")]
    if text.own.strip():
        base = own + available
    elif text.available:
        base = available
    else:
        base = list(calendar.hours.values())
    windows = _merge(_cut(base, unavailable))
    if fixed_start is None:
        return windows
    fixed = (fixed_start, fixed_start + duration)
    constrained = bool(text.own.strip() or text.available or text.unavailable)
    if constrained and not any(start <= fixed[0] and fixed[1] <= end for start, end in windows):
        return ()
    return (fixed,)


def _pieces(cell: str, calendar: Calendar, duration: timedelta, path: str,
            absolute: bool = False) -> list[Span]:
    spans: list[Span] = []
    for piece in (part.strip() for part in _SEPARATORS.split(cell)):
        if piece:
            text = " ".join(piece.translate(_DASHES).split())
            try:
                spans += _expand(text, calendar, duration, absolute)
            except (ValueError, OverflowError) as error:
                raise Malformed(f"{path}: `{piece}` {error}") from None
    return spans


def _expand(text: str, calendar: Calendar, duration: timedelta, absolute: bool) -> list[Span]:
    """The spans of one piece; raises ValueError saying what is wrong with it."""
    zone_on = calendar.zone_on
    if match := _ISO_PAIR.match(text):
        return [_ordered(_iso(match[1], calendar), _iso(match[2], calendar))]
    if _ISO_START.match(text):
        start = _iso(text, calendar)
        return [(start, start + duration)]
    if match := _RANGE_OF_DATES.match(text):
        first, last = _date(match[1]), _date(match[3])
        return [_ordered(_local(first, _clock(match[2]), zone_on(first)),
                         _local(last, _clock(match[4], end=True), zone_on(last)))]
    if match := _DATE_AND_CLOCKS.match(text):
        day = _date(match[1])
        zone = zone_on(day)
        start = _local(day, _clock(match[2]), zone)
        if match[3] is None:
            return [(start, start + duration)]
        return [_ordered(start, _local(day, _clock(match[3], end=True), zone))]
    if absolute:
        raise ValueError("is not an absolute window (a date with times, or an ISO 8601 interval)")
    if match := _DATE_ALONE.match(text):
        return [_whole_day(_date(match[1]), calendar)]
    match = _RECURRING.match(text)
    if match is None or not (match[1] or match[2]):
        raise ValueError("is in none of the window forms")
    weekdays = _weekdays(match[1])
    spans = []
    for day in sorted(calendar.hours):
        if weekdays is not None and day.weekday() not in weekdays:
            continue
        if match[2] is None:
            spans.append(calendar.hours[day])
            continue
        start = _local(day, _clock(match[2]), zone_on(day))
        if match[3] is None:
            spans.append((start, start + duration))
        else:
            spans.append(_ordered(start, _local(day, _clock(match[3], end=True), zone_on(day))))
    return spans


def _ordered(start: datetime, end: datetime) -> Span:
    if end <= start:
        raise ValueError("ends before it starts")
    return start, end


def _iso(text: str, calendar: Calendar) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return _local(moment.date(), moment.hour * 60 + moment.minute, calendar.zone_on(moment.date()))
    return moment.astimezone(timezone.utc)


def _date(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
    else:
        year, month, day = text.split("-")
    return date(int(year), int(month), int(day))


def _clock(text: str, end: bool = False) -> int:
    hours, minutes = (int(part) for part in text.split(":")[:2])
    if end and (hours, minutes) == (24, 0):
        return 24 * 60
    if hours > 23 or minutes > 59:
        raise ValueError(f"has no time {text}")
    return hours * 60 + minutes


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The instant the clocks of ``zone`` show ``minute`` after midnight of ``day``, exactly once."""
    reading = datetime.combine(day, time()) + timedelta(minutes=minute)
    first, second = reading.replace(tzinfo=zone, fold=0), reading.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise ValueError(f"names {reading:%Y-%m-%d %H:%M}, which {zone.key} skips or repeats")
    return first.astimezone(timezone.utc)


def _whole_day(day: date, calendar: Calendar) -> Span:
    """A working day's hours, or else the whole calendar day (a skipped midnight read leniently)."""
    if day in calendar.hours:
        return calendar.hours[day]
    midnight, zone = datetime.combine(day, time()), calendar.zone_on(day)
    return (midnight.replace(tzinfo=zone).astimezone(timezone.utc),
            (midnight + timedelta(days=1)).replace(tzinfo=zone).astimezone(timezone.utc))


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).rstrip(".")


def _weekdays(text: str) -> frozenset[int] | None:
    """``Tue``, ``Tue,Thu``, ``Mon-Wed`` (wrapping past Sunday) or ``daily`` (``None``)."""
    text = text.strip()
    if not text or _plain(text) in _EVERY_DAY:
        return None
    days: set[int] = set()
    for item in re.split(r"\s*,\s*|\s+", re.sub(r"\s*-\s*", "-", text)):
        if not item:
            continue
        first, _, last = item.partition("-")
        if _plain(first) not in _DAY_NAMES or (last and _plain(last) not in _DAY_NAMES):
            raise ValueError(f"has no weekday {item}")
        low = _DAY_NAMES[_plain(first)]
        high = _DAY_NAMES[_plain(last)] if last else low
        days.update((low + step) % 7 for step in range((high - low) % 7 + 1))
    return frozenset(days)


def _cut(spans: Iterable[Span], holes: Sequence[Span]) -> list[Span]:
    pieces = list(spans)
    for hole_start, hole_end in holes:
        remaining = []
        for start, end in pieces:
            if hole_start < end and start < hole_end:
                remaining += [span for span in ((start, hole_start), (hole_end, end)) if span[0] < span[1]]
            else:
                remaining.append((start, end))
        pieces = remaining
    return pieces


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Overlapping or touching spans as one: an engagement may lie across them."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
