"""The plan file (``plan.json``): a solved agenda with its whole problem, versioned.

The format is described in ``docs/plan-format.md``. ``plan_to_dict`` and ``plan_from_dict``
are exact inverses for every field the format holds.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from .domain import (
    Break,
    Contact,
    Day,
    DomainError,
    Engagement,
    Guest,
    Location,
    Objective,
    Organizer,
    Plan,
    Problem,
    Request,
    SolverReport,
    Tour,
    TravelLeg,
    TravelRules,
    TravelTable,
    Unscheduled,
    Window,
    WindowsText,
)
from .errors import PlanFileError
from .fsio import write_atomic

SCHEMA_VERSION = 1


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat()


def _parse(text: str | None, zone: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise PlanFileError(f"time {text!r} in the plan file has no UTC offset")
    return moment.astimezone(zone)


def problem_to_dict(problem: Problem, breaks: tuple[Break, ...] = ()) -> dict[str, Any]:
    """The ``tour``, ``locations``, ``requests`` and travel parts of a plan file."""
    tour = problem.tour
    zone = tour.zone
    days = []
    for day in tour.days:
        meal = None
        if day.meal_window is not None:
            meal = {"earliest": _iso(day.meal_window.start, zone),
                    "latest": _iso(day.meal_window.end, zone),
                    "minutes": day.meal_minutes}
        days.append({
            "date": day.date.isoformat(),
            "start": _iso(day.start, zone),
            "end": _iso(day.end, zone),
            "start_location": day.start_location,
            "end_location": day.end_location,
            "meal": meal,
            "breaks": [{"start": _iso(b.start, zone), "end": _iso(b.end, zone), "kind": b.kind}
                       for b in breaks if b.day == day.date],
        })
    requests = []
    for r in problem.requests:
        requests.append({
            "id": r.id,
            "title": r.title,
            "kind": r.kind,
            "counterpart": r.counterpart,
            "contact": {"name": r.contact.name, "email": r.contact.email, "phone": r.contact.phone},
            "duration_minutes": r.duration_minutes,
            "value": r.value,
            "priority": r.priority,
            "audience": r.audience,
            "mandatory": r.mandatory,
            "location": r.location_id,
            "remote": r.remote,
            "setup_minutes": r.setup_minutes,
            "fixed_start": _iso(r.fixed_start, zone),
            "windows": [[_iso(w.start, zone), _iso(w.end, zone)] for w in r.windows],
            "windows_text": _windows_text_to_dict(r, zone),
            "notes": r.notes,
            "internal_notes": r.internal_notes,
        })
    locations = {
        loc.id: {"name": loc.name, "address": loc.address, "city": loc.city,
                 "latitude": loc.latitude, "longitude": loc.longitude,
                 "approximate": loc.approximate}
        for loc in sorted(problem.locations.values(), key=lambda l: l.id)
    }
    travel: dict[str, dict[str, int]] = {}
    estimated: dict[str, list[str]] = {}
    for (origin, destination), minutes in sorted(problem.travel.minutes.items()):
        travel.setdefault(origin, {})[destination] = minutes
        if (origin, destination) in problem.travel.estimated:
            estimated.setdefault(origin, []).append(destination)
    return {
        "tour": {
            "id": tour.id,
            "name": tour.name,
            "timezone": tour.timezone,
            "guest": {"name": tour.guest.name, "timezone": tour.guest.timezone},
            "organizer": {"name": tour.organizer.name, "email": tour.organizer.email},
            "max_engagements_per_day": tour.max_engagements_per_day,
            "min_buffer_minutes": tour.min_buffer_minutes,
            "time_step_minutes": tour.time_step_minutes,
            "objective": {"value_weight": tour.objective.value_weight,
                          "travel_weight": tour.objective.travel_weight,
                          "span_weight": tour.objective.span_weight,
                          "value_basis": tour.objective.value_basis,
                          "priority_points": tour.objective.priority_points,
                          "audience_points": tour.objective.audience_points},
            "travel_rules": _travel_rules_to_dict(tour.travel_rules),
            "days": days,
        },
        "locations": locations,
        "requests": requests,
        "travel_minutes": travel,
        "travel_estimated": estimated,
    }


def _windows_text_to_dict(request: Request, zone: ZoneInfo) -> dict[str, Any]:
    """The text the request's windows were read from, or an exact absolute text of them."""
    text = request.windows_text
    if text is None:
        return {"own": absolute_windows_text(request.windows, zone), "available": [],
                "unavailable": [], "absolute": True}
    return {"own": text.own, "available": list(text.available),
            "unavailable": list(text.unavailable), "absolute": False}


def absolute_windows_text(windows: tuple[Window, ...], zone: ZoneInfo) -> str:
    """Windows in the syntax of requests.csv with absolute dates, one piece each, exactly.

    A window is written ``2018-11-27 10:00-11:30`` (``24:00`` when it ends at midnight,
    ``2018-11-27 22:00 - 2018-11-28 01:00`` across midnight); one with a local reading that a
    daylight-saving change repeats or skips, or with seconds, as an ISO 8601 interval with
    offsets, so that each piece means exactly one span of time.

    Parameters
    ----------
    windows
        The windows, as the request holds them.
    zone
        The tour's zone: local readings are written in it.

    Returns
    -------
    str
        The pieces joined by ``"; "``; empty when there are no windows.
    """
    return "; ".join(_absolute_piece(window, zone) for window in windows)


def _absolute_piece(window: Window, zone: ZoneInfo) -> str:
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    if not (_plain_reading(start, zone) and _plain_reading(end, zone)):
        return f"{start.isoformat()}/{end.isoformat()}"
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
    if end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute) == (0, 0):
        return f"{start:%Y-%m-%d %H:%M}-24:00"
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


def _plain_reading(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock reading of ``moment`` in ``zone``, in whole minutes, names it alone."""
    if moment.second or moment.microsecond:
        return False
    reading = moment.replace(tzinfo=None)
    first, second = reading.replace(tzinfo=zone, fold=0), reading.replace(tzinfo=zone, fold=1)
    return first.utcoffset() == second.utcoffset() == moment.utcoffset()


def _windows_text_from_dict(raw: Any) -> WindowsText | None:
    """The request's windows text; ``None`` when absent or absolute (it is written anew)."""
    if raw is None or raw.get("absolute", False):
        return None
    return WindowsText(raw.get("own", ""), tuple(raw.get("available", ())),
                       tuple(raw.get("unavailable", ())))


def _travel_rules_to_dict(rules: TravelRules | None) -> dict[str, Any] | None:
    if rules is None:
        return None
    return {"mode": rules.mode, "detour_factor": rules.detour_factor,
            "long_distance_km": rules.long_distance_km,
            "long_distance_mode": rules.long_distance_mode,
            "modes": {name: {"speed_kmh": rules.speeds_kmh[name],
                             "overhead_minutes": rules.overhead_minutes[name]}
                      for name in sorted(rules.speeds_kmh)}}


def _travel_rules_from_dict(raw: Mapping[str, Any] | None) -> TravelRules | None:
    if raw is None:
        return None
    modes = raw.get("modes") or {}
    return TravelRules(mode=raw["mode"], detour_factor=raw["detour_factor"],
                       long_distance_km=raw["long_distance_km"],
                       long_distance_mode=raw["long_distance_mode"],
                       speeds_kmh={name: mode["speed_kmh"] for name, mode in modes.items()},
                       overhead_minutes={name: mode["overhead_minutes"] for name, mode in modes.items()})


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The whole plan file as a JSON-ready dictionary."""
    problem = plan.problem
    zone = problem.tour.zone
    titles = {r.id: r.title for r in problem.requests}
    body = problem_to_dict(problem, plan.breaks)
    solver = plan.solver
    return {
        "schema_version": SCHEMA_VERSION,
        "created": _iso(plan.created, zone),
        **body,
        "engagements": [
            {"request_id": e.request_id, "title": titles.get(e.request_id, ""),
             "day": e.day.isoformat(), "start": _iso(e.start, zone), "end": _iso(e.end, zone),
             "location": e.location}
            for e in plan.engagements
        ],
        "travel": [
            {"day": leg.day.isoformat(), "from": leg.origin, "to": leg.destination,
             "depart": _iso(leg.depart, zone), "arrive": _iso(leg.arrive, zone),
             "minutes": leg.minutes, "estimated": leg.estimated}
            for leg in plan.travel
        ],
        "unscheduled": [{"request_id": u.request_id, "reason": u.reason, "code": u.code}
                        for u in plan.unscheduled],
        "solver": {
            "status": solver.status,
            "objective": solver.objective,
            "bound": solver.bound,
            "gap": solver.gap,
            "seconds": solver.seconds,
            "seed": solver.seed,
            "time_limit": solver.time_limit,
            "workers": solver.workers,
            "value_served": solver.value_served,
            "value_total": solver.value_total,
        },
        "history": [dict(entry) for entry in plan.history],
    }


def dumps(plan: Plan) -> str:
    """The plan file's text: stable key order, two-space indent, UTF-8 characters kept."""
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: str | Path) -> Path:
    """Write the plan file atomically, privately, keeping a copy of a different old one."""
    return write_atomic(path, dumps(plan), private=True)


def _need(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise PlanFileError(f"plan file: {where} has no {key!r}")
    return mapping[key]


def problem_from_dict(data: Mapping[str, Any]) -> tuple[Problem, tuple[Break, ...]]:
    """Rebuild the problem (and the placed breaks) from a plan file dictionary."""
    tour_data = _need(data, "tour", "the file")
    zone_name = _need(tour_data, "timezone", "tour")
    try:
        zone = ZoneInfo(zone_name)
    except Exception as error:  # zoneinfo raises several types for bad names
        raise PlanFileError(f"plan file: unknown time zone {zone_name!r}") from error
    days = []
    breaks = []
    for raw in _need(tour_data, "days", "tour"):
        meal = raw.get("meal")
        day_date = date.fromisoformat(raw["date"])
        days.append(Day(
            date=day_date,
            start=_parse(raw["start"], zone),
            end=_parse(raw["end"], zone),
            start_location=raw["start_location"],
            end_location=raw["end_location"],
            meal_window=(Window(_parse(meal["earliest"], zone), _parse(meal["latest"], zone))
                         if meal else None),
            meal_minutes=meal["minutes"] if meal else 0,
        ))
        for item in raw.get("breaks", []):
            breaks.append(Break(day_date, _parse(item["start"], zone), _parse(item["end"], zone),
                                item.get("kind", "meal")))
    guest = tour_data.get("guest") or {}
    organizer = tour_data.get("organizer") or {}
    objective = tour_data.get("objective") or {}
    tour = Tour(
        id=tour_data["id"],
        name=tour_data.get("name", tour_data["id"]),
        timezone=zone_name,
        guest=Guest(guest.get("name", ""), guest.get("timezone", zone_name)),
        organizer=Organizer(organizer.get("name", ""), organizer.get("email", "")),
        days=tuple(days),
        max_engagements_per_day=tour_data["max_engagements_per_day"],
        min_buffer_minutes=tour_data["min_buffer_minutes"],
        time_step_minutes=tour_data.get("time_step_minutes", 5),
        objective=Objective(**objective),
        travel_rules=_travel_rules_from_dict(tour_data.get("travel_rules")),
    )
    locations = {
        loc_id: Location(id=loc_id, name=raw.get("name", loc_id), address=raw.get("address", ""),
                         city=raw.get("city", ""), latitude=raw.get("latitude"),
                         longitude=raw.get("longitude"), approximate=raw.get("approximate", False))
        for loc_id, raw in _need(data, "locations", "the file").items()
    }
    requests = []
    for raw in _need(data, "requests", "the file"):
        contact = raw.get("contact") or {}
        requests.append(Request(
            id=raw["id"],
            title=raw["title"],
            kind=raw.get("kind", "other"),
            counterpart=raw.get("counterpart", ""),
            contact=Contact(contact.get("name", ""), contact.get("email", ""), contact.get("phone", "")),
            duration_minutes=raw["duration_minutes"],
            value=raw["value"],
            priority=raw.get("priority", 1),
            audience=raw.get("audience"),
            mandatory=raw.get("mandatory", False),
            location_id=raw.get("location"),
            remote=raw.get("remote"),
            setup_minutes=raw.get("setup_minutes", 0),
            fixed_start=_parse(raw.get("fixed_start"), zone),
            windows=tuple(Window(_parse(s, zone), _parse(e, zone)) for s, e in raw["windows"]),
            notes=raw.get("notes", ""),
            internal_notes=raw.get("internal_notes", ""),
            windows_text=_windows_text_from_dict(raw.get("windows_text")),
        ))
    minutes = {(o, d): m for o, row in _need(data, "travel_minutes", "the file").items()
               for d, m in row.items()}
    estimated = {(o, d) for o, row in data.get("travel_estimated", {}).items() for d in row}
    problem = Problem(tour=tour, requests=tuple(requests), locations=locations,
                      travel=TravelTable(minutes, frozenset(estimated)))
    return problem, tuple(breaks)


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Rebuild a :class:`Plan` from a plan file dictionary; raises :class:`PlanFileError`."""
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise PlanFileError(f"plan file has schema_version {version!r}; this version reads {SCHEMA_VERSION}")
    try:
        problem, breaks = problem_from_dict(data)
        zone = problem.tour.zone
        engagements = tuple(
            Engagement(e["request_id"], date.fromisoformat(e["day"]), _parse(e["start"], zone),
                       _parse(e["end"], zone), e.get("location"))
            for e in _need(data, "engagements", "the file"))
        travel = tuple(
            TravelLeg(date.fromisoformat(t["day"]), t["from"], t["to"], _parse(t["depart"], zone),
                      _parse(t["arrive"], zone), t["minutes"], t.get("estimated", False))
            for t in data.get("travel", []))
        unscheduled = tuple(Unscheduled(u["request_id"], u["reason"], u.get("code", "displaced"))
                            for u in data.get("unscheduled", []))
        solver = SolverReport(**_need(data, "solver", "the file"))
        return Plan(problem=problem, engagements=engagements, travel=travel, breaks=breaks,
                    unscheduled=unscheduled, solver=solver, created=_parse(data.get("created"), zone),
                    history=tuple(data.get("history", [])))
    except PlanFileError:
        raise
    except (KeyError, TypeError, ValueError, DomainError) as error:
        raise PlanFileError(f"plan file is not valid: {error}") from error


def read_plan(path: str | Path) -> Plan:
    """Read a plan file; raises :class:`PlanFileError` with the path for any problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PlanFileError(f"{path}: no such file") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PlanFileError(f"{path}: not a plan file ({error})") from error
    if not isinstance(data, dict):
        raise PlanFileError(f"{path}: not a plan file (expected a JSON object)")
    try:
        return plan_from_dict(data)
    except PlanFileError as error:
        raise PlanFileError(f"{path}: {error}") from error
