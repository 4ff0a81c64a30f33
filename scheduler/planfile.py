"""The plan file (``plan.json``): a solved agenda with its whole problem, versioned.

The format is described in ``docs/plan-format.md``. ``plan_to_dict`` and ``plan_from_dict``
(in :mod:`scheduler.planfile_read`) are exact inverses for every field the format holds;
:func:`read_plan` runs the independent checker on a file before rebuilding its plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .checker import check_plan, describe
from .domain import Break, Day, Guest, Plan, Problem, Request, Tour, TravelLeg, TravelRules, Window, utc
from .errors import PlanFileError, SchedulerError
from .fsio import write_atomic
from .planfile_read import SCHEMA_VERSION, plan_from_dict, problem_from_dict
from .travel_estimates import estimate_matrix

__all__ = ["SCHEMA_VERSION", "absolute_windows_text", "agenda_places", "agenda_travel", "dumps",
           "plan_from_dict", "plan_to_dict",
           "problem_from_dict", "problem_to_dict", "read_plan", "write_plan"]


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat()


def problem_to_dict(problem: Problem, breaks: tuple[Break, ...] = (),
                    travel_kept: Mapping[tuple[str, str], int] | None = None) -> dict[str, Any]:
    """The ``tour``, ``locations``, ``requests`` and travel parts of a plan file.

    ``travel_kept`` is the travel written (:func:`agenda_travel`); ``None`` writes the whole
    table. When it leaves pairs out, ``travel_places`` lists the places the whole table
    covers, so that reading the file estimates the missing pairs again.
    """
    tour = problem.tour
    zone = tour.zone
    days = _days_to_dict(tour, tour.days, [b for b in breaks if not b.guest])
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
            "timezone": _request_zone(r, tour),
            "notes": r.notes,
            "internal_notes": r.internal_notes,
            **({"needs": list(r.needs)} if r.needs else {}),
            **({"guests": r.guests_text} if r.guests else {}),
        })
    locations = {
        loc.id: {"name": loc.name, "address": loc.address, "city": loc.city,
                 "latitude": loc.latitude, "longitude": loc.longitude,
                 "approximate": loc.approximate, "timezone": loc.timezone or None}
        for loc in sorted(problem.locations.values(), key=lambda l: l.id)
    }
    travel: dict[str, dict[str, int]] = {}
    estimated: dict[str, list[str]] = {}
    kept = problem.travel.minutes if travel_kept is None else travel_kept
    for (origin, destination), minutes in sorted(kept.items()):
        travel.setdefault(origin, {})[destination] = minutes
        if (origin, destination) in problem.travel.estimated:
            estimated.setdefault(origin, []).append(destination)
    sparse = {}
    if len(kept) < len(problem.travel.minutes):
        sparse["travel_places"] = sorted({place for pair in problem.travel.minutes for place in pair})
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
            "max_engagement_minutes_per_day": tour.max_engagement_minutes_per_day,
            "min_rest_minutes": tour.min_rest_minutes,
            "objective": {"value_weight": tour.objective.value_weight,
                          "travel_weight": tour.objective.travel_weight,
                          "span_weight": tour.objective.span_weight,
                          "value_basis": tour.objective.value_basis,
                          "priority_points": tour.objective.priority_points,
                          "audience_points": tour.objective.audience_points,
                          "balance_weight": tour.objective.balance_weight},
            "travel_rules": _travel_rules_to_dict(tour.travel_rules),
            "days": days,
            **_passages_to_dict(tour, zone),
            **_guests_to_dict(tour, breaks),
        },
        "locations": locations,
        "requests": requests,
        "travel_minutes": travel,
        "travel_estimated": estimated,
        **sparse,
        "rules": [{"kind": rule.kind, "number": rule.number, "first": list(rule.first),
                   "then": list(rule.then), "requests": list(rule.requests),
                   "minutes": rule.minutes} for rule in problem.rules],
        **_resources_to_dict(problem, zone),
    }


def _days_to_dict(tour: Tour, days: tuple[Day, ...], breaks: list[Break]) -> list[dict[str, Any]]:
    """Working days (the tour's or a member's) with the breaks placed on them; a break of a
    delegation member says whose it is (``guest``)."""
    zone = tour.zone
    written = []
    for day in days:
        meal = None
        if day.meal_window is not None:
            meal = {"earliest": _iso(day.meal_window.start, zone),
                    "latest": _iso(day.meal_window.end, zone),
                    "minutes": day.meal_minutes}
        written.append({
            "date": day.date.isoformat(),
            "timezone": tour.day_zone(day).key,
            "start": _iso(day.start, zone),
            "end": _iso(day.end, zone),
            "start_location": day.start_location,
            "end_location": day.end_location,
            "meal": meal,
            "breaks": [{"start": _iso(b.start, zone), "end": _iso(b.end, zone), "kind": b.kind,
                        **({"guest": b.guest} if b.guest else {})}
                       for b in breaks if b.day == day.date],
        })
    return written


def _guests_to_dict(tour: Tour, breaks: tuple[Break, ...]) -> dict[str, Any]:
    """The members of a delegation (``guests``), only when the tour has ``[[guests]]``: each
    with their own days (holding their breaks), legs, arrival and departure."""
    if not tour.is_delegation:
        return {}
    zone = tour.zone
    members = []
    for guest in tour.delegation:
        passages = _passages_to_dict(guest, zone)
        members.append({
            "id": guest.id, "name": guest.name, "timezone": guest.timezone,
            "days": _days_to_dict(tour, tour.days_of(guest.id), [b for b in breaks if b.guest == guest.id]),
            "legs": passages.get("legs", []),
            "arrival": passages.get("arrival"), "departure": passages.get("departure"),
        })
    return {"guests": members}


def _request_zone(request: Request, tour: Tour) -> str | None:
    """The zone the request's windows text is read in: its own, ``None`` for each day's; the
    tour's for absolute text, which :func:`absolute_windows_text` writes in the tour's zone."""
    if request.windows_text is None:
        return tour.timezone
    return request.windows_text.timezone or None


def _resources_to_dict(problem: Problem, zone: ZoneInfo) -> dict[str, Any]:
    """The shared resources (``resources``), only when the tour has some."""
    if not problem.resources:
        return {}
    return {"resources": [{"id": r.id, "name": r.name, "kind": r.kind, "travels": r.travels,
                           "location": r.location,
                           "hours": [[_iso(w.start, zone), _iso(w.end, zone)] for w in r.hours]}
                          for r in problem.resources]}


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


def _passages_to_dict(tour: Tour | Guest, zone: ZoneInfo) -> dict[str, Any]:
    """The fixed legs, the arrival and the departure of the tour (or of a delegation member);
    each key only when there is one."""
    body: dict[str, Any] = {}
    if tour.legs:
        body["legs"] = [{"from": leg.origin, "to": leg.destination, "depart": _iso(leg.depart, zone),
                         "arrive": _iso(leg.arrive, zone), "mode": leg.mode, "ref": leg.ref,
                         "notes": leg.notes, "checkin_minutes": leg.checkin_minutes}
                        for leg in tour.legs]
    for key, end in (("arrival", tour.arrival), ("departure", tour.departure)):
        if end is not None:
            body[key] = {"at": _iso(end.at, zone), "location": end.location,
                         "buffer_minutes": end.buffer_minutes, "mode": end.mode, "ref": end.ref}
    return body


def _leg_to_dict(leg: TravelLeg, zone: ZoneInfo) -> dict[str, Any]:
    body = {"day": leg.day.isoformat(), "from": leg.origin, "to": leg.destination,
            "depart": _iso(leg.depart, zone), "arrive": _iso(leg.arrive, zone),
            "minutes": leg.minutes, "estimated": leg.estimated,
            **({"guest": leg.guest} if leg.guest else {})}
    if leg.fixed:
        body.update(fixed=True, mode=leg.mode, ref=leg.ref, notes=leg.notes,
                    checkin_minutes=leg.checkin_minutes)
    return body


def _travel_rules_to_dict(rules: TravelRules | None) -> dict[str, Any] | None:
    if rules is None:
        return None
    return {"mode": rules.mode, "detour_factor": rules.detour_factor,
            "long_distance_km": rules.long_distance_km,
            "long_distance_mode": rules.long_distance_mode,
            "modes": {name: {"speed_kmh": rules.speeds_kmh[name],
                             "overhead_minutes": rules.overhead_minutes[name]}
                      for name in sorted(rules.speeds_kmh)}}


def agenda_places(plan: Plan) -> set[tuple[str, str]]:
    """Every ordered pair of different places one day of the agenda holds: its start and end,
    its engagements' places and its legs' ends. The guest moves only between such pairs."""
    problem = plan.problem
    place_of = {request.id: request.location_id for request in problem.requests}
    places_of: dict[date, set[str]] = {}
    tour = problem.tour
    for day in tour.days + tuple(day for guest in tour.delegation for day in guest.days):
        places_of.setdefault(day.date, set()).update((day.start_location, day.end_location))
        places_of[day.date].update(place for leg in day.legs for place in (leg.origin, leg.destination))
    for engagement in plan.engagements:
        places = {engagement.location, place_of.get(engagement.request_id)} - {None}
        places_of.setdefault(engagement.day, set()).update(places)
    for leg in plan.travel:
        places_of.setdefault(leg.day, set()).update((leg.origin, leg.destination))
    pairs = {(origin, destination) for places in places_of.values()
             for origin in places for destination in places if origin != destination}
    if tour.is_delegation:
        pairs |= _resource_moves(plan)
    return pairs


def _resource_moves(plan: Plan) -> set[tuple[str, str]]:
    """The places a travelling resource goes between in a delegation: from one in-person
    engagement using it to the next, whoever attends them (the checker judges that travel)."""
    problem = plan.problem
    setup = {request.id: request.setup_minutes for request in problem.requests}
    moves = set()
    for resource in problem.resources:
        if not resource.travels:
            continue
        uses = sorted((e for e in plan.engagements if resource.id in e.resources and e.location is not None),
                      key=lambda e: (utc(e.start) - timedelta(minutes=setup.get(e.request_id, 0)), e.request_id))
        moves.update((first.location, second.location) for first, second in zip(uses, uses[1:])
                     if first.location != second.location)
    return moves


def agenda_travel(plan: Plan) -> Mapping[tuple[str, str], int]:
    """The travel a plan file keeps: every time given, and the estimates between places one day
    of the agenda holds (:func:`agenda_places`).

    The other estimates are left out when the tour recorded its travel rules, the table holds
    every pair of its places and estimating again from the coordinates gives the same
    minutes, so that reading the file fills them in exactly
    (:func:`~scheduler.planfile_read.problem_from_dict`); a 2,000-request tour's file keeps a
    few hundred pairs instead of 390,000.
    """
    problem = plan.problem
    table, rules = problem.travel, problem.tour.travel_rules
    places = {place for pair in table.minutes for place in pair}
    if rules is None or not table.estimated or len(table.minutes) != len(places) * (len(places) - 1):
        return table.minutes
    located = sorted(place for place in places
                     if place in problem.locations and problem.locations[place].has_coordinates)
    position = {place: index for index, place in enumerate(located)}
    again = estimate_matrix(located, problem.locations, rules)
    needed = agenda_places(plan)
    kept = {}
    for pair, minutes in table.minutes.items():
        if pair in table.estimated and pair not in needed:
            origin, destination = position.get(pair[0]), position.get(pair[1])
            if origin is not None and destination is not None and again[origin][destination] == minutes:
                continue  # reading the file estimates it again, the same
        kept[pair] = minutes
    return kept


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The whole plan file as a JSON-ready dictionary."""
    problem = plan.problem
    zone = problem.tour.zone
    titles = {r.id: r.title for r in problem.requests}
    body = problem_to_dict(problem, plan.breaks, agenda_travel(plan))
    solver = plan.solver
    return {
        "schema_version": SCHEMA_VERSION,
        "created": _iso(plan.created, zone),
        **body,
        "engagements": [
            {"request_id": e.request_id, "title": titles.get(e.request_id, ""),
             "day": e.day.isoformat(), "start": _iso(e.start, zone), "end": _iso(e.end, zone),
             "location": e.location,
             **({"resources": list(e.resources)} if problem.resources else {}),
             **({"guests": list(e.guests)} if problem.tour.is_delegation else {})}
            for e in plan.engagements
        ],
        "travel": [_leg_to_dict(leg, zone) for leg in plan.travel],
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
            "stopped_by": solver.stopped_by,
        },
        "history": [dict(entry) for entry in plan.history],
    }


def dumps(plan: Plan) -> str:
    """The plan file's text: stable key order, two-space indent, UTF-8 characters kept."""
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: str | Path) -> Path:
    """Write the plan file atomically, privately, keeping a copy of a different old one."""
    return write_atomic(path, dumps(plan), private=True)


def read_plan(path: str | Path, *, check: bool = True) -> Plan:
    """Read a plan file, checking it against every rule of docs/plan-format.md first.

    Parameters
    ----------
    path
        The ``plan.json`` to read (UTF-8).
    check
        Run the independent checker on the file's dictionary before rebuilding the plan
        (the default); ``False`` only rebuilds it, as tests of broken plans need.

    Returns
    -------
    Plan
        The plan the file holds.

    Raises
    ------
    PlanFileError
        With the path: the file is missing or not JSON, the checker rejects the plan (the
        message names each broken rule and the engagement, request or day it is about), or a
        field is missing or of the wrong type (named by its path, ``engagements[3].start``).
    """
    path = Path(path)
    data = _plan_data(path)
    if check:
        violations = check_plan(data)
        if violations:
            raise PlanFileError(f"{path}: {describe(violations)}")
    return _rebuilt(path, data)


def read_plan_judged(path: str | Path) -> tuple[Plan | None, Exception | None]:
    """Read a plan file once, for a caller that also uses a plan the checker rejects.

    Returns
    -------
    tuple
        The plan rebuilt without the checker (``None`` when it cannot be rebuilt), and the
        error :func:`read_plan` would raise (``None`` when the checker accepts the plan): a
        :class:`PlanFileError`, or the OSError of a file that cannot be opened.
    """
    path = Path(path)
    try:
        data = _plan_data(path)
    except (PlanFileError, OSError) as error:
        return None, error
    violations = check_plan(data)
    rejected = PlanFileError(f"{path}: {describe(violations)}") if violations else None
    try:
        return _rebuilt(path, data), rejected
    except (SchedulerError, ValueError) as error:  # fields the checker let through, or did not
        return None, rejected or error


def _plan_data(path: Path) -> dict[str, Any]:
    """The plan file's JSON object (:class:`PlanFileError` when there is none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PlanFileError(f"{path}: no such file") from error
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        raise PlanFileError(f"{path}: not a plan file ({error})") from error
    except RecursionError:
        # Lists or objects nested thousands deep: no plan file is, and json cannot read them.
        raise PlanFileError(f"{path}: not a plan file (nested too deeply)") from None
    if not isinstance(data, dict):
        raise PlanFileError(f"{path}: not a plan file (expected a JSON object)")
    return data


def _rebuilt(path: Path, data: Mapping[str, Any]) -> Plan:
    try:
        return plan_from_dict(data)
    except PlanFileError as error:
        raise PlanFileError(f"{path}: {error}") from error
