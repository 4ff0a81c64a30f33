"""A delegation member absent for a time (ill, called away): what it does to their days and requests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable

from ..domain import Plan, Problem, Request, utc
from ..errors import InputIssue
from ..formatting import when
from ..suggest import did_you_mean

__all__ = ["ABSENT_JOINT", "Absence", "absence_notes", "absence_reasons", "absent_spans",
           "absent_from_their_slot", "check_absences", "continue_without", "cut_out_absence", "described", "member_name",
           "names_of"]

ABSENT_JOINT = ("continue", "drop")
"""What becomes of a joint meeting in an absence: it goes on with the others, or it drops."""


@dataclass(frozen=True)
class Absence:
    """A member of the delegation who cannot attend anything for a time.

    Attributes
    ----------
    guest
        The member's id.
    start
        From when (zone-aware); ``None`` means the moment of the re-plan.
    end
        Until when, or ``None`` for the rest of the tour.
    joint
        ``"continue"``: a joint meeting in the absence goes on with the request's other
        guests; ``"drop"``: it needs every one of them, so it cannot happen then.
    source
        Where it was given (``changes.toml``, ``--absent``), for messages.
    line
        The line of the changes file that gave it, when known.
    """

    guest: str
    start: datetime | None = None
    end: datetime | None = None
    joint: str = "continue"
    source: str = "--absent"
    line: int | None = None

    def span(self, now: datetime) -> tuple[datetime, datetime | None]:
        """The absence in UTC: from ``start`` (or ``now``) until ``end`` (``None``: the end)."""
        start = utc(self.start) if self.start is not None else utc(now)
        return start, (utc(self.end) if self.end is not None else None)

    def covers(self, now: datetime, start: datetime, end: datetime) -> bool:
        """Whether the stretch ``start``–``end`` overlaps the absence."""
        low, high = self.span(now)
        return utc(end) > low and (high is None or utc(start) < high)

    def to_dict(self, zone) -> dict:
        """As the history records it (times in the tour's zone, ``null`` when not given)."""
        return {"guest": self.guest,
                "from": self.start.astimezone(zone).isoformat() if self.start else None,
                "until": self.end.astimezone(zone).isoformat() if self.end else None,
                "joint": self.joint}


def member_name(problem: Problem, guest_id: str) -> str:
    """The member's name (their id when the tour does not know them)."""
    try:
        return problem.tour.member(guest_id).label
    except KeyError:
        return guest_id


def check_absences(plan: Plan, absences: Iterable[Absence], now: datetime | None = None) -> list[InputIssue]:
    """Problems with the absences: a tour without a delegation, an unknown member (with a
    suggestion), an end before the start, a ``joint`` that is neither continue nor drop."""
    tour = plan.problem.tour
    issues = []
    for absence in absences:
        field = "guest" if absence.source != "--absent" else None
        if not tour.is_delegation:
            issues.append(InputIssue(absence.source, absence.line, field,
                                     f"`{absence.guest}`: this tour has one guest, not a delegation "
                                     "([[guests]] in tour.toml); an absence names a member of a delegation"))
            continue
        if absence.guest not in tour.guest_ids:
            issues.append(InputIssue(absence.source, absence.line, field,
                                     f"unknown guest `{absence.guest}`"
                                     f"{did_you_mean(absence.guest, tour.guest_ids)}; the guests are: "
                                     f"{', '.join(tour.guest_ids)}"))
        if absence.joint not in ABSENT_JOINT:
            issues.append(InputIssue(absence.source, absence.line, "joint",
                                     f"`{absence.joint}`: write \"continue\" (joint meetings go on with "
                                     "the others) or \"drop\""))
        start = absence.start if absence.start is not None else now
        if absence.end is not None and start is not None and utc(absence.end) <= utc(start):
            issues.append(InputIssue(absence.source, absence.line, "until",
                                     f"{when(absence.end, zone=tour.zone)} is not after the absence "
                                     f"begins ({when(start, zone=tour.zone)})"))
    return issues


def absent_spans(absences: Iterable[Absence], guest: str, now: datetime
                 ) -> list[tuple[datetime, datetime | None]]:
    """The spans (UTC) in which ``guest`` is absent, in time order."""
    return sorted((a.span(now) for a in absences if a.guest == guest), key=lambda span: span[0])


def cut_out_absence(start: datetime, end: datetime, spans: Iterable[tuple[datetime, datetime | None]]
                    ) -> list[tuple[datetime, datetime]]:
    """The stretches of ``start``–``end`` (UTC) outside every absence span, in order."""
    pieces = [(start, end)]
    for low, high in spans:
        cut = []
        for a, b in pieces:
            if b <= low or (high is not None and a >= high):
                cut.append((a, b))
                continue
            if a < low:
                cut.append((a, low))
            if high is not None and high < b:
                cut.append((high, b))
        pieces = cut
    return [(a, b) for a, b in pieces if b > a]


def continue_without(plan: Plan, problem: Problem, absences: Iterable[Absence], now: datetime,
                     done: Iterable[str]) -> tuple[Problem, dict[str, tuple[str, ...]]]:
    """The problem with each joint meeting that goes on without an absent member changed to
    the request's other guests.

    A joint request continues without a member absent with ``joint = "continue"`` when it has
    not begun and its engagement in ``plan`` lies in the absence; when the absence lasts to
    the end of the tour, also when it waits (not scheduled). Returns the problem and, for
    each request changed, the guests it had.
    """
    done = set(done)
    before: dict[str, tuple[str, ...]] = {}
    requests = []
    for request in problem.requests:
        guests = request.guests
        if request.joint and request.id not in done:
            engagement = plan.engagement(request.id)
            for absence in absences:
                if absence.joint != "continue" or absence.guest not in guests:
                    continue
                if engagement is not None:
                    if not absence.covers(now, engagement.start, engagement.end):
                        continue
                elif absence.end is not None:
                    continue
                guests = tuple(g for g in guests if g != absence.guest)
        if guests != request.guests:
            before[request.id] = request.guests
            request = replace(request, guests=guests, guests_any=False)
        requests.append(request)
    if not before:
        return problem, before
    return replace(problem, requests=tuple(requests)), before


def described(absence: Absence, problem: Problem, now: datetime) -> str:
    """``Anna Kowalska is absent from Tue 27 Nov 12:00 to the end of the tour``."""
    zone = problem.tour.zone
    start, end = absence.span(now)
    until = f"until {when(end, zone=zone)}" if end is not None else "to the end of the tour"
    return f"{member_name(problem, absence.guest)} is absent from {when(start, zone=zone)} {until}"


def absence_reasons(problem: Problem, absences: Iterable[Absence], now: datetime,
                    requests: Iterable[Request]) -> dict[str, str]:
    """Why each of ``requests`` cannot be served: who of its guests is absent (request id →
    sentence), for the requests the absences take out of what remains."""
    absences = list(absences)
    out = {}
    for request in requests:
        away = [a for a in absences if a.guest in request.guests]
        if away:
            out[request.id] = "; ".join(described(a, problem, now) for a in away) + "."
    return out



def names_of(problem: Problem, guest_ids: Iterable[str]) -> str:
    """``Boris Ivanov``, ``Boris Ivanov and Chen Wei``: members by name, in the given order."""
    names = [member_name(problem, guest) for guest in guest_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def absence_notes(result) -> list[str]:
    """Who is absent, and what became of each meeting they shared, in sentences for
    changes.md and the command's output (empty when nobody is absent).

    Parameters
    ----------
    result
        A :class:`~scheduler.replan.ReplanResult`.
    """
    if not result.absent:
        return []
    plan, old = result.plan, result.previous
    zone = plan.problem.tour.zone
    notes = [f"{described(a, old.problem, result.now)}; joint meetings "
             f"{'continue with the others' if a.joint == 'continue' else 'drop'}."
             for a in result.absent]
    away = {a.guest for a in result.absent}
    changed = set(result.diff.changed_ids)
    for before in old.engagements:
        request = old.problem.request(before.request_id)
        if before.request_id not in changed or not (away & set(before.guests)) or \
                not (request.joint or request.guests_any):
            continue
        after = plan.engagement(before.request_id)
        if after is None:
            reason = next((u.reason for u in plan.unscheduled if u.request_id == request.id), "")
            what = f"dropped{f' ({reason.rstrip(chr(46))})' if reason else ''}"
        elif (utc(after.start), after.day) == (utc(before.start), before.day):
            what = (f"continues with {names_of(old.problem, after.guests)}" if request.joint
                    else f"{names_of(old.problem, after.guests)} goes instead")
        else:
            what = f"moves to {when(after.start, after.end, zone)} with {names_of(old.problem, after.guests)}"
        kind = "joint meeting" if request.joint else "one of " + names_of(old.problem, request.guests)
        notes.append(f"{request.title} [{request.id}] ({kind}, {when(before.start, before.end, zone)}): {what}.")
    return notes


def absent_from_their_slot(plan: Plan, problem: Problem, absences: Iterable[Absence],
                           now: datetime) -> dict[str, str]:
    """Request id → why, for each engagement of ``plan`` that an absent member had to attend
    (their own, or a joint one that does not go on without them) in the absence: if it is
    not in the new agenda, the absence is the reason."""
    absences = list(absences)
    out = {}
    for engagement in plan.engagements:
        try:
            request = problem.request(engagement.request_id)
        except KeyError:
            continue  # cancelled
        away = [a for a in absences if a.guest in engagement.guests and a.guest in request.guests
                and not request.guests_any and a.covers(now, engagement.start, engagement.end)]
        if away:
            out[request.id] = "; ".join(described(a, problem, now) for a in away) + "."
    return out
