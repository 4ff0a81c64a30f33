"""Use cases of a plan's versions: list the versions a re-plan kept, and go back to one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import Plan
from ..errors import PlanFileError, first_line
from ..export.changes_md import asked_phrases
from ..formatting import format_date, format_time
from ..planfile import read_plan
from ..replan import new_version
from ..replan.absence import member_name
from ..replan.diff import request_or_none
from ..replan.history import plan_version
from ..replan.result import PLANNED_AGAIN
from .plans import load_plan, require_plan_version
from .replanning import write_replan
from .results import ReplanOutcome, Written

__all__ = ["PlanVersion", "VersionSummary", "adopt_plan", "bring_back_version", "plan_versions",
           "restore_version", "version_note", "version_summaries", "version_summary"]

_VERSION_FILE = re.compile(r"^plan-v(\d+)\.json$")

#: What a version made by bringing back an earlier one records as the first warning of its
#: history entry (and heads its ``changes.md`` with).
BACK_TO_VERSION = "Back to version {number}."

#: The sentences that say what made a version that is not a re-plan, as :func:`adopt_plan`'s
#: ``note`` records them: planned again into the folder, an earlier version brought back, a
#: what-if accepted (the web app's "What-if accepted: ..." notes).
_MADE_NOTE = re.compile(rf"^(?:{re.escape(PLANNED_AGAIN)}|Back to version \d+\.|What-if accepted\b.*)$",
                        re.DOTALL)


@dataclass(frozen=True)
class PlanVersion:
    """One kept version of a plan (``versions/plan-v<N>.json`` in an output folder)."""

    number: int
    path: Path


def plan_versions(out_dir: str | Path) -> tuple[PlanVersion, ...]:
    """The versions kept in ``out_dir/versions``, oldest first (none before the first re-plan)."""
    folder = Path(out_dir) / "versions"
    if not folder.is_dir():
        return ()
    found = [PlanVersion(int(match.group(1)), path) for path in folder.iterdir()
             if (match := _VERSION_FILE.match(path.name))]
    return tuple(sorted(found, key=lambda version: version.number))


def adopt_plan(out_dir: str | Path, plan: Plan, *, note: str, now: datetime | None = None,
               pdf: bool = True, if_version: str | None = None) -> ReplanOutcome:
    """Make ``plan`` the next version of the current plan in ``out_dir`` (an accepted what-if,
    an earlier version brought back), in one commit.

    It is recorded like a re-plan: a new ``versions/plan-v<N>.json``, the history entry with
    ``note``, calendar SEQUENCEs raised for what moved, cancellations for what dropped, and
    invitations only for the counterparts whose slot changed, so the guest's phone and the
    counterparts follow it.

    ``if_version`` is the version of the ``plan.json`` that ``plan`` was made from (a
    what-if's): when the current one is another, :class:`~scheduler.errors.PlanChanged`
    is raised and nothing is written (see :func:`~scheduler.app.replanning.write_replan`).

    Raises
    ------
    PlanFileError
        When the current ``plan.json`` cannot be read or breaks a rule.
    PlanChanged
        When ``if_version`` is given and the current ``plan.json`` is not at that version.
    """
    require_plan_version(out_dir, if_version)
    current = load_plan(Path(out_dir) / "plan.json")
    moment = (now or datetime.now(current.problem.tour.zone)).astimezone(current.problem.tour.zone)
    result = new_version(current, plan, now=moment, made=note)
    return ReplanOutcome(result, write_replan(result, out_dir, pdf=pdf, if_version=if_version))


def restore_version(out_dir: str | Path, number: int, *, pdf: bool = True) -> Written:
    """Bring version ``number`` back as the next version of the plan in ``out_dir``; what
    was written. :func:`bring_back_version`, which also gives the new version, says what it
    raises."""
    return bring_back_version(out_dir, number, pdf=pdf).written


def bring_back_version(out_dir: str | Path, number: int, *, pdf: bool = True) -> ReplanOutcome:
    """Bring version ``number`` back as the next version of the plan in ``out_dir``: the new
    version (what changed against the current one, for ``changes.md`` and the team) and what
    was written.

    The earlier versions stay as they are, so the way forward stays open too; see
    :func:`adopt_plan`. The current ``plan.json`` is read first, so a folder without a
    readable plan is refused as ``export`` and ``replan`` refuse it; nothing is written
    when it or the version cannot be read, or no such version is kept.

    Raises
    ------
    KeyError
        When ``out_dir`` keeps no such version (its message says which it keeps).
    PlanFileError
        When the current ``plan.json`` or the version's file cannot be read or breaks a rule.
    """
    load_plan(Path(out_dir) / "plan.json")
    versions = {version.number: version.path for version in plan_versions(out_dir)}
    if number not in versions:
        kept = ", ".join(str(kept) for kept in versions) or "none yet (the first re-plan keeps them)"
        raise KeyError(f"there is no version {number} of this plan to go back to; the versions "
                       f"kept are: {kept}")
    return adopt_plan(out_dir, load_plan(versions[number]),
                      note=BACK_TO_VERSION.format(number=number), pdf=pdf)


@dataclass(frozen=True)
class VersionSummary:
    """What a team needs to choose a kept version: one line of the versions list.

    Attributes
    ----------
    number
        The version's number.
    made
        When it was made (the moment of its re-plan, or when the first plan was made);
        ``None`` when the file does not say.
    when
        ``made`` for people, in the tour's zone: ``Tue 27 Nov 2018 12:00`` (``""`` when unknown).
    note
        What made it, in a sentence: "First plan.", "Re-planned: cancelled Meeting with
        Podemos [podemos].", "Back to version 1.", "What-if accepted: ...", "Planned again
        from the tour folder.".
    engagements
        How many engagements its agenda holds.
    value_served, value_total
        The value its agenda serves, of the value of every request of its tour.
    current
        Whether it is the version of the current ``plan.json``.
    problem
        Why its file cannot be read (then the other fields but ``number`` say nothing).
    """

    number: int
    made: datetime | None = None
    when: str = ""
    note: str = ""
    engagements: int = 0
    value_served: int = 0
    value_total: int = 0
    current: bool = False
    problem: str | None = None


def version_note(entry: Mapping[str, Any] | None, plan: Plan) -> str:
    """What made a version, in a sentence, from its history ``entry`` (``None`` for a plan
    never re-planned: the first plan) and its ``plan`` (which names the requests).

    A version that is not a re-plan records what made it as the first warning of its entry
    (:func:`adopt_plan`'s ``note``) and asks for no change; a re-plan's sentence says what
    was asked, in the words of ``changes.md``.
    """
    if entry is None or entry.get("version") == 1 or entry.get("changes") is None:
        return "First plan."
    zone = plan.problem.tour.zone
    dropped = {record.get("request_id"): record.get("title")
               for record in (entry.get("diff") or {}).get("dropped", ())}

    def title(request_id: str) -> str:
        request = request_or_none(plan.problem, request_id)
        return request.title if request is not None else dropped.get(request_id) or request_id

    asked = asked_phrases(entry.get("changes") or {}, title=title,
                          member=lambda guest: member_name(plan.problem, guest), zone=zone)
    warnings = entry.get("warnings") or ()
    if not asked and warnings and _MADE_NOTE.match(str(warnings[0])):
        return str(warnings[0])
    return "Re-planned: " + ("; ".join(asked) if asked else "nothing asked, only the time moved on") + "."


def version_summary(number: int, plan: Plan, *, current: bool = False) -> VersionSummary:
    """The versions list's line of version ``number``, whose agenda is ``plan``."""
    entry = plan.history[-1] if plan.history else None
    zone = plan.problem.tour.zone
    made = plan.created
    if entry is not None and entry.get("now"):
        made = datetime.fromisoformat(entry["now"])
    when = f"{format_date(made.astimezone(zone).date())} {format_time(made, zone)}" if made else ""
    return VersionSummary(number, made, when, version_note(entry, plan), len(plan.engagements),
                          plan.value_served, plan.problem.total_value, current)


def version_summaries(out_dir: str | Path) -> tuple[VersionSummary, ...]:
    """The versions kept in ``out_dir`` (:func:`plan_versions`), oldest first, each with when
    and what made it, its agenda's size and value, and whether the current ``plan.json`` is
    that version. Empty when none is kept (a first plan keeps none until a re-plan). A kept
    file that cannot be read is listed with the reason.

    Raises
    ------
    PlanFileError
        When ``out_dir/plan.json`` cannot be read or breaks a rule.
    """
    current = plan_version(load_plan(Path(out_dir) / "plan.json"))
    summaries = []
    for version in plan_versions(out_dir):
        try:
            # Listed, not used: the checker judges a version when it is brought back.
            plan = read_plan(version.path, check=False)
        except (PlanFileError, OSError) as error:
            summaries.append(VersionSummary(version.number, problem=first_line(error)))
            continue
        summaries.append(version_summary(version.number, plan, current=version.number == current))
    return tuple(summaries)
