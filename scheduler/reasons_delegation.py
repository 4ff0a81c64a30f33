"""Why a delegation's request is left out, in plain words: whose days are full, who is busy.

In a delegation a request can only go where one of its guests (all of them for a joint
meeting) is free, with the resources it needs free too; the reasons therefore name the
guest or the resource that is elsewhere ("Boris Ivanov is at El País then", "Interpreter
Ana is with Anna Kowalska at Casa de América then").
"""

from __future__ import annotations

from .domain import Engagement, Problem, Request
from .formatting import format_day, place_name, when
from .model.instance import Instance, RequestData


def _when(problem: Problem, span) -> str:
    return when(span.start, span.end, problem.tour.zone_on(span.start))


def _guest_name(problem: Problem, guest_id: str) -> str:
    return problem.tour.member(guest_id).label


def hours_of(problem: Problem, request: Request) -> str:
    """Whose hours a request's windows are judged in: ``the guest's hours``, ``Boris Ivanov's
    hours``, or for several guests ``the hours of Anna Kowalska or Boris Ivanov``."""
    if not problem.tour.is_delegation or not request.guests:
        return "the guest's hours"
    names = [_guest_name(problem, guest_id) for guest_id in request.guests]
    if len(names) == 1:
        return f"{names[0]}'s hours"
    return f"the hours of {', '.join(names[:-1])} or {names[-1]}"


def candidate_days(instance: Instance, data: RequestData) -> list[tuple[str, int]]:
    """(guest id, tour day index) of each day the request could take, in order, without repeats."""
    return list(dict.fromkeys((instance.guest_id(d), instance.days[d].date_index)
                              for d in sorted(data.starts)))


def full_days_reason(problem: Problem, instance: Instance, data: RequestData,
                     engagements: tuple[Engagement, ...]) -> str | None:
    """"Its days are full" when every guest's day it could take holds the cap already."""
    cap = problem.tour.max_engagements_per_day
    count: dict[tuple[str, object], int] = {}
    for e in engagements:
        for guest in e.guests:
            count[(guest, e.day)] = count.get((guest, e.day), 0) + 1
    days = [(guest, problem.tour.days[i].date) for guest, i in candidate_days(instance, data)]
    if not days or any(count.get(key, 0) < cap for key in days):
        return None
    names = ", ".join(f"{format_day(date)} ({_guest_name(problem, guest)})" for guest, date in days)
    return f"Its days are full: {names} already hold {cap} engagements, the daily cap."


def busy_rivals(problem: Problem, instance: Instance, data: RequestData,
                engagements: tuple[Engagement, ...]) -> list[tuple[Engagement, str]]:
    """The engagements that keep a guest who could go, or a resource the request needs, busy
    at its possible times; each with the words saying who is where then."""
    grid = instance.grid
    request = problem.request(data.id)
    wanted = {candidate.id for need in request.needs for candidate in problem.candidates(request, need)}
    found = []
    for e in engagements:
        other = problem.request(e.request_id)
        low = grid.minutes(e.start) - other.setup_minutes
        high = grid.minutes(e.end) + instance.buffer
        place = place_name(problem.locations, e.location, remote_text="a remote call")
        for d, ranges in sorted(data.starts.items()):
            if not any(start - data.setup < high and low < start_high + data.duration
                       for start, start_high in ranges):
                continue
            guest = instance.guest_id(d)
            if guest in e.guests:
                found.append((e, f"{_guest_name(problem, guest)} is at {place} then"))
                break
            shared = [r for r in e.resources if r in wanted]
            if shared:
                who = " and ".join(_guest_name(problem, g) for g in e.guests)
                found.append((e, f"{problem.resource(shared[0]).name} is with {who} at {place} then"))
                break
    return found


def busy_reason(problem: Problem, request: Request, rivals: list[tuple[Engagement, str]]) -> str:
    """``Displaced: Boris Ivanov is at El País then (Tue 27 Nov 10:00–11:00, El País
    interview, value 10); …``, the mandatory ones said as such."""
    parts = []
    for e, words in rivals[:4]:
        other = problem.request(e.request_id)
        kind = "mandatory " if other.mandatory else ""
        parts.append(f"{words} ({_when(problem, e)}, {kind}{other.title}, value {other.value})")
    return (f"Displaced (value {request.value}): " + "; ".join(parts)
            + ". The agenda as a whole serves more value that way.")
