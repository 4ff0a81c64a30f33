"""The use case of ``explain``: why a request is, or is not, in a plan's agenda."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..diagnose import Explanation, explain_request
from ..domain import Plan
from ..formatting import when
from ..io.issues import printable
from ..suggest import did_you_mean
from ..solve import SolveParams
from .plans import load_plan

_IDS_SHOWN = 12


def unknown_request_message(plan: Plan, request_id: str, source: str) -> str | None:
    """A message for a request id the plan does not have (with a suggestion), else None."""
    ids = [request.id for request in plan.problem.requests]
    if request_id in ids:
        return None
    withdrawn = _withdrawn(plan, request_id)
    if withdrawn is not None:
        return f"{source} has no request `{request_id}`: {withdrawn}"
    shown = ", ".join(ids[:_IDS_SHOWN]) + (", ..." if len(ids) > _IDS_SHOWN else "")
    # The id comes from the command line or a form: shown escaped and cut, it cannot drive
    # the terminal or flood the message.
    written = printable(request_id if len(request_id) <= 80 else request_id[:80] + "…")
    return (f"{source} has no request `{written}`{did_you_mean(request_id, ids)}; "
            f"its requests are: {shown}")


def _withdrawn(plan: Plan, request_id: str) -> str | None:
    """What became of a request its counterpart withdrew in a re-plan (it then leaves the
    plan, and a team asking why it is missing deserves that answer), else None."""
    zone = plan.problem.tour.zone
    for entry in reversed(plan.history):
        for record in (entry.get("diff") or {}).get("dropped", []):
            if record.get("request_id") == request_id and record.get("cancelled"):
                slot = when(datetime.fromisoformat(record["start"]), datetime.fromisoformat(record["end"]), zone)
                return (f"its counterpart cancelled it in version {entry.get('version')} "
                        f"(re-planned from {when(datetime.fromisoformat(entry['now']), None, zone)}), "
                        f"which dropped its slot {slot}; a cancelled request leaves the plan "
                        f"(the version's changes.md lists it)")
    return None


def unknown_resource_message(plan: Plan, resource_id: str, source: str) -> str | None:
    """A message for a resource id the plan does not have (with a suggestion), else None."""
    ids = [resource.id for resource in plan.problem.resources]
    if resource_id in ids:
        return None
    known = f"its resources are: {', '.join(ids)}" if ids else "it has no shared resources"
    return f"{source} has no resource `{resource_id}`{did_you_mean(resource_id, ids)}; {known}"


def explain_request_in(plan: Plan | str | Path, request_id: str, *, what_if: bool = True,
                       params: SolveParams | None = None, add_resource: str | None = None
                       ) -> Explanation:
    """Explain ``request_id`` in a plan (or a plan file); nothing is written.

    ``add_resource`` names a resource: the what-if then adds a second one like it (the id
    ``<id>-2``) and says what the agenda would gain.

    Raises
    ------
    PlanFileError
        The plan file cannot be read or breaks a rule.
    KeyError
        The plan has no such request or resource (see :func:`unknown_request_message`,
        :func:`unknown_resource_message`).
    """
    if not isinstance(plan, Plan):
        plan = load_plan(plan)
    return explain_request(plan, request_id, what_if=what_if, params=params or SolveParams(),
                           add_resource=add_resource)
