"""tour.toml: the frame of a visit read into checked settings, and the domain tour built from them.

The tables the days are built from are read by :mod:`scheduler.io.day_settings` and the days
built by :mod:`scheduler.io.tour_days`; their names stay importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scheduler.domain import Day, Endpoint, Guest, Objective, Organizer, Tour, utc
from scheduler.domain import VALUE_BASES, ValueRule
from scheduler.io.cells import EMAIL_HINT, id_problem, is_email
from scheduler.io.day_settings import (HoursOverride, LocationRef, Lodging, MealRule, read_endpoint,
                                       read_hours, read_lodging, read_meal)
from scheduler.io.delegation import GuestEntry, check_leg_guests, delegation_name, read_guests
from scheduler.io.issues import IssueLog, did_you_mean
from scheduler.io.legs import LegEntry, read_legs, resolve_legs
from scheduler.io.places import TravelMode, TravelSettings
from scheduler.io.resources import ResourceEntry, read_resources
from scheduler.io.tomlfile import TomlLines, TomlTable, load_toml
from scheduler.io.tour_days import DayFrame, build_days
from scheduler.io.tour_rules import RuleEntry, read_rules

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
_TOP_KEYS = ("tour", "guest", "guests", "organizer", "arrival", "departure", "lodging", "hours", "meal",
             "limits", "travel", "objective", "rules", "legs", "resources")
_LIMIT_KEYS = ("max_engagements_per_day", "min_buffer_minutes", "time_step_minutes",
               "max_engagement_minutes_per_day", "min_rest_hours")
MAX_REST_HOURS = 24.0


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
    guests: tuple[GuestEntry, ...] = ()  # the [[guests]] entries read correctly
    guest_ids: tuple[str, ...] = ()  # every id [[guests]] declares, even in an entry with a problem
    legs: tuple[LegEntry, ...] = ()  # every [[legs]] entry, whoever takes it


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
        raw_guests = self.top.data.get("guests")
        guest_ids = tuple(item["id"] for item in (raw_guests if isinstance(raw_guests, list) else ())
                          if isinstance(item, dict) and isinstance(item.get("id"), str))
        legs = self._legs(guest_ids)
        frame = self._frame(tour, zone, tuple(leg for leg in legs if not leg.guests))
        guests = read_guests(self.top, zone, self.place_zones, self.refs)
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
            resources=self._resources(), guests=guests, guest_ids=guest_ids, legs=legs,
        )

    def _resources(self) -> tuple[ResourceEntry, ...]:
        entries = read_resources(self.top)
        self.refs.extend(LocationRef(entry.location, entry.line, "resources.location")
                         for entry in entries if entry.location is not None)
        return entries

    def _frame(self, tour: TomlTable, zone: ZoneInfo | None, legs: tuple[LegEntry, ...]
               ) -> DayFrame | None:
        """What the tour's days are built from (with the legs everyone takes); ``None`` when
        any of it is missing or wrong."""
        first_day, last_day = tour.day("first_day", required=True), tour.day("last_day", required=True)
        if first_day and last_day and last_day < first_day:
            tour.problem("last_day", f"last_day {last_day} is before first_day {first_day}")
        elif first_day and last_day and (last_day - first_day).days >= MAX_TOUR_DAYS:
            tour.problem("last_day", f"the tour lasts {(last_day - first_day).days + 1} days; "
                         f"a tour has at most {MAX_TOUR_DAYS}")
        hours = self.top.table("hours", required=True)
        hours_start, hours_end, overrides = (read_hours(hours, hours.tables("day")) if hours
                                             else (None, None, {}))
        arrival, departure = self._endpoint("arrival", zone), self._endpoint("departure", zone)
        lodging = read_lodging(self.top.tables("lodging"), self.refs)
        meal_table = self.top.table("meal")
        meal = read_meal(meal_table) if meal_table is not None else None
        if (zone is None or first_day is None or last_day is None or hours_start is None
                or hours_end is None):
            return None
        return DayFrame(self.top.lines, zone, first_day, last_day, hours_start, hours_end,
                        overrides, meal, arrival, departure, lodging, legs, self.place_zones)

    def _legs(self, guest_ids: tuple[str, ...]) -> tuple[LegEntry, ...]:
        tables = self.top.tables("legs")
        check_leg_guests(tables, guest_ids)
        for table in tables:
            for key in ("from", "to"):
                if isinstance(table.data.get(key), str):
                    self.refs.append(LocationRef(table.data[key], table.line(key), table.name(key)))
        return tuple(read_legs(tables))

    def _endpoint(self, name: str, zone: ZoneInfo | None) -> Endpoint | None:
        table = self.top.table(name)
        return read_endpoint(table, zone, self.place_zones, self.refs) if table is not None else None

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


def build_tour(tour: TourFile, days: tuple[Day, ...], members: tuple[Guest, ...] = ()) -> Tour | None:
    """The domain :class:`~scheduler.domain.Tour`, or ``None`` when its id or zone is wrong.

    ``members`` are a delegation's guests (:func:`~scheduler.io.delegation.build_delegation`);
    the tour's legs are then every leg some member takes.
    """
    if tour.id is None or tour.zone is None:
        return None
    frame = tour.frame
    if members:
        legs = tuple(sorted({leg for guest in members for leg in guest.legs}, key=lambda leg: utc(leg.depart)))
    else:
        resolved = resolve_legs(list(frame.legs), frame.zone_of, IssueLog()) if frame else None
        legs = tuple(leg for leg, _ in resolved or ())
    rule = tour.value_rule
    return Tour(
        id=tour.id, name=tour.name or tour.id, timezone=tour.zone.key,
        guest=Guest(delegation_name(tour.guest_name, tour.guests), tour.guest_zone or tour.zone.key),
        days=days,
        organizer=tour.organizer, max_engagements_per_day=tour.max_engagements_per_day,
        min_buffer_minutes=tour.min_buffer_minutes,
        objective=replace(tour.objective, value_basis=rule.basis,
                          priority_points=rule.priority_points, audience_points=rule.audience_points),
        time_step_minutes=tour.time_step_minutes,
        travel_rules=tour.travel.to_rules() if tour.travel is not None else None,
        max_engagement_minutes_per_day=tour.max_engagement_minutes_per_day,
        min_rest_minutes=tour.min_rest_minutes,
        legs=legs or (), arrival=frame.arrival if frame else None,
        departure=frame.departure if frame else None, delegation=members,
    )
