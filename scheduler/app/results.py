"""The records the use cases return: what was planned, and what was written where."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import Plan, Problem
from ..solve import Result

if TYPE_CHECKING:
    from ..replan import ReplanResult


@dataclass(frozen=True)
class Written:
    """What one commit put in an output folder.

    Attributes
    ----------
    out_dir
        The output folder.
    files
        Every file of this version written by the run, at its place in ``out_dir``.
    backups
        Numbered copies (``name.~N~``) of the files the run replaced with other content.
    skipped
        Outputs that could not be made, with the reason (a PDF without its libraries).
    """

    out_dir: Path
    files: tuple[Path, ...] = ()
    backups: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CheckOutcome:
    """A tour folder that reads without a problem."""

    problem: Problem

    def summary(self) -> str:
        tour = self.problem.tour
        return (f"{tour.name}: {len(tour.days)} days, {len(self.problem.requests)} requests, "
                f"{len(self.problem.used_locations())} places.")


@dataclass(frozen=True)
class PlanOutcome:
    """A planned tour: the solver's result and the files written (when an output was given)."""

    result: Result
    written: Written | None = None

    @property
    def plan(self) -> Plan:
        assert self.result.plan is not None  # solve returns a plan or raises
        return self.result.plan


@dataclass(frozen=True)
class ReplanOutcome:
    """A re-plan: what changed, and the files written (when an output was given)."""

    result: ReplanResult
    written: Written | None = None

    @property
    def plan(self) -> Plan:
        return self.result.plan
