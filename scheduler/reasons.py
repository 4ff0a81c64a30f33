"""Reasons in plain words: why a request is not in the agenda, why mandatory ones cannot fit.

They are built on the minute-level facts of :mod:`scheduler.window_fit` (each window of a
request against the tour's days, the guest's hours and the travel from where a day starts),
whose names are importable from here too.
"""

from __future__ import annotations

from .domain import Engagement, Problem, Request, Unscheduled
from .formatting import format_day, place_name, when
from .model.instance import Instance
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


def _windows_text(request: Request, zone) -> str:
    if not request.windows:
        return "no window"
    shown = [when(w.start, w.end, zone) for w in request.windows[:4]]
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
        ``too_short``, ``no_window`` or ``unreachable``.
    instance
        The problem's instance, when built; with it the sentence names, window by window,
        what rules it out (the day's hours, the travel from where the day starts).
    """
    zone = problem.tour.zone
    first, last = problem.tour.days[0], problem.tour.days[-1]
    span = f"{format_day(first.date)} to {format_day(last.date)}"
    if code == "too_short":
        longest = max((w.minutes for w in request.windows), default=0)
        return (f"Every window is shorter than the {request.duration_minutes} min it needs "
                f"(the longest lasts {longest} min): {_windows_text(request, zone)}.")
    details = ""
    if instance is not None and request.windows:
        verdicts = window_verdicts(TourMinutes(problem, instance), request, limit=3)
        details = " " + "; ".join(f"{label}: {text}" for label, text in verdicts) + "."
    if code == "no_window":
        if not request.windows:
            return "It has no window at all: every time it offered was removed."
        if details:
            return f"None of its windows falls within the guest's hours on the tour's days ({span}).{details}"
        return (f"None of its windows falls within the guest's hours on the tour's days "
                f"({span}): {_windows_text(request, zone)}.")
    if details:
        return ("Its windows fall within the guest's hours, but not with the travel from where "
                f"the day starts or back to where it ends.{details}")
    return ("Its windows fall within the guest's hours, but not with the travel from where the "
            "day starts or back to where it ends: "
            f"{_windows_text(request, zone)}.")


def _overlapping(problem: Problem, instance: Instance, request: Request,
                 engagements: tuple[Engagement, ...]) -> list[Engagement]:
    """Scheduled engagements on the request's candidate days that overlap its possible times."""
    data = next((r for r in instance.requests if r.id == request.id), None)
    if data is None:
        return []
    grid = instance.grid
    found = []
    for e in engagements:
        s = grid.minutes(e.start)
        other = problem.request(e.request_id)
        e_low, e_high = s - other.setup_minutes, grid.minutes(e.end) + instance.buffer
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
    found = []
    for e in engagements:
        day_index = next((i for i, d in enumerate(problem.tour.days) if d.date == e.day), None)
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


def explain_unscheduled(problem: Problem, instance: Instance,
                        engagements: tuple[Engagement, ...]) -> tuple[Unscheduled, ...]:
    """A reason for every request the agenda leaves out."""
    zone = problem.tour.zone
    served = {e.request_id for e in engagements}
    pruned = {p.request_id: p.code for p in instance.pruned}
    per_day: dict = {}
    for e in engagements:
        per_day[e.day] = per_day.get(e.day, 0) + 1
    out = []
    for request in problem.requests:
        if request.id in served:
            continue
        if request.id in pruned:
            code = pruned[request.id]
            out.append(Unscheduled(request.id, pruned_reason(problem, request, code, instance), code))
            continue
        data = next(r for r in instance.requests if r.id == request.id)
        days = [problem.tour.days[i] for i in sorted({instance.days[d].date_index for d in data.starts})]
        full = [d for d in days if per_day.get(d.date, 0) >= problem.tour.max_engagements_per_day]
        if full and len(full) == len(days):
            names = ", ".join(f"{format_day(d.date)}" for d in full)
            out.append(Unscheduled(request.id, f"Its days are full: {names} already hold "
                                   f"{problem.tour.max_engagements_per_day} engagements, the "
                                   "daily cap.", "displaced"))
            continue
        rivals = _overlapping(problem, instance, request, engagements)
        if rivals:
            named = ", ".join(
                f"{problem.request(e.request_id).title} ({when(e.start, e.end, zone)}, value "
                f"{problem.request(e.request_id).value})" for e in rivals[:4])
            reason = (f"Displaced: its possible times (value {request.value}) are taken by "
                      f"{named}, which serve more value in the agenda as a whole.")
            out.append(Unscheduled(request.id, reason, "displaced"))
            continue
        neighbours = _neighbours(problem, instance, data, engagements)
        named = ", ".join(
            f"{problem.request(e.request_id).title} ({when(e.start, e.end, zone)} at "
            f"{_place_name(problem, e.location)}, {minutes} min away)" for e, minutes in neighbours[:3])
        detail = f" next to {named}" if named else ""
        out.append(Unscheduled(request.id, (
            f"It cannot be reached in time from its neighbours{detail}: with the travel, the "
            f"buffer and the meal break there is no room in {_windows_text(request, zone)}."),
            "unreachable"))
    return tuple(out)


def infeasibility_reasons(problem: Problem, instance: Instance, request_ids: list[str]) -> tuple[str, ...]:
    """One line per mandatory request in a conflict, with what holds it in place."""
    zone = problem.tour.zone
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
                         f"{place}, windows {_windows_text(request, zone)}")
    return tuple(lines)
