"""``scheduler explain``'s answer: why a request is, or is not, in the agenda of a plan."""

from __future__ import annotations

from ..domain import Plan
from ..solve import SolveParams
from ..window_fit import TourMinutes
from .placement import placement_of
from .records import Explanation
from .what_if import what_if_mandatory
from .what_if_resource import what_if_resource
from .windows import window_reports

__all__ = ["explain_request"]


def explain_request(plan: Plan, request_id: str, *, what_if: bool = True,
                    params: SolveParams | None = None, add_resource: str | None = None) -> Explanation:
    """Why ``request_id`` is, or is not, in the agenda of ``plan``.

    Parameters
    ----------
    plan
        A solved plan (it holds its whole problem).
    request_id
        The request to explain.
    what_if
        For a request left out, also solve the plan's problem with it made mandatory
        (:func:`what_if_mandatory`); this runs the solver.
    params
        Time limit, seed and workers of that solve.
    add_resource
        A resource id: instead of the what-if above, solve with a second resource like it
        (:func:`~scheduler.diagnose.what_if_resource.what_if_resource`) and say what it gains.

    Returns
    -------
    Explanation
        For a request left out: its windows against the tour's days and hours, what occupies
        that time in the agenda and whether travel makes it unreachable, and the what-if. For
        a scheduled one: the window, the neighbours with their travel, the meal, the hours.

    Raises
    ------
    KeyError
        When the plan has no request ``request_id`` (or no resource ``add_resource``).
    """
    problem = plan.problem
    request = problem.request(request_id)
    facts = TourMinutes(problem)
    engagement = plan.engagement(request_id)
    unscheduled = next((u for u in plan.unscheduled if u.request_id == request_id), None)
    windows = window_reports(facts, request, plan)
    placement = placement_of(facts, plan, request, engagement) if engagement is not None else None
    trial = second = None
    if add_resource is not None:
        second = what_if_resource(plan, add_resource, request_id, params)
    elif engagement is None and what_if:
        trial = what_if_mandatory(plan, request_id, params)
    return Explanation(
        request_id=request.id, title=request.title, value=request.value,
        duration_minutes=request.duration_minutes, mandatory=request.mandatory,
        place=facts.place_name(request.location_id, request.remote),
        scheduled=engagement is not None,
        code=unscheduled.code if unscheduled else None,
        reason=unscheduled.reason if unscheduled else None,
        windows=windows, placement=placement, what_if=trial, resource_what_if=second)
