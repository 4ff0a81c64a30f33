"""What fitting a request would cost: the plan's problem solved again with it made mandatory."""

from __future__ import annotations

import logging
from dataclasses import replace

from ..domain import Plan, Problem, utc
from ..errors import InfeasibleError
from ..model.cpmodel import ChangeCosts
from ..solve import Baseline, SolveParams, solve
from ..window_fit import TourMinutes
from .conflicts import diagnose_infeasible
from .records import Change, Conflict, WhatIf

__all__ = ["TIE_BREAK_COSTS", "current_placements", "what_if_mandatory"]

log = logging.getLogger(__name__)

TIE_BREAK_COSTS = ChangeCosts(shift=1, move_day=1, drop=0)
"""What a what-if pays per engagement it moves, in objective units: one unit, a thousandth of
a value point with the default weights, so it only breaks ties between equally good agendas in
favour of the current one (and never costs value); dropping is not priced, so the value
reported is the best the engine can serve."""


def current_placements(problem: Problem, plan: Plan) -> dict[str, tuple]:
    """The agenda of ``plan`` as placements by (tour day, start) for hints and the previous
    agenda; in a delegation each names its guest (a joint one its first guest, whose day
    holds it in the model)."""
    grid_facts = TourMinutes(problem)
    out: dict[str, tuple] = {}
    for e in plan.engagements:
        if e.day not in grid_facts.day_index:
            continue
        placement: tuple = (grid_facts.day_index[e.day], grid_facts.minute(e.start))
        if e.guests:
            request = problem.request(e.request_id)
            placement += (request.guests[0] if request.joint else e.guests[0],)
        out[e.request_id] = placement
    return out


def plan_changes(problem: Problem, before: Plan, after: Plan
                 ) -> tuple[tuple[Change, ...], tuple[Change, ...], tuple[Change, ...]]:
    """What a what-if's agenda changes against the plan: the requests it serves that the plan
    did not, those it drops, and those it moves (another start or day), in agenda order."""
    old = {e.request_id: e for e in before.engagements}
    new = {e.request_id: e for e in after.engagements}

    def change(rid: str) -> Change:
        request = problem.request(rid)
        was, now = old.get(rid), new.get(rid)
        return Change(rid, request.title, request.value, (was.start, was.end) if was else None,
                      (now.start, now.end) if now else None)

    joined = tuple(change(rid) for rid in new if rid not in old)
    dropped = tuple(change(rid) for rid in old if rid not in new)
    moved = tuple(change(rid) for rid in old if rid in new and (
        utc(old[rid].start) != utc(new[rid].start) or old[rid].day != new[rid].day))
    return joined, dropped, moved


def what_if_mandatory(plan: Plan, request_id: str, params: SolveParams | None = None) -> WhatIf:
    """The best agenda with ``request_id`` made mandatory, compared with ``plan``'s.

    The plan's own problem is solved again by :func:`scheduler.solve.solve` with the request
    made mandatory (``dataclasses.replace``), the current agenda as hints, and
    :data:`TIE_BREAK_COSTS` so that among equally good agendas the current one wins (only
    moves that serve value, or save travel or time, are shown).

    Parameters
    ----------
    plan
        The current plan.
    request_id
        The request to force in.
    params
        Time limit, seed and workers (hints and costs are set here).

    Returns
    -------
    WhatIf
        Where it would go and what would drop or move, with the value lost or gained; or,
        when it cannot fit even then, the conflict.

    Raises
    ------
    KeyError
        When the plan has no such request.
    """
    problem = plan.problem
    request = problem.request(request_id)
    forced = replace(problem, requests=tuple(replace(r, mandatory=True) if r.id == request_id else r
                                             for r in problem.requests))
    current = current_placements(problem, plan)
    params = params or SolveParams()
    trial = replace(params, on_progress=None)
    baseline = Baseline(hints=current, previous=current, change_costs=TIE_BREAK_COSTS)
    try:
        result = solve(forced, trial, baseline, created=plan.created)
    except InfeasibleError as error:
        conflict = diagnose_infeasible(forced, params, request_ids=error.request_ids or None)
        if conflict is None:
            conflict = Conflict((request_id,), (), str(error), tuple(error.conflicts))
        return WhatIf(request_id, False, None, (), (), (), plan.value_served, None, None, conflict)
    new_plan = result.plan
    if new_plan is None:  # solve returns a plan or raises; kept for the type checker
        raise InfeasibleError(f"no agenda with {request_id} made mandatory")
    joined, dropped, moved = plan_changes(problem, plan, new_plan)
    placed = next((c for c in joined + moved if c.request_id == request_id), None)
    if placed is None and new_plan.engagement(request_id) is not None:  # served and unmoved
        engagement = new_plan.engagement(request_id)
        placed = Change(request_id, request.title, request.value, (engagement.start, engagement.end),
                        (engagement.start, engagement.end))
    added = tuple(c for c in joined if c.request_id != request_id)
    log.info("what-if %s: %s", request.id, result.summary())
    return WhatIf(request_id, placed is not None, placed, dropped, moved, added,
                  plan.value_served, new_plan.value_served, result.status, None, new_plan)
