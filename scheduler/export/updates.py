"""A re-plan's files: the new plan and its versions, changes.md, calendar updates, changed invitations, run sheets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from icalendar import Event

from ..calendar_uids import engagement_uid
from ..domain import Plan, Request, TravelLeg
from ..formatting import place_name
from ..fsio import write_atomic
from ..planfile import dumps, write_plan
from ..replan.history import plan_version
from ..replan.result import ReplanResult
from ..replan.history import cancellations
from . import Written, write_all
from .changes_md import changes_markdown, invitation_changes
from .ics import FILE_NAMES, add_times, calendar_bytes, dtstamp, guest_calendar
from .invites import cancellation, invitation, invite_path

__all__ = ["RUN_SHEETS", "cancelled_leg_event", "display_plan", "write_replan_outputs"]

RUN_SHEETS = (("csv", "team"), ("md", "team"), ("html", "team"), ("pdf", "team"),
              ("md", "guest"), ("html", "guest"), ("pdf", "guest"))
"""The run sheets a re-plan writes again: (format, audience)."""


def display_plan(result: ReplanResult) -> Plan:
    """The new plan with the withdrawn requests put back, only to title their cancelled events.

    A request cancelled in this version comes back whole; one dropped in an earlier version
    comes back from its history record (title, kind, place), so its CANCELLED event still
    reads as it did.
    """
    plan = result.plan
    records = cancellations(plan).records
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


def cancelled_leg_event(plan: Plan, uid: str, leg: TravelLeg, sequence: int) -> Event:
    """The STATUS:CANCELLED event of a travel leg that a re-plan removed.

    Parameters
    ----------
    plan
        The new plan (its tour's zone, places and time stamp).
    uid
        The leg's calendar UID, as the earlier version published it.
    leg
        The leg as it last was.
    sequence
        The event's SEQUENCE after this version.
    """
    problem = plan.problem
    locations = problem.locations
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", dtstamp(plan))
    event.add("SEQUENCE", sequence)
    event.add("SUMMARY", f"Cancelled: Travel: {place_name(locations, leg.origin)} → "
                         f"{place_name(locations, leg.destination)}")
    add_times(event, leg.depart, leg.arrive, problem.place_zone(leg.origin, leg.depart).key,
              problem.place_zone(leg.destination, leg.arrive).key)
    event.add("CATEGORIES", ["travel"])
    event.add("STATUS", "CANCELLED")
    event.add("TRANSP", "TRANSPARENT")
    event.add("X-SCHEDULER-KIND", "travel")
    return event


def write_replan_outputs(result: ReplanResult, folder: str | Path, *, pdf: bool = True) -> Written:
    """Write everything a re-plan writes into ``folder``.

    ``plan.json`` is the new plan; ``versions/plan-v<N>.json`` holds the previous version and
    this one; ``changes.md`` the diff for people. ``agenda.ics`` and ``agenda-team.ics`` carry
    every event with its SEQUENCE and the dropped engagements and legs as STATUS:CANCELLED;
    ``invites/`` gets a file only for the counterparts whose slot changed (METHOD:REQUEST, or
    METHOD:CANCEL when dropped); the run sheets are written again. Files are written plainly
    with :func:`~scheduler.fsio.write_atomic`: a caller that wants the whole set to appear at
    once writes into a staging folder and commits it.

    Parameters
    ----------
    result
        What :func:`scheduler.replan.replan` returned.
    folder
        The folder to write into (made when missing).
    pdf
        Whether to write the PDF run sheets (most of the time a re-plan takes).

    Returns
    -------
    Written
        The files written and the outputs skipped with the reason (a PDF without its
        libraries).
    """
    out = Path(folder)
    plan = result.plan
    written = Written()
    versions = out / "versions"
    written.files.append(write_atomic(versions / f"plan-v{plan_version(result.previous)}.json",
                                      dumps(result.previous), private=True))
    written.files.append(write_atomic(versions / f"plan-v{result.version}.json", dumps(plan), private=True))
    written.files.append(write_plan(plan, out / "plan.json"))
    written.files.append(write_atomic(out / "changes.md", changes_markdown(result), private=True))
    display = display_plan(result)
    for audience in ("guest", "team"):
        calendar = guest_calendar(display, audience=audience, sequences=result.sequences,
                                  cancelled=result.cancelled)
        for uid, leg in sorted(result.cancelled_legs.items()):
            calendar.add_component(cancelled_leg_event(plan, uid, leg, result.sequences.get(uid, 1)))
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
    sheets = write_all(plan, out, tuple(o for o in RUN_SHEETS if pdf or o[0] != "pdf"))
    written.files += sheets.files
    written.skipped += sheets.skipped
    return written
