"""What a re-planned plan's calendars carry from its history: each event's SEQUENCE, the slots and legs dropped."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ..calendar_uids import NightEvent
from ..domain import Engagement, Plan, Problem, Request, TravelLeg

__all__ = ["CALENDAR_FORMATS", "CalendarHistory", "calendar_history", "with_withdrawn"]

#: The export formats whose writers carry a re-planned plan's history (``write(...,
#: history=...)``): an export builds it once and hands it to each of them.
CALENDAR_FORMATS = frozenset({"ics", "invites", "resources", "guests"})


@dataclass(frozen=True)
class CalendarHistory:
    """What the calendars of a plan's latest version hold besides its agenda.

    Attributes
    ----------
    sequences
        SEQUENCE by event UID (how many versions changed that event); absent means 0.
    cancelled
        The engagements dropped across the history and not back, as they last were.
    legs
        Calendar UID → the travel leg that vanished.
    titles
        The plan with the withdrawn requests put back, only to title the cancelled events.
    resource_events
        Calendar UID → the record of an engagement a resource served and no longer does
        (``resource``, ``title``, ``day``, ``start``, ``end``, ``location``).
    members_left
        Engagements still planned that some members of a delegation no longer attend, with
        those members as guests (their own calendars cancel them).
    nights
        (calendar, UID) → a night event a version dropped from that calendar (``""``: the
        tour's, else a member's id), as it last was.
    """

    sequences: Mapping[str, int]
    cancelled: tuple[Engagement, ...]
    legs: Mapping[str, TravelLeg]
    titles: Plan
    resource_events: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    members_left: tuple[Engagement, ...] = ()
    nights: Mapping[tuple[str, str], NightEvent] = field(default_factory=dict)


def calendar_history(plan: Plan) -> CalendarHistory:
    """What the plan's history says its calendars carry, so that exporting a re-planned plan
    again gives the phones what the re-plan gave them (a plan never re-planned: nothing).

    It reads the whole history once; an export builds it once and hands it to every calendar
    writer (``CALENDAR_FORMATS``)."""
    if not plan.history:
        return CalendarHistory({}, (), {}, plan)
    # The history's readers sit in the re-planning package, whose engine is slow to import.
    from ..replan.history import cancellations, current_sequences

    dropped = cancellations(plan)
    return CalendarHistory(current_sequences(plan), dropped.engagements, dropped.legs,
                           _with_ghosts(plan, (), dropped.records), dropped.resource_events,
                           dropped.members_left, dropped.nights)


def with_withdrawn(plan: Plan, withdrawn: Iterable[Request] = ()) -> Plan:
    """The plan with the withdrawn requests put back, only to title their cancelled events.

    A request in ``withdrawn`` (cancelled in the version being written) comes back whole; one
    dropped in an earlier version comes back from its history record (title, kind, place), so
    its CANCELLED event still reads as it did.
    """
    from ..replan.history import cancellations

    return _with_ghosts(plan, withdrawn, cancellations(plan).records)


def _reachable(problem: Problem, location: str) -> bool:
    """Whether a request at ``location`` fits the problem: a place it lists, with travel to
    and from every place it uses."""
    if location not in problem.locations:
        return False
    minutes = problem.travel.minutes
    return all(place == location or ((location, place) in minutes and (place, location) in minutes)
               for place in problem.used_locations())


def _with_ghosts(plan: Plan, withdrawn: Iterable[Request],
                 records: Mapping[str, Mapping[str, Any]]) -> Plan:
    """:func:`with_withdrawn` given the history's cancellation ``records`` (by request id)."""
    known = {r.id for r in plan.problem.requests}
    # A delegation's request must say who goes, and a record does not keep it: a ghost is
    # "any one of" the members, which only titles its event (the slot keeps its attendees).
    members = plan.problem.tour.guest_ids
    ghosts = {r.id: r for r in withdrawn if r.id not in known}
    for rid, record in records.items():
        if rid in known or rid in ghosts:
            continue
        location = record.get("location")
        if location is not None and not _reachable(plan.problem, location):
            # A place the tour no longer uses (it was planned again without it): the plan
            # keeps the place only to name the cancelled event (app/planning.py), with no
            # travel to it, so the ghost that titles the event is placeless.
            location = None
        ghosts[rid] = Request(rid, record.get("title") or rid, 1, (), 0, kind=record.get("kind", "other"),
                              location_id=location,
                              remote=None if location is not None else (record.get("remote") or "phone"),
                              guests=members, guests_any=len(members) > 1)
    if not ghosts:
        return plan
    problem = replace(plan.problem, requests=plan.problem.requests + tuple(ghosts.values()))
    return replace(plan, problem=problem)
