"""The plan dictionary read into a PlanView, or the ``schema`` problems that prevent it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .fields import (FieldReader, Malformed, calendar_date, flag, items_of, known_place, required,
                     text_of, whole_number)
from .plan_view import (BreakView, DayView, EngagementView, FixedLegView, LegView, MealView, PlanView,
                        RequestView, RuleView, UnscheduledView, home_day)
from .delegation import check_members, guest_view, read_guest, read_guests_text, resource_moves, widened_days
from .reading_resources import read_resource, read_texts
from .timeline import anchors_of
from .violations import READABLE_VERSIONS, SCHEMA_VERSION, Violation
from .windows import Calendar, WindowsText, request_windows


def read_day(reader: FieldReader, raw: Any, path: str, places: Iterable[str]) -> DayView:
    day_date = calendar_date(required(raw, "date", path), f"{path}.date")
    start = reader.instant(required(raw, "start", path), f"{path}.start", day=day_date)
    end = reader.instant(required(raw, "end", path), f"{path}.end", day=day_date)
    if end <= start:
        raise Malformed(f"{path}: the day's hours end before they start")
    meal_raw = required(raw, "meal", path)
    meal = None
    if meal_raw is not None:
        earliest = reader.instant(required(meal_raw, "earliest", f"{path}.meal"), f"{path}.meal.earliest", day=day_date)
        latest = reader.instant(required(meal_raw, "latest", f"{path}.meal"), f"{path}.meal.latest", day=day_date)
        minutes = whole_number(required(meal_raw, "minutes", f"{path}.meal"), f"{path}.meal.minutes", 1)
        if latest <= earliest:
            raise Malformed(f"{path}.meal: latest is not after earliest")
        meal = MealView(earliest, latest, minutes)
    breaks = []
    for index, item in enumerate(items_of(required(raw, "breaks", path), f"{path}.breaks")):
        where = f"{path}.breaks[{index}]"
        breaks.append(BreakView(where,
                             reader.instant(required(item, "start", where), f"{where}.start", day=day_date),
                             reader.instant(required(item, "end", where), f"{where}.end", day=day_date),
                             text_of(required(item, "kind", where), f"{where}.kind")))
    return DayView(day_date, start, end,
                known_place(required(raw, "start_location", path), f"{path}.start_location", places),
                known_place(required(raw, "end_location", path), f"{path}.end_location", places),
                meal, tuple(breaks), optional_zone(raw.get("timezone"), f"{path}.timezone"))


def optional_zone(raw: Any, path: str) -> ZoneInfo | None:
    """An optional IANA zone name (plans written before zones have none)."""
    if raw is None:
        return None
    name = text_of(raw, path)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Malformed(f"{path}: {name!r} is not a known time zone") from None


def read_request(reader: FieldReader, raw: Any, path: str, places: Iterable[str],
                 calendar: Calendar | None) -> RequestView:
    """A request; its windows expanded from ``windows_text`` when the plan has it (and the
    calendar could be read), else taken from ``windows`` as written (plans before the text)."""
    request_id = text_of(required(raw, "id", path), f"{path}.id")
    title = required(raw, "title", path)
    if not isinstance(title, str):
        raise Malformed(f"{path}.title: not a text")
    place_raw = required(raw, "location", path)
    place = None if place_raw is None else known_place(place_raw, f"{path}.location", places)
    remote = required(raw, "remote", path)
    if remote not in (None, "phone", "video"):
        raise Malformed(f"{path}.remote: {remote!r} is not null, 'phone' or 'video'")
    if (place is None) == (remote is None):
        raise Malformed(f"{path}: a request has a location exactly when it is not remote")
    windows = []
    for index, pair in enumerate(items_of(required(raw, "windows", path), f"{path}.windows")):
        where = f"{path}.windows[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise Malformed(f"{where}: not a pair [start, end]")
        start = reader.instant(pair[0], f"{where}[0]", request_id)
        end = reader.instant(pair[1], f"{where}[1]", request_id)
        if end <= start:
            raise Malformed(f"{where}: ends before it starts")
        windows.append((start, end))
    duration = timedelta(minutes=whole_number(required(raw, "duration_minutes", path),
                                              f"{path}.duration_minutes", 1))
    fixed_start = reader.optional_instant(required(raw, "fixed_start", path), f"{path}.fixed_start",
                                          request_id)
    guests = read_guests_text(raw, path)
    text = read_windows_text(raw.get("windows_text"), f"{path}.windows_text")
    zone = optional_zone(raw.get("timezone"), f"{path}.timezone")
    if text is not None and calendar is not None:
        windows = list(request_windows(text, replace(calendar, request_zone=zone), duration,
                                       fixed_start, f"{path}.windows_text"))
    return RequestView(
        id=request_id,
        title=title,
        duration=duration,
        mandatory=flag(required(raw, "mandatory", path), f"{path}.mandatory"),
        place=place,
        setup=timedelta(minutes=whole_number(required(raw, "setup_minutes", path), f"{path}.setup_minutes", 0)),
        fixed_start=fixed_start,
        windows=tuple(windows),
        needs=read_texts(raw, "needs", path) or (),
        guests=guests[0], guests_any=guests[1],
    )


def read_windows_text(raw: Any, path: str) -> WindowsText | None:
    """The ``windows_text`` object of a request, or ``None`` when the plan has none."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise Malformed(f"{path}: not an object")
    own = raw.get("own", "")
    if not isinstance(own, str):
        raise Malformed(f"{path}.own: {own!r} is not a text")
    cells = {}
    for key in ("available", "unavailable"):
        values = items_of(raw.get(key, []), f"{path}.{key}")
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise Malformed(f"{path}.{key}[{index}]: {value!r} is not a text")
        cells[key] = tuple(values)
    absolute = flag(raw.get("absolute", False), f"{path}.absolute")
    return WindowsText(own, cells["available"], cells["unavailable"], absolute)


def read_travel_table(raw: Any) -> dict[tuple[str, str], int]:
    """``travel_minutes`` by ordered pair; which pairs it must hold is judged on the agenda
    (:func:`missing_travel`)."""
    if not isinstance(raw, Mapping):
        raise Malformed("travel_minutes is not an object")
    table = {}
    for origin, row in raw.items():
        if not isinstance(row, Mapping):
            raise Malformed(f"travel_minutes.{origin}: not an object")
        for destination, minutes in row.items():
            table[(origin, destination)] = whole_number(minutes, f"travel_minutes[{origin!r}][{destination!r}]", 0)
    return table


def _delegation_plan(plan: PlanView, used: set[str]) -> tuple[PlanView | None, list[Violation]]:
    """A delegation's plan, or its ``schema`` problems: those of its members, and the travel
    each member's agenda and each travelling resource moves along that the file lacks."""
    problems = check_members(plan)
    if problems:
        return None, problems
    used = used | {place for guest in plan.guests for day in guest.days
                   for place in (day.start_place, day.end_place)}
    missing = [violation for guest in plan.guests
               for violation in missing_travel(guest_view(plan, guest), used)]
    missing += [Violation("schema", f"travel_minutes has no time from {origin!r} to {destination!r}, "
                                    "which a shared resource moves between")
                for origin, destination in sorted(resource_moves(plan))
                if (origin, destination) not in plan.travel]
    missing = list(dict.fromkeys(missing))
    return (None, missing) if missing else (plan, [])


def missing_travel(plan: PlanView, used: Iterable[str]) -> list[Violation]:
    """A ``schema`` problem for each pair of used places the agenda moves between (two
    consecutive anchors of a day, or a leg that is not fixed) without a time in
    ``travel_minutes``. A plan file keeps only the travel its agenda uses."""
    used = frozenset(used)
    moves = set()
    for day in plan.days:
        anchors = anchors_of(plan, day)
        for left, reached in zip(anchors, anchors[1:], strict=False):
            if left.fixed_leg is None or left.fixed_leg != reached.fixed_leg:
                moves.add((left.place, reached.place))
    moves.update((leg.origin, leg.destination) for leg in plan.legs if not leg.fixed)
    return [Violation("schema", f"travel_minutes has no time from {origin!r} to {destination!r}, "
                                "which the agenda moves between")
            for origin, destination in sorted(moves)
            if origin != destination and origin in used and destination in used
            and (origin, destination) not in plan.travel]


def replan_moment(reader: FieldReader, raw: Any) -> datetime | None:
    """``now`` of the last entry of ``history`` (the last re-plan), or ``None`` when the plan
    was never re-planned (no history, or a last entry whose ``now`` is null)."""
    entries = items_of(raw, "history")
    if not entries:
        return None
    where = f"history[{len(entries) - 1}]"
    last = entries[-1]
    if not isinstance(last, Mapping):
        raise Malformed(f"{where}: not an object")
    return reader.optional_instant(last.get("now"), f"{where}.now")


def read_rule(raw: Any, path: str, request_ids: Iterable[str]) -> RuleView:
    """A rule between requests; each id it names must be a request of the plan."""
    kind = text_of(required(raw, "kind", path), f"{path}.kind")
    if kind not in ("before", "apart", "gap"):
        raise Malformed(f"{path}.kind: {kind!r} is not 'before', 'apart' or 'gap'")
    lists = {}
    for key in ("first", "then", "requests"):
        ids = tuple(text_of(item, f"{path}.{key}[{index}]")
                    for index, item in enumerate(items_of(raw.get(key, []), f"{path}.{key}")))
        for request_id in ids:
            if request_id not in request_ids:
                raise Malformed(f"{path}.{key}: {request_id!r} is not a request of the plan")
        lists[key] = ids
    return RuleView(kind, whole_number(required(raw, "number", path), f"{path}.number", 1),
                    lists["first"], lists["then"], lists["requests"],
                    timedelta(minutes=whole_number(raw.get("minutes", 0), f"{path}.minutes", 0)))


def read_fixed_leg(reader: FieldReader, raw: Any, path: str, index: int, places: Iterable[str]) -> FixedLegView:
    """A booked leg (``tour.legs``, or a member's ``legs``); its day is found later."""
    depart = reader.instant(required(raw, "depart", path), f"{path}.depart")
    arrive = reader.instant(required(raw, "arrive", path), f"{path}.arrive")
    if arrive <= depart:
        raise Malformed(f"{path}: the leg arrives before it departs")
    checkin = timedelta(minutes=whole_number(raw.get("checkin_minutes", 0), f"{path}.checkin_minutes", 0))
    mode, ref = text_of(required(raw, "mode", path), f"{path}.mode"), raw.get("ref", "")
    return FixedLegView(index, known_place(required(raw, "from", path), f"{path}.from", places),
                        known_place(required(raw, "to", path), f"{path}.to", places),
                        depart, arrive, checkin, f"{mode} {ref}".strip() if isinstance(ref, str) else mode,
                        None)


def read_plan_dict(data: Any) -> tuple[PlanView | None, list[Violation]]:
    """The plan as the checker sees it, or ``None`` with the schema problems found."""
    reader = FieldReader()
    if not isinstance(data, Mapping):
        return None, [Violation("schema", "the plan is not a JSON object")]
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS:
        reader.problems.append(Violation(
            "schema", f"schema_version is {version!r}; this checker knows versions "
            f"{' and '.join(str(v) for v in READABLE_VERSIONS)} (writes {SCHEMA_VERSION})"))
    tour = reader.guard(lambda: required(data, "tour", "the plan"), {})
    zone_name = reader.guard(lambda: text_of(required(tour, "timezone", "tour"), "tour.timezone"), None)
    zone = None
    if zone_name is not None:
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            reader.problems.append(Violation("schema", f"tour.timezone {zone_name!r} is not a known time zone"))
    max_per_day = reader.guard(lambda: whole_number(required(tour, "max_engagements_per_day", "tour"),
                                              "tour.max_engagements_per_day", 0), 0)
    buffer = reader.guard(lambda: whole_number(required(tour, "min_buffer_minutes", "tour"),
                                         "tour.min_buffer_minutes", 0), 0)
    reader.guard(lambda: reader.optional_instant(data.get("created"), "created"), None)
    replanned = reader.guard(lambda: replan_moment(reader, data.get("history", [])), None)
    locations = reader.guard(lambda: required(data, "locations", "the plan"), {})
    if not isinstance(locations, Mapping):
        reader.problems.append(Violation("schema", "locations is not an object"))
        locations = {}
    places = frozenset(locations)

    days = reader.each(reader.guard(lambda: items_of(required(tour, "days", "tour"), "tour.days"), []),
                       "tour.days", lambda raw, path, _: read_day(reader, raw, path, places))
    if not days and not reader.problems:
        reader.problems.append(Violation("schema", "tour.days is empty"))
    by_start = sorted(days, key=lambda day: day.start)
    for before, after in zip(by_start, by_start[1:], strict=False):
        if after.start < before.end:
            reader.problems.append(Violation("schema", f"days {before.date} and {after.date} overlap"))
    if len({day.date for day in days}) != len(days):
        reader.problems.append(Violation("schema", "two days of tour.days have the same date"))
    members = reader.each(
        reader.guard(lambda: items_of(tour.get("guests", []), "tour.guests"), [])
        if isinstance(tour, Mapping) else [], "tour.guests",
        lambda raw, path, _: read_guest(reader, raw, path, lambda item, where: read_day(reader, item, where, places),
                                        lambda item, where, index: read_fixed_leg(reader, item, where, index, places)))
    if members:
        # The windows of a delegation's requests are read over every member's hours.
        days = list(widened_days(days, members))
        by_start = sorted(days, key=lambda day: day.start)
    calendar = None if zone is None else Calendar(
        zone, {date.fromisoformat(day.date): (day.start, day.end) for day in days},
        {date.fromisoformat(day.date): day.zone for day in days if day.zone is not None})

    requests = reader.each(reader.guard(lambda: items_of(required(data, "requests", "the plan"), "requests"), []),
                           "requests", lambda raw, path, _: read_request(reader, raw, path, places, calendar))
    if len({request.id for request in requests}) != len(requests):
        reader.problems.append(Violation("schema", "two requests have the same id"))
    used = {request.place for request in requests if request.place is not None}
    used |= {place for day in days for place in (day.start_place, day.end_place)}
    travel = reader.guard(lambda: read_travel_table(required(data, "travel_minutes", "the plan")), {})
    request_ids = frozenset(request.id for request in requests)
    rules = reader.each(reader.guard(lambda: items_of(data.get("rules", []), "rules"), []), "rules",
                        lambda raw, path, _: read_rule(raw, path, request_ids))
    limits = tour if isinstance(tour, Mapping) else {}
    minutes_cap = reader.guard(lambda: None if limits.get("max_engagement_minutes_per_day") is None else
                               whole_number(limits["max_engagement_minutes_per_day"],
                                            "tour.max_engagement_minutes_per_day", 0), None)
    rest = reader.guard(lambda: whole_number(limits.get("min_rest_minutes", 0), "tour.min_rest_minutes", 0), 0)

    def read_engagement(raw: Any, path: str, index: int) -> EngagementView:
        request_id = text_of(required(raw, "request_id", path), f"{path}.request_id")
        label = calendar_date(required(raw, "day", path), f"{path}.day")
        place = required(raw, "location", path)
        return EngagementView(
            index, request_id, label,
            reader.instant(required(raw, "start", path), f"{path}.start", request_id, label),
            reader.instant(required(raw, "end", path), f"{path}.end", request_id, label),
            None if place is None else known_place(place, f"{path}.location", places),
            None, read_texts(raw, "resources", path), read_texts(raw, "guests", path))

    def read_leg(raw: Any, path: str, index: int) -> LegView:
        label = calendar_date(required(raw, "day", path), f"{path}.day")
        return LegView(
            index, label,
            known_place(required(raw, "from", path), f"{path}.from", places),
            known_place(required(raw, "to", path), f"{path}.to", places),
            reader.instant(required(raw, "depart", path), f"{path}.depart", day=label),
            reader.instant(required(raw, "arrive", path), f"{path}.arrive", day=label),
            whole_number(required(raw, "minutes", path), f"{path}.minutes", 0),
            None, flag(raw.get("fixed", False), f"{path}.fixed"),
            timedelta(minutes=whole_number(raw.get("checkin_minutes", 0), f"{path}.checkin_minutes", 0)),
            text_of(raw["guest"], f"{path}.guest") if isinstance(raw, Mapping) and "guest" in raw else "")

    def read_unscheduled(raw: Any, path: str, index: int) -> UnscheduledView:
        request_id = text_of(required(raw, "request_id", path), f"{path}.request_id")
        if not isinstance(required(raw, "reason", path), str):
            raise Malformed(f"{path}.reason: not a text")
        return UnscheduledView(index, request_id, text_of(required(raw, "code", path), f"{path}.code"))

    engagements = reader.each(
        reader.guard(lambda: items_of(required(data, "engagements", "the plan"), "engagements"), []),
        "engagements", read_engagement)
    legs = reader.each(reader.guard(lambda: items_of(required(data, "travel", "the plan"), "travel"), []),
                       "travel", read_leg)
    unscheduled = reader.each(
        reader.guard(lambda: items_of(required(data, "unscheduled", "the plan"), "unscheduled"), []),
        "unscheduled", read_unscheduled)
    fixed_legs = reader.each(reader.guard(lambda: items_of(tour.get("legs", []), "tour.legs"), []),
                             "tour.legs", lambda raw, path, index: read_fixed_leg(reader, raw, path, index, places)
                             ) if isinstance(tour, Mapping) else []
    resources = reader.each(reader.guard(lambda: items_of(data.get("resources", []), "resources"), []),
                            "resources", lambda raw, path, _: read_resource(reader, raw, path, places))
    if reader.problems or zone is None:
        return None, list(dict.fromkeys(reader.problems))  # one report per distinct problem

    engagements = [replace(e, home=home_day(days, e.label, e.start)) for e in engagements]
    legs = [replace(leg, home=home_day(days, leg.label, leg.busy_start if leg.fixed else leg.depart))
            for leg in legs]
    fixed_legs = [replace(leg, home=home_day(days, "", leg.busy_start)) for leg in fixed_legs]
    plan = PlanView(
        zone_name=zone_name, zone=zone, days=tuple(by_start), max_per_day=max_per_day,
        buffer=timedelta(minutes=buffer), travel=travel,
        requests={request.id: request for request in requests},
        request_order=tuple(request.id for request in requests),
        engagements=tuple(engagements), legs=tuple(legs), unscheduled=tuple(unscheduled),
        stamps=tuple(reader.stamps), replanned=replanned, rules=tuple(rules),
        minutes_cap=None if minutes_cap is None else timedelta(minutes=minutes_cap),
        rest=timedelta(minutes=rest), fixed_legs=tuple(fixed_legs),
        resources={resource.id: resource for resource in resources},
        guests=tuple(members))
    if members:
        return _delegation_plan(plan, used)
    missing = missing_travel(plan, used)
    if missing:
        return None, missing
    return plan, []

