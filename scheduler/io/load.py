"""Reads a whole tour folder into a :class:`~scheduler.domain.Problem`, reporting every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from scheduler.domain import (Day, DomainError, Endpoint, Guest, Location, Problem, Request, Tour, TravelTable,
                              utc)
from scheduler.errors import InputError, InputIssue
from scheduler.io.delegation import build_delegation, member_frames, widened_days
from scheduler.io.issues import IssueLog, Suggester
from scheduler.io.legs import check_leg_reach
from scheduler.io.places import (PlaceEntry, TravelSettings, default_travel_settings, read_locations,
                                 read_travel, read_travel_modes, travel_table)
from scheduler.io.requests import RequestsRead, ValueRule, read_requests
from scheduler.io.resources import build_resources, check_needs
from scheduler.io.tour_rules import check_rule_ids
from scheduler.io.tour_days import MEMBER_HOURS_DAY_TABLE, day_end_lines
from scheduler.io.tourfile import FILE as TOUR_FILE, TourFile, build_days, build_tour, read_tour_file
from scheduler.io.windows import TourCalendar, WindowReader
from scheduler.io.workbook import TABLE_SUFFIXES, find_table
from scheduler.resources import data_dir

__all__ = ["TOUR_FILES", "load_locations", "load_tour", "load_travel_settings"]

TOUR_FILES = ("tour.toml", "requests.csv", "availability.csv", "locations.csv", "travel.csv")
# Each table may also be a workbook: requests.xlsx or requests.ods instead of requests.csv.
_TABLES = ("requests", "availability", "locations", "travel")
_FILE_ORDER = (TOUR_FILE,) + tuple(f"{table}{suffix}" for table in _TABLES for suffix in TABLE_SUFFIXES)
# Files a spreadsheet keeps beside a workbook it has open (Excel, LibreOffice).
_LOCK_PREFIXES = ("~$", ".~lock.")
_MISSING_SHOWN = 5


def load_tour(folder: str | Path) -> Problem:
    """Read a tour folder (docs/input-format.md) into a validated problem.

    Parameters
    ----------
    folder
        The folder holding ``tour.toml`` and ``requests.csv``, and optionally
        ``availability.csv``, ``locations.csv`` and ``travel.csv``; each table may be a
        workbook instead (``requests.xlsx``, ``requests.ods``).

    Returns
    -------
    Problem
        The tour with its days, the requests with their windows and values, the locations
        the days and requests use, and the travel minutes between every two of them.

    Raises
    ------
    InputError
        With every problem found in every file, each naming the file (relative to the folder),
        the physical line and the column or TOML key.
    """
    root = Path(folder)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise InputError([InputIssue(str(folder), None, None, f"the tour folder {what}")])
    log = IssueLog()
    _check_file_names(root, log)
    detour_factor, modes = read_travel_modes(data_dir() / "travel_modes.toml",
                                             str(data_dir() / "travel_modes.toml"), log)
    places = _known_places(root, log)
    place_zones = {place_id: entry.location.timezone for place_id, entry in places.items()
                   if entry.location.timezone}
    tour_file = read_tour_file(root / TOUR_FILE, log, detour_factor=detour_factor, modes=modes,
                               place_zones=place_zones)
    frame = tour_file.frame if tour_file is not None else None
    days = build_days(frame, log) if frame is not None else None
    members: tuple[Guest, ...] | None = ()
    if tour_file is not None and tour_file.guests and frame is not None and days is not None:
        members = build_delegation(frame, tour_file.guests, tour_file.legs, days, log)
    if tour_file is not None:
        _check_tour_places(tour_file, places, log)
    travel_path = find_table(root, "travel", log)
    given = read_travel(travel_path, travel_path.name, log, places) if travel_path else None
    reader = None
    if frame is not None and days is not None and members is not None:
        reader = WindowReader(TourCalendar.from_days(widened_days(days, members), frame.zone))
    requests_issues = len(log)
    read = _read_requests(root, log, places, reader, tour_file)
    if tour_file is not None and tour_file.rules and len(log) == requests_issues:
        # With a row of requests.csv wrong, its id may be named rightly: say nothing then.
        check_rule_ids(tour_file.rules, {r.id for r in read.requests}, TOUR_FILE, log)
    if tour_file is not None and len(log) == requests_issues:
        check_needs(read.requests, read.need_lines, tour_file.resources, _requests_name(root), log)
    if tour_file is not None and len(log) == requests_issues:
        _check_objective_scale(tour_file, read.requests, log)
    problem = None
    if tour_file is not None and days is not None and members is not None:
        # Built even when other files have problems, so that missing coordinates are
        # reported in the same round.
        problem = _problem(days, members, read, places, given.minutes if given else {}, tour_file, log)
    log.raise_if_any(_FILE_ORDER)
    if problem is None:
        raise InputError([InputIssue(TOUR_FILE, None, None, "the tour could not be built")])
    return problem


def load_locations(folder: str | Path | None = None) -> dict[str, Location]:
    """Every known location: the bundled directory, and a tour folder's ``locations.csv`` over it.

    Raises
    ------
    InputError
        When a locations file has problems.
    """
    log = IssueLog()
    root = Path(folder) if folder is not None else None
    places = _known_places(root, log)
    log.raise_if_any()
    return {place_id: entry.location for place_id, entry in places.items()}


def load_travel_settings(folder: str | Path | None = None) -> TravelSettings:
    """How missing travel times are estimated: a tour folder's ``[travel]`` over the bundled modes.

    Without a folder (or when its tour.toml has no ``[travel]``), the bundled defaults.

    Raises
    ------
    InputError
        When tour.toml or the bundled modes cannot be read.
    """
    modes_path = data_dir() / "travel_modes.toml"
    if folder is None:
        return default_travel_settings(modes_path)
    log = IssueLog()
    detour_factor, modes = read_travel_modes(modes_path, str(modes_path), log)
    tour_file = read_tour_file(Path(folder) / TOUR_FILE, log, detour_factor=detour_factor, modes=modes)
    log.raise_if_any()
    if tour_file is None or tour_file.travel is None:
        raise InputError([InputIssue(TOUR_FILE, None, "travel", "cannot read the travel settings")])
    return tour_file.travel


def _check_file_names(root: Path, log: IssueLog) -> None:
    """A misnamed file (``location.csv``) would be silently ignored: say so instead."""
    for path in sorted(root.iterdir()):
        if (path.name in _FILE_ORDER or path.suffix.lower() not in (".toml",) + TABLE_SUFFIXES
                or path.name.startswith(_LOCK_PREFIXES)):
            continue
        close = difflib.get_close_matches(path.name.lower(), _FILE_ORDER, n=1, cutoff=0.85)
        if close and not (root / close[0]).exists():
            log.add(path.name, None, None, f"`{path.name}` is not read; did you mean `{close[0]}`? "
                    f"a tour folder holds: {', '.join(TOUR_FILES)} (each table may be "
                    ".xlsx or .ods instead of .csv)")


def _known_places(root: Path | None, log: IssueLog) -> dict[str, PlaceEntry]:
    bundled = data_dir() / "places.csv"
    places = read_locations(bundled, str(bundled), log) if bundled.is_file() else {}
    path = find_table(root, "locations", log) if root is not None else None
    if path is not None:
        places.update(read_locations(path, path.name, log))
    return places


def _check_tour_places(tour_file: TourFile, places: Mapping[str, PlaceEntry], log: IssueLog) -> None:
    suggester = Suggester(places)
    for ref in tour_file.location_refs:
        if ref.location_id not in places:
            log.add(TOUR_FILE, ref.line, ref.field, f"unknown location `{ref.location_id}`"
                    f"{suggester.hint(ref.location_id)}; add it to locations.csv")


def _requests_name(root: Path) -> str:
    path = find_table(root, "requests", IssueLog())
    return path.name if path is not None else "requests.csv"


def _read_requests(root: Path, log: IssueLog, places: Mapping[str, PlaceEntry],
                   reader: WindowReader | None, tour_file: TourFile | None) -> RequestsRead:
    path = find_table(root, "requests", log)
    if path is None:
        if not any((root / f"requests{suffix}").is_file() for suffix in TABLE_SUFFIXES):
            log.add("requests.csv", None, None, "requests.csv is missing; every tour folder needs "
                    "one (or requests.xlsx or requests.ods)")
        return RequestsRead(())
    availability = find_table(root, "availability", log)
    value_rule = tour_file.value_rule if tour_file is not None else ValueRule()
    return read_requests(path, path.name, log, locations=places, reader=reader,
                         value_rule=value_rule,
                         availability=(availability, availability.name) if availability else None,
                         guest_ids=tour_file.guest_ids if tour_file is not None else None)


def _used_ids(tour: Tour, requests: tuple[Request, ...], tour_file: TourFile) -> list[str]:
    ids = {request.location_id for request in requests if request.location_id is not None}
    ids.update(entry.location for entry in tour_file.resources if entry.location is not None)
    for day in tour.days + tuple(day for guest in tour.delegation for day in guest.days):
        ids.update((day.start_location, day.end_location))
        ids.update(place for leg in day.legs for place in (leg.origin, leg.destination))
    # The arrival and the departure, for the transfer to or from the lodging in the calendar.
    ends = (tour.arrival, tour.departure) + tuple(end for guest in tour.delegation
                                                   for end in (guest.arrival, guest.departure))
    ids.update(end.location for end in ends if end is not None)
    return sorted(ids)


MAX_OBJECTIVE = 2 ** 53
"""The largest value the objective's value term may reach (``value_weight`` times the value
of every request): the largest whole number a float (the plan file's objective, the route
bound's linear program) holds exactly, far inside CP-SAT's 64-bit integers, which the travel
and span terms share. Above about 2^63, CP-SAT refused the model as invalid, and the plan
command said to try a longer time limit."""


def _check_objective_scale(tour_file: TourFile, requests: tuple[Request, ...],
                           log: IssueLog) -> None:
    """Report an objective whose value term could exceed :data:`MAX_OBJECTIVE`."""
    weight = tour_file.objective.value_weight
    total = weight * sum(request.value for request in requests)
    if total <= MAX_OBJECTIVE:
        return
    line = tour_file.frame.lines.line_of("objective.value_weight") if tour_file.frame else None
    log.add(TOUR_FILE, line, "objective.value_weight",
            f"value_weight {weight:,} times the requests' total value "
            f"({sum(r.value for r in requests):,}) is {total:,}, more than the planner counts "
            f"exactly ({MAX_OBJECTIVE:,}); lower value_weight (only its ratio to travel_weight "
            f"and span_weight matters) or the values")


def _short_endpoint_days(days: tuple[Day, ...], arrival: Endpoint | None,
                         departure: Endpoint | None, table: TravelTable) -> set[date]:
    """The arrival and departure days (without legs) too short for the way from the arrival
    place to the lodging, or from the lodging to the departure place: like a day the arrival
    leaves with no working time, they are not working days. ``days`` are the one guest's, or
    a delegation member's with their arrival and departure."""
    if not days:
        return set()
    short = set()
    for day, end in ((days[0], arrival), (days[-1], departure)):
        if end is None or day.legs or end.location not in (day.start_location, day.end_location):
            continue
        minutes = table.between(day.start_location, day.end_location) + day.meal_minutes
        if utc(day.start) + timedelta(minutes=minutes) > utc(day.end):
            short.add(day.date)
    return short


def _without_short_endpoint_days(tour: Tour, tour_file: TourFile, table: TravelTable) -> Tour:
    """The tour without the arrival and departure days too short for their transfer
    (:func:`_short_endpoint_days`), the one guest's or each member's; a guest all of whose
    days are short keeps them, and the reach check reports them."""
    if not tour.delegation:
        short = _short_endpoint_days(tour.days, tour.arrival, tour.departure, table)
        if not short or len(short) == len(tour.days):
            return tour
        return build_tour(tour_file, tuple(day for day in tour.days if day.date not in short)) or tour
    members = []
    for guest in tour.delegation:
        short = _short_endpoint_days(guest.days, guest.arrival, guest.departure, table)
        if short and len(short) < len(guest.days):
            guest = replace(guest, days=tuple(day for day in guest.days if day.date not in short))
        members.append(guest)
    if tuple(members) == tour.delegation:
        return tour
    return build_tour(tour_file, tour.days, tuple(members)) or tour


def _check_reach(tour: Tour, tour_file: TourFile, table: TravelTable, log: IssueLog) -> None:
    """Report a day that cannot hold its own moves: the one guest's, or each member's (the
    tour's days of a delegation are no one's route), at the line that sets where it ends."""
    frame = tour_file.frame
    if frame is None:
        return
    if not tour.delegation:
        check_leg_reach(tour.days, table, log, day_ends=day_end_lines(frame, tour.days),
                        entries=tour_file.legs, hours_table=frame.hours_day_table)
        return
    frames = member_frames(frame, tour_file.guests, tour_file.legs)
    for guest in tour.delegation:
        member = frames.get(guest.id)
        check_leg_reach(guest.days, table, log, who=f"guest `{guest.id}`",
                        day_ends=day_end_lines(member, guest.days) if member else None,
                        entries=tour_file.legs, hours_table=MEMBER_HOURS_DAY_TABLE)


def _problem(days: tuple[Day, ...], members: tuple[Guest, ...], read: RequestsRead,
             places: Mapping[str, PlaceEntry], given: Mapping[tuple[str, str], int],
             tour_file: TourFile, log: IssueLog) -> Problem | None:
    if tour_file.travel is None:
        return None
    try:
        tour = build_tour(tour_file, days, members)
    except DomainError as error:
        log.add(TOUR_FILE, None, None, f"the tour does not hold together: {error}")
        return None
    if tour is None:
        return None
    locations = {place_id: entry.location for place_id, entry in places.items()}
    locations.update(read.locations)
    used = [place for place in _used_ids(tour, read.requests, tour_file) if place in locations]
    table, missing = travel_table(used, locations, given, tour_file.travel)
    for place_id, others in sorted(missing.items()):
        entry = places.get(place_id)
        if entry is not None and not entry.complete:
            continue  # its row's own problem is reported already
        shown = ", ".join(others[:_MISSING_SHOWN])
        more = f" and {len(others) - _MISSING_SHOWN} more" if len(others) > _MISSING_SHOWN else ""
        log.add(entry.file if entry else "locations.csv", entry.line if entry else None, "latitude",
                f"`{place_id}` has no coordinates, so travel to and from it cannot be estimated; "
                f"give its latitude and longitude, or give in travel.csv the minutes between it "
                f"and {shown}{more}")
    if len(log):
        return None  # a problem already reported (an unknown place, say) would only repeat here
    tour = _without_short_endpoint_days(tour, tour_file, table)
    _check_reach(tour, tour_file, table, log)
    if len(log):
        return None
    # A resource without hours keeps the hours of whoever works that day.
    resources = build_resources(tour_file.resources, widened_days(tour.days, tour.delegation),
                                tour.zone, TOUR_FILE, log)
    if len(log):
        return None
    try:
        return Problem(tour, read.requests, {place: locations[place] for place in used}, table,
                       tuple(entry.rule for entry in tour_file.rules if entry.rule is not None),
                       resources)
    except DomainError as error:
        log.add(TOUR_FILE, None, None, f"the tour does not hold together: {error}")
        return None
