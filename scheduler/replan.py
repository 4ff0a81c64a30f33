"""Re-planning during the visit: an old plan and its changes in; a new plan, its diff and versions out.

What ended before ``now`` is done and never changes; what is under way stays. The rest of the
tour becomes a smaller problem (the remaining days; today from the moment and the place the
guest is free) that the one engine solves with the old agenda as ``previous`` (every change
is priced) and as hints. The kept past and the new future are merged into one plan over the
original days, with today's travel legs placed again after the cut by the planner's own rule.
The decisions are written down in docs/replanning.md.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from .domain import (
    Break, Day, DomainError, Engagement, Location, Plan, Problem, Request, TravelLeg, Unscheduled,
    Window, utc,
)
from .errors import InfeasibleError, InputError, InputIssue
from .model.cpmodel import ChangeCosts, PinError
from .model.extract import place_leg
from .model.instance import Instance, build_instance
from .reasons import pruned_reason, when
from .solve import LARGE_MODEL, Baseline, SolveParams, model_size, solve
from .timegrid import TimeGrid

log = logging.getLogger(__name__)

__all__ = [
    "CHANGES_KEYS",
    "Changes",
    "Dropped",
    "Moved",
    "PlanDiff",
    "ReplanFiles",
    "ReplanResult",
    "change_costs_for",
    "changes_markdown",
    "current_sequences",
    "diff_plans",
    "invitation_changes",
    "parse_now",
    "plan_version",
    "read_changes",
    "replan",
    "write_replan",
]

CHANGES_KEYS = ("now", "delay_minutes", "cancel", "pin", "requests", "unavailable")
MAX_DELAY_MINUTES = 24 * 60
# Change penalties in value points before the travel guard (see change_costs_for).
SHIFT_POINTS, MOVE_DAY_POINTS, DROP_POINTS = 0.5, 5, 20
_RUN_SHEETS = (("csv", "team"), ("md", "team"), ("html", "team"), ("pdf", "team"),
               ("md", "guest"), ("html", "guest"), ("pdf", "guest"))


# ============================================================================ the changes

@dataclass(frozen=True)
class Changes:
    """What changed since the plan was made.

    Attributes
    ----------
    cancel
        Requests withdrawn: they leave the problem (requests, agenda and waiting list).
    unavailable
        Request id → windows the counterpart can no longer do; they are cut out of its windows.
    requests
        New requests, and edited ones (a request whose id the plan has replaces it whole).
    locations
        The places those requests name that the plan does not hold yet.
    delay_minutes
        The guest is free this many minutes later than they would be at ``now``.
    pin
        Scheduled engagements that must stay exactly where they are.
    requests_file
        Where ``requests`` came from, for the history.
    """

    cancel: tuple[str, ...] = ()
    unavailable: Mapping[str, tuple[Window, ...]] = field(default_factory=dict)
    requests: tuple[Request, ...] = ()
    locations: Mapping[str, Location] = field(default_factory=dict)
    delay_minutes: int = 0
    pin: tuple[str, ...] = ()
    requests_file: str | None = None

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all changed (a re-plan then keeps the agenda as it is)."""
        return not (self.cancel or self.unavailable or self.requests or self.delay_minutes
                    or self.pin)

    def to_dict(self, plan: Plan) -> dict[str, Any]:
        """The changes as the history records them (JSON-ready; times in the tour's zone)."""
        zone = plan.problem.tour.zone
        known = {r.id for r in plan.problem.requests}
        return {
            "cancel": list(self.cancel),
            "unavailable": {rid: [[w.start.astimezone(zone).isoformat(), w.end.astimezone(zone).isoformat()]
                                  for w in windows] for rid, windows in sorted(self.unavailable.items())},
            "requests_added": [r.id for r in self.requests if r.id not in known],
            "requests_edited": [r.id for r in self.requests if r.id in known],
            "requests_file": self.requests_file,
            "delay_minutes": self.delay_minutes,
            "pin": list(self.pin),
        }


def parse_now(text: str, zone: ZoneInfo | str, *, source: str = "--now") -> datetime:
    """Read a moment such as ``2018-11-27 12:00`` or ``2018-11-27T12:00+01:00``.

    A moment without a UTC offset is in ``zone`` (the tour's); a local time that a
    daylight-saving change skips or repeats is refused.

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
    return _aware(moment, zone, source)


def _aware(moment: datetime, zone: ZoneInfo, source: str) -> datetime:
    from .io.windows import LocalTimeError, local_instant

    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    try:
        return local_instant(moment, zone)
    except LocalTimeError as error:
        raise InputError([InputIssue(source, None, None, str(error))]) from None


def read_changes(plan: Plan, *, cancel: Iterable[str] = (), unavailable: Iterable[str] = (),
                 delay_minutes: int | None = None, requests_csv: str | Path | None = None,
                 changes_file: str | Path | None = None, pin: Iterable[str] = (),
                 now: str | None = None) -> tuple[Changes, datetime | None]:
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
        places and the bundled directory, valued by the plan's value rule.
    changes_file
        A TOML file with any of ``now``, ``delay_minutes``, ``cancel``, ``pin``, ``requests``
        (a CSV path relative to the file) and an ``[unavailable]`` table (id = windows).
    now
        The moment of the re-plan as text (overrides the changes file's).

    Returns
    -------
    tuple[Changes, datetime or None]
        The changes of both sources together, and ``now`` when either gave it.

    Raises
    ------
    InputError
        With every problem found: unknown ids (with a suggestion), windows or times that
        cannot be read, a CSV's problems with file, line and column.
    """
    tour = plan.problem.tour
    issues: list[InputIssue] = []
    cancel_ids = list(cancel)
    pin_ids = list(pin)
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
                    issues.append(InputIssue(name, None, "requests", "must be the path of a CSV file"))
                else:
                    csv_path = Path(changes_file).parent / data["requests"]
                    csv_source = name
            if now is None and "now" in data:
                moment = _file_now(data["now"], tour.zone, name, issues)
    if now is not None:
        try:
            moment = parse_now(now, tour.zone)
        except InputError as error:
            issues += error.problems
    delay = 0 if delay is None else delay
    if not 0 <= delay <= MAX_DELAY_MINUTES:
        issues.append(InputIssue("--delay", None, None,
                                 f"{delay} minutes: give 0 to {MAX_DELAY_MINUTES} minutes"))
    requests: tuple[Request, ...] = ()
    locations: dict[str, Location] = {}
    if csv_path is not None:
        requests, locations = _read_requests(plan, csv_path, csv_source, issues)
    windows: dict[str, tuple[Window, ...]] = {}
    by_id = {r.id: r for r in plan.problem.requests} | {r.id: r for r in requests}
    for source, rid, text in specs:
        request = by_id.get(rid)
        if request is None:
            issues.append(_unknown(source, rid, by_id))
            continue
        try:
            from .io import parse_windows

            found = parse_windows(text, tour.days, tour.zone, duration_minutes=request.duration_minutes,
                                  file=source, field=rid)
        except InputError as error:
            issues += error.problems
            continue
        windows[rid] = windows.get(rid, ()) + tuple(found)
    changes = Changes(cancel=tuple(dict.fromkeys(cancel_ids)), unavailable=windows,
                      requests=requests, locations=locations, delay_minutes=delay,
                      pin=tuple(dict.fromkeys(pin_ids)),
                      requests_file=csv_path.name if csv_path is not None else None)
    issues += _check_ids(plan, changes)
    if issues:
        raise InputError(_unique(issues))
    return changes, moment


def _unique(issues: Iterable[InputIssue]) -> list[InputIssue]:
    return list(dict.fromkeys(issues))


def _read_changes_file(path: Path, issues: list[InputIssue]) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        issues.append(InputIssue(str(path), None, None, "no such file"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        issues.append(InputIssue(str(path), None, None, f"cannot read it: {error}"))
        return None
    except tomllib.TOMLDecodeError as error:
        issues.append(InputIssue(path.name, getattr(error, "lineno", None), None, f"not TOML: {error}"))
        return None
    from .io.issues import did_you_mean

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


def _file_now(value: Any, zone: ZoneInfo, name: str, issues: list[InputIssue]) -> datetime | None:
    try:
        if isinstance(value, datetime):
            return _aware(value, zone, name)
        if isinstance(value, str):
            return parse_now(value, zone, source=name)
    except InputError as error:
        issues += error.problems
        return None
    issues.append(InputIssue(name, None, "now", "must be a date and time, like 2018-11-27T12:00:00"))
    return None


def _read_requests(plan: Plan, path: Path, source: str, issues: list[InputIssue]
                   ) -> tuple[tuple[Request, ...], dict[str, Location]]:
    from .io import ValueRule, load_locations, read_requests_csv

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
    places = {**known, **read.locations}
    needed = {r.location_id for r in read.requests if r.location_id is not None}
    added = {pid: places[pid] for pid in sorted(needed) if pid not in plan.problem.locations}
    return read.requests, added


def _unknown(source: str, rid: str, known: Iterable[str]) -> InputIssue:
    from .io.issues import did_you_mean

    return InputIssue(source, None, rid, f"unknown request `{rid}`{did_you_mean(rid, known)}")


def _check_ids(plan: Plan, changes: Changes) -> list[InputIssue]:
    """Problems with ids that do not depend on the time: unknown, contradictory, not scheduled."""
    ids = [r.id for r in plan.problem.requests]
    edited = {r.id for r in changes.requests}
    scheduled = {e.request_id for e in plan.engagements}
    issues = []
    for rid in changes.cancel:
        if rid not in ids:
            issues.append(_unknown("--cancel", rid, ids))
        elif rid in edited:
            issues.append(InputIssue("--cancel", None, rid, f"`{rid}` is both cancelled and given "
                                     "in the requests file; keep one of the two"))
    for rid in changes.unavailable:
        if rid not in ids and rid not in edited:
            issues.append(_unknown("--unavailable", rid, ids))
        elif rid in changes.cancel:
            issues.append(InputIssue("--unavailable", None, rid, f"`{rid}` is cancelled"))
    for rid in changes.pin:
        if rid not in ids:
            issues.append(_unknown("--pin", rid, ids))
        elif rid in changes.cancel:
            issues.append(InputIssue("--pin", None, rid, f"`{rid}` is both pinned and cancelled"))
        elif rid not in scheduled:
            issues.append(InputIssue("--pin", None, rid, f"`{rid}` is not in the agenda, so there "
                                     "is nothing to pin; only scheduled engagements can be pinned"))
        elif rid in edited:
            issues.append(InputIssue("--pin", None, rid, f"`{rid}` is edited in the requests file; "
                                     "an edited request cannot also be pinned where it was"))
    if not 0 <= changes.delay_minutes <= MAX_DELAY_MINUTES:
        issues.append(InputIssue("--delay", None, None, f"{changes.delay_minutes} minutes: give 0 "
                                 f"to {MAX_DELAY_MINUTES} minutes"))
    return issues


# ============================================================================ the cut

def _occupancy(problem: Problem, engagement: Engagement, buffer: int) -> tuple[datetime, datetime]:
    request = problem.request(engagement.request_id)
    return (utc(engagement.start) - timedelta(minutes=request.setup_minutes),
            utc(engagement.end) + timedelta(minutes=buffer))


@dataclass(frozen=True)
class _DayCut:
    """One day of the old plan cut at ``now``: what is kept, and where and when the rest starts.

    ``free`` is the moment the guest can continue (UTC) and ``position`` where; ``heading``
    is true when a kept leg brought the guest to ``position`` (travelling or waiting there)
    after the last kept in-person engagement.
    """

    index: int
    day: Day
    past: bool
    engagements: tuple[Engagement, ...] = ()
    breaks: tuple[Break, ...] = ()
    legs: tuple[TravelLeg, ...] = ()
    free: datetime | None = None
    position: str = ""
    heading: bool = False

    @property
    def left_start(self) -> bool:
        """Whether the guest has already left (or done something at) the day's start place."""
        return bool(self.legs) or any(e.location is not None for e in self.engagements)


def _cut(plan: Plan, now: datetime, delay: int) -> list[_DayCut]:
    problem = plan.problem
    buffer = problem.tour.min_buffer_minutes
    cuts = []
    now_utc = utc(now)
    for index, day in enumerate(problem.tour.days):
        engagements = plan.engagements_on(day.date)
        breaks = tuple(b for b in plan.breaks if b.day == day.date)
        legs = tuple(leg for leg in plan.travel if leg.day == day.date)
        if utc(day.end) <= now_utc:
            cuts.append(_DayCut(index, day, True, engagements, breaks, legs))
            continue
        kept_engagements = tuple(e for e in engagements if _occupancy(problem, e, buffer)[0] < now_utc)
        kept_breaks = tuple(b for b in breaks if utc(b.start) < now_utc)
        kept_legs = tuple(leg for leg in legs if utc(leg.depart) < now_utc)
        busy_until = [now_utc]
        busy_until += [_occupancy(problem, e, buffer)[1] for e in kept_engagements]
        busy_until += [utc(b.end) for b in kept_breaks] + [utc(leg.arrive) for leg in kept_legs]
        free = max(max(busy_until) + timedelta(minutes=delay), utc(day.start))
        moves: list[tuple[datetime, str, bool]] = [
            (_occupancy(problem, e, buffer)[0], e.location, False)
            for e in kept_engagements if e.location is not None]
        moves += [(utc(leg.depart), leg.destination, True) for leg in kept_legs]
        moves.sort(key=lambda item: item[0])
        position = moves[-1][1] if moves else day.start_location
        heading = bool(moves) and moves[-1][2]
        cuts.append(_DayCut(index, day, False, kept_engagements, kept_breaks, kept_legs,
                            _ceil_minute(free), position, heading))
    return cuts


def _ceil_minute(moment: datetime) -> datetime:
    moment = utc(moment)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


def _check_past(plan: Plan, changes: Changes, cuts: list[_DayCut]) -> list[InputIssue]:
    """Changes that would rewrite what is done or under way are refused."""
    started = {e.request_id: e for cut in cuts for e in cut.engagements}
    zone = plan.problem.tour.zone
    issues = []

    def refuse(source: str, rid: str, what: str) -> None:
        engagement = started[rid]
        issues.append(InputIssue(source, None, rid, f"`{rid}` ({when(engagement.start, engagement.end, zone)}) "
                                 f"has already taken place or is under way, so it cannot be {what}"))

    for rid in changes.cancel:
        if rid in started:
            refuse("--cancel", rid, "cancelled")
    for rid in changes.unavailable:
        if rid in started:
            refuse("--unavailable", rid, "given new windows")
    for request in changes.requests:
        if request.id in started:
            refuse(changes.requests_file or "--requests", request.id, "edited")
    return issues


# ============================================================================ the problem with the changes

def _subtract(windows: Iterable[Window], holes: Iterable[Window]) -> tuple[Window, ...]:
    pieces = list(windows)
    for hole in holes:
        cut: list[Window] = []
        for piece in pieces:
            if not piece.overlaps(hole):
                cut.append(piece)
                continue
            if utc(piece.start) < utc(hole.start):
                cut.append(Window(piece.start, hole.start))
            if utc(hole.end) < utc(piece.end):
                cut.append(Window(hole.end, piece.end))
        pieces = cut
    return tuple(pieces)


def _changed_problem(problem: Problem, changes: Changes) -> Problem:
    """The whole problem with the changes applied: over every day of the tour."""
    edits = {r.id: r for r in changes.requests}
    requests = []
    for request in problem.requests:
        if request.id in changes.cancel:
            continue
        requests.append(edits.pop(request.id, request))
    requests += list(edits.values())
    requests = [replace(r, windows=_subtract(r.windows, changes.unavailable[r.id]), windows_text=None)
                if r.id in changes.unavailable else r for r in requests]
    locations = {**problem.locations, **changes.locations}
    travel = problem.travel
    places = {r.location_id for r in requests if r.location_id is not None}
    if any(place not in problem.used_locations() for place in places):
        from .io import TravelSettings, extend_travel, load_travel_settings

        rules = problem.tour.travel_rules
        settings = TravelSettings.from_rules(rules) if rules is not None else load_travel_settings()
        used = sorted(places | set(problem.used_locations()))
        travel = extend_travel(travel, locations, used, settings)
    return Problem(problem.tour, tuple(requests), locations, travel)


# ============================================================================ the remaining problem

@dataclass(frozen=True)
class _Remaining:
    """The sub-problem of what remains, and how its days map to the tour's."""

    problem: Problem | None
    day_of: Mapping[int, int]  # tour day index -> sub-problem day index
    merged_days: tuple[Day, ...]  # the tour's days, adjusted where the cut leaves no other way
    warnings: tuple[str, ...]


def _remaining(problem: Problem, cuts: list[_DayCut]) -> _Remaining:
    tour = problem.tour
    zone = tour.zone
    sub_days: list[Day] = []
    day_of: dict[int, int] = {}
    merged = list(tour.days)
    warnings: list[str] = []
    for cut in cuts:
        if cut.past:
            continue
        day = cut.day
        start = cut.free
        back = problem.travel.between(cut.position, day.end_location)
        end = utc(day.end)
        if start + timedelta(minutes=back) > end:
            end = start + timedelta(minutes=back)
            if back:
                warnings.append(f"{day.date:%a %d %b}: the guest cannot be back at "
                                f"{_place(problem, day.end_location)} by {_hm(day.end, zone)}; "
                                f"the day now ends at {_hm(end, zone)}.")
                merged[cut.index] = replace(merged[cut.index], end=end.astimezone(zone))
        has_meal = any(b.kind == "meal" for b in cut.breaks)
        meal_window = None
        if day.meal_window is not None and not has_meal:
            low = max(utc(day.meal_window.start), start)
            high = min(utc(day.meal_window.end), end)
            if high - low >= timedelta(minutes=day.meal_minutes):
                meal_window = Window(low.astimezone(zone), high.astimezone(zone))
            else:
                warnings.append(f"{day.date:%a %d %b}: no room is left for the "
                                f"{day.meal_minutes}-minute meal between {_hm(day.meal_window.start, zone)} "
                                f"and {_hm(day.meal_window.end, zone)}.")
                merged[cut.index] = replace(merged[cut.index], meal_window=None, meal_minutes=0)
        if end <= start:
            continue  # no time left that day, and the guest is already where it ends
        day_of[cut.index] = len(sub_days)
        sub_days.append(Day(day.date, start.astimezone(zone), end.astimezone(zone), cut.position,
                            day.end_location, meal_window, day.meal_minutes if meal_window else 0))
    if not sub_days:
        return _Remaining(None, day_of, tuple(merged), tuple(warnings))
    done = {e.request_id for cut in cuts for e in cut.engagements}
    requests = tuple(r for r in problem.requests if r.id not in done)
    sub = Problem(replace(tour, days=tuple(sub_days)), requests, problem.locations, problem.travel)
    return _Remaining(sub, day_of, tuple(merged), tuple(warnings))


def _hm(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _place(problem: Problem, location: str | None) -> str:
    if location is None:
        return "remote"
    place = problem.locations.get(location)
    return place.name if place is not None and place.name else location


def _restrict(sub: Problem, rules: Mapping[str, tuple[Window, ...]]) -> Problem:
    """The sub-problem with ``rules`` (request id → windows to cut out) applied."""
    if not rules:
        return sub
    requests = tuple(replace(r, windows=_subtract(r.windows, rules[r.id]), windows_text=None)
                     if r.id in rules else r
                     for r in sub.requests)
    return replace(sub, requests=requests)


def change_costs_for(sub: Problem) -> ChangeCosts:
    """The price of each change, in objective units, for a remaining problem.

    A change costs its value points (shift 0.5, move to another day 5, drop 20, times
    ``value_weight``) plus a guard: the most that travel and the day's span could ever gain
    on a day the change touches (``(travel_weight + span_weight) ×`` the longest remaining
    day in minutes; twice that for a move, which touches two days, and for a drop, so that a
    drop always costs most). So travel and span alone never pay for a change: an engagement
    moves or drops only when the agenda then serves more value.

    Parameters
    ----------
    sub
        The problem of what remains (its days and objective weights).

    Returns
    -------
    ChangeCosts
        ``shift``, ``move_day`` and ``drop`` in objective units.
    """
    objective = sub.tour.objective
    longest = max(math.ceil((utc(d.end) - utc(d.start)) / timedelta(minutes=1)) for d in sub.tour.days)
    guard = (objective.travel_weight + objective.span_weight) * longest
    unit = objective.value_weight
    return ChangeCosts(shift=round(SHIFT_POINTS * unit) + guard,
                       move_day=round(MOVE_DAY_POINTS * unit) + 2 * guard,
                       drop=round(DROP_POINTS * unit) + 2 * guard)


@dataclass(frozen=True)
class _SubPlan:
    """The solved remaining problem (``None`` when nothing remains to plan)."""

    plan: Plan | None
    instance: Instance | None
    problem: Problem | None
    warnings: tuple[str, ...]


def _placements(sub: Problem, day_of: Mapping[int, int], tour_days: tuple[Day, ...],
                engagements: Iterable[Engagement]) -> dict[str, tuple[int, int]]:
    """Old engagements as (sub-problem day index, start minute); -1 for a day no longer planned."""
    grid = TimeGrid.for_tour(sub.tour)
    index_of = {d.date: i for i, d in enumerate(tour_days)}
    placed = {}
    for engagement in engagements:
        sub_day = day_of.get(index_of[engagement.day], -1)
        placed[engagement.request_id] = (sub_day, grid.minutes(engagement.start))
    return placed


def _fits(instance: Instance, request_id: str, day: int, minute: int) -> bool:
    data = next((r for r in instance.requests if r.id == request_id), None)
    if data is None or day not in data.starts:
        return False
    return any(low <= minute <= high for low, high in data.starts[day])


def _solve_remaining(plan: Plan, problem: Problem, cuts: list[_DayCut], remaining: _Remaining,
                     changes: Changes, now: datetime, params: SolveParams) -> _SubPlan:
    sub = remaining.problem
    if sub is None:
        return _SubPlan(None, None, None, ())
    zone = problem.tour.zone
    warnings: list[str] = []
    sub_ids = {r.id for r in sub.requests}
    done = {e.request_id for cut in cuts for e in cut.engagements}
    future = [e for e in plan.engagements if e.request_id not in done and e.request_id in sub_ids]
    previous = _placements(sub, remaining.day_of, problem.tour.days, future)
    hints = {rid: placed for rid, placed in previous.items() if placed[0] >= 0}
    rules: dict[str, tuple[Window, ...]] = {}
    commit: dict[str, tuple[int, int]] = {}
    cap_days: dict[int, int] = {}  # sub day index -> engagements still allowed that day
    for cut in cuts:
        if cut.past or cut.index not in remaining.day_of:
            continue
        sub_index = remaining.day_of[cut.index]
        sub_day = sub.tour.days[sub_index]
        if cut.engagements:
            cap_days[sub_index] = problem.tour.max_engagements_per_day - len(cut.engagements)
        if cut.heading:
            _hold_course(plan, problem, sub, cut, sub_index, sub_day, previous, commit, rules, warnings)
    for sub_index, allowed in cap_days.items():
        if allowed <= 0:
            day = sub.tour.days[sub_index]
            for request in sub.requests:
                rules[request.id] = rules.get(request.id, ()) + (Window(day.start, day.end),)
    restricted = _restrict(sub, rules)
    instance = build_instance(restricted)
    pinned = dict(commit)
    for rid in changes.pin:
        if rid in done or rid not in previous:
            continue  # already done or under way: it cannot move anyway
        day, minute = previous[rid]
        if day < 0 or not _fits(instance, rid, day, minute):
            engagement = plan.engagement(rid)
            raise InfeasibleError(
                f"The pinned engagement cannot stay where it is after the re-plan from {_when(now, zone)}:",
                (f"{problem.request(rid).title} [{rid}] at {when(engagement.start, engagement.end, zone)}: "
                 "the guest cannot be there then any more (delay, travel or changed windows).",))
        pinned[rid] = (day, minute)
    baseline = Baseline(pinned=pinned or None, previous=previous or None, hints=hints or None,
                        change_costs=change_costs_for(restricted))
    run = params
    if model_size(instance) <= LARGE_MODEL:
        # The old agenda is a complete, near-optimal start: CP-SAT from it proves the small
        # remaining problem in a fraction of the time the primal heuristic would spend first.
        # A large remainder (a long tour re-planned early) is too big for CP-SAT to load and
        # search in a re-plan's budget: there the heuristic starts from the old agenda, and
        # CP-SAT gets its complete agenda as a hint.
        run = replace(run, heuristic=False)
    result = _solve(restricted, run, baseline, changes, problem, now)
    over = [(i, allowed) for i, allowed in cap_days.items()
            if 0 < allowed < sum(1 for e in result.plan.engagements if e.day == sub.tour.days[i].date)]
    if over:
        # The engine has one cap for every day, and a day already under way holds engagements
        # that count against it. Keep on such a day only the best of what the solve put there
        # (pinned and mandatory first, then value) and solve once more.
        for sub_index, allowed in over:
            day = sub.tour.days[sub_index]
            there = sorted((problem.request(e.request_id) for e in result.plan.engagements
                            if e.day == day.date),
                           key=lambda r: (r.id not in pinned, not r.mandatory, -r.value, r.id))
            chosen = {r.id for r in there[:allowed]}
            for request in restricted.requests:
                if request.id not in chosen:
                    rules[request.id] = rules.get(request.id, ()) + (Window(day.start, day.end),)
        restricted = _restrict(sub, rules)
        result = _solve(restricted, run, baseline, changes, problem, now)
    return _SubPlan(result.plan, result.instance, restricted, tuple(warnings))


def _hold_course(plan: Plan, problem: Problem, sub: Problem, cut: _DayCut, sub_index: int,
                 sub_day: Day, previous: Mapping[str, tuple[int, int]], commit: dict[str, tuple[int, int]],
                 rules: dict[str, tuple[Window, ...]], warnings: list[str]) -> None:
    """The guest is on the way to (or waiting at) ``cut.position``: keep the route coherent.

    The engagement they are heading for stays where it is if it still can; no other
    in-person engagement comes before it; and a guest heading to where the day ends goes out
    to no other place that day (remote calls stay possible).
    """
    zone = problem.tour.zone
    ahead = sorted((e for e in plan.engagements_on(cut.day.date)
                    if e.location is not None and e not in cut.engagements),
                   key=lambda e: utc(e.start))
    target = ahead[0] if ahead and ahead[0].location == cut.position else None
    if target is None and cut.position == cut.day.end_location:
        hole = (Window(sub_day.start, sub_day.end),)
        for request in sub.requests:
            if request.location_id is not None and request.location_id != cut.position:
                rules[request.id] = rules.get(request.id, ()) + hole
        return
    placed = previous.get(target.request_id) if target is not None else None
    if target is not None and placed is not None and placed[0] == sub_index:
        instance = build_instance(sub)
        if _fits(instance, target.request_id, sub_index, placed[1]):
            commit[target.request_id] = placed
            hole = (Window(sub_day.start, target.end),)
            for request in sub.requests:
                if request.location_id is not None and request.location_id != cut.position:
                    rules[request.id] = rules.get(request.id, ()) + hole
            return
    what = (f"{plan.problem.request(target.request_id).title} [{target.request_id}]"
            if target is not None else "an engagement that is no longer in the agenda")
    warnings.append(f"{cut.day.date:%a %d %b}: the guest is on the way to "
                    f"{_place(problem, cut.position)} for {what}, which cannot happen as planned; the "
                    f"rest of the day starts there at {_hm(cut.free, zone)} (a stop-over: the leg "
                    "there has departed and stays in the plan).")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return when(moment, zone=zone)


def _solve(sub: Problem, params: SolveParams, baseline: Baseline, changes: Changes, problem: Problem,
           now: datetime):
    zone = problem.tour.zone
    try:
        return solve(sub, params, baseline, created=now)
    except PinError as error:
        request = problem.request(error.request_id)
        raise InfeasibleError(f"The engagement cannot stay where it is after the re-plan from "
                              f"{_when(now, zone)}:", (f"{request.title} [{request.id}]",)) from None
    except InfeasibleError as error:
        if changes.pin and baseline.pinned:
            commit_only = {rid: p for rid, p in baseline.pinned.items() if rid not in changes.pin}
            try:
                solve(sub, replace(params, time_limit=min(params.time_limit, 2.0)),
                      replace(baseline, pinned=commit_only or None), created=now)
            except InfeasibleError:
                pass
            else:
                raise InfeasibleError(
                    f"The pinned engagements cannot all stay where they are with the mandatory ones "
                    f"after the re-plan from {_when(now, zone)}; unpin one of them:",
                    tuple(f"{problem.request(rid).title} [{rid}]" for rid in changes.pin
                          if rid in baseline.pinned)) from None
        if error.conflicts:
            raise InfeasibleError(f"The re-plan from {_when(now, zone)} cannot keep every mandatory "
                                  f"engagement. {error}", error.conflicts) from None
        raise InfeasibleError(f"The re-plan from {_when(now, zone)} found no agenda. {error}") from None


# ============================================================================ the merged plan

def _legs_after_cut(problem: Problem, day: Day, cut: _DayCut, engagements: tuple[Engagement, ...],
                    breaks: tuple[Break, ...], start: datetime) -> list[TravelLeg] | None:
    """Travel legs of a day from the cut on, by the planner's rule (docs/solver.md): the first
    leg of a day leaves as late as it can, every other as soon as the guest is free.

    ``None`` when some leg finds no free stretch (only for a meal tried elsewhere).
    """
    grid = TimeGrid.for_tour(problem.tour)
    buffer = problem.tour.min_buffer_minutes
    kept = set(cut.engagements)
    busy: list[tuple[int, int]] = []
    for engagement in engagements:
        low, high = _occupancy(problem, engagement, buffer)
        busy.append((grid.minutes(low), grid.minutes(high)))
    busy += [(grid.minutes(b.start), grid.minutes(b.end)) for b in breaks]
    busy += [(grid.minutes(leg.depart), grid.minutes(leg.arrive)) for leg in cut.legs]
    anchors: list[tuple[str, int, int | None]] = [(cut.position, grid.minutes_ceil(start), None)]
    for engagement in sorted(engagements, key=lambda e: utc(e.start)):
        if engagement in kept or engagement.location is None:
            continue
        low, high = _occupancy(problem, engagement, buffer)
        anchors.append((engagement.location, grid.minutes(low), grid.minutes(high)))
    anchors.append((day.end_location, grid.minutes_floor(day.end), None))
    legs = []
    cursor = anchors[0][1]
    for index in range(1, len(anchors)):
        origin, (place, ready_by, free_after) = anchors[index - 1][0], anchors[index]
        minutes = problem.travel.between(origin, place)
        if origin != place and minutes:
            depart = place_leg(cursor, ready_by, minutes, busy, latest=index == 1 and not cut.left_start)
            if depart is None:
                return None
            legs.append(TravelLeg(day.date, origin, place, grid.moment(depart),
                                  grid.moment(depart + minutes), minutes,
                                  problem.travel.is_estimate(origin, place)))
            busy.append((depart, depart + minutes))
        if free_after is not None:
            cursor = free_after
    return legs


def _keep_old_meal(problem: Problem, day: Day, cut: _DayCut, sub_day: Day | None,
                   engagements: tuple[Engagement, ...], old: Break | None, new: Break,
                   start: datetime) -> tuple[Break, list[TravelLeg]] | None:
    """The old meal break and the legs around it, when it still fits the new day as it was.

    The solver places the meal anywhere it fits (nothing prices it), so on a day whose
    engagements did not change it may land elsewhere; putting it back keeps the run sheet
    and the travel events as they were.
    """
    if old is None or sub_day is None or sub_day.meal_window is None or \
            (utc(old.start), utc(old.end)) == (utc(new.start), utc(new.end)):
        return None
    if not sub_day.meal_window.contains(old.start, old.end):
        return None
    buffer = problem.tour.min_buffer_minutes
    meal = Window(old.start, old.end)
    for engagement in engagements:
        low, high = _occupancy(problem, engagement, buffer)
        if Window(low, high).overlaps(meal):
            return None
    legs = _legs_after_cut(problem, day, cut, engagements, cut.breaks + (old,), start)
    return (old, legs) if legs is not None else None


def _unscheduled(problem: Problem, engagements: tuple[Engagement, ...], sub: _SubPlan,
                 free: datetime | None, before: tuple[Unscheduled, ...]) -> tuple[Unscheduled, ...]:
    """A reason for every request the merged agenda leaves out, with codes true of the whole tour.

    ``no_window`` and ``too_short`` come from the whole tour (the checker verifies them on
    the original days); a request the remaining days could still take gets the remaining
    solve's reason; one whose chance has passed keeps its old reason, or is ``displaced``.
    """
    zone = problem.tour.zone
    whole = {p.request_id: p.code for p in build_instance(problem).pruned}
    sub_reasons = {u.request_id: u for u in sub.plan.unscheduled} if sub.plan is not None else {}
    sub_pruned = {p.request_id for p in sub.instance.pruned} if sub.instance is not None else set()
    old = {u.request_id: u for u in before if u.code not in ("no_window", "too_short")}
    served = {e.request_id for e in engagements}
    out = []
    for request in problem.requests:
        if request.id in served:
            continue
        if request.id in whole:
            code = whole[request.id]
            out.append(Unscheduled(request.id, pruned_reason(problem, request, code), code))
        elif request.id in sub_reasons and request.id not in sub_pruned:
            out.append(sub_reasons[request.id])
        elif request.id in sub_reasons and sub_reasons[request.id].code == "unreachable":
            out.append(sub_reasons[request.id])
        elif request.id in old:
            out.append(old[request.id])
        else:
            since = f" (the re-plan starts {when(free, zone=zone)})" if free is not None else ""
            out.append(Unscheduled(request.id, "No time is left for it in the rest of the tour"
                                   f"{since}: its windows have passed or are taken by what is "
                                   "done or under way.", "displaced"))
    return tuple(out)


def _merge(plan: Plan, problem: Problem, cuts: list[_DayCut], remaining: _Remaining,
           sub: _SubPlan, now: datetime) -> Plan:
    tour = replace(problem.tour, days=remaining.merged_days)
    merged_problem = replace(problem, tour=tour)
    if tour.days != problem.tour.days:
        # The windows text means other windows over the new hours: keep the windows as read.
        merged_problem = replace(merged_problem, requests=tuple(
            replace(request, windows_text=None) for request in problem.requests))
    engagements: list[Engagement] = []
    breaks: list[Break] = []
    legs: list[TravelLeg] = []
    new_engagements = sub.plan.engagements if sub.plan is not None else ()
    new_breaks = sub.plan.breaks if sub.plan is not None else ()
    for cut in cuts:
        day = tour.days[cut.index]
        engagements += cut.engagements
        breaks += cut.breaks
        legs += cut.legs
        if cut.past:
            continue
        todays = tuple(e for e in new_engagements if e.day == day.date)
        todays_breaks = tuple(b for b in new_breaks if b.day == day.date)
        engagements += todays
        start = cut.free
        sub_day = None
        if cut.index in remaining.day_of:
            sub_day = sub.problem.tour.days[remaining.day_of[cut.index]]
            start = utc(sub_day.start)
        day_legs = _legs_after_cut(merged_problem, day, cut, cut.engagements + todays,
                                   cut.breaks + todays_breaks, start)
        if day_legs is None:  # cannot happen for what the solver placed; say so if it does
            raise RuntimeError(f"no room for the travel of {day.date} after the re-plan")
        old_meal = next((b for b in plan.breaks if b.day == day.date and b not in cut.breaks), None)
        if len(todays_breaks) == 1:
            restored = _keep_old_meal(merged_problem, day, cut, sub_day, cut.engagements + todays,
                                      old_meal, todays_breaks[0], start)
            if restored is not None:
                todays_breaks, day_legs = (restored[0],), restored[1]
        breaks += todays_breaks
        legs += day_legs
    first_free = next((cut.free for cut in cuts if not cut.past), None)
    unscheduled = _unscheduled(merged_problem, tuple(engagements), sub, first_free, plan.unscheduled)
    served = {e.request_id for e in engagements}
    value_served = sum(r.value for r in merged_problem.requests if r.id in served)
    base = sub.plan.solver if sub.plan is not None else plan.solver
    report = replace(base, value_served=value_served, value_total=merged_problem.total_value)
    return Plan(problem=merged_problem, engagements=tuple(engagements), travel=tuple(legs),
                breaks=tuple(breaks), unscheduled=unscheduled, solver=report, created=now,
                history=plan.history)


# ============================================================================ the diff

@dataclass(frozen=True, slots=True)
class Moved:
    """An engagement at another time (or place) than before."""

    old: Engagement
    new: Engagement

    @property
    def request_id(self) -> str:
        return self.new.request_id

    @property
    def changed_day(self) -> bool:
        return self.old.day != self.new.day


@dataclass(frozen=True, slots=True)
class Dropped:
    """An engagement no longer in the agenda: ``cancelled`` by the counterpart, or left out
    (``reason`` says why)."""

    old: Engagement
    cancelled: bool
    reason: str

    @property
    def request_id(self) -> str:
        return self.old.request_id


@dataclass(frozen=True)
class PlanDiff:
    """What re-planning did to the agenda, engagement by engagement.

    ``kept`` are at the same time and place; ``updated`` too, but their request's details
    changed (title, contact, notes); ``moved`` changed time, day or place; ``dropped`` left
    the agenda; ``added`` joined it.
    """

    kept: tuple[Engagement, ...] = ()
    updated: tuple[Engagement, ...] = ()
    moved: tuple[Moved, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    added: tuple[Engagement, ...] = ()

    @property
    def changed_ids(self) -> tuple[str, ...]:
        """The requests whose slot changed (updated, moved, dropped or added), sorted."""
        ids = {e.request_id for e in self.updated} | {m.request_id for m in self.moved}
        ids |= {d.request_id for d in self.dropped} | {e.request_id for e in self.added}
        return tuple(sorted(ids))

    @property
    def is_empty(self) -> bool:
        return not self.changed_ids

    def summary(self) -> str:
        """``18 kept, 1 moved, 1 dropped, 0 added`` (and updated when any)."""
        parts = [f"{len(self.kept)} kept"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        parts += [f"{len(self.moved)} moved", f"{len(self.dropped)} dropped", f"{len(self.added)} added"]
        return ", ".join(parts)


def _same_slot(a: Engagement, b: Engagement) -> bool:
    return (a.day == b.day and utc(a.start) == utc(b.start) and utc(a.end) == utc(b.end)
            and a.location == b.location)


def _details(request: Request | None) -> tuple:
    if request is None:
        return ()
    return (request.title, request.kind, request.counterpart, request.contact, request.remote,
            request.setup_minutes, request.notes, request.internal_notes)


def diff_plans(old: Plan, new: Plan, *, cancelled: Iterable[str] = ()) -> PlanDiff:
    """Compare two agendas of the same tour.

    Parameters
    ----------
    old, new
        The plan before and after.
    cancelled
        Request ids the counterparts withdrew (their drop is marked ``cancelled``).

    Returns
    -------
    PlanDiff
        Every engagement of either plan in exactly one group, in time order.
    """
    cancelled = set(cancelled)
    new_by_id = {e.request_id: e for e in new.engagements}
    old_ids = {e.request_id for e in old.engagements}
    reasons = {u.request_id: u.reason for u in new.unscheduled}
    new_requests = {r.id: r for r in new.problem.requests}
    kept, updated, moved, dropped = [], [], [], []
    for engagement in old.engagements:
        rid = engagement.request_id
        now = new_by_id.get(rid)
        if now is None:
            reason = "cancelled" if rid in cancelled else reasons.get(rid, "no longer in the agenda")
            dropped.append(Dropped(engagement, rid in cancelled, reason))
        elif not _same_slot(engagement, now):
            moved.append(Moved(engagement, now))
        elif _details(new_requests.get(rid)) != _details(_request_or_none(old.problem, rid)):
            updated.append(now)
        else:
            kept.append(now)
    added = [e for e in new.engagements if e.request_id not in old_ids]
    return PlanDiff(tuple(kept), tuple(updated), tuple(moved), tuple(dropped), tuple(added))


def _request_or_none(problem: Problem, request_id: str) -> Request | None:
    try:
        return problem.request(request_id)
    except KeyError:
        return None


# ============================================================================ versions and sequences

def plan_version(plan: Plan) -> int:
    """The plan's version number.

    Returns
    -------
    int
        1 for a plan never re-planned, else the ``version`` of its last history entry.
    """
    if not plan.history:
        return 1
    return int(plan.history[-1].get("version", len(plan.history)))


def current_sequences(plan: Plan) -> dict[str, int]:
    """The calendar SEQUENCE of each event after every version of the plan.

    Returns
    -------
    dict[str, int]
        SEQUENCE by UID: how many versions changed that event. UIDs never changed are absent
        (their SEQUENCE is 0).
    """
    sequences: dict[str, int] = {}
    for entry in plan.history:
        sequences.update({uid: int(n) for uid, n in (entry.get("sequences") or {}).items()})
    return sequences


def _leg_uids(plan: Plan) -> dict[str, TravelLeg]:
    from .export.ics import travel_uid

    seen: dict[tuple[date, str, str], int] = {}
    uids = {}
    for leg in plan.travel:
        key = (leg.day, leg.origin, leg.destination)
        seen[key] = seen.get(key, 0) + 1
        uids[travel_uid(plan.problem.tour.id, leg, seen[key])] = leg
    return uids


def _same_leg(a: TravelLeg, b: TravelLeg) -> bool:
    return utc(a.depart) == utc(b.depart) and utc(a.arrive) == utc(b.arrive) and a.minutes == b.minutes


def _new_sequences(old: Plan, new: Plan, diff: PlanDiff) -> tuple[dict[str, int], dict[str, TravelLeg]]:
    """SEQUENCE of every UID this version changes, and the travel legs it cancels by UID."""
    from .export.ics import engagement_uid

    tour_id = new.problem.tour.id
    before = current_sequences(old)
    changed: dict[str, int] = {}

    def bump(uid: str) -> None:
        changed[uid] = before.get(uid, 0) + 1

    for rid in [e.request_id for e in diff.updated] + [m.request_id for m in diff.moved] \
            + [d.request_id for d in diff.dropped]:
        bump(engagement_uid(tour_id, rid))
    for engagement in diff.added:
        uid = engagement_uid(tour_id, engagement.request_id)
        if uid in before:
            bump(uid)
    old_legs, new_legs = _leg_uids(old), _leg_uids(new)
    gone = {}
    for uid, leg in old_legs.items():
        if uid not in new_legs:
            gone[uid] = leg
            bump(uid)
        elif not _same_leg(leg, new_legs[uid]):
            bump(uid)
    for uid in new_legs:
        if uid not in old_legs and uid in before:
            bump(uid)
    return dict(sorted(changed.items())), gone


def _slot(engagement: Engagement, zone: ZoneInfo) -> dict[str, Any]:
    return {"request_id": engagement.request_id, "day": engagement.day.isoformat(),
            "start": engagement.start.astimezone(zone).isoformat(),
            "end": engagement.end.astimezone(zone).isoformat(), "location": engagement.location}


def _history_entry(old: Plan, new: Plan, changes: Changes, diff: PlanDiff, now: datetime,
                   sequences: Mapping[str, int], gone: Mapping[str, TravelLeg],
                   warnings: Iterable[str]) -> dict[str, Any]:
    zone = new.problem.tour.zone
    old_requests = {r.id: r for r in old.problem.requests}
    dropped = []
    for item in diff.dropped:
        request = old_requests.get(item.request_id)
        record = _slot(item.old, zone)
        record.update({"title": request.title if request else item.request_id,
                       "kind": request.kind if request else "other",
                       "remote": request.remote if request else None,
                       "cancelled": item.cancelled, "reason": item.reason})
        dropped.append(record)
    return {
        "version": plan_version(old) + 1,
        "now": now.astimezone(zone).isoformat(),
        "changes": changes.to_dict(old),
        "summary": f"{diff.summary()}; value served {old.value_served} → {new.value_served} "
                   f"of {new.problem.total_value}",
        "value_served": new.value_served,
        "value_total": new.problem.total_value,
        "diff": {
            "kept": [e.request_id for e in diff.kept],
            "updated": [e.request_id for e in diff.updated],
            "moved": [{"request_id": m.request_id, "from": _slot(m.old, zone), "to": _slot(m.new, zone)}
                      for m in diff.moved],
            "dropped": dropped,
            "added": [_slot(e, zone) for e in diff.added],
        },
        "cancelled_legs": [{"uid": uid, "day": leg.day.isoformat(), "from": leg.origin,
                            "to": leg.destination, "depart": leg.depart.astimezone(zone).isoformat(),
                            "arrive": leg.arrive.astimezone(zone).isoformat(), "minutes": leg.minutes}
                           for uid, leg in sorted(gone.items())],
        "sequences": dict(sequences),
        "warnings": list(warnings),
    }


def _first_entry(plan: Plan) -> dict[str, Any]:
    zone = plan.problem.tour.zone
    return {"version": 1,
            "now": plan.created.astimezone(zone).isoformat() if plan.created else None,
            "changes": None,
            "summary": f"first plan: {len(plan.engagements)} engagements; value served "
                       f"{plan.value_served} of {plan.problem.total_value}",
            "value_served": plan.value_served,
            "value_total": plan.problem.total_value}


# ============================================================================ the result

@dataclass(frozen=True)
class ReplanResult:
    """A re-plan: the new plan, what changed, and what the calendars need to follow.

    Attributes
    ----------
    plan
        The new plan over the tour's days; its ``history`` ends with this version.
    previous
        The plan that was re-planned.
    diff
        Kept / updated / moved / dropped / added, against ``previous``.
    sequences
        SEQUENCE by calendar UID after this version (every UID that ever changed).
    cancelled
        Slots to publish as cancelled: every engagement dropped in this or an earlier
        version and not back in the agenda (the engagement as it last was).
    cancelled_requests
        The requests withdrawn in this version (they are no longer in ``plan``).
    cancelled_legs
        Travel legs (by UID) that this or an earlier version removed.
    warnings
        What the re-plan had to bend, in plain words (a day's end, a meal, a stop-over).
    now
        The moment of the re-plan.
    """

    plan: Plan
    previous: Plan
    diff: PlanDiff
    sequences: Mapping[str, int]
    cancelled: tuple[Engagement, ...]
    cancelled_requests: tuple[Request, ...]
    cancelled_legs: Mapping[str, TravelLeg]
    warnings: tuple[str, ...]
    now: datetime

    @property
    def version(self) -> int:
        return plan_version(self.plan)

    @property
    def cancelled_ids(self) -> tuple[str, ...]:
        return tuple(e.request_id for e in self.cancelled)

    def summary(self) -> str:
        """One line: version, what changed, value served before and after."""
        return (f"version {self.version}: {self.diff.summary()}; value served "
                f"{self.previous.value_served} → {self.plan.value_served} of "
                f"{self.plan.problem.total_value}")


def _history_cancellations(plan: Plan) -> tuple[list[Engagement], dict[str, dict[str, Any]],
                                                 dict[str, TravelLeg]]:
    """Every engagement and leg dropped across the history and not back, as last recorded."""
    zone = plan.problem.tour.zone
    scheduled = {e.request_id for e in plan.engagements}
    records: dict[str, dict[str, Any]] = {}
    legs: dict[str, TravelLeg] = {}
    for entry in plan.history:
        diff = entry.get("diff") or {}
        for record in diff.get("dropped", []):
            records[record["request_id"]] = record
        for record in diff.get("added", []) + [m["to"] for m in diff.get("moved", [])]:
            records.pop(record["request_id"], None)
        for record in entry.get("cancelled_legs", []):
            legs[record["uid"]] = TravelLeg(date.fromisoformat(record["day"]), record["from"], record["to"],
                                            datetime.fromisoformat(record["depart"]).astimezone(zone),
                                            datetime.fromisoformat(record["arrive"]).astimezone(zone),
                                            record["minutes"])
    current = _leg_uids(plan)
    legs = {uid: leg for uid, leg in legs.items() if uid not in current}
    records = {rid: r for rid, r in records.items() if rid not in scheduled}
    engagements = [Engagement(r["request_id"], date.fromisoformat(r["day"]),
                              datetime.fromisoformat(r["start"]).astimezone(zone),
                              datetime.fromisoformat(r["end"]).astimezone(zone), r["location"])
                   for r in records.values()]
    return engagements, records, legs


def replan(plan: Plan, changes: Changes, *, now: datetime, params: SolveParams) -> ReplanResult:
    """Plan again from ``now``: keep what is done and under way, price every other change.

    Parameters
    ----------
    plan
        The current plan (any version).
    changes
        What changed (see :class:`Changes`; :func:`read_changes` reads them from text).
    now
        The moment of the re-plan, zone-aware. What ended before it is done and never
        changes; what has started stays as it is.
    params
        Solver settings (time limit, seed, workers). The pinned engagements, the previous
        agenda, the hints and the change costs (:func:`change_costs_for`) are data of the
        re-plan and travel to the solver as its :class:`~scheduler.solve.Baseline`.

    Returns
    -------
    ReplanResult
        The new plan (history extended), the diff, sequences and cancellations.

    Raises
    ------
    InputError
        When a change names an unknown request or rewrites what is done or under way.
    InfeasibleError
        When a mandatory engagement, or a pinned one, can no longer be kept; the message and
        ``conflicts`` name it.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InputError([InputIssue("now", None, None, "the moment of the re-plan needs a time zone")])
    zone = plan.problem.tour.zone
    now = _ceil_minute(now).astimezone(zone)
    issues = _check_ids(plan, changes)
    cuts = _cut(plan, now, changes.delay_minutes)
    issues += _check_past(plan, changes, cuts)
    if issues:
        raise InputError(_unique(issues))
    try:
        problem = _changed_problem(plan.problem, changes)
    except DomainError as error:
        raise InputError([InputIssue(changes.requests_file or "changes", None, None, str(error))]) from None
    remaining = _remaining(problem, cuts)
    sub = _solve_remaining(plan, problem, cuts, remaining, changes, now, params)
    merged = _merge(plan, problem, cuts, remaining, sub, now)
    diff = diff_plans(plan, merged, cancelled=changes.cancel)
    sequences, gone = _new_sequences(plan, merged, diff)
    warnings = remaining.warnings + sub.warnings
    history = list(plan.history) or [_first_entry(plan)]
    history.append(_history_entry(plan, merged, changes, diff, now, sequences, gone, warnings))
    merged = replace(merged, history=tuple(history))
    cancelled, _, legs = _history_cancellations(merged)
    withdrawn = tuple(r for r in plan.problem.requests if r.id in changes.cancel)
    log.info("re-plan from %s: %s", now.isoformat(), diff.summary())
    return ReplanResult(plan=merged, previous=plan, diff=diff, sequences=current_sequences(merged),
                        cancelled=tuple(cancelled), cancelled_requests=withdrawn,
                        cancelled_legs=legs, warnings=tuple(warnings), now=now)


# ============================================================================ for people

def _slot_text(engagement: Engagement, zone: ZoneInfo) -> str:
    return when(engagement.start, engagement.end, zone)


def _title(result: ReplanResult, request_id: str) -> str:
    for problem in (result.plan.problem, result.previous.problem):
        request = _request_or_none(problem, request_id)
        if request is not None:
            return request.title
    return request_id


def invitation_changes(result: ReplanResult) -> list[tuple[str, str]]:
    """The invitations a re-plan sends, one per counterpart whose slot changed.

    Returns
    -------
    list[tuple[str, str]]
        ``(request id, kind)`` sorted by id; kind is ``"update"`` (moved, or new details),
        ``"new"`` (added) or ``"cancel"`` (dropped).
    """
    out = [(m.request_id, "update") for m in result.diff.moved]
    out += [(e.request_id, "update") for e in result.diff.updated]
    out += [(e.request_id, "new") for e in result.diff.added]
    out += [(d.request_id, "cancel") for d in result.diff.dropped]
    return sorted(out)


def changes_markdown(result: ReplanResult) -> str:
    """The diff for people: ``changes.md``, which the command also prints.

    Returns
    -------
    str
        Markdown: what was asked, the result in one line, then dropped, moved (old → new),
        added, same time with new details and kept engagements with their times, the
        invitations to send and any warnings.
    """
    plan, old = result.plan, result.previous
    zone = plan.problem.tour.zone
    diff = result.diff
    tour = plan.problem.tour
    lines = [f"# Changes in version {result.version}: {tour.name}", "",
             f"Re-planned from {result.now.astimezone(zone):%a %d %b %Y %H:%M} ({tour.timezone}); "
             f"version {plan_version(old)} before.", ""]
    entry = plan.history[-1]
    asked = entry.get("changes") or {}
    told = []
    if asked.get("cancel"):
        told.append("cancelled " + ", ".join(f"{_title(result, rid)} [{rid}]" for rid in asked["cancel"]))
    for rid, windows in (asked.get("unavailable") or {}).items():
        spans = "; ".join(when(datetime.fromisoformat(s), datetime.fromisoformat(e), zone)
                          for s, e in windows)
        told.append(f"{_title(result, rid)} [{rid}] no longer available {spans}")
    if asked.get("requests_added"):
        told.append("new requests " + ", ".join(asked["requests_added"]))
    if asked.get("requests_edited"):
        told.append("edited requests " + ", ".join(asked["requests_edited"]))
    if asked.get("delay_minutes"):
        told.append(f"the guest is {asked['delay_minutes']} minutes late")
    if asked.get("pin"):
        told.append("pinned " + ", ".join(asked["pin"]))
    lines += [f"Changes: {'; '.join(told) if told else 'none'}.", "",
              f"Result: {diff.summary()}. Value served {old.value_served} → {plan.value_served} "
              f"of {plan.problem.total_value}.", ""]
    if diff.dropped:
        lines += ["## Dropped", ""]
        for item in sorted(diff.dropped, key=lambda d: utc(d.old.start)):
            why = "cancelled by the counterpart" if item.cancelled else item.reason
            lines.append(f"- {_slot_text(item.old, zone)}  {_title(result, item.request_id)} "
                         f"[{item.request_id}] — {why}")
        lines.append("")
    if diff.moved:
        lines += ["## Moved", ""]
        for item in sorted(diff.moved, key=lambda m: utc(m.new.start)):
            place = ""
            if item.old.location != item.new.location:
                place = f" (now at {_place(plan.problem, item.new.location)})"
            lines.append(f"- {_title(result, item.request_id)} [{item.request_id}]: "
                         f"{_slot_text(item.old, zone)} → {_slot_text(item.new, zone)}{place}")
        lines.append("")
    if diff.added:
        lines += ["## Added", ""]
        for engagement in diff.added:
            lines.append(f"- {_slot_text(engagement, zone)}  {_title(result, engagement.request_id)} "
                         f"[{engagement.request_id}] — {_place(plan.problem, engagement.location)}")
        lines.append("")
    if diff.updated:
        lines += ["## Same time, new details", ""]
        for engagement in diff.updated:
            lines.append(f"- {_slot_text(engagement, zone)}  {_title(result, engagement.request_id)} "
                         f"[{engagement.request_id}]")
        lines.append("")
    lines += ["## Kept", ""]
    if diff.kept:
        for engagement in diff.kept:
            lines.append(f"- {_slot_text(engagement, zone)}  {_title(result, engagement.request_id)} "
                         f"[{engagement.request_id}]")
    else:
        lines.append("- (none)")
    lines.append("")
    sends = invitation_changes(result)
    lines += ["## Invitations to send (invites/)", ""]
    words = {"update": "updated invitation", "new": "new invitation", "cancel": "cancellation"}
    if sends:
        lines += [f"- {rid}.ics: {words[kind]} — {_title(result, rid)}" for rid, kind in sends]
    else:
        lines.append("- none: no counterpart's slot changed")
    lines.append("")
    if result.warnings:
        lines += ["## Warnings", ""] + [f"- {text}" for text in result.warnings] + [""]
    return "\n".join(lines)


# ============================================================================ files

@dataclass
class ReplanFiles:
    """Files a re-plan wrote, and outputs skipped with the reason (a PDF without its libraries)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _display_plan(result: ReplanResult) -> Plan:
    """The new plan with the withdrawn requests put back, only to title their cancelled events."""
    plan = result.plan
    _, records, _ = _history_cancellations(plan)
    known = {r.id for r in plan.problem.requests}
    ghosts = {r.id: r for r in result.cancelled_requests if r.id not in known}
    for rid, record in records.items():
        if rid in known or rid in ghosts:
            continue
        location = record.get("location")
        if location is not None and location not in plan.problem.locations:
            continue
        ghosts[rid] = Request(rid, record.get("title") or rid, 1, (), 0, kind=record.get("kind", "other"),
                              location_id=location,
                              remote=None if location is not None else (record.get("remote") or "phone"))
    if not ghosts:
        return plan
    problem = replace(plan.problem, requests=plan.problem.requests + tuple(ghosts.values()))
    return replace(plan, problem=problem)


def _cancelled_leg_event(plan: Plan, uid: str, leg: TravelLeg, sequence: int):
    from icalendar import Event

    from .export.ics import dtstamp, in_zone

    zone_name = plan.problem.tour.timezone
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    event.add("SUMMARY", f"Cancelled: Travel: {_place(plan.problem, leg.origin)} → "
                         f"{_place(plan.problem, leg.destination)}")
    event.add("DTSTART", in_zone(leg.depart, zone_name))
    event.add("DTEND", in_zone(leg.arrive, zone_name))
    event.add("CATEGORIES", ["travel"])
    event.add("STATUS", "CANCELLED")
    event.add("TRANSP", "TRANSPARENT")
    event.add("X-SCHEDULER-KIND", "travel")
    return event


def write_replan(result: ReplanResult, out_dir: str | Path, *, pdf: bool = True) -> ReplanFiles:
    """Write a re-plan: plan.json, the versions, changes.md, calendars, invitations, run sheets.

    ``out_dir/plan.json`` is the new plan; ``out_dir/versions/plan-v<N>.json`` keeps the
    previous version and this one (an existing different file is kept as ``.~N~``, never
    lost). ``agenda.ics`` and ``agenda-team.ics`` carry every event with its SEQUENCE and the
    dropped engagements and legs as STATUS:CANCELLED; ``invites/`` gets a file only for the
    counterparts whose slot changed (METHOD:REQUEST, or METHOD:CANCEL when dropped).

    Parameters
    ----------
    result
        What :func:`replan` returned.
    out_dir
        The output folder (made when missing); it may be the old plan's own folder.
    pdf
        Whether to write the PDF run sheets (most of the time a re-plan takes).

    Returns
    -------
    ReplanFiles
        The files written and the outputs skipped.
    """
    from .export import write_all
    from .export.ics import FILE_NAMES, calendar_bytes, engagement_uid, guest_calendar
    from .export.invites import cancellation, invitation, invite_path
    from .fsio import write_atomic
    from .planfile import dumps, write_plan

    out = Path(out_dir)
    plan = result.plan
    written = ReplanFiles()
    versions = out / "versions"
    written.files.append(write_atomic(versions / f"plan-v{plan_version(result.previous)}.json",
                                      dumps(result.previous), private=True))
    written.files.append(write_atomic(versions / f"plan-v{result.version}.json", dumps(plan), private=True))
    written.files.append(write_plan(plan, out / "plan.json"))
    written.files.append(write_atomic(out / "changes.md", changes_markdown(result), private=True))
    display = _display_plan(result)
    for audience in ("guest", "team"):
        calendar = guest_calendar(display, audience=audience, sequences=result.sequences,
                                  cancelled=result.cancelled)
        for uid, leg in sorted(result.cancelled_legs.items()):
            calendar.add_component(_cancelled_leg_event(plan, uid, leg, result.sequences.get(uid, 1)))
        written.files.append(write_atomic(out / FILE_NAMES[audience], calendar_bytes(calendar),
                                          private=True))
    tour_id = plan.problem.tour.id
    old_by_id = {e.request_id: e for e in result.previous.engagements}
    for rid, kind in invitation_changes(result):
        sequence = result.sequences.get(engagement_uid(tour_id, rid), 0)
        if kind == "cancel":
            calendar = cancellation(display, rid, sequence, engagement=old_by_id[rid])
        else:
            calendar = invitation(plan, rid, sequence=sequence)
        written.files.append(write_atomic(invite_path(out, rid), calendar_bytes(calendar), private=False))
    sheets = write_all(plan, out, tuple(o for o in _RUN_SHEETS if pdf or o[0] != "pdf"))
    written.files += sheets.files
    written.skipped += sheets.skipped
    return written
