"""Reading a plan file's dictionary back into domain objects, naming each bad field by its path.

A field that is missing or of the wrong type raises :class:`~scheduler.errors.PlanFileError`
with its path in the file (``engagements[3].start: not a date-time with a UTC offset``);
fields this version does not know are ignored, as docs/plan-format.md promises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .domain import (
    Break,
    Contact,
    Day,
    DomainError,
    Endpoint,
    Engagement,
    FixedLeg,
    Guest,
    Location,
    Objective,
    Organizer,
    Plan,
    Problem,
    Request,
    Resource,
    SolverReport,
    Tour,
    TourRule,
    TravelLeg,
    TravelRules,
    TravelTable,
    Unscheduled,
    Window,
    WindowsText,
    replace,
    utc,
)
from .errors import PlanFileError
from .travel_estimates import estimate_between

SCHEMA_VERSION = 2
#: Plan files this version reads: 1 (every travel pair written) and 2 (only the travel the
#: agenda needs; the rest re-estimated from the recorded rules when read).
READABLE_VERSIONS = (1, 2)

_MISSING: Any = object()
_FIRST_YEAR, _LAST_YEAR = 1970, 2999  # the years of the tour's files (docs/input-format.md)
_MAX_WHOLE = 10 ** 12  # above every limit of the tour's files (an audience is at most 10**10)
_Built = TypeVar("_Built")


class _Fields:
    """The fields of one object of the plan file; every message names the field's path."""

    def __init__(self, raw: Any, path: str, zone: ZoneInfo | None = None) -> None:
        if not isinstance(raw, Mapping):
            raise PlanFileError(f"{path or 'the plan'}: not an object")
        self.raw, self.path, self.zone = raw, path, zone

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def value(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.raw:
            return self.raw[key]
        if default is _MISSING:
            raise PlanFileError(f"{self.at(key)}: missing")
        return default

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self.value(key, default)
        if not isinstance(value, str):
            raise PlanFileError(f"{self.at(key)}: not a text")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.value(key, None) is None else self.text(key)

    def whole(self, key: str, default: Any = _MISSING) -> int:
        value = self.value(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanFileError(f"{self.at(key)}: not a whole number")
        if abs(value) > _MAX_WHOLE:
            raise PlanFileError(f"{self.at(key)}: more than {_MAX_WHOLE:,}")
        return value

    def optional_whole(self, key: str) -> int | None:
        return None if self.value(key, None) is None else self.whole(key)

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self.value(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PlanFileError(f"{self.at(key)}: not a number")
        return value

    def optional_number(self, key: str) -> float | None:
        return None if self.value(key, None) is None else self.number(key)

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self.value(key, default)
        if not isinstance(value, bool):
            raise PlanFileError(f"{self.at(key)}: not true or false")
        return value

    def day(self, key: str) -> date:
        value = self.value(key)
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise PlanFileError(f"{self.at(key)}: not a date YYYY-MM-DD") from None
        if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
            raise PlanFileError(f"{self.at(key)}: not in the years {_FIRST_YEAR} to {_LAST_YEAR}")
        return day

    def moment(self, key: str, default: Any = _MISSING) -> datetime | None:
        value = self.value(key, default)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise PlanFileError(f"{self.at(key)}: not a date-time") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise PlanFileError(f"{self.at(key)}: a date-time without a UTC offset")
        if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
            # Outside these, turning it into another zone or adding minutes overflows.
            raise PlanFileError(f"{self.at(key)}: not in the years {_FIRST_YEAR} to {_LAST_YEAR}")
        return moment.astimezone(self.zone) if self.zone is not None else moment

    def instant(self, key: str) -> datetime:
        moment = self.moment(key)
        if moment is None:
            raise PlanFileError(f"{self.at(key)}: not a date-time")
        return moment

    def child(self, key: str, default: Any = _MISSING) -> _Fields:
        value = self.value(key, default)
        return _Fields({} if value is None else value, self.at(key), self.zone)

    def each(self, key: str, default: Any = _MISSING) -> list[_Fields]:
        """The objects of a list field, each with its path (``requests[2]``)."""
        return [_Fields(item, f"{self.at(key)}[{index}]", self.zone)
                for index, item in enumerate(self.items(key, default))]

    def items(self, key: str, default: Any = _MISSING) -> list[Any]:
        value = self.value(key, default)
        if not isinstance(value, list):
            raise PlanFileError(f"{self.at(key)}: not a list")
        return value


def _built(path: str, build: Callable[[], _Built]) -> _Built:
    """Build a domain object; its own check failing names the object's path."""
    try:
        return build()
    except (DomainError, TypeError, ValueError) as error:
        raise PlanFileError(f"{path}: {error}") from None


def _day(fields: _Fields) -> Day:
    meal = None if fields.value("meal", None) is None else fields.child("meal")
    return _built(fields.path, lambda: Day(
        date=fields.day("date"),
        start=fields.instant("start"),
        end=fields.instant("end"),
        start_location=fields.text("start_location"),
        end_location=fields.text("end_location"),
        meal_window=None if meal is None else _built(meal.path, lambda: Window(
            meal.instant("earliest"), meal.instant("latest"))),
        meal_minutes=0 if meal is None else meal.whole("minutes"),
        timezone=_own_zone(fields.optional_text("timezone"), fields.zone),
    ))


def _own_zone(name: str | None, tour_zone: ZoneInfo | None) -> str:
    """A day's zone as the domain keeps it: ``""`` when absent or the tour's own."""
    return "" if not name or (tour_zone is not None and name == tour_zone.key) else name


def _breaks(fields: _Fields, day_date: date, guest: str = "") -> list[Break]:
    return [_built(item.path, lambda item=item: Break(day_date, item.instant("start"), item.instant("end"),
                                                      item.text("kind", "meal"), item.text("guest", guest)))
            for item in fields.each("breaks", [])]


def _days(fields: _Fields, legs: tuple[FixedLeg, ...], guest: str = "") -> tuple[list[Day], list[Break]]:
    """The ``days`` of the tour or of a delegation member, with the legs on them and the breaks
    placed on them."""
    days, breaks = [], []
    for day_fields in fields.each("days"):
        day = _day(day_fields)
        day = _built(day_fields.path, lambda: _with_legs(day, legs))
        days.append(day)
        breaks += _breaks(day_fields, day.date, guest)
    return days, breaks


def _members(fields: _Fields) -> tuple[tuple[Guest, ...], list[Break]]:
    """A delegation's members (``tour.guests``, absent for one guest) and their breaks."""
    members, breaks = [], []
    for item in fields.each("guests", []):
        guest_id = item.text("id")
        legs = _fixed_legs(item)
        days, theirs = _days(item, legs, guest_id)
        breaks += theirs
        members.append(_built(item.path, lambda item=item, guest_id=guest_id, legs=legs, days=days: Guest(
            item.text("name", ""), item.text("timezone", fields.zone.key if fields.zone else "UTC"),
            guest_id, tuple(days), legs, _endpoint(item, "arrival"), _endpoint(item, "departure"))))
    return tuple(members), breaks


def _travel_rules(fields: _Fields) -> TravelRules | None:
    if fields.value("travel_rules", None) is None:
        return None
    rules = fields.child("travel_rules")
    modes = {name: _Fields(mode, f"{rules.at('modes')}.{name}")
             for name, mode in rules.child("modes", {}).raw.items()}
    return _built(rules.path, lambda: TravelRules(
        mode=rules.text("mode"), detour_factor=rules.number("detour_factor"),
        long_distance_km=rules.number("long_distance_km"),
        long_distance_mode=rules.text("long_distance_mode"),
        speeds_kmh={name: mode.number("speed_kmh") for name, mode in modes.items()},
        overhead_minutes={name: mode.whole("overhead_minutes") for name, mode in modes.items()}))


def _objective(tour: _Fields) -> Objective:
    fields = tour.child("objective", {})
    defaults = Objective()
    return _built(fields.path, lambda: Objective(
        value_weight=fields.whole("value_weight", defaults.value_weight),
        travel_weight=fields.whole("travel_weight", defaults.travel_weight),
        span_weight=fields.whole("span_weight", defaults.span_weight),
        value_basis=fields.text("value_basis", defaults.value_basis),
        priority_points=fields.number("priority_points", defaults.priority_points),
        audience_points=fields.number("audience_points", defaults.audience_points),
        balance_weight=fields.whole("balance_weight", defaults.balance_weight)))


def _tour(data: _Fields) -> tuple[Tour, tuple[Break, ...]]:
    fields = data.child("tour")
    zone_name = fields.text("timezone")
    try:
        zone = ZoneInfo(zone_name)
    except Exception as error:  # zoneinfo raises several types for bad names
        raise PlanFileError(f"tour.timezone: unknown time zone {zone_name!r}") from error
    fields.zone = zone
    legs = _fixed_legs(fields)
    days, breaks = _days(fields, legs)
    members, member_breaks = _members(fields)
    guest, organizer = fields.child("guest", {}), fields.child("organizer", {})
    tour_id = fields.text("id")
    tour = _built("tour", lambda: Tour(
        id=tour_id,
        name=fields.text("name", tour_id),
        timezone=zone_name,
        guest=Guest(guest.text("name", ""), guest.text("timezone", zone_name)),
        organizer=Organizer(organizer.text("name", ""), organizer.text("email", "")),
        days=tuple(days),
        max_engagements_per_day=fields.whole("max_engagements_per_day"),
        min_buffer_minutes=fields.whole("min_buffer_minutes"),
        time_step_minutes=fields.whole("time_step_minutes", 5),
        objective=_objective(fields),
        travel_rules=_travel_rules(fields),
        max_engagement_minutes_per_day=fields.optional_whole("max_engagement_minutes_per_day"),
        min_rest_minutes=fields.whole("min_rest_minutes", 0),
        legs=legs,
        arrival=_endpoint(fields, "arrival"),
        departure=_endpoint(fields, "departure"),
        delegation=members,
    ))
    return tour, tuple(breaks + member_breaks)


def _fixed_legs(tour: _Fields) -> tuple[FixedLeg, ...]:
    return tuple(_built(item.path, lambda item=item: FixedLeg(
        item.text("from"), item.text("to"), item.instant("depart"), item.instant("arrive"),
        item.text("mode"), item.text("ref", ""), item.text("notes", ""),
        item.whole("checkin_minutes", 0)))
        for item in tour.each("legs", []))


def _endpoint(tour: _Fields, key: str) -> Endpoint | None:
    if tour.value(key, None) is None:
        return None
    end = tour.child(key)
    return _built(end.path, lambda: Endpoint(end.instant("at"), end.text("location"),
                                             end.whole("buffer_minutes", 0), end.text("mode", ""),
                                             end.text("ref", "")))


def _with_legs(day: Day, legs: tuple[FixedLeg, ...]) -> Day:
    """The day with the fixed legs that share time with its hours (as tour.toml places them)."""
    inside = tuple(leg for leg in legs if utc(leg.checkin_start) < utc(day.end)
                   and utc(leg.arrive) > utc(day.start))
    return replace(day, legs=inside) if inside else day


def _window(pair: Any, path: str, zone: ZoneInfo) -> Window:
    if not isinstance(pair, list) or len(pair) != 2:
        raise PlanFileError(f"{path}: not a pair [start, end]")
    ends = _Fields({"start": pair[0], "end": pair[1]}, path, zone)
    return _built(path, lambda: Window(ends.instant("start"), ends.instant("end")))


def _windows_text(fields: _Fields) -> WindowsText | None:
    """The request's windows text; ``None`` when absent or absolute (it is written anew)."""
    if fields.value("windows_text", None) is None:
        return None
    text = fields.child("windows_text")
    if text.flag("absolute", False):
        return None
    cells = {}
    for key in ("available", "unavailable"):
        cells[key] = tuple(_Fields({"cell": cell}, f"{text.at(key)}[{index}]").text("cell")
                           for index, cell in enumerate(text.items(key, [])))
    return WindowsText(text.text("own", ""), cells["available"], cells["unavailable"],
                       fields.optional_text("timezone") or "")


def _request(fields: _Fields) -> Request:
    contact = fields.child("contact", {})
    zone = fields.zone
    return _built(fields.path, lambda: Request(
        id=fields.text("id"),
        title=fields.text("title"),
        kind=fields.text("kind", "other"),
        counterpart=fields.text("counterpart", ""),
        contact=Contact(contact.text("name", ""), contact.text("email", ""), contact.text("phone", "")),
        duration_minutes=fields.whole("duration_minutes"),
        value=fields.whole("value"),
        priority=fields.whole("priority", 1),
        audience=fields.optional_whole("audience"),
        mandatory=fields.flag("mandatory", False),
        location_id=fields.optional_text("location"),
        remote=fields.optional_text("remote"),
        setup_minutes=fields.whole("setup_minutes", 0),
        fixed_start=fields.moment("fixed_start", None),
        windows=tuple(_window(pair, f"{fields.at('windows')}[{index}]", zone)
                      for index, pair in enumerate(fields.items("windows"))),
        notes=fields.text("notes", ""),
        internal_notes=fields.text("internal_notes", ""),
        windows_text=_windows_text(fields),
        needs=_texts(fields, "needs"),
        guests=_guest_ids(fields.optional_text("guests") or ""),
        guests_any="|" in (fields.optional_text("guests") or ""),
    ))


def _guest_ids(text: str) -> tuple[str, ...]:
    """The ids of a request's ``guests`` text (``anna;boris`` or ``anna|boris``)."""
    return tuple(part.strip() for part in text.replace("|", ";").split(";") if part.strip())


def _texts(fields: _Fields, key: str) -> tuple[str, ...]:
    """A list of texts (``[]`` when absent), each named by its path when it is not one."""
    return tuple(_Fields({"text": item}, f"{fields.at(key)}[{index}]").text("text")
                 for index, item in enumerate(fields.items(key, [])))


def _resource(fields: _Fields, zone: ZoneInfo) -> Resource:
    return _built(fields.path, lambda: Resource(
        id=fields.text("id"), name=fields.text("name", ""), kind=fields.text("kind"),
        hours=tuple(_window(pair, f"{fields.at('hours')}[{index}]", zone)
                    for index, pair in enumerate(fields.items("hours"))),
        travels=fields.flag("travels", True), location=fields.optional_text("location")))


def _rule(fields: _Fields) -> TourRule:
    def ids(key: str) -> tuple[str, ...]:
        return tuple(_Fields({"id": item}, f"{fields.at(key)}[{index}]").text("id")
                     for index, item in enumerate(fields.items(key, [])))
    return _built(fields.path, lambda: TourRule(
        kind=fields.text("kind"), number=fields.whole("number"), first=ids("first"),
        then=ids("then"), requests=ids("requests"), minutes=fields.whole("minutes", 0)))


def _location(location_id: str, fields: _Fields) -> Location:
    return _built(fields.path, lambda: Location(
        id=location_id, name=fields.text("name", location_id), address=fields.text("address", ""),
        city=fields.text("city", ""), latitude=fields.optional_number("latitude"),
        longitude=fields.optional_number("longitude"), approximate=fields.flag("approximate", False),
        timezone=fields.optional_text("timezone") or ""))


def _travel_table(data: _Fields, tour: Tour, locations: Mapping[str, Location]) -> TravelTable:
    """The file's travel, with the estimates it leaves out made again.

    A plan file keeps the times given and the estimates its agenda uses; ``travel_places``
    (absent in a file that keeps every pair) lists the places the whole table covers, and
    the pairs of them the file leaves out are estimated from the coordinates with the travel
    rules the tour recorded, as when the tour was read.
    """
    minutes = {}
    for origin, row in data.child("travel_minutes").raw.items():
        row_fields = _Fields(row, f"travel_minutes.{origin}")
        for destination in row_fields.raw:
            minutes[(origin, destination)] = row_fields.whole(destination)
    estimated = {(origin, destination)
                 for origin in data.child("travel_estimated", {}).raw
                 for destination in data.child("travel_estimated").items(origin)}
    places = data.items("travel_places", [])
    for index, place in enumerate(places):
        if not isinstance(place, str) or place not in locations:
            raise PlanFileError(f"travel_places[{index}]: not a place of locations")
    if places and tour.travel_rules is not None:
        located = sorted(place for place in set(places) if locations[place].has_coordinates)
        again = estimate_between(located, locations, tour.travel_rules, known=minutes)
        minutes.update(again)
        estimated.update(again)
    return _built("travel_minutes", lambda: TravelTable(minutes, frozenset(estimated)))


def problem_from_dict(data: Mapping[str, Any]) -> tuple[Problem, tuple[Break, ...]]:
    """Rebuild the problem (and the placed breaks) from a plan file dictionary.

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Returns
    -------
    tuple[Problem, tuple[Break, ...]]
        The problem and the breaks placed on its days.

    Raises
    ------
    PlanFileError
        Naming the path of the first field that is missing or of the wrong type.
    """
    fields = _Fields(data, "")
    tour, breaks = _tour(fields)
    fields.zone = tour.zone
    locations = {location_id: _location(location_id, _Fields(raw, f"locations.{location_id}"))
                 for location_id, raw in fields.child("locations").raw.items()}
    requests = tuple(_request(item) for item in fields.each("requests"))
    rules = tuple(_rule(item) for item in fields.each("rules", []))
    resources = tuple(_resource(item, tour.zone) for item in fields.each("resources", []))
    travel = _travel_table(fields, tour, locations)
    problem = _built("the plan", lambda: Problem(tour=tour, requests=requests, locations=locations,
                                                 travel=travel, rules=rules, resources=resources))
    return problem, breaks


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Rebuild a :class:`Plan` from a plan file dictionary, without checking its rules.

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Returns
    -------
    Plan
        The plan, equal to the one :func:`~scheduler.planfile.plan_to_dict` was given.

    Raises
    ------
    PlanFileError
        For another schema version, or naming the path of a field that is missing or of the
        wrong type (``engagements[3].start: not a date-time``).
    """
    fields = _Fields(data, "")
    version = fields.value("schema_version", None)
    if version not in READABLE_VERSIONS:
        raise PlanFileError(f"plan file has schema_version {version!r}; this version reads "
                            f"{' and '.join(str(v) for v in READABLE_VERSIONS)}")
    problem, breaks = problem_from_dict(data)
    fields.zone = problem.tour.zone
    engagements = tuple(
        _built(item.path, lambda item=item: Engagement(
            item.text("request_id"), item.day("day"), item.instant("start"), item.instant("end"),
            item.optional_text("location"), _texts(item, "resources"), _texts(item, "guests")))
        for item in fields.each("engagements"))
    travel = tuple(
        _built(item.path, lambda item=item: TravelLeg(
            item.day("day"), item.text("from"), item.text("to"), item.instant("depart"),
            item.instant("arrive"), item.whole("minutes"), item.flag("estimated", False),
            item.flag("fixed", False), item.text("mode", ""), item.text("ref", ""),
            item.text("notes", ""), item.whole("checkin_minutes", 0), item.text("guest", "")))
        for item in fields.each("travel", []))
    unscheduled = tuple(
        _built(item.path, lambda item=item: Unscheduled(
            item.text("request_id"), item.text("reason"), item.text("code", "displaced")))
        for item in fields.each("unscheduled", []))
    solver = fields.child("solver")
    report = _built("solver", lambda: SolverReport(
        status=solver.text("status"), objective=solver.optional_number("objective"),
        bound=solver.optional_number("bound"), gap=solver.optional_number("gap"),
        seconds=solver.number("seconds"), seed=solver.whole("seed"),
        time_limit=solver.number("time_limit"), workers=solver.whole("workers"),
        value_served=solver.whole("value_served", 0), value_total=solver.whole("value_total", 0),
        stopped_by=solver.text("stopped_by", "budget")))
    history = fields.items("history", [])
    for index, entry in enumerate(history):
        _Fields(entry, f"history[{index}]")
    return _built("the plan", lambda: Plan(
        problem=problem, engagements=engagements, travel=travel, breaks=breaks,
        unscheduled=unscheduled, solver=report, created=fields.moment("created", None),
        history=tuple(history)))
