"""The domain's building blocks: errors, UTC arithmetic, places, windows, contacts, the value basis."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from types import MappingProxyType
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo


KINDS = ("tv", "radio", "print", "online", "agency", "podcast", "meeting", "event", "other")
REMOTE_MODES = ("phone", "video")
VALUE_BASES = ("priority", "audience", "priority+audience")
RULE_KINDS = ("before", "apart", "gap")
LEG_MODES = ("train", "flight", "bus", "car", "ferry")
#: Minutes before departure the guest must be at the station, airport or port, by mode
#: (a leg's ``checkin_minutes`` overrides it): docs/input-format.md.
LEG_CHECKIN_MINUTES = MappingProxyType({"flight": 90, "train": 15, "ferry": 30, "bus": 0, "car": 0})


class DomainError(ValueError):
    """A domain object was built with values that break its invariants."""


def utc(moment: datetime) -> datetime:
    """Return ``moment`` as a UTC datetime; refuses naive datetimes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError(f"time {moment.isoformat()} has no time zone")
    return moment.astimezone(timezone.utc)


def minutes_between(earlier: datetime, later: datetime) -> int:
    """Whole minutes from ``earlier`` to ``later`` measured on the real clock (through UTC)."""
    delta = utc(later) - utc(earlier)
    return int(delta // timedelta(minutes=1))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)


def _check_zone(name: str, what: str) -> None:
    """Raise :class:`DomainError` unless ``name`` is a known IANA time zone."""
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # zoneinfo raises several types for bad names
        raise DomainError(f"{what}: unknown time zone {name!r}") from None


@dataclass(frozen=True, slots=True)
class Location:
    """A place the guest can be: a studio, a newsroom, a party headquarters, a hotel."""

    id: str
    name: str
    address: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False
    timezone: str = ""  # IANA name; "" when not known (the day's zone applies)

    def __post_init__(self) -> None:
        _check(bool(self.id), "a location needs an id")
        if self.timezone:
            _check_zone(self.timezone, f"location {self.id}")
        if (self.latitude is None) != (self.longitude is None):
            raise DomainError(f"location {self.id}: give both latitude and longitude or neither")
        if self.latitude is not None:
            _check(-90 <= self.latitude <= 90, f"location {self.id}: latitude out of range")
            _check(-180 <= self.longitude <= 180, f"location {self.id}: longitude out of range")

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True, slots=True)
class Window:
    """A span of time, ``start`` inclusive to ``end`` exclusive, both zone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _check(utc(self.end) > utc(self.start),
               f"window ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    def contains(self, start: datetime, end: datetime) -> bool:
        return utc(self.start) <= utc(start) and utc(end) <= utc(self.end)

    def overlaps(self, other: "Window") -> bool:
        return utc(self.start) < utc(other.end) and utc(other.start) < utc(self.end)


@dataclass(frozen=True, slots=True)
class Contact:
    """The counterpart's contact person."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class WindowsText:
    """A request's windows as the user wrote them, before they were expanded over the tour.

    ``own`` is the request's ``windows`` cell in requests.csv (empty when blank);
    ``available`` and ``unavailable`` are the ``windows`` cells of the availability.csv rows
    that apply to the request, in file order. ``timezone`` is the zone their local times
    were read in (the request's place's or its own ``timezone`` cell), ``""`` when each day's
    zone was used. The plan file keeps them so that the independent checker can expand them
    itself (docs/plan-format.md).
    """

    own: str = ""
    available: tuple[str, ...] = ()
    unavailable: tuple[str, ...] = ()
    timezone: str = ""


