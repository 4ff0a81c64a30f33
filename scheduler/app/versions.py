"""Use cases of a plan's versions: list the versions a re-plan kept, and go back to one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .planning import write_plan_outputs
from .plans import load_plan
from .results import Written

__all__ = ["PlanVersion", "plan_versions", "restore_version"]

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


def restore_version(out_dir: str | Path, number: int) -> Written:
    """Make version ``number`` the current plan of ``out_dir`` again, with every export.

    The versions folder is left as it is, so the way forward stays open too; the replaced
    ``plan.json`` is kept as ``plan.json.~N~``.

    Raises
    ------
    KeyError
        When ``out_dir`` keeps no such version.
    PlanFileError
        When the version's file cannot be read or breaks a rule.
    """
    versions = {version.number: version.path for version in plan_versions(out_dir)}
    if number not in versions:
        raise KeyError(number)
    return write_plan_outputs(load_plan(versions[number]), out_dir)
