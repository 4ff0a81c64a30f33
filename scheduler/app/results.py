"""The records the use cases return: what was planned, and what was written where."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import Engagement, Plan, Problem

if TYPE_CHECKING:
    from ..solve import Result
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
    notes
        What else the run did to the folder, in sentences.
    """

    out_dir: Path
    files: tuple[Path, ...] = ()
    backups: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()
    """What else the run did to the folder, in sentences (an invitation turned into a
    cancellation)."""

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "files": [str(p) for p in self.files],
                "backups": [str(p) for p in self.backups], "skipped": list(self.skipped),
                "notes": list(self.notes)}


@dataclass(frozen=True)
class CheckOutcome:
    """A tour folder that reads without a problem, and what would still stop ``plan``."""

    problem: Problem
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        tour = self.problem.tour
        data = {"ok": True, "tour": tour.id, "name": tour.name, "days": len(tour.days),
                "requests": len(self.problem.requests),
                "places": len(self.problem.used_locations()), "warnings": list(self.warnings)}
        if tour.is_delegation:
            data["guests"] = {guest.id: len(guest.days) for guest in tour.delegation}
        return data

    def summary(self) -> str:
        tour = self.problem.tour
        guests = f"{len(tour.delegation)} guests, " if tour.is_delegation else ""
        return (f"{tour.name}: {guests}{len(tour.days)} days, {len(self.problem.requests)} requests, "
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

    def to_dict(self) -> dict[str, Any]:
        """The outcome for machines (``scheduler plan --json``): the solver's account, the
        engagements, the requests left out with their reasons, and the files written."""
        data = _plan_dict(self.plan, self.result.warnings)
        if self.written is not None:
            data["written"] = self.written.to_dict()
        return data


@dataclass(frozen=True)
class ReplanOutcome:
    """A re-plan: what changed, and the files written (when an output was given)."""

    result: ReplanResult
    written: Written | None = None

    @property
    def plan(self) -> Plan:
        return self.result.plan

    def to_dict(self) -> dict[str, Any]:
        """The outcome for machines (``scheduler replan --json``): the version and the moment,
        what changed engagement by engagement, then what ``plan --json`` gives of the new
        plan (the solver's account, the engagements, the requests left out) and the files
        written."""
        result = self.result
        diff = result.diff
        data: dict[str, Any] = {
            "version": result.version,
            "now": result.now.isoformat(),
            "made": result.made,
            "value_served_before": result.previous.value_served,
            "changes": {
                "kept": [e.request_id for e in diff.kept],
                "updated": [e.request_id for e in diff.updated],
                "moved": [{"request": m.request_id, "from": _slot(m.old), "to": _slot(m.new)}
                          for m in diff.moved],
                "dropped": [{"request": d.request_id, "cancelled": d.cancelled, "reason": d.reason,
                             "was": _slot(d.old)} for d in diff.dropped],
                "added": [{"request": e.request_id, **_slot(e)} for e in diff.added],
            },
            "absent": [absence.guest for absence in result.absent],
        }
        data.update(_plan_dict(result.plan, result.warnings))
        if self.written is not None:
            data["written"] = self.written.to_dict()
        return data


def _slot(engagement: Engagement) -> dict[str, Any]:
    """When and where an engagement is, for machines."""
    return {"start": engagement.start.isoformat(), "end": engagement.end.isoformat(),
            "location": engagement.location}


def _plan_dict(plan: Plan, warnings: tuple[str, ...]) -> dict[str, Any]:
    """A plan for machines: the solver's account, the engagements, the requests left out with
    their reasons, and the run's warnings (shared by ``plan --json`` and ``replan --json``)."""
    solver = plan.solver
    return {
        "tour": plan.problem.tour.id,
        "status": solver.status,
        "proven_optimal": solver.status == "optimal",
        "value_served": solver.value_served,
        "value_total": solver.value_total,
        "objective": solver.objective,
        "bound": solver.bound,
        "gap": solver.gap,
        "seconds": solver.seconds,
        "stopped_by": solver.stopped_by,
        "engagements": [{"request": e.request_id, "title": plan.problem.request(e.request_id).title,
                         **_slot(e)} for e in plan.engagements],
        "unscheduled": [{"request": u.request_id, "code": u.code, "reason": u.reason}
                        for u in plan.unscheduled],
        "warnings": list(warnings),
    }
