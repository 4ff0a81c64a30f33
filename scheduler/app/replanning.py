"""Use cases of re-planning during the visit: read what changed, plan again, write the version."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ..domain import Plan
from ..export.changes_md import changes_markdown
from ..export.updates import write_replan_outputs
from ..formatting import format_date, format_time
from ..io.changes import read_changes
from ..replan import Changes, ReplanResult, replan
from ..replan.absence import absence_notes as _absence_notes
from ..solve import SolveParams
from ..staging import staged_output
from .plans import file_version, load_plan, require_plan_version
from .results import ReplanOutcome, Written


def read_replan_changes(plan: Plan, *, cancel: Iterable[str] = (), unavailable: Iterable[str] = (),
                        delay_minutes: int | None = None, requests_csv: str | Path | None = None,
                        changes_file: str | Path | None = None, pin: Iterable[str] = (),
                        now: str | None = None, clock: datetime | None = None,
                        absent: Iterable[str] = ()) -> tuple[Changes, datetime]:
    """Read what changed (the texts a user gives) against ``plan``, and the moment of the re-plan.

    ``now`` (text) or the changes file give the moment; otherwise ``clock`` (default: the
    current time), in the tour's zone. ``absent`` names delegation members absent from that
    moment to the end of the tour (the changes file's ``[[absent]]`` says more).

    Raises
    ------
    InputError
        Every problem with the changes at once (unknown ids, windows, a CSV's rows).
    """
    changes, given = read_changes(plan, cancel=cancel, unavailable=unavailable,
                                  delay_minutes=delay_minutes, requests_csv=requests_csv,
                                  changes_file=changes_file, pin=pin, now=now, absent=absent)
    zone = plan.problem.tour.zone
    moment = given or (clock.astimezone(zone) if clock is not None else datetime.now(zone))
    return changes, moment


def compute_replan(plan: Plan, changes: Changes, now: datetime,
                   params: SolveParams | None = None) -> ReplanResult:
    """Plan again from ``now``; nothing is written (a face can show the changes first).

    Raises
    ------
    InputError
        A change that cannot apply (an engagement already done, say).
    InfeasibleError
        The mandatory engagements cannot all be kept.
    """
    result = replan(plan, changes, now=now, params=params or SolveParams(time_limit=2.0))
    days = plan.problem.tour.days
    if days and now > days[-1].end:
        # Every face shows it: a re-plan "from now" once the tour is over (or from a time typed
        # after it) keeps everything, whatever delay or change was asked for.
        zone = plan.problem.tour.zone
        result = dataclasses.replace(result, warnings=(*result.warnings, (
            f"the re-plan is from {format_date(now.astimezone(zone).date())} "
            f"{format_time(now, zone)}, after the tour's last working day "
            f"({format_date(days[-1].date)}): everything had taken place, so nothing could change")))
    return result


def write_replan(result: ReplanResult, out_dir: str | Path, *, pdf: bool = True,
                 if_version: str | None = None) -> Written:
    """Write a re-plan's version into ``out_dir`` in one commit.

    The new ``plan.json``, ``versions/plan-v<N>.json``, ``changes.md``, calendars with raised
    SEQUENCE and cancellations, invitations for the counterparts whose slot changed, and the
    run sheets (without the PDFs when ``pdf`` is false) appear together or not at all.

    ``if_version`` is the version (:func:`~scheduler.app.plans.file_version`) of the
    ``plan.json`` the re-plan was made from: when the folder's ``plan.json`` is another one at
    the commit, someone else wrote a version in between (whose number this one would take)
    and :class:`~scheduler.errors.PlanChanged` is raised with nothing written.
    """
    with staged_output(out_dir, lambda folder: require_plan_version(folder, if_version)) as stage:
        outputs = write_replan_outputs(result, stage.path, pdf=pdf)
    return Written(Path(out_dir), tuple(stage.files), tuple(stage.backups), tuple(outputs.skipped))


def replan_plan(plan_json: str | Path, out_dir: str | Path, *, cancel: Iterable[str] = (),
                unavailable: Iterable[str] = (), delay_minutes: int | None = None,
                requests_csv: str | Path | None = None, changes_file: str | Path | None = None,
                pin: Iterable[str] = (), now: str | None = None, clock: datetime | None = None,
                params: SolveParams | None = None, pdf: bool = True,
                absent: Iterable[str] = ()) -> ReplanOutcome:
    """Read a plan file and what changed, plan again from now, and write the new version.

    See :func:`read_replan_changes`, :func:`compute_replan` and :func:`write_replan`; bad
    input or an impossible mandatory engagement raise before anything is written.
    """
    # Re-planned in place: plan.json must still be the one read when the new version is
    # committed (another re-plan, or the web app, may write a version in between).
    in_place = (Path(out_dir) / "plan.json").resolve() == Path(plan_json).resolve()
    base = file_version(plan_json) if in_place else None
    plan = load_plan(plan_json)
    changes, moment = read_replan_changes(plan, cancel=cancel, unavailable=unavailable,
                                          delay_minutes=delay_minutes, requests_csv=requests_csv,
                                          changes_file=changes_file, pin=pin, now=now, clock=clock,
                                          absent=absent)
    result = compute_replan(plan, changes, moment, params)
    return ReplanOutcome(result, write_replan(result, out_dir, pdf=pdf, if_version=base))


def changes_text(result: ReplanResult) -> str:
    """What a re-plan changed, for people (the text of ``changes.md``)."""
    return changes_markdown(result)


def absence_notes(result: ReplanResult) -> list[str]:
    """Who a re-plan counts absent and what became of each meeting they shared, one sentence
    each (the "Absent" part of ``changes.md``; empty when nobody is absent)."""
    return _absence_notes(result)
