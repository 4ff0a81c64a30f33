"""A new version for people (a re-plan, or a plan made again into its folder): ``changes.md`` (also printed by the command) and the invitations it sends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain import Engagement, utc
from ..file_names import safe_file_name
from ..formatting import format_date, format_time, place_name, when
from ..replan.absence import absence_notes, member_name
from ..replan.history import plan_version
from ..replan.result import PLANNED_AGAIN, ReplanResult
from ..replan.diff import request_or_none

__all__ = ["asked_phrases", "changes_markdown", "invitation_changes"]

_INVITATION_WORDS = {"update": "updated invitation", "new": "new invitation", "cancel": "cancellation"}


def _title(result: ReplanResult, request_id: str) -> str:
    for problem in (result.plan.problem, result.previous.problem):
        request = request_or_none(problem, request_id)
        if request is not None:
            return request.title
    return request_id


def invitation_changes(result: ReplanResult) -> list[tuple[str, str]]:
    """The invitations a re-plan sends, one per counterpart whose slot changed.

    Parameters
    ----------
    result
        What :func:`scheduler.replan.replan` returned.

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


def _asked(result: ReplanResult) -> list[str]:
    """What the history entry of this version says was asked, one phrase per kind of change."""
    return asked_phrases(result.plan.history[-1].get("changes") or {},
                         title=lambda rid: _title(result, rid),
                         member=lambda guest: member_name(result.previous.problem, guest),
                         zone=result.plan.problem.tour.zone)


def asked_phrases(asked: Mapping[str, Any], *, title: Callable[[str], str],
                  member: Callable[[str], str], zone: ZoneInfo) -> list[str]:
    """What a history entry's ``changes`` (``asked``) say was asked of a re-plan, one phrase
    per kind of change ("cancelled Meeting with Podemos [podemos]", "the guest is 40 minutes
    late"): what ``changes.md`` says, and the versions list too. ``title`` names a request by
    its id, ``member`` a delegation's member; times are told in ``zone``."""
    told = []
    if asked.get("cancel"):
        told.append("cancelled " + ", ".join(f"{title(rid)} [{rid}]" for rid in asked["cancel"]))
    for rid, windows in (asked.get("unavailable") or {}).items():
        spans = "; ".join(when(datetime.fromisoformat(s), datetime.fromisoformat(e), zone)
                          for s, e in windows)
        told.append(f"{title(rid)} [{rid}] no longer available {spans}")
    if asked.get("requests_added"):
        told.append("new requests " + ", ".join(asked["requests_added"]))
    if asked.get("requests_edited"):
        told.append("edited requests " + ", ".join(asked["requests_edited"]))
    if asked.get("delay_minutes"):
        told.append(f"the guest is {asked['delay_minutes']} minutes late")
    if asked.get("pin"):
        told.append("pinned " + ", ".join(asked["pin"]))
    for absence in asked.get("absent") or ():
        told.append(f"{member(absence['guest'])} absent")
    return told


def _entry(result: ReplanResult, engagement: Engagement, zone: ZoneInfo) -> str:
    """One engagement's list item: ``- <when>  <title> [<request id>]``."""
    return (f"- {when(engagement.start, engagement.end, zone)}  "
            f"{_title(result, engagement.request_id)} [{engagement.request_id}]")


def changes_markdown(result: ReplanResult) -> str:
    """The diff for people: ``changes.md``, which the command also prints.

    Parameters
    ----------
    result
        What :func:`scheduler.replan.replan` returned, or another new version
        (:func:`scheduler.replan.new_version`): one its ``made`` says was not a re-plan
        (planned again from the tour folder, an earlier version brought back, a what-if
        accepted) is headed by that sentence, and what was asked is what it says.

    Returns
    -------
    str
        Markdown: what was asked, the result in one line, then dropped, moved (old → new),
        added, same time with new details and kept engagements with their times, the
        invitations to send and any warnings.
    """
    plan, old = result.plan, result.previous
    zone = plan.problem.tour.zone
    locations = plan.problem.locations
    diff = result.diff
    tour = plan.problem.tour
    # The date keeps its zero-padded day (``Tue 04 Dec``) as changes.md always wrote it.
    planned_again = result.made == PLANNED_AGAIN
    made = f"{result.made.rstrip('.')} on" if result.made else "Re-planned from"
    lines = [f"# Changes in version {result.version}: {tour.name}", "",
             f"{made} {format_date(result.now.astimezone(zone).date())} "
             f"{format_time(result.now, zone)} ({tour.timezone}); "
             f"version {plan_version(old)} before.", ""]
    told = (["the tour folder's files as they are now"] if planned_again
            else [result.made.rstrip(".")] if result.made else _asked(result))
    lines += [f"Changes: {'; '.join(told) if told else 'none'}.", "",
              f"Result: {diff.summary()}. Value served {old.value_served} → {plan.value_served} "
              f"of {plan.problem.total_value}.", ""]
    absent = absence_notes(result)
    if absent:
        lines += ["## Absent", ""] + [f"- {note}" for note in absent] + [""]
    if diff.dropped:
        lines += ["## Dropped", ""]
        for item in sorted(diff.dropped, key=lambda d: utc(d.old.start)):
            why = "cancelled by the counterpart" if item.cancelled else item.reason
            lines.append(f"{_entry(result, item.old, zone)} — {why}")
        lines.append("")
    if diff.moved:
        lines += ["## Moved", ""]
        for item in sorted(diff.moved, key=lambda m: utc(m.new.start)):
            place = ""
            if item.old.location != item.new.location:
                place = f" (now at {place_name(locations, item.new.location)})"
            lines.append(f"- {_title(result, item.request_id)} [{item.request_id}]: "
                         f"{when(item.old.start, item.old.end, zone)} → "
                         f"{when(item.new.start, item.new.end, zone)}{place}")
        lines.append("")
    if diff.added:
        lines += ["## Added", ""]
        for engagement in diff.added:
            lines.append(f"{_entry(result, engagement, zone)} — {place_name(locations, engagement.location)}")
        lines.append("")
    if diff.updated:
        lines += ["## Same time, new details", ""]
        lines += [_entry(result, engagement, zone) for engagement in diff.updated]
        lines.append("")
    lines += ["## Kept", ""]
    if diff.kept:
        lines += [_entry(result, engagement, zone) for engagement in diff.kept]
    else:
        lines.append("- (none)")
    lines.append("")
    sends = invitation_changes(result)
    lines += ["## Invitations to send (invites/)", ""]
    if sends:
        lines += [f"- {safe_file_name(rid)}: {_INVITATION_WORDS[kind]} — {_title(result, rid)}" for rid, kind in sends]
    else:
        lines.append("- none: no counterpart's slot changed")
    lines.append("")
    if result.warnings:
        lines += ["## Warnings", ""] + [f"- {text}" for text in result.warnings] + [""]
    return "\n".join(lines)
