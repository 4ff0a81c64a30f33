"""The problem: requests, days, the tour and its rules, travel, the objective; validated when built."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from itertools import repeat
from types import MappingProxyType
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from .base import (Contact, KINDS, LEG_MODES, Location, REMOTE_MODES, RULE_KINDS, VALUE_BASES, Window, WindowsText, _check, _check_zone, minutes_between, utc)
from .days import GUEST_ID, Day, Endpoint, FixedLeg, Guest  # noqa: F401 (imported from here too)
from .resources import Resource, check_need, need_candidates


@dataclass(frozen=True, slots=True)
class Request:
    """A counterpart's wish for a slot with the guest.

    ``windows`` are when the counterpart can do it: the engagement, start to end, lies inside
    one of them. ``setup_minutes`` is how long before the start the guest must be there (TV
    make-up); it may lie outside the window. ``location_id`` is ``None`` exactly when the
    request is remote (``remote`` is ``"phone"`` or ``"video"``). ``windows_text`` is the text
    the windows were read from, or ``None`` for a request built in code or whose windows were
    changed after reading: whoever replaces ``windows`` must drop it. ``needs`` are the
    shared resources it needs, each a resource id or ``kind:<kind>`` (any one of the kind).
    In a delegation ``guests`` says who goes: all of them together (a joint engagement, at the
    same instant and place) or, with ``guests_any``, any one of them, chosen by the planner.
    It is empty in a tour of one guest.
    """

    id: str
    title: str
    duration_minutes: int
    windows: tuple[Window, ...]
    value: int
    kind: str = "other"
    counterpart: str = ""
    contact: Contact = field(default_factory=Contact)
    location_id: str | None = None
    remote: str | None = None
    priority: int = 1
    audience: int | None = None
    mandatory: bool = False
    fixed_start: datetime | None = None
    setup_minutes: int = 0
    notes: str = ""
    internal_notes: str = ""
    windows_text: WindowsText | None = None
    needs: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    guests_any: bool = False

    def __post_init__(self) -> None:
        _check(bool(self.id), "a request needs an id")
        object.__setattr__(self, "guests", tuple(self.guests))
        for guest in self.guests:
            _check(bool(GUEST_ID.match(guest)), f"request {self.id}: guest {guest!r} is not an id")
        _check(len(set(self.guests)) == len(self.guests), f"request {self.id}: names a guest twice")
        _check(not self.guests_any or len(self.guests) >= 2,
               f"request {self.id}: 'any one of' needs two guests or more")
        object.__setattr__(self, "needs", tuple(self.needs))
        for need in self.needs:
            check_need(need)
        _check(len(set(self.needs)) == len(self.needs), f"request {self.id}: names a need twice")
        _check(self.duration_minutes > 0, f"request {self.id}: duration must be above 0")
        _check(self.value >= 0, f"request {self.id}: value must be 0 or more")
        _check(self.setup_minutes >= 0, f"request {self.id}: set-up minutes must be 0 or more")
        _check(self.kind in KINDS, f"request {self.id}: unknown kind {self.kind!r}")
        if self.remote is None:
            _check(self.location_id is not None, f"request {self.id}: needs a place or remote")
        else:
            _check(self.remote in REMOTE_MODES, f"request {self.id}: remote must be phone or video")
            _check(self.location_id is None, f"request {self.id}: a remote request has no place")
        if self.fixed_start is not None:
            utc(self.fixed_start)
        object.__setattr__(self, "windows", tuple(sorted(self.windows, key=lambda w: utc(w.start))))

    @property
    def is_remote(self) -> bool:
        return self.remote is not None

    @property
    def joint(self) -> bool:
        """Whether several guests attend together (``anna;boris``)."""
        return len(self.guests) > 1 and not self.guests_any

    @property
    def guests_text(self) -> str:
        """The ``guests`` cell as written: ``anna;boris`` (all) or ``anna|boris`` (any one)."""
        return ("|" if self.guests_any else ";").join(self.guests)


@dataclass(frozen=True, slots=True)
class Organizer:
    name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Objective:
    """Weights of the objective, in objective units, and the rule that turned priority and
    audience into value points (``value_basis``, ``priority_points``, ``audience_points``),
    kept so that requests added later are valued the same way (see docs/input-format.md)."""

    value_weight: int = 1000
    travel_weight: int = 10
    span_weight: int = 1
    value_basis: str = "priority+audience"
    priority_points: float = 10.0
    audience_points: float = 1.0
    balance_weight: int = 0  # objective units per engagement squared, summed over the days

    def __post_init__(self) -> None:
        for name in ("value_weight", "travel_weight", "span_weight", "priority_points",
                     "audience_points", "balance_weight"):
            _check(getattr(self, name) >= 0, f"objective {name} must be 0 or more")
        _check(self.value_basis in VALUE_BASES,
               f"objective value basis must be one of {', '.join(VALUE_BASES)}")

    @property
    def value_rule(self) -> ValueRule:
        """How a request's value follows from its priority and audience under this objective."""
        return ValueRule(self.value_basis, self.priority_points, self.audience_points)


@dataclass(frozen=True, slots=True)
class ValueRule:
    """How a request's value follows from its priority and audience (``[objective]``)."""

    basis: str = "priority+audience"
    priority_points: float = 10.0
    audience_points: float = 1.0
    # Exact fractions of the points, so that 0.1 point is a tenth and rounding is exact.
    _priority: Fraction = field(init=False, repr=False, compare=False)
    _audience: Fraction = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_priority", Fraction(str(self.priority_points)))
        object.__setattr__(self, "_audience", Fraction(str(self.audience_points)) / 100_000)

    @classmethod
    def from_objective(cls, objective: Objective) -> ValueRule:
        """The rule a plan recorded in its objective (re-planning values new requests the same way)."""
        return objective.value_rule

    def value_of(self, priority: int, audience: int | None) -> int:
        """``priority × priority_points`` and/or ``audience / 100,000 × audience_points``.

        Each part is rounded half up (so 2.5 gives 3) and the parts are added.
        """
        total = 0
        if self.basis in ("priority", "priority+audience"):
            total += _round_half_up(priority * self._priority.numerator, self._priority.denominator)
        if self.basis in ("audience", "priority+audience") and audience:
            total += _round_half_up(audience * self._audience.numerator, self._audience.denominator)
        return total


def _round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, in whole numbers only (exact)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class TravelRules:
    """How travel times nobody gave were estimated (tour.toml ``[travel]`` over the bundled
    modes), kept so that places added later are estimated the same way.

    ``speeds_kmh`` and ``overhead_minutes`` hold every mode by name; ``mode`` is used up to
    ``long_distance_km`` (great-circle) and ``long_distance_mode`` beyond it.
    """

    mode: str = "taxi"
    detour_factor: float = 1.3
    long_distance_km: float = 80.0
    long_distance_mode: str = "train"
    speeds_kmh: Mapping[str, float] = field(default_factory=dict)
    overhead_minutes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self.detour_factor >= 1, "travel detour factor must be 1 or more")
        _check(self.long_distance_km >= 0, "travel long-distance km must be 0 or more")
        _check(set(self.speeds_kmh) == set(self.overhead_minutes),
               "travel modes need both a speed and an overhead")
        for name, speed in self.speeds_kmh.items():
            _check(speed > 0, f"travel mode {name}: speed must be above 0")
            _check(self.overhead_minutes[name] >= 0, f"travel mode {name}: overhead must be 0 or more")
        for name in (self.mode, self.long_distance_mode):
            _check(name in self.speeds_kmh, f"unknown travel mode {name!r}")
        object.__setattr__(self, "speeds_kmh", MappingProxyType(dict(self.speeds_kmh)))
        object.__setattr__(self, "overhead_minutes", MappingProxyType(dict(self.overhead_minutes)))


@dataclass(frozen=True, slots=True)
class Tour:
    """The frame of a visit: who, where each day starts and ends, and the rules of the days."""

    id: str
    name: str
    timezone: str
    guest: Guest
    days: tuple[Day, ...]
    organizer: Organizer = field(default_factory=Organizer)
    max_engagements_per_day: int = 6
    min_buffer_minutes: int = 0
    objective: Objective = field(default_factory=Objective)
    time_step_minutes: int = 5
    travel_rules: TravelRules | None = None  # None: not recorded (the bundled defaults apply)
    max_engagement_minutes_per_day: int | None = None  # None: no limit
    min_rest_minutes: int = 0  # from one day's last engagement to the next day's first
    legs: tuple[FixedLeg, ...] = ()  # every fixed leg, on working days or not
    arrival: Endpoint | None = None
    departure: Endpoint | None = None
    delegation: tuple[Guest, ...] = ()  # the members of a delegation; () for one guest

    def __post_init__(self) -> None:
        _check(bool(self.id), "a tour needs an id")
        self._check_delegation()
        _check(self.max_engagement_minutes_per_day is None or self.max_engagement_minutes_per_day >= 0,
               "max engagement minutes per day must be 0 or more")
        _check(self.min_rest_minutes >= 0, "min rest must be 0 or more")
        _check(1 <= self.time_step_minutes <= 60, "time step must be 1 to 60 minutes")
        ZoneInfo(self.timezone)  # raises for an unknown zone
        ZoneInfo(self.guest.timezone)
        _check(len(self.days) > 0, "a tour needs at least one day")
        _check(self.max_engagements_per_day >= 0, "max engagements per day must be 0 or more")
        _check(self.min_buffer_minutes >= 0, "min buffer minutes must be 0 or more")
        ordered = tuple(sorted(self.days, key=lambda d: utc(d.start)))
        for before, after in zip(ordered, ordered[1:]):
            _check(utc(before.end) <= utc(after.start),
                   f"days {before.date} and {after.date} overlap")
        object.__setattr__(self, "days", ordered)
        object.__setattr__(self, "legs", tuple(sorted(self.legs, key=lambda leg: utc(leg.depart))))

    def _check_delegation(self) -> None:
        object.__setattr__(self, "delegation", tuple(self.delegation))
        ids = [guest.id for guest in self.delegation]
        _check(all(ids), "every guest of a delegation needs an id")
        _check(len(set(ids)) == len(ids), "two guests have the same id")
        dates = {day.date for day in self.days}
        for guest in self.delegation:
            for day in guest.days:
                _check(day.date in dates, f"guest {guest.id}: {day.date} is not a day of the tour")

    @property
    def is_delegation(self) -> bool:
        """Whether ``[[guests]]`` declared a delegation (even of one member)."""
        return bool(self.delegation)

    @property
    def members(self) -> tuple[Guest, ...]:
        """Who visits: the delegation's members, or the one guest."""
        return self.delegation or (self.guest,)

    @property
    def guest_ids(self) -> tuple[str, ...]:
        """The members' ids in the order of tour.toml (``()`` for one guest)."""
        return tuple(guest.id for guest in self.delegation)

    def member(self, guest_id: str) -> Guest:
        """The delegation member with this id; raises ``KeyError``."""
        for guest in self.delegation:
            if guest.id == guest_id:
                return guest
        raise KeyError(guest_id)

    def days_of(self, guest_id: str = "") -> tuple[Day, ...]:
        """A member's working days (their own, else the tour's); the tour's for ``""``."""
        if not guest_id:
            return self.days
        return self.member(guest_id).days or self.days

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day_zone(self, day: Day) -> ZoneInfo:
        """The zone ``day`` is lived in: its own, else the tour's."""
        return ZoneInfo(day.timezone or self.timezone)

    def zone_on(self, moment: datetime) -> ZoneInfo:
        """The zone of the working day that holds ``moment`` (the last one begun by then),
        else the tour's: where the guest's clock is at that moment."""
        zone = None
        for day in self.days:
            if utc(day.start) > utc(moment):
                break
            zone = day.timezone or None
        return ZoneInfo(zone or self.timezone)

    @property
    def zones(self) -> tuple[str, ...]:
        """Every zone the days are lived in, the tour's first, in the order first met."""
        return tuple(dict.fromkeys((self.timezone,) + tuple(day.timezone for day in self.days
                                                            if day.timezone)))


@dataclass(frozen=True, slots=True)
class TravelTable:
    """Travel minutes between locations; ``estimated`` holds the pairs computed, not given."""

    minutes: Mapping[tuple[str, str], int]
    estimated: frozenset[tuple[str, str]] = frozenset()

    def __post_init__(self) -> None:
        values = self.minutes.values()
        # n² pairs: checked all at once, then one by one only to name a bad one
        if not (all(map(isinstance, values, repeat(int))) and min(values, default=0) >= 0):
            for pair, value in self.minutes.items():
                if not (isinstance(value, int) and value >= 0):
                    _check(False, f"travel {pair}: minutes must be 0 or more")
        object.__setattr__(self, "minutes", MappingProxyType(dict(self.minutes)))
        object.__setattr__(self, "estimated", frozenset(self.estimated))

    def between(self, origin: str, destination: str) -> int:
        """Minutes from ``origin`` to ``destination`` (0 for the same place)."""
        if origin == destination:
            return 0
        return self.minutes[(origin, destination)]

    def is_estimate(self, origin: str, destination: str) -> bool:
        return (origin, destination) in self.estimated


@dataclass(frozen=True, slots=True)
class TourRule:
    """A rule between requests (tour.toml ``[[rules]]``, docs/input-format.md).

    ``before``: when a request of ``first`` and one of ``then`` are both served, the first one
    ends no later than the other starts. ``apart``: at most one of ``requests`` a day. ``gap``:
    at least ``minutes`` from the end of one of ``requests`` to the start of the next one.
    ``number`` counts the rules of one kind from 1 in file order ("rule before #1"). A rule may
    name requests a problem does not hold (a re-plan leaves out those done): they are not served.
    """

    kind: str
    number: int
    first: tuple[str, ...] = ()
    then: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    minutes: int = 0

    def __post_init__(self) -> None:
        _check(self.kind in RULE_KINDS, f"unknown rule kind {self.kind!r}")
        _check(self.number >= 1, f"{self.label}: the number counts from 1")
        if self.kind == "before":
            _check(bool(self.first) and bool(self.then), f"{self.label}: needs first and then")
            _check(not self.requests, f"{self.label}: takes first and then, not requests")
        else:
            _check(len(self.requests) >= 2, f"{self.label}: needs two requests or more")
            _check(not self.first and not self.then, f"{self.label}: takes requests only")
        _check(len(set(self.members)) == len(self.members), f"{self.label}: names a request twice")
        _check(self.minutes >= 0, f"{self.label}: minutes must be 0 or more")
        _check(self.kind == "gap" or self.minutes == 0, f"{self.label}: only a gap has minutes")

    @property
    def members(self) -> tuple[str, ...]:
        """Every request the rule names, ``first`` then ``then`` for a ``before`` rule."""
        return self.first + self.then + self.requests

    @property
    def label(self) -> str:
        return f"rule {self.kind} #{self.number}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything the planner needs: the tour, the requests, the places and the travel times,
    and the rules between requests."""

    tour: Tour
    requests: tuple[Request, ...]
    locations: Mapping[str, Location]
    travel: TravelTable
    rules: tuple[TourRule, ...] = ()
    resources: tuple[Resource, ...] = ()
    _by_id: Mapping[str, Request] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "requests", tuple(self.requests))
        self._check_resources()
        self._check_guests()
        object.__setattr__(self, "rules", tuple(self.rules))
        labels = [rule.label for rule in self.rules]
        _check(len(set(labels)) == len(labels), "two rules have the same kind and number")
        object.__setattr__(self, "_by_id", MappingProxyType({r.id: r for r in self.requests}))
        object.__setattr__(self, "locations", MappingProxyType(dict(self.locations)))
        seen: set[str] = set()
        for request in self.requests:
            _check(request.id not in seen, f"request id {request.id} is used twice")
            seen.add(request.id)
            if request.location_id is not None:
                _check(request.location_id in self.locations,
                       f"request {request.id}: unknown location {request.location_id}")
        places = self.used_locations()
        for day in self.tour.days + tuple(d for g in self.tour.delegation for d in g.days):
            for loc in (day.start_location, day.end_location):
                _check(loc in self.locations, f"day {day.date}: unknown location {loc}")
        minutes = self.travel.minutes
        for origin in places:
            for destination in places:
                if origin != destination and (origin, destination) not in minutes:
                    _check(False, f"no travel time from {origin} to {destination}")

    def _check_guests(self) -> None:
        members = set(self.tour.guest_ids)
        for request in self.requests:
            if not members:
                _check(not request.guests,
                       f"request {request.id}: names guests, but the tour has no [[guests]]")
                continue
            _check(bool(request.guests), f"request {request.id}: a delegation's request says who goes")
            for guest in request.guests:
                _check(guest in members, f"request {request.id}: unknown guest {guest}")

    def _check_resources(self) -> None:
        object.__setattr__(self, "resources", tuple(self.resources))
        ids = [resource.id for resource in self.resources]
        _check(len(set(ids)) == len(ids), "two resources have the same id")
        for resource in self.resources:
            _check(resource.location is None or resource.location in self.locations,
                   f"resource {resource.id}: unknown location {resource.location}")
        for request in self.requests:
            for need in request.needs:
                _check(bool(need_candidates(need, self.resources, None)),
                       f"request {request.id}: no resource meets the need {need}")
                _check(bool(need_candidates(need, self.resources, request.location_id)),
                       f"request {request.id}: no resource of {need} can be at {request.location_id}")

    def candidates(self, request: Request, need: str) -> tuple[Resource, ...]:
        """The resources that can meet one of ``request``'s needs, in the tour's order."""
        return need_candidates(need, self.resources, request.location_id)

    def resource(self, resource_id: str) -> Resource:
        """The resource with this id; raises ``KeyError``."""
        for resource in self.resources:
            if resource.id == resource_id:
                return resource
        raise KeyError(resource_id)

    def used_locations(self) -> tuple[str, ...]:
        """The ids of the places the days and the requests use, sorted."""
        ids = {r.location_id for r in self.requests if r.location_id is not None}
        for day in self.tour.days + tuple(d for g in self.tour.delegation for d in g.days):
            ids.add(day.start_location)
            ids.add(day.end_location)
            ids.update(place for leg in day.legs for place in (leg.origin, leg.destination))
        return tuple(sorted(ids))

    def place_zone(self, location_id: str | None, moment: datetime) -> ZoneInfo:
        """The zone of a place (its ``timezone``); for a place without one, or no place (a
        remote engagement), the zone of the day that holds ``moment``."""
        location = self.locations.get(location_id) if location_id is not None else None
        if location is not None and location.timezone:
            return ZoneInfo(location.timezone)
        return self.tour.zone_on(moment)

    def request(self, request_id: str) -> Request:
        """The request with this id; raises ``KeyError``."""
        return self._by_id[request_id]

    @property
    def total_value(self) -> int:
        return sum(r.value for r in self.requests)


