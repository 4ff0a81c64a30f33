"""Re-planning changes from text: the command line's values, a changes TOML file, a CSV of new requests."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from scheduler.domain import Location, Plan, Request, Tour, TravelTable, Window
from scheduler.errors import InputError, InputIssue
from scheduler.io.issues import IssueLog, did_you_mean
from scheduler.io.load import MAX_OBJECTIVE, load_locations, load_travel_settings
from scheduler.io.places import TravelSettings, extend_travel
from scheduler.io.requests import ValueRule, read_requests_csv
from scheduler.io.resources import check_needs
from scheduler.io.tomlfile import parse_toml
from scheduler.io.windows import (LocalTimeError, WindowSyntaxError, check_year, local_instant,
                                  parse_windows)
from scheduler.replan.absence import Absence, check_absences
from scheduler.replan.changes import (
    MAX_DELAY_MINUTES, Changes, check_ids, unique_issues, unknown_request,
)

__all__ = ["CHANGES_KEYS", "parse_now", "read_changes"]

CHANGES_KEYS = ("now", "delay_minutes", "cancel", "pin", "requests", "unavailable", "absent")
ABSENT_KEYS = ("guest", "from", "until", "joint")


def parse_now(text: str, zone: ZoneInfo | str, *, source: str = "--now", tour: Tour | None = None
              ) -> datetime:
    """Read a moment such as ``2018-11-27 12:00`` or ``2018-11-27T12:00+01:00``.

    A moment without a UTC offset is in ``zone`` (the tour's) or, given the ``tour``, in the
    zone of the tour day of that date (the clock where the guest is that day); a local time
    that a daylight-saving change skips or repeats is refused.

    Raises
    ------
    InputError
        When the text is not a date and time.
    """
    zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError([InputIssue(source, None, None, f"`{text}` is not a date and time; write "
                                     "it like 2018-11-27 12:00 or 2018-11-27T12:00+01:00")]) from None
    try:
        # The moment goes into the new plan file, whose reader takes these years only.
        check_year(moment.year, text.strip())
    except WindowSyntaxError as error:
        raise InputError([InputIssue(source, None, None, str(error))]) from None
    if moment.tzinfo is None and tour is not None:
        zone = next((tour.day_zone(day) for day in tour.days if day.date == moment.date()), zone)
    return _aware(moment, zone, source)


def _aware(moment: datetime, zone: ZoneInfo, source: str) -> datetime:
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    try:
        return local_instant(moment, zone)
    except LocalTimeError as error:
        raise InputError([InputIssue(source, None, None, str(error))]) from None


def read_changes(plan: Plan, *, cancel: Iterable[str] = (), unavailable: Iterable[str] = (),
                 delay_minutes: int | None = None, requests_csv: str | Path | None = None,
                 changes_file: str | Path | None = None, pin: Iterable[str] = (),
                 now: str | None = None, absent: Iterable[str] = ()
                 ) -> tuple[Changes, datetime | None]:
    """Read the changes given on the command line and in a changes file, checking them all.

    Parameters
    ----------
    plan
        The plan being re-planned: its tour gives windows their meaning, its requests the ids.
    cancel, pin
        Request ids.
    unavailable
        ``ID=WINDOWS`` texts, the windows in the syntax of requests.csv
        (``elpais=Wed 10:00-12:00``).
    delay_minutes
        The delay, overriding the changes file's.
    requests_csv
        New or edited requests in the requests.csv format, read against the plan's tour, its
        places and the bundled directory, valued by the plan's value rule. Travel to the
        places they add is estimated the way the plan's was (its recorded travel rules).
    changes_file
        A TOML file with any of ``now``, ``delay_minutes``, ``cancel``, ``pin``, ``requests``
        (a CSV path relative to the file), an ``[unavailable]`` table (id = windows) and
        ``[[absent]]`` tables (``guest``, ``from``, ``until``, ``joint``) for members of a
        delegation who cannot attend for a time.
    now
        The moment of the re-plan as text (overrides the changes file's).
    absent
        Ids of delegation members absent from ``now`` to the end of the tour (joint meetings
        continue with the others).

    Returns
    -------
    tuple[Changes, datetime or None]
        The changes of both sources together, and ``now`` when either gave it.

    Raises
    ------
    InputError
        With every problem found: unknown ids (with a suggestion), windows or times that
        cannot be read, a CSV's problems with file, line and column, new places without
        coordinates.
    """
    tour = plan.problem.tour
    issues: list[InputIssue] = []
    cancel_ids = list(cancel)
    pin_ids = list(pin)
    absences = [Absence(guest) for guest in absent]
    specs: list[tuple[str, str, str]] = []  # (source, id, windows text)
    for text in unavailable:
        rid, sep, windows = text.partition("=")
        if not sep or not rid.strip() or not windows.strip():
            issues.append(InputIssue("--unavailable", None, None,
                                     f"`{text}`: write it as ID=WINDOWS, like elpais=Wed 10:00-12:00"))
            continue
        specs.append(("--unavailable", rid.strip(), windows.strip()))
    moment: datetime | None = None
    delay = delay_minutes
    csv_path = Path(requests_csv) if requests_csv is not None else None
    csv_source = "--requests"
    if changes_file is not None:
        data = _read_changes_file(Path(changes_file), issues)
        name = Path(changes_file).name
        if data is not None:
            # The file's changes come first, then the command line's.
            cancel_ids = _id_list(data, "cancel", name, issues) + cancel_ids
            pin_ids = _id_list(data, "pin", name, issues) + pin_ids
            table = data.get("unavailable", {})
            if not isinstance(table, dict):
                issues.append(InputIssue(name, None, "unavailable", "must be a table: id = \"windows\""))
            else:
                for rid, windows in table.items():
                    if not isinstance(windows, str) or not windows.strip():
                        issues.append(InputIssue(name, None, f"unavailable.{rid}",
                                                 "must be windows as text, like \"Wed 10:00-12:00\""))
                    else:
                        specs.append((name, rid, windows))
            if delay is None and "delay_minutes" in data:
                value = data["delay_minutes"]
                if isinstance(value, bool) or not isinstance(value, int):
                    issues.append(InputIssue(name, None, "delay_minutes", "must be whole minutes"))
                else:
                    delay = value
            if csv_path is None and "requests" in data:
                if not isinstance(data["requests"], str):
                    issues.append(InputIssue(name, None, "requests",
                                             "must be the path of a requests file (CSV, .xlsx or .ods)"))
                else:
                    csv_path = Path(changes_file).parent / data["requests"]
                    csv_source = name
            if now is None and "now" in data:
                moment = _file_now(data["now"], tour, name, issues)
            absences = _absences(data, Path(changes_file), tour, issues) + absences
    if now is not None:
        try:
            moment = parse_now(now, tour.zone, tour=tour)
        except InputError as error:
            issues += error.problems
    delay = 0 if delay is None else delay
    if not 0 <= delay <= MAX_DELAY_MINUTES:
        issues.append(InputIssue("--delay", None, None,
                                 f"{delay} minutes: give 0 to {MAX_DELAY_MINUTES} minutes"))
    requests: tuple[Request, ...] = ()
    locations: dict[str, Location] = {}
    travel: TravelTable | None = None
    if csv_path is not None:
        requests, locations = _read_requests(plan, csv_path, csv_source, issues)
        travel = _travel_to_new_places(plan, requests, locations, issues)
    windows: dict[str, tuple[Window, ...]] = {}
    by_id = {r.id: r for r in plan.problem.requests} | {r.id: r for r in requests}
    for source, rid, text in specs:
        request = by_id.get(rid)
        if request is None:
            issues.append(unknown_request(source, rid, by_id))
            continue
        try:
            found = parse_windows(text, tour.days, tour.zone, duration_minutes=request.duration_minutes,
                                  file=source, field=rid, request_zone=_request_zone(request))
        except InputError as error:
            issues += error.problems
            continue
        windows[rid] = windows.get(rid, ()) + tuple(found)
    changes = Changes(cancel=tuple(dict.fromkeys(cancel_ids)), unavailable=windows,
                      requests=requests, locations=locations, delay_minutes=delay,
                      pin=tuple(dict.fromkeys(pin_ids)),
                      requests_file=csv_path.name if csv_path is not None else None, travel=travel,
                      absent=tuple(absences))
    issues += check_ids(plan, changes) + check_absences(plan, absences, moment)
    if issues:
        raise InputError(unique_issues(issues))
    return changes, moment


def _request_zone(request: Request) -> str:
    """The zone a request's windows were read in (``""``: each day's)."""
    return request.windows_text.timezone if request.windows_text is not None else ""


def _absences(data: Mapping[str, Any], path: Path, tour: Tour, issues: list[InputIssue]) -> list[Absence]:
    """The ``[[absent]]`` tables of a changes file, each with the line it starts on."""
    tables = data.get("absent", [])
    name = path.name
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        issues.append(InputIssue(name, None, "absent", "write each absence as an [[absent]] table "
                                 "with guest = \"…\" (and from, until, joint)"))
        return []
    lines = _table_lines(path, "absent")
    out = []
    for index, table in enumerate(tables):
        keys = lines[index] if index < len(lines) else {}
        line = keys.get("", None)
        for key in table:
            if key not in ABSENT_KEYS:
                issues.append(InputIssue(name, keys.get(key, line), f"absent.{key}",
                                         f"unknown key `{key}`{did_you_mean(key, ABSENT_KEYS)}; the keys "
                                         f"are: {', '.join(ABSENT_KEYS)}"))
        guest = table.get("guest")
        if not isinstance(guest, str) or not guest.strip():
            issues.append(InputIssue(name, keys.get("guest", line), "guest",
                                     "say who is absent: guest = \"anna\" (a member's id)"))
            continue
        moments = {}
        for key in ("from", "until"):
            if key in table:
                found = len(issues)
                moments[key] = _file_now(table[key], tour, name, issues)
                for k in range(found, len(issues)):
                    issues[k] = InputIssue(name, keys.get(key, line), key, issues[k].message)
        joint = table.get("joint", "continue")
        if not isinstance(joint, str):
            joint = str(joint)
        out.append(Absence(guest.strip(), moments.get("from"), moments.get("until"), joint,
                           source=name, line=keys.get("guest", line)))
    return out


def _table_lines(path: Path, table: str) -> list[dict[str, int]]:
    """For each ``[[table]]`` of a TOML file, in order: the line of its header (key ``""``)
    and of each of its keys (TOML readers keep no lines; messages name them)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    out: list[dict[str, int]] = []
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            inside = line.replace(" ", "") == f"[[{table}]]"
            if inside:
                out.append({"": number})
            continue
        if inside and "=" in line and not line.startswith("#"):
            out[-1].setdefault(line.split("=", 1)[0].strip().strip('"'), number)
    return out


def _read_changes_file(path: Path, issues: list[InputIssue]) -> dict[str, Any] | None:
    try:
        data = parse_toml(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        issues.append(InputIssue(str(path), None, None, "no such file"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        issues.append(InputIssue(str(path), None, None, f"cannot read it: {error}"))
        return None
    except tomllib.TOMLDecodeError as error:
        issues.append(InputIssue(path.name, getattr(error, "lineno", None), None, f"not TOML: {error}"))
        return None
    for key in data:
        if key not in CHANGES_KEYS:
            issues.append(InputIssue(path.name, None, key, f"unknown key `{key}`"
                                     f"{did_you_mean(key, CHANGES_KEYS)}; the keys are: "
                                     f"{', '.join(CHANGES_KEYS)}"))
    return data


def _id_list(data: Mapping[str, Any], key: str, name: str, issues: list[InputIssue]) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        issues.append(InputIssue(name, None, key, "must be a list of request ids, like [\"podemos\"]"))
        return []
    return list(value)


def _file_now(value: Any, tour: Tour, name: str, issues: list[InputIssue]) -> datetime | None:
    try:
        if isinstance(value, datetime):
            return parse_now(value.isoformat(), tour.zone, source=name, tour=tour)
        if isinstance(value, str):
            return parse_now(value, tour.zone, source=name, tour=tour)
    except InputError as error:
        issues += error.problems
        return None
    issues.append(InputIssue(name, None, "now", "must be a date and time, like 2018-11-27T12:00:00"))
    return None


def _read_requests(plan: Plan, path: Path, source: str, issues: list[InputIssue]
                   ) -> tuple[tuple[Request, ...], dict[str, Location]]:
    tour = plan.problem.tour
    if not path.is_file():
        issues.append(InputIssue(source, None, None, f"{path}: no such file"))
        return (), {}
    try:
        known = {**load_locations(), **plan.problem.locations}
        read = read_requests_csv(path, tour, known, value_rule=ValueRule.from_objective(tour.objective))
    except InputError as error:
        issues += error.problems
        return (), {}
    log = IssueLog()
    check_needs(read.requests, read.need_lines, plan.problem.resources, path.name, log)
    if len(log):
        issues += log.issues
        return (), {}
    weight = tour.objective.value_weight
    total = sum(r.value for r in plan.problem.requests) + sum(r.value for r in read.requests)
    if weight * total > MAX_OBJECTIVE:
        # As the tour's reader refuses it (io/load.py): above this the objective is not exact.
        issues.append(InputIssue(path.name, None, "value",
                                 f"with these requests the value served could reach {total:,}, "
                                 f"which times value_weight {weight:,} is more than the planner "
                                 f"counts exactly ({MAX_OBJECTIVE:,}); lower the values"))
        return (), {}
    places = {**known, **read.locations}
    needed = {r.location_id for r in read.requests if r.location_id is not None}
    added = {pid: places[pid] for pid in sorted(needed) if pid not in plan.problem.locations}
    return read.requests, added


def _travel_to_new_places(plan: Plan, requests: Iterable[Request], locations: Mapping[str, Location],
                          issues: list[InputIssue]) -> TravelTable | None:
    """The plan's travel table completed for the places the requests add (``None`` when none).

    New pairs are estimated from coordinates with the travel rules the plan recorded, or the
    bundled ones for a plan that recorded none.
    """
    problem = plan.problem
    used = set(problem.used_locations())
    places = {r.location_id for r in requests if r.location_id is not None}
    if places <= used:
        return None
    try:
        rules = problem.tour.travel_rules
        settings = TravelSettings.from_rules(rules) if rules is not None else load_travel_settings()
        return extend_travel(problem.travel, {**problem.locations, **locations},
                             sorted(places | used), settings)
    except InputError as error:
        issues += error.problems
        return None
