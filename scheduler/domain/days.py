"""The guest's days: working days, booked legs, arrival and departure, and who the guests are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .base import LEG_MODES, Window, _check, _check_zone, minutes_between, utc

#: A guest id: what the ``guests`` column of requests.csv names (``anna``, ``boris-k``).
GUEST_ID = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass(frozen=True, slots=True)
class FixedLeg:
    """A booked train, flight, bus, car or ferry: fixed in time, nothing else happens on it.

    The guest is at ``origin`` from ``checkin_start`` (``depart`` − ``checkin_minutes``) and
    at ``destination`` from ``arrive``; in between the guest is checking in or travelling.
    """

    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    mode: str
    ref: str = ""
    notes: str = ""
    checkin_minutes: int = 0

    def __post_init__(self) -> None:
        _check(self.mode in LEG_MODES, f"leg {self.ref or self.origin}: unknown mode {self.mode!r}")
        _check(utc(self.arrive) > utc(self.depart),
               f"leg {self.ref or self.origin}: arrives before it departs")
        _check(self.checkin_minutes >= 0, f"leg {self.ref or self.origin}: check-in must be 0 or more")

    @property
    def checkin_start(self) -> datetime:
        """When the guest must be at ``origin``: departure less the check-in minutes."""
        return (utc(self.depart) - timedelta(minutes=self.checkin_minutes)).astimezone(self.depart.tzinfo)

    @property
    def ride_minutes(self) -> int:
        return minutes_between(self.depart, self.arrive)

    @property
    def label(self) -> str:
        """``Train AVE 03071`` (``Train`` without a reference)."""
        return f"{self.mode.capitalize()} {self.ref}".rstrip()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The guest's arrival or departure: when, where, the buffer around it, and how."""

    at: datetime
    location: str
    buffer_minutes: int
    mode: str = ""
    ref: str = ""

    @property
    def label(self) -> str:
        """``Flight IB 3167``; ``""`` when neither mode nor reference is known."""
        return f"{self.mode.capitalize()} {self.ref}".strip()


@dataclass(frozen=True, slots=True)
class Day:
    """One working day: when the guest is out, where the day starts and ends, the meal rule.

    The guest leaves ``start_location`` no earlier than ``start`` and is at ``end_location``
    no later than ``end``. ``meal_window`` (or ``None``) is where a meal break of
    ``meal_minutes`` must be placed. ``legs`` are the fixed legs inside the day's hours, in
    time order: the day goes to each leg's origin by its check-in and resumes at its
    destination on arrival. ``timezone`` is the zone the day is lived in (that of its start
    place), ``""`` for the tour's: see :meth:`Tour.day_zone`.
    """

    date: date
    start: datetime
    end: datetime
    start_location: str
    end_location: str
    meal_window: Window | None = None
    meal_minutes: int = 0
    legs: tuple[FixedLeg, ...] = ()
    timezone: str = ""

    def __post_init__(self) -> None:
        _check(utc(self.end) > utc(self.start), f"day {self.date}: hours end before they start")
        if self.timezone:
            _check_zone(self.timezone, f"day {self.date}")
        legs = tuple(sorted(self.legs, key=lambda leg: utc(leg.depart)))
        free_from = utc(self.start)
        for leg in legs:
            _check(utc(leg.checkin_start) >= free_from and utc(leg.arrive) <= utc(self.end),
                   f"day {self.date}: the {leg.label} does not lie inside the day's hours "
                   "after what comes before it")
            free_from = utc(leg.arrive)
        object.__setattr__(self, "legs", legs)
        if self.meal_window is not None:
            _check(self.meal_minutes > 0, f"day {self.date}: a meal window needs minutes above 0")
            _check(self.meal_window.minutes >= self.meal_minutes,
                   f"day {self.date}: the meal window is shorter than the meal")

    @property
    def hours(self) -> Window:
        return Window(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Guest:
    """Who visits. A tour of one guest has one, without an id; a delegation
    (tour.toml ``[[guests]]``) has one per member, each with an ``id`` that requests name.

    A member's ``days`` are their own working days (their hours, lodging, arrival and
    departure), dated like the tour's days; ``()`` means the tour's days
    (:meth:`Tour.days_of`). ``legs``, ``arrival`` and ``departure`` are the member's own
    booked travel, ``()``/``None`` when the tour's apply.
    """

    name: str
    timezone: str
    id: str = ""
    days: tuple[Day, ...] = ()
    legs: tuple[FixedLeg, ...] = ()
    arrival: Endpoint | None = None
    departure: Endpoint | None = None

    def __post_init__(self) -> None:
        _check(not self.id or bool(GUEST_ID.match(self.id)),
               f"guest {self.id!r}: the id is letters, digits, - and _")
        _check_zone(self.timezone, f"guest {self.id or self.name}")
        days = tuple(sorted(self.days, key=lambda d: utc(d.start)))
        for before, after in zip(days, days[1:]):
            _check(utc(before.end) <= utc(after.start),
                   f"guest {self.id}: days {before.date} and {after.date} overlap")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "legs", tuple(sorted(self.legs, key=lambda leg: utc(leg.depart))))

    @property
    def label(self) -> str:
        """The name people know the guest by: the name, or the id when it has none."""
        return self.name or self.id
