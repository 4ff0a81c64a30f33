"""What changed since the plan was made: the :class:`Changes` record, its checks, and the problem with it applied."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ..domain import Location, Plan, Problem, Request, TravelTable, Window, utc
from ..errors import InputError, InputIssue
from ..suggest import did_you_mean
from .absence import Absence

__all__ = ["MAX_DELAY_MINUTES", "Changes", "apply_changes", "check_ids", "subtract_windows",
           "unique_issues", "unknown_request"]

MAX_DELAY_MINUTES = 24 * 60


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
    travel
        The plan's travel table completed for the places of ``requests`` that the plan does
        not use yet (:func:`scheduler.io.changes.read_changes` estimates it from their
        coordinates); ``None`` when the requests bring no new place.
    absent
        Members of a delegation absent for a time (:class:`~scheduler.replan.absence.Absence`).
    """

    cancel: tuple[str, ...] = ()
    unavailable: Mapping[str, tuple[Window, ...]] = field(default_factory=dict)
    requests: tuple[Request, ...] = ()
    locations: Mapping[str, Location] = field(default_factory=dict)
    delay_minutes: int = 0
    pin: tuple[str, ...] = ()
    requests_file: str | None = None
    travel: TravelTable | None = None
    absent: tuple[Absence, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all changed (a re-plan then keeps the agenda as it is)."""
        return not (self.cancel or self.unavailable or self.requests or self.delay_minutes
                    or self.pin or self.absent)

    def to_dict(self, plan: Plan) -> dict[str, Any]:
        """The changes as the history records them (JSON-ready; times in the tour's zone)."""
        zone = plan.problem.tour.zone
        known = {r.id for r in plan.problem.requests}
        out = {
            "cancel": list(self.cancel),
            "unavailable": {rid: [[w.start.astimezone(zone).isoformat(), w.end.astimezone(zone).isoformat()]
                                  for w in windows] for rid, windows in sorted(self.unavailable.items())},
            "requests_added": [r.id for r in self.requests if r.id not in known],
            "requests_edited": [r.id for r in self.requests if r.id in known],
            "requests_file": self.requests_file,
            "delay_minutes": self.delay_minutes,
            "pin": list(self.pin),
        }
        if self.absent:  # only then, so that a plan without absences writes what it wrote
            out["absent"] = [absence.to_dict(zone) for absence in self.absent]
        return out


def unique_issues(issues: Iterable[InputIssue]) -> list[InputIssue]:
    """``issues`` without repeats, in the order first found."""
    return list(dict.fromkeys(issues))


def unknown_request(source: str, request_id: str, known: Iterable[str]) -> InputIssue:
    """The problem of an id that names no request, with the closest ids as a suggestion."""
    return InputIssue(source, None, request_id,
                      f"unknown request `{request_id}`{did_you_mean(request_id, known)}")


def check_ids(plan: Plan, changes: Changes) -> list[InputIssue]:
    """Problems with the ids of ``changes`` that do not depend on the time.

    Parameters
    ----------
    plan
        The plan being re-planned.
    changes
        The changes to it.

    Returns
    -------
    list[InputIssue]
        Unknown ids (with a suggestion), contradictions (cancelled and edited, pinned and
        cancelled), pins of what is not scheduled, and a delay out of range.
    """
    ids = [r.id for r in plan.problem.requests]
    edited = {r.id for r in changes.requests}
    scheduled = {e.request_id for e in plan.engagements}
    issues = []
    for rid in changes.cancel:
        if rid not in ids:
            issues.append(unknown_request("--cancel", rid, ids))
        elif rid in edited:
            issues.append(InputIssue("--cancel", None, rid, f"`{rid}` is both cancelled and given "
                                     "in the requests file; keep one of the two"))
    for rid in changes.unavailable:
        if rid not in ids and rid not in edited:
            issues.append(unknown_request("--unavailable", rid, ids))
        elif rid in changes.cancel:
            issues.append(InputIssue("--unavailable", None, rid, f"`{rid}` is cancelled"))
    for rid in changes.pin:
        if rid not in ids:
            issues.append(unknown_request("--pin", rid, ids))
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


def subtract_windows(windows: Iterable[Window], holes: Iterable[Window]) -> tuple[Window, ...]:
    """``windows`` with every ``hole`` cut out of them (a window may split in two)."""
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


def apply_changes(problem: Problem, changes: Changes) -> Problem:
    """The whole problem with ``changes`` applied, over every day of the tour.

    Cancelled requests leave it, edited ones replace theirs, new ones join it, and the
    windows a counterpart can no longer do are cut out of its request.

    Raises
    ------
    InputError
        When the new requests name places the travel table does not reach and ``changes``
        brings no completed table (``changes.travel``).
    DomainError
        When a changed request is not valid any more.
    """
    edits = {r.id: r for r in changes.requests}
    requests = []
    for request in problem.requests:
        if request.id in changes.cancel:
            continue
        requests.append(edits.pop(request.id, request))
    requests += list(edits.values())
    requests = [replace(r, windows=subtract_windows(r.windows, changes.unavailable[r.id]),
                        windows_text=None)
                if r.id in changes.unavailable else r for r in requests]
    locations = {**problem.locations, **changes.locations}
    used = set(problem.used_locations())
    new_places = sorted({r.location_id for r in requests
                         if r.location_id is not None and r.location_id not in used})
    travel = problem.travel
    if new_places:
        if changes.travel is None:
            raise InputError([InputIssue(changes.requests_file or "changes", None, None,
                                         f"no travel times to {', '.join(new_places)}: read the changes "
                                         "with scheduler.io.changes.read_changes, which estimates them")])
        travel = changes.travel
    return Problem(problem.tour, tuple(requests), locations, travel,
                   rules_among(problem.rules, {r.id for r in requests}), problem.resources)


def rules_among(rules, kept: set[str]) -> tuple:
    """The rules between requests as they read with only ``kept`` requests (cancelled ones
    leave them); a rule left with too few requests to say anything goes."""
    out = []
    for rule in rules:
        first = tuple(i for i in rule.first if i in kept)
        then = tuple(i for i in rule.then if i in kept)
        members = tuple(i for i in rule.requests if i in kept)
        if rule.kind == "before" and first and then:
            out.append(replace(rule, first=first, then=then))
        elif rule.kind != "before" and len(members) >= 2:
            out.append(replace(rule, requests=members))
    return tuple(out)
