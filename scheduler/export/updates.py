"""A re-plan's files: the new plan and its versions, changes.md, calendar updates, changed invitations, run sheets."""

from __future__ import annotations

from pathlib import Path

from ..calendar_uids import engagement_uid
from ..domain import Plan
from ..fsio import write_atomic
from ..planfile import dumps, write_plan
from ..replan.history import plan_version
from ..replan.result import ReplanResult
from . import Written, write_all
from .calendar_history import with_withdrawn
from .changes_md import changes_markdown, invitation_changes
from .ics import FILE_NAMES, add_cancelled_nights, calendar_bytes, cancelled_leg_event, guest_calendar
from .invites import cancellation, invitation, invite_path
from .member_files import write_members

__all__ = ["RUN_SHEETS", "cancelled_leg_event", "display_plan", "write_replan_outputs", "write_versions"]

RUN_SHEETS = (("csv", "team"), ("xlsx", "team"), ("md", "team"), ("html", "team"), ("pdf", "team"),
              ("md", "guest"), ("html", "guest"), ("pdf", "guest"),
              ("resources", "team"), ("overview", "team"))
"""The run sheets, tables and views a re-plan writes again whole: (format, audience).
``resources`` and ``overview`` write nothing for a tour without resources or guests."""


def display_plan(result: ReplanResult) -> Plan:
    """The new plan with the withdrawn requests put back, only to title their cancelled events.

    A request cancelled in this version comes back whole; one dropped in an earlier version
    comes back from its history record (title, kind, place), so its CANCELLED event still
    reads as it did.
    """
    return with_withdrawn(result.plan, result.cancelled_requests)


def write_versions(result: ReplanResult, folder: Path) -> list[Path]:
    """Write ``versions/plan-v<N>.json`` for the previous version and the new one (a file
    already there with other content is kept as a numbered copy by the commit)."""
    versions = folder / "versions"
    return [write_atomic(versions / f"plan-v{plan_version(result.previous)}.json",
                         dumps(result.previous), private=True),
            write_atomic(versions / f"plan-v{result.version}.json", dumps(result.plan), private=True)]


def write_replan_outputs(result: ReplanResult, folder: str | Path, *, pdf: bool = True) -> Written:
    """Write everything a re-plan writes into ``folder``.

    ``plan.json`` is the new plan; ``versions/plan-v<N>.json`` holds the previous version and
    this one; ``changes.md`` the diff for people. ``agenda.ics`` and ``agenda-team.ics`` carry
    every event with its SEQUENCE and the dropped engagements and legs as STATUS:CANCELLED;
    ``invites/`` gets a file only for the counterparts whose slot changed (METHOD:REQUEST, or
    METHOD:CANCEL when dropped); the run sheets, ``agenda.xlsx``, the resources' calendars
    and, in a delegation, each member's files (``guests/``, their calendar with SEQUENCE and
    cancellations as ``agenda.ics``) and ``delegation.html`` are written again. Files are written plainly
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
    written.files += write_versions(result, out)
    written.files.append(write_plan(plan, out / "plan.json"))
    written.files.append(write_atomic(out / "changes.md", changes_markdown(result), private=True))
    display = display_plan(result)
    for audience in ("guest", "team"):
        calendar = guest_calendar(display, audience=audience, sequences=result.sequences,
                                  cancelled=result.cancelled)
        for uid, leg in sorted(result.cancelled_legs.items()):
            calendar.add_component(cancelled_leg_event(plan, uid, leg, result.sequences.get(uid, 1)))
        add_cancelled_nights(calendar, plan, result.cancelled_nights, result.sequences)
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
    # A delegation's members follow the change on their own phones as the guest does on hers.
    written.files += write_members(plan, out, pdf=pdf, sequences=result.sequences,
                                   cancelled=result.cancelled + result.members_left, titles=display,
                                   cancelled_legs=result.cancelled_legs,
                                   cancelled_nights=result.cancelled_nights)
    return written
