"""Reasons in plain words: why a request is not in the agenda, why mandatory ones cannot fit.

They are built on the minute-level facts of :mod:`scheduler.window_fit` (each window of a
request against the tour's days, the guest's hours and the travel from where a day starts),
whose names are importable from here too.
"""

from __future__ import annotations

from .domain import Engagement, Problem, Request, Tour, Unscheduled
from .formatting import format_day, format_duration, place_name, when
from .model.instance import Instance
from .reasons_delegation import busy_reason, busy_rivals, full_days_reason, hours_of
from .window_fit import (
    TourMinutes,
    WindowFit,
    days_touched,
    fit_alone,
    hours_text,
    local_midnight,
    nowhere_note,
    plural,
    window_verdicts,
)

date_name = format_day
"""``Tue 27 Nov``: :func:`scheduler.formatting.format_day` under its older name."""

__all__ = [
    "TourMinutes",
    "WindowFit",
    "date_name",
    "days_touched",
    "explain_unscheduled",
    "fit_alone",
    "hours_text",
    "infeasibility_reasons",
    "local_midnight",
    "nowhere_note",
    "plural",
    "pruned_reason",
    "when",
    "window_verdicts",
]


def _when(problem: Problem, span) -> str:
    """``Tue 27 Nov 10:00–11:00`` of anything with a start and an end, in the guest's zone then."""
    return when(span.start, span.end, problem.tour.zone_on(span.start))


def _windows_text(request: Request, tour: Tour) -> str:
    if not request.windows:
        return "no window"
    shown = [when(w.start, w.end, tour.zone_on(w.start)) for w in request.windows[:4]]
    more = len(request.windows) - len(shown)
    return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def pruned_reason(problem: Problem, request: Request, code: str,
                  instance: Instance | None = None) -> str:
    """The sentence for a request that could never be placed, by its pruning code.

    Parameters
    ----------
    problem
        The problem.
    request
        The request the engine pruned.
    code
        ``too_short``, ``no_window``, ``unreachable`` or ``no_resource``.
    instance
        The problem's instance, when built; with it the sentence names, window by window,
        what rules it out (the day's hours, the travel from where the day starts).
    """
    first, last = problem.tour.days[0], problem.tour.days[-1]
    span = f"{format_day(first.date)} to {format_day(last.date)}"
    if code == "too_short":
        longest = max((w.minutes for w in request.windows), default=0)
        return (f"Every window is shorter than the {request.duration_minutes} min it needs "
                f"(the longest lasts {longest} min): {_windows_text(request, problem.tour)}.")
    if code == "no_resource":
        return resource_reason(problem, request)
    details = ""
    if instance is not None and request.windows:
        verdicts = window_verdicts(TourMinutes(problem, instance), request, limit=3)
        details = " " + "; ".join(f"{label}: {text}" for label, text in verdicts) + "."
    whose = hours_of(problem, request)
    if code == "no_window":
        if not request.windows:
            return "It has no window at all: every time it offered was removed."
        if details:
            return f"None of its windows falls within {whose} on the tour's days ({span}).{details}"
        return (f"None of its windows falls within {whose} on the tour's days "
                f"({span}): {_windows_text(request, problem.tour)}.")
    if problem.tour.is_delegation and request.joint:
        return ("Its windows never leave a time at which all its guests can be there, each "
                "from where their day starts and back to where it ends"
                + (f".{details}" if details else f": {_windows_text(request, problem.tour)}."))
    if problem.tour.is_delegation and request.guests:
        return (f"Its windows fall within {whose}, but not with the travel from where the day "
                "starts or back to where it ends"
                + (f".{details}" if details else f": {_windows_text(request, problem.tour)}."))
    if details:
        return ("Its windows fall within the guest's hours, but not with the travel from where "
                f"the day starts or back to where it ends.{details}")
    return ("Its windows fall within the guest's hours, but not with the travel from where the "
            "day starts or back to where it ends: "
            f"{_windows_text(request, problem.tour)}.")


def resource_reason(problem: Problem, request: Request) -> str:
    """Why a request fits the guest's day but no resource it needs can be there: each need
    whose candidates are all off, with their hours on the days of the request's windows."""
    zone = problem.tour.zone
    dates = {w.start.astimezone(zone).date() for w in request.windows}
    parts = []
    for need in request.needs:
        candidates = problem.candidates(request, need)
        if any(c.holds(w.start, w.end) or _overlaps_hours(c, w) for c in candidates
               for w in request.windows):
            continue
        for resource in candidates:
            hours = [h for h in resource.hours if h.start.astimezone(zone).date() in dates]
            off = sorted(day for day in dates
                         if not any(h.start.astimezone(zone).date() == day for h in resource.hours))
            shown = "; ".join([when(h.start, h.end, zone) for h in hours]
                              + [f"off on {format_day(day)}" for day in off])
            parts.append(f"{resource.label} is off then: hours {shown}")
    if not parts:
        names = ", ".join(c.label for need in request.needs for c in problem.candidates(request, need))
        return (f"It fits the guest's day, but never within the hours of what it needs ({names}) "
                f"as well, set-up included: {_windows_text(request, problem.tour)}.")
    return (f"It needs {', '.join(request.needs)}, and " + "; ".join(parts)
            + f". Its windows: {_windows_text(request, problem.tour)}.")


def _overlaps_hours(resource, window) -> bool:
    return any(h.overlaps(window) for h in resource.hours)


def _occupancies(problem: Problem, instance: Instance,
                 engagements: tuple[Engagement, ...]) -> list[tuple[Engagement, int, int]]:
    """Each scheduled engagement with the minutes it keeps the guest (set-up to end plus
    buffer), read once for every request left out."""
    grid = instance.grid
    return [(e, grid.minutes(e.start) - problem.request(e.request_id).setup_minutes,
             grid.minutes(e.end) + instance.buffer) for e in engagements]


def _overlapping(data, occupancies: list[tuple[Engagement, int, int]]) -> list[Engagement]:
    """Scheduled engagements on the request's candidate days that overlap its possible times."""
    found = []
    for e, e_low, e_high in occupancies:
        for ranges in data.starts.values():
            if any(low - data.setup < e_high and e_low < high + data.duration for low, high in ranges):
                found.append(e)
                break
    return found


def _place_name(problem: Problem, location: str | None) -> str:
    return place_name(problem.locations, location, remote_text="a remote call")


def _neighbours(problem: Problem, instance: Instance, data, engagements) -> list[tuple[Engagement, int]]:
    """Engagements on the request's days close enough in time that travel decides, nearest first."""
    grid = instance.grid
    index = {place: i for i, place in enumerate(instance.places)}
    day_of = {d.date: i for i, d in enumerate(problem.tour.days)}
    found = []
    for e in engagements:
        day_index = day_of.get(e.day)
        if day_index not in data.starts:
            continue
        other = problem.request(e.request_id)
        minutes = 0
        if data.place is not None and e.location is not None:
            minutes = instance.travel[data.place][index[e.location]]
        low, high = data.starts[day_index][0][0], data.starts[day_index][-1][1]
        reach = minutes + instance.buffer + other.setup_minutes + data.setup
        e_start, e_end = grid.minutes(e.start), grid.minutes(e.end)
        if e_start < high + data.duration + reach and low - reach < e_end:
            distance = min(abs(e_start - (high + data.duration)), abs(low - e_end))
            found.append((distance, e.request_id, e, minutes))
    return [(e, minutes) for _, _, e, minutes in sorted(found)]


def rule_reason(problem: Problem, instance: Instance, data, engagements) -> str | None:
    """Why a rule between requests (or the minute limit) keeps ``data`` out of the agenda, or
    ``None``: on every day it could take, a served request the rule ties it to (or the day's
    engagement minutes) leaves it no start."""
    grid = instance.grid
    placed = {e.request_id: e for e in engagements}
    day_index = {d.date: i for i, d in enumerate(problem.tour.days)}

    def blocked_by(rule, other_id: str, part: int) -> bool:
        other = placed[other_id]
        begin, end = grid.minutes(other.start), grid.minutes(other.end)
        other_day = day_index[other.day]
        ranges = data.starts[part]
        day = instance.days[part].date_index  # a tour day split by a fixed leg has parts
        if rule.kind == "apart":
            return other_day == day
        if rule.kind == "gap":
            return other_day == day and all(
                low > begin - rule.minutes - data.duration and high < end + rule.minutes
                for low, high in ranges)
        if data.id in rule.then:  # it must start once ``other`` (a first) has ended
            return other_day > day or (other_day == day and ranges[-1][1] < end)
        return other_day < day or (other_day == day and ranges[0][0] + data.duration > begin)

    for rule in problem.rules:
        if data.id not in rule.members:
            continue
        others = rule.first if data.id in rule.then else rule.then if rule.kind == "before" \
            else tuple(i for i in rule.requests if i != data.id)
        served = [i for i in others if i in placed]
        if served and all(any(blocked_by(rule, i, d) for i in served) for d in data.starts):
            named = ", ".join(f"{problem.request(i).title} ({_when(problem, placed[i])})"
                              for i in served[:3])
            what = {"apart": f"may not share a day with {named}",
                    "gap": f"must keep {format_duration(rule.minutes)} from {named}"}.get(rule.kind)
            if what is None:
                what = f"must come after {named}" if data.id in rule.then \
                    else f"must end before {named} starts"
            return f"It {what} ({rule.label}), and no time it can take allows that."
    cap = problem.tour.max_engagement_minutes_per_day
    if cap is not None:
        minutes: dict = {}
        for e in engagements:
            for guest in e.guests or ("",):  # each guest of a delegation has their own limit
                key = (guest, e.day)
                minutes[key] = minutes.get(key, 0) + problem.request(e.request_id).duration_minutes
        days = [(instance.guest_id(d), problem.tour.days[instance.days[d].date_index].date)
                for d in data.starts]
        if all(minutes.get(key, 0) + data.duration > cap for key in days):
            return (f"Its days hold too many engagement minutes for {format_duration(data.duration)} "
                    f"more: at most {format_duration(cap)} a day (max_engagement_minutes_per_day).")
    return None


def _displaced_reason(problem: Problem, request: Request, rivals: list[Engagement]) -> str:
    """Who took a request's possible times: mandatory requests are named as such.

    A mandatory request is placed whatever its value, so "more value" would be false for it.
    """

    def named(group: list[Engagement]) -> str:
        return ", ".join(f"{problem.request(e.request_id).title} ({_when(problem, e)}, "
                         f"value {problem.request(e.request_id).value})" for e in group)

    forced = [e for e in rivals if problem.request(e.request_id).mandatory]
    chosen = [e for e in rivals if not problem.request(e.request_id).mandatory]
    if not forced:
        return (f"Displaced: its possible times (value {request.value}) are taken by "
                f"{named(chosen)}, which serve more value in the agenda as a whole.")
    several = len(forced) > 1
    taken = (f"Displaced by {'mandatory requests' if several else 'a mandatory request'}: its "
             f"possible times (value {request.value}) are taken by the mandatory {named(forced)}, "
             f"which {'are' if several else 'is'} placed whatever {'their' if several else 'its'} value")
    if chosen:
        return (f"{taken}, and by {named(chosen)}, which serve more value in the agenda as a "
                f"whole.")
    return taken + "."


def explain_unscheduled(problem: Problem, instance: Instance,
                        engagements: tuple[Engagement, ...]) -> tuple[Unscheduled, ...]:
    """A reason for every request the agenda leaves out."""
    served = {e.request_id for e in engagements}
    pruned = {p.request_id: p.code for p in instance.pruned}
    data_of = instance.primaries()
    per_day: dict = {}
    for e in engagements:
        per_day[e.day] = per_day.get(e.day, 0) + 1
    occupancies = None  # read when first needed
    out = []
    for request in problem.requests:
        if request.id in served:
            continue
        if request.id in pruned:
            code = pruned[request.id]
            out.append(Unscheduled(request.id, pruned_reason(problem, request, code, instance), code))
            continue
        data = data_of[request.id]
        by_rule = rule_reason(problem, instance, data, engagements)
        if by_rule is not None:
            out.append(Unscheduled(request.id, by_rule, "displaced"))
            continue
        if instance.guests:
            out.append(_delegation_reason(problem, instance, request, data, engagements))
            continue
        days = [problem.tour.days[i] for i in sorted({instance.days[d].date_index for d in data.starts})]
        full = [d for d in days if per_day.get(d.date, 0) >= problem.tour.max_engagements_per_day]
        if full and len(full) == len(days):
            names = ", ".join(f"{format_day(d.date)}" for d in full)
            out.append(Unscheduled(request.id, f"Its days are full: {names} already hold "
                                   f"{problem.tour.max_engagements_per_day} engagements, the "
                                   "daily cap.", "displaced"))
            continue
        if occupancies is None:
            occupancies = _occupancies(problem, instance, engagements)
        rivals = _overlapping(data, occupancies)
        if rivals:
            out.append(Unscheduled(request.id, _displaced_reason(problem, request, rivals[:4]),
                                   "displaced"))
            continue
        neighbours = _neighbours(problem, instance, data, engagements)
        named = ", ".join(
            f"{problem.request(e.request_id).title} ({_when(problem, e)} at "
            f"{_place_name(problem, e.location)}, {minutes} min away)" for e, minutes in neighbours[:3])
        detail = f" next to {named}" if named else ""
        out.append(Unscheduled(request.id, (
            f"It cannot be reached in time from its neighbours{detail}: with the travel, the "
            f"buffer and the meal break there is no room in {_windows_text(request, problem.tour)}."),
            "unreachable"))
    return tuple(out)


def _delegation_reason(problem: Problem, instance: Instance, request: Request, data,
                       engagements: tuple[Engagement, ...]) -> Unscheduled:
    """Why a delegation's request is left out: full days, a busy guest or resource, travel."""
    full = full_days_reason(problem, instance, data, engagements)
    if full is not None:
        return Unscheduled(request.id, full, "displaced")
    rivals = busy_rivals(problem, instance, data, engagements)
    if rivals:
        return Unscheduled(request.id, busy_reason(problem, request, rivals), "displaced")
    return Unscheduled(request.id, (
        "It cannot be reached in time by who could go: with the travel, the buffer and the meal "
        f"break there is no room in {_windows_text(request, problem.tour)}."), "unreachable")


def infeasibility_reasons(problem: Problem, instance: Instance, request_ids: list[str]) -> tuple[str, ...]:
    """One line per mandatory request in a conflict, with what holds it in place."""
    pruned = {p.request_id: p.code for p in instance.pruned}
    lines = []
    for request_id in request_ids:
        request = problem.request(request_id)
        if request_id in pruned:
            lines.append(f"{request.title} [{request_id}]: "
                         + pruned_reason(problem, request, pruned[request_id], instance))
        else:
            place = request.location_id or f"remote ({request.remote})"
            lines.append(f"{request.title} [{request_id}], {request.duration_minutes} min at "
                         f"{place}, windows {_windows_text(request, problem.tour)}")
    return tuple(lines)
