"""Times, dates, durations and places for people: the one home of how the tool writes them.

Everything here is independent of the process locale, so the same plan reads the same on
every machine: 24-hour times (``09:45``), unambiguous dates (``Tue 27 Nov 2018``), durations
(``2 h 20 min``). The terminal summary, the reasons, the re-plan notes, the diagnosis and the
run sheets all call these functions instead of formatting on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo

from .domain import Location
from .timegrid import repeated_hour_pass

__all__ = [
    "REMOTE_LABELS",
    "format_date",
    "format_day",
    "format_duration",
    "format_number",
    "format_offset",
    "format_time",
    "format_time_marked",
    "place_name",
    "place_text",
    "when",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

REMOTE_LABELS = {"phone": "Phone interview", "video": "Video call"}
"""How a remote engagement's place is named, by its ``remote`` kind."""


def format_date(day: date) -> str:
    """A date that no reader can misread, independent of locale: ``Tue 27 Nov 2018``."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def format_day(day: date) -> str:
    """A date within the tour, without its year: ``Tue 27 Nov``."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def format_time(moment: datetime, zone: tzinfo | None = None) -> str:
    """The 24-hour local time of ``moment`` in ``zone`` (default: its own): ``09:45``."""
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local.hour:02d}:{local.minute:02d}"


def format_time_marked(moment: datetime, zone: tzinfo | None = None) -> str:
    """:func:`format_time`, marked where the clocks go back and the time happens twice.

    ``09:45`` as usual; in a repeated hour ``02:40 (first, UTC+02:00)`` or
    ``02:40 (second, UTC+01:00)``, so no reader takes one for the other.
    """
    local = moment.astimezone(zone) if zone is not None else moment
    repeated = repeated_hour_pass(local)
    if repeated is None:
        return format_time(local)
    return f"{format_time(local)} ({'first' if repeated == 1 else 'second'}, {format_offset(local)})"


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


def format_offset(moment: datetime) -> str:
    """The UTC offset of an aware ``moment``: ``UTC+01:00``."""
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def when(start: datetime, end: datetime | None = None, zone: tzinfo | None = None) -> str:
    """``Tue 27 Nov 10:00–11:30`` in the given zone (default: the times' own)."""
    start = start.astimezone(zone) if zone is not None else start
    text = f"{WEEKDAYS[start.weekday()]} {start.day} {MONTHS[start.month - 1]} {format_time(start)}"
    if end is not None:
        end = end.astimezone(zone) if zone is not None else end
        if end.date() == start.date():
            text += f"–{format_time(end)}"
        else:
            text += (f" – {WEEKDAYS[end.weekday()]} {end.day} {MONTHS[end.month - 1]} "
                     f"{format_time(end)}")
    return text


def place_name(locations: Mapping[str, Location], location: str | None,
               remote: str | None = None, *, remote_text: str | None = None) -> str:
    """A place's name for a sentence; a remote engagement is ``remote`` (or ``remote_text``).

    Parameters
    ----------
    locations
        The problem's places by id.
    location
        The place id, or ``None`` for a remote engagement.
    remote
        The remote kind (``phone``, ``video``), shown in brackets after ``remote``.
    remote_text
        What to write for a remote engagement instead of ``remote (kind)``.
    """
    if location is None:
        if remote_text is not None:
            return remote_text
        return f"remote ({remote})" if remote else "remote"
    place = locations.get(location)
    return place.name if place is not None and place.name else location


def place_text(location: Location | None, remote: str | None) -> str:
    """A calendar's LOCATION text: ``name, address`` in person, ``Phone interview`` remote."""
    if location is None:
        return REMOTE_LABELS.get(remote or "", "Remote")
    parts = [location.name or location.id]
    if location.address and location.address != location.name:
        parts.append(location.address)
    return ", ".join(parts)
