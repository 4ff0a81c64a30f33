"""Use cases of a plan's versions: list the versions a re-plan kept, and go back to one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from datetime import datetime

from ..domain import Plan
from ..replan import new_version
from .plans import load_plan, require_plan_version
from .replanning import write_replan
from .results import ReplanOutcome, Written

__all__ = ["PlanVersion", "adopt_plan", "plan_versions", "restore_version"]

_VERSION_FILE = re.compile(r"^plan-v(\d+)\.json$")


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


def restore_version(out_dir: str | Path, number: int) -> Written:
    """Bring version ``number`` back as the next version of the plan in ``out_dir``.

    The earlier versions stay as they are, so the way forward stays open too; see
    :func:`adopt_plan`.

    Raises
    ------
    KeyError
        When ``out_dir`` keeps no such version (its message says which it keeps).
    PlanFileError
        When the version's file cannot be read or breaks a rule.
    """
    versions = {version.number: version.path for version in plan_versions(out_dir)}
    if number not in versions:
        kept = ", ".join(str(kept) for kept in versions) or "none yet (the first re-plan keeps them)"
        raise KeyError(f"there is no version {number} of this plan to go back to; the versions "
                       f"kept are: {kept}")
    outcome = adopt_plan(out_dir, load_plan(versions[number]), note=f"Back to version {number}.")
    return outcome.written
