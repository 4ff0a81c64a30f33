"""What a second resource would gain: the plan's problem solved again with a copy of one resource."""

from __future__ import annotations

import logging
from dataclasses import replace

from ..domain import Plan
from ..solve import Baseline, SolveParams, solve
from .records import ResourceWhatIf
from .what_if import TIE_BREAK_COSTS, current_placements, plan_changes

__all__ = ["second_resource_id", "what_if_resource"]

log = logging.getLogger(__name__)


def second_resource_id(plan: Plan, resource_id: str) -> str:
    """The id of the copy: ``<id>-2`` (``-3`` and on when that id is taken)."""
    taken = {resource.id for resource in plan.problem.resources}
    number = 2
    while f"{resource_id}-{number}" in taken:
        number += 1
    return f"{resource_id}-{number}"


def what_if_resource(plan: Plan, resource_id: str, request_id: str | None = None,
                     params: SolveParams | None = None) -> ResourceWhatIf:
    """The best agenda with a second resource like ``resource_id``, against ``plan``'s.

    The copy has the same kind, hours, travel and place, and the id
    :func:`second_resource_id` gives; a request that needs the kind (``kind:interpreter``)
    may take either, one that names the resource itself still needs that one. The plan's
    problem is solved again through :func:`scheduler.solve.solve`, the current agenda as hints
    and :data:`~scheduler.diagnose.what_if.TIE_BREAK_COSTS`, so only changes that serve more
    value (or save travel and time) are shown.

    Parameters
    ----------
    plan
        The current plan.
    resource_id
        The resource to have twice.
    request_id
        The request being explained: the answer says whether it would be served.
    params
        Time limit, seed and workers.

    Returns
    -------
    ResourceWhatIf
        The requests newly served, dropped and moved, what the copy would take, and the value.

    Raises
    ------
    KeyError
        When the plan has no such resource.
    """
    problem = plan.problem
    resource = problem.resource(resource_id)
    copy = replace(resource, id=second_resource_id(plan, resource_id), name=f"{resource.label} (second)")
    richer = replace(problem, resources=problem.resources + (copy,))
    current = current_placements(problem, plan)
    trial = replace(params or SolveParams(), on_progress=None)
    result = solve(richer, trial, Baseline(hints=current, previous=current, change_costs=TIE_BREAK_COSTS),
                   created=plan.created)
    new_plan = result.plan
    served, dropped, moved = plan_changes(problem, plan, new_plan)
    uses = tuple(e.request_id for e in new_plan.engagements if copy.id in e.resources)
    log.info("what-if second %s: %s", resource_id, result.summary())
    return ResourceWhatIf(resource_id, copy.id, copy.label, request_id,
                          request_id is not None and new_plan.engagement(request_id) is not None, served, dropped, moved, uses,
                          plan.value_served, new_plan.value_served, result.status, new_plan)
