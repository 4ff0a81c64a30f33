"""Use cases of a tour folder: check it, plan it, write a plan's files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from ..diagnose import infeasible_error
from ..domain import Plan, Problem
from ..errors import InfeasibleError
from ..errors import PlanChanged, SchedulerError, first_line
from ..calendar_uids import engagement_uid
from ..export import write_all
from ..export.changes_md import changes_markdown
from ..export.ics import calendar_bytes
from ..export.invites import INVITES_DIR, cancellation, invite_path
from ..export.updates import write_versions
from ..fsio import backup_path, write_atomic
from ..gc_pacing import rare_collections
from ..io import load_tour
from ..model.instance import build_instance
from ..reasons import infeasibility_reasons
from ..planfile import read_plan_judged, write_plan
from ..replan import ReplanResult, new_version
from ..replan.result import PLANNED_AGAIN
from ..resources import demo_tour as _bundled_demo
from ..resources import examples_dir
from ..solve import SolveParams, solve
from ..staging import Stage, staged_output
from .delegation_warnings import delegation_warnings
from .plans import file_version, require_plan_version
from .results import CheckOutcome, PlanOutcome, Written


def check_tour(tour_dir: str | Path) -> CheckOutcome:
    """Read and validate a tour folder without planning.

    Beyond the files' own problems it looks, without solving, for mandatory requests that no
    agenda could serve (every window outside the tour's days or hours, too short, or out of
    reach): ``plan`` would stop on them, so they come back as warnings. In a delegation it
    also warns of a guest no request names and of a request its guests can never attend.

    Raises
    ------
    InputError
        With every problem of the folder's files (file, line, field).
    """
    problem = load_tour(Path(tour_dir))
    return CheckOutcome(problem, delegation_warnings(problem) + mandatory_warnings(problem))


def mandatory_warnings(problem: Problem) -> tuple[str, ...]:
    """A sentence for each mandatory request that cannot be served at all, whatever else
    the agenda holds (found by the same pruning the engine does before it solves)."""
    instance = build_instance(problem)
    impossible = [p.request_id for p in instance.pruned if problem.request(p.request_id).mandatory]
    if not impossible:
        return ()
    return tuple(f"mandatory request cannot be served, so `plan` will stop: {line}"
                 for line in infeasibility_reasons(problem, instance, impossible))


def demo_tour() -> Path:
    """The bundled example tour folder (a week in Madrid and Barcelona)."""
    return _bundled_demo()


def delegation_example() -> Path:
    """The bundled example of a delegation (three guests in Brussels, an interpreter and a car)."""
    return examples_dir() / "brussels-delegation-2019"


def solve_tour(problem: Problem, params: SolveParams | None = None) -> PlanOutcome:
    """Plan a problem already read; nothing is written.

    Raises
    ------
    InfeasibleError
        When the mandatory requests cannot all be served; it names the smallest set of
        requests and tour rules that conflict.
    """
    params = params or SolveParams()
    try:
        result = solve(problem, params)
    except InfeasibleError as error:
        raise infeasible_error(problem, params, error) from None
    return PlanOutcome(result)


def plan_tour(tour_dir: str | Path, out_dir: str | Path | None = None,
              params: SolveParams | None = None, *, now: datetime | None = None) -> PlanOutcome:
    """Read a tour folder, plan it and, given ``out_dir``, write the plan file and every export.

    Parameters
    ----------
    tour_dir
        The tour folder (``tour.toml``, ``requests.csv``, ...).
    out_dir
        Where to write ``plan.json`` and the exports, all at once (see
        :func:`write_plan_outputs`); ``None`` writes nothing.
    params
        The solver's settings.
    now
        When the plan is made, recorded only when it continues an earlier plan in
        ``out_dir`` (default: the current time).

    Raises
    ------
    InputError
        Bad input, every problem listed; nothing is written.
    InfeasibleError
        No feasible plan; nothing is written.
    """
    outcome = solve_tour(load_tour(Path(tour_dir)), params)
    if out_dir is None:
        return outcome
    return PlanOutcome(outcome.result, write_plan_outputs(outcome.plan, out_dir, now=now))


def write_plan_outputs(plan: Plan, out_dir: str | Path, *, now: datetime | None = None) -> Written:
    """Write ``plan.json`` and every export of ``plan`` into ``out_dir`` in one commit.

    Everything is written into a staging folder first; the output folder then switches to
    the new version in one step, keeping any different earlier file as ``name.~N~``. A
    failing exporter changes nothing.

    When ``out_dir`` holds an earlier plan of the same tour (:func:`continue_lineage`), the
    plan is written as its next version, so that its calendars update the ones already
    imported: each event keeps its UID with the SEQUENCE the earlier versions gave it (raised
    when it changed), and what the earlier plan held and this one has not is cancelled.
    ``changes.md`` says what changed against that version. ``now`` is when that version is
    made (default: the current time). A plan that starts afresh sets the earlier lineage
    aside as numbered backups (:func:`leave_out_lineage`).

    The commit checks, holding the folder's lock, that ``plan.json`` is still the one the
    version was made from. When another run wrote one meanwhile, the version is made again
    from it (the agenda is not solved again, only versioned and exported), up to
    ``LINEAGE_TRIES`` times.

    Raises
    ------
    PlanChanged
        When ``plan.json`` changed meanwhile at every try; nothing was written.
    """
    out = Path(out_dir)
    for _ in range(LINEAGE_TRIES):
        read = file_version(out / "plan.json")  # before reading it: a later change is caught
        try:
            return _write_version(plan, out, read, now=now)
        except PlanChanged as error:
            changed = error
    raise PlanChanged(out, changed.expected, changed.current, message=(
        f"the plan in {out} changed {LINEAGE_TRIES} times while this plan was being written into "
        "it (other runs planned, re-planned or accepted a version); nothing was written. Plan "
        "again when they are done.")) from None


LINEAGE_TRIES = 3
"""How many times a plan is versioned again when ``plan.json`` changed meanwhile."""


def _write_version(plan: Plan, out: Path, read: str, *, now: datetime | None) -> Written:
    """One try of :func:`write_plan_outputs`, from the ``plan.json`` at version ``read``."""
    lineage = continue_lineage(plan, out, now=now)
    result, notes = lineage.result, list(lineage.notes)
    if result is not None:
        plan = result.plan
    with staged_output(out, lambda folder: require_plan_version(folder, read)) as stage, \
            rare_collections():
        write_plan(plan, stage.path / "plan.json")
        if result is not None:
            write_versions(result, stage.path)
            write_atomic(stage.path / CHANGES_MD, changes_markdown(result), private=True)
        exported = write_all(plan, stage.path)
        if result is not None:
            notes += cancel_dropped_invitations(result, stage)
        else:
            notes += leave_out_lineage(out, stage, lineage.other_tour)
        if lineage.other_tour is None:
            notes += settle_old_invitations(plan, out, stage, lineage.earlier)
    return Written(out, tuple(stage.files), tuple(stage.backups), tuple(exported.skipped),
                   tuple(notes))


CHANGES_MD = "changes.md"
VERSIONS_DIR = "versions"
_BACKUP_NAME = re.compile(r"\.~\d+~$")


def leave_out_lineage(out_dir: Path, stage: Stage, other_tour: str | None = None) -> list[str]:
    """A plan that starts afresh (version 1) leaves the earlier lineage out of the folder,
    kept as numbered backups beside where it was; returns a sentence for what it left out.

    ``versions/`` (the earlier versions, which the versions list and "bring back version N"
    read) becomes ``versions.~N~`` whole, and ``changes.md`` (how another plan changed)
    ``changes.md.~N~``: left in place, a list of versions would mix two lineages and could
    bring back a plan that is not this one's. When the earlier plan is of another tour
    (``other_tour``, its id), every other file of the folder this plan does not write is
    that tour's too (its invitations, members' and resources' calendars, ...) and is left
    out the same way, so the folder holds only this tour's plan and files. Hidden files and
    numbered backups stay as they are.
    """
    notes = []
    versions = out_dir / VERSIONS_DIR
    if versions.is_dir() and not versions.is_symlink():
        stage.remove(VERSIONS_DIR)
        notes.append(f"{VERSIONS_DIR}/ was left out: it held the versions of an earlier plan, and this "
                     f"plan starts afresh at version 1 (the folder is kept whole as "
                     f"{_next_backup_name(out_dir, VERSIONS_DIR)}).")
    if (out_dir / CHANGES_MD).is_file():
        stage.remove(CHANGES_MD)
        notes.append(f"{CHANGES_MD} was left out: it told the changes of an earlier plan, and this "
                     "plan starts afresh (the file is kept as a numbered backup).")
    if other_tour is None:
        return notes
    others = [rel for rel in _files_of(out_dir) if rel.parts[0] not in (VERSIONS_DIR, CHANGES_MD)
              and not (stage.path / rel).exists()]
    for rel in others:
        stage.remove(rel)
    if others:
        shown = ", ".join(rel.as_posix() for rel in others[:5]) + (
            f" and {len(others) - 5} more" if len(others) > 5 else "")
        notes.append(f"{len(others)} file{'s' if len(others) != 1 else ''} of the other tour "
                     f"({other_tour}) that this plan does not write {'were' if len(others) != 1 else 'was'} "
                     f"left out, each kept as a numbered backup: {shown}.")
    return notes


def _files_of(folder: Path) -> list[Path]:
    """The files under ``folder`` (relative, sorted), without hidden entries, numbered
    backups or links, and without descending into a hidden, backup or linked folder."""
    found = []
    for root, folders, files in os.walk(folder):
        here = Path(root)
        folders[:] = sorted(name for name in folders if not _set_aside(here / name))
        found += [(here / name).relative_to(folder) for name in files if not _set_aside(here / name)]
    return sorted(found)


def _set_aside(path: Path) -> bool:
    return path.name.startswith(".") or bool(_BACKUP_NAME.search(path.name)) or path.is_symlink()


def _next_backup_name(out_dir: Path, name: str) -> str:
    """The name the commit gives the backup of ``out_dir/name``, for the note."""
    return backup_path(out_dir / name).name


@dataclass(frozen=True)
class Lineage:
    """What :func:`continue_lineage` found in the output folder.

    Attributes
    ----------
    result
        ``plan`` as the next version of the earlier plan; ``None`` when it starts afresh.
    notes
        The sentences for the user.
    other_tour
        The id of the earlier plan's tour when it is another tour's.
    earlier
        The earlier plan of the same tour as read, also when the checker rejects it (what
        :func:`settle_old_invitations` needs); ``None`` when there is none or it cannot be
        rebuilt, and for another tour's.
    """

    result: ReplanResult | None
    notes: tuple[str, ...] = ()
    other_tour: str | None = None
    earlier: Plan | None = None


def continue_lineage(plan: Plan, out_dir: Path, *, now: datetime | None = None) -> Lineage:
    """``plan`` as the next version of the earlier plan in ``out_dir``, when there is one of
    the same tour, and what to tell the user.

    The calendars' UIDs are made from the tour's id and the ids of its requests, places and
    days (:mod:`scheduler.calendar_uids`), so an earlier ``plan.json`` with the same tour id
    wrote the events the phones hold. ``plan`` then becomes its next version the way a
    re-plan or an accepted what-if does (:func:`scheduler.replan.new_version`): history,
    SEQUENCEs, cancellations. A plan of another tour, no plan, or one that cannot be read or
    that the checker rejects starts afresh (version 1), the last two with a note; the earlier
    lineage is then left out of the folder (:func:`leave_out_lineage`).
    """
    path = out_dir / "plan.json"
    if not path.is_file():
        return Lineage(None)
    # Read once: a plan the checker rejects still tells which invitations it sent.
    earlier, error = read_plan_judged(path)
    if error is not None:
        return Lineage(None, (f"The earlier plan.json in {out_dir} cannot be read or breaks a rule, so "
                              f"the calendars start afresh at version 1 and do not update the ones "
                              f"already imported ({first_line(error)}).",), earlier=earlier)
    tour_id = plan.problem.tour.id
    if earlier.problem.tour.id != tour_id:
        return Lineage(None, (f"The earlier plan.json in {out_dir} is of another tour "
                              f"({earlier.problem.tour.id}), so the calendars start afresh at "
                              "version 1.",), other_tour=earlier.problem.tour.id)
    zone = plan.problem.tour.zone
    moment = (now or datetime.now(zone)).astimezone(zone).replace(microsecond=0)
    try:
        result = new_version(earlier, plan, now=moment, made=PLANNED_AGAIN)
    except (SchedulerError, ValueError) as error:  # an earlier plan the checker let through, oddly
        return Lineage(None, (f"The earlier plan.json in {out_dir} cannot be continued "
                              f"({first_line(error)}), so the calendars start afresh at version 1.",),
                       earlier=earlier)
    return Lineage(result, (lineage_sentence(result.version, result.plan.history[-1]),), earlier=earlier)


def cancel_dropped_invitations(result: ReplanResult, stage: Stage) -> list[str]:
    """Write the cancellation of each invitation the earlier version sent and this one drops,
    from the earlier plan, which still holds the request whole (the counterpart's address,
    the place), with the SEQUENCE the new version gives it. Returns a sentence for each."""
    tour_id = result.plan.problem.tour.id
    notes = []
    for item in sorted(result.diff.dropped, key=lambda d: d.request_id):
        sequence = result.sequences.get(engagement_uid(tour_id, item.request_id), 1)
        calendar = cancellation(result.previous, item.request_id, sequence, engagement=item.old)
        path = invite_path(stage.path, item.request_id)
        # It replaces the export's own cancellation in the staging folder: no copy to keep.
        write_atomic(path, calendar_bytes(calendar), private=False, keep_previous=False)
        title = result.previous.problem.request(item.request_id).title
        notes.append(f"{INVITES_DIR}/{path.name} is now a cancellation: {title} is no longer in "
                     "the agenda; send it to the counterpart.")
    return notes


def lineage_sentence(version: int, entry: Mapping[str, Any]) -> str:
    """One sentence: this plan's calendars update the earlier version's, and how many events
    they cancel (the cancellation records of this version's history ``entry``)."""
    cancelled = (len((entry.get("diff") or {}).get("dropped", ())) + len(entry.get("cancelled_legs", ()))
                 + len(entry.get("cancelled_for_members", ()))
                 + len(entry.get("cancelled_resource_events", ())) + len(entry.get("cancelled_nights", ())))
    events = "no event" if not cancelled else "1 event" if cancelled == 1 else f"{cancelled} events"
    return (f"This plan is version {version} of the tour: its calendars update those of version "
            f"{version - 1} already imported ({events} cancelled).")


def settle_old_invitations(plan: Plan, out_dir: Path, stage: Stage, earlier: Plan | None) -> list[str]:
    """Deal with invitations an earlier plan left in ``out_dir/invites`` for requests this
    plan no longer serves, so that no live invitation contradicts the agenda.

    One the earlier plan (``earlier``, as :func:`continue_lineage` read it from
    ``out_dir/plan.json``; ``None`` when there was none) knows becomes a cancellation (STATUS:CANCELLED, with
    METHOD:CANCEL when the tour names the organizer; SEQUENCE above the invitation's), ready
    to send to the counterpart; any other is left out of the new
    version, kept as a numbered backup. Returns a sentence for each.

    An invitation under the name earlier versions gave a request whose id Windows takes for
    a device (``con.ics``, now ``con_.ics``) is one this plan still serves: it is left out
    and kept the same way, and the sentence names the file that replaces it.
    """
    folder = out_dir / INVITES_DIR
    if not folder.is_dir():
        return []
    current = {p.name for p in (stage.path / INVITES_DIR).glob("*.ics")}
    stale = sorted(p for p in folder.glob("*.ics") if p.is_file() and p.name not in current)
    if not stale:
        return []
    by_file = {}
    if earlier is not None:
        by_file = {invite_path(Path(), e.request_id).name: e for e in earlier.engagements}
        for engagement in earlier.engagements:  # and under the name earlier versions gave it
            by_file.setdefault(f"{engagement.request_id}.ics", engagement)
    renamed = {f"{e.request_id}.ics": name for e in plan.engagements
               if (name := invite_path(Path(), e.request_id).name) != f"{e.request_id}.ics"}
    notes = []
    for path in stale:
        if path.name in renamed:
            stage.remove(Path(INVITES_DIR) / path.name)
            notes.append(f"{INVITES_DIR}/{path.name} is now {INVITES_DIR}/{renamed[path.name]}, "
                         "a name Windows can open (the old file is kept as a numbered backup).")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "METHOD:CANCEL" in text or "STATUS:CANCELLED" in text:
            continue  # already a cancellation: it stays true
        engagement = by_file.get(path.name)
        if earlier is not None and engagement is not None:
            match = re.search(r"^SEQUENCE:(\d+)", text, re.MULTILINE)
            sequence = int(match.group(1)) + 1 if match else 1
            calendar = cancellation(earlier, engagement.request_id, sequence, engagement=engagement)
            write_atomic(stage.path / INVITES_DIR / path.name, calendar_bytes(calendar), private=False)
            notes.append(f"{INVITES_DIR}/{path.name} is now a cancellation: "
                         f"{earlier.problem.request(engagement.request_id).title} is no longer "
                         "in the agenda; send it to the counterpart.")
        else:
            stage.remove(Path(INVITES_DIR) / path.name)
            notes.append(f"{INVITES_DIR}/{path.name} was left out: its request is no longer in "
                         "the agenda (the file is kept as a numbered backup).")
    return notes
