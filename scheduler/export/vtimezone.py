"""VTIMEZONE components built from the IANA database, covering only the span a calendar needs.

Why not a generic rule-based VTIMEZONE: a zone's rules change over the years, and a component
written for 1970-2038 makes some readers pick the wrong rule and show summer times an hour
off. Listing the real transitions of the few days a calendar covers is exact and short.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

__all__ = ["vtimezone"]

# Offsets change at most a few times a year and never twice within this step; each change
# found is then narrowed down to the second.
_SCAN_STEP = timedelta(hours=1)
_ONE_SECOND = timedelta(seconds=1)


def _observance(zone: ZoneInfo, moment: datetime) -> tuple[timedelta, timedelta, str]:
    """The offset, daylight-saving part and abbreviation in force at the UTC ``moment``."""
    local = moment.astimezone(zone)
    return local.utcoffset() or timedelta(0), local.dst() or timedelta(0), local.tzname() or ""


def _first_change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first UTC second after ``before`` whose observance differs from ``before``'s."""
    old = _observance(zone, before)
    low, high = before, after
    while high - low > _ONE_SECOND:
        middle = low + (high - low) // 2
        if _observance(zone, middle) == old:
            low = middle
        else:
            high = middle
    return high


def _component(offset_from: timedelta, offset_to: timedelta, dst: timedelta, name: str,
               onset: datetime) -> TimezoneStandard | TimezoneDaylight:
    component = TimezoneDaylight() if dst else TimezoneStandard()
    component.add("DTSTART", onset)
    component.add("TZOFFSETFROM", offset_from)
    component.add("TZOFFSETTO", offset_to)
    if name:
        component.add("TZNAME", name)
    return component


def vtimezone(zone_name: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for ``zone_name`` valid from ``first`` 00:00 to ``last`` 00:00, local time.

    Parameters
    ----------
    zone_name
        An IANA zone name, such as ``"Europe/Madrid"``; it becomes the TZID.
    first, last
        The first and the last date the calendar's times may fall on; ``last`` is not
        included (pass the day after the last event).

    Returns
    -------
    icalendar.Timezone
        One observance for the offset in force at ``first`` and one per transition before
        ``last``. Each onset is written in the local time of the offset before it, as
        RFC 5545 reads ``DTSTART`` with ``TZOFFSETFROM``.
    """
    zone = ZoneInfo(zone_name)
    if last <= first:
        last = first + timedelta(days=1)
    start = datetime.combine(first, time(), zone).astimezone(timezone.utc)
    end = datetime.combine(last, time(), zone).astimezone(timezone.utc)
    component = Timezone()
    component.add("TZID", zone_name)
    offset, dst, name = _observance(zone, start)
    component.add_component(_component(offset, offset, dst, name,
                                       (start + offset).replace(tzinfo=None)))
    moment = start
    while moment < end:
        step_end = min(moment + _SCAN_STEP, end)
        if _observance(zone, step_end) != _observance(zone, moment):
            onset = _first_change(zone, moment, step_end)
            new_offset, new_dst, new_name = _observance(zone, onset)
            component.add_component(_component(offset, new_offset, new_dst, new_name,
                                               (onset + offset).replace(tzinfo=None)))
            offset = new_offset
        moment = step_end
    return component
